/**
 * SendCommand's request members (PascalCase, as the SDK sends them and as a workflow task's
 * Parameters write them) read into the command service's request, with located errors.
 */
import type { Json } from "../../asl/json.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import type { SendCommandRequest } from "../commands.js";

type Members = Record<string, Json>;

/** The request, or a TaskFailure named `error` saying which member is wrong. */
export function sendCommandRequest(parameters: Json, error: string): SendCommandRequest {
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
    throw new TaskFailure(
      error,
      "Parameters must be an object with SendCommand's members (DocumentName, InstanceIds or Targets, ...).",
    );
  const p = parameters as Members;
  const fail = (member: string, expected: string): never => {
    throw new TaskFailure(error, `Parameters.${member} must be ${expected}.`);
  };
  const text = (member: string): string | undefined => {
    const value = p[member];
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : fail(member, "a string");
  };
  const texts = (member: string): string[] | undefined => {
    const value = p[member];
    if (value === undefined) return undefined;
    return Array.isArray(value) && value.every((v) => typeof v === "string")
      ? (value as string[])
      : fail(member, "a list of strings");
  };
  const documentName =
    text("DocumentName") ?? fail("DocumentName", "the name of a Command document");
  const request: SendCommandRequest = { documentName };
  const set = <K extends keyof SendCommandRequest>(
    key: K,
    value: SendCommandRequest[K] | undefined,
  ) => {
    if (value !== undefined) request[key] = value;
  };
  set("documentVersion", text("DocumentVersion"));
  set("instanceIds", texts("InstanceIds"));
  set("comment", text("Comment"));
  set("maxConcurrency", text("MaxConcurrency"));
  set("maxErrors", text("MaxErrors"));
  set("serviceRoleArn", text("ServiceRoleArn"));
  const timeout = p.TimeoutSeconds;
  if (timeout !== undefined)
    set(
      "timeoutSeconds",
      typeof timeout === "number" ? timeout : fail("TimeoutSeconds", "a number"),
    );
  const targets = p.Targets;
  if (targets !== undefined) {
    if (!Array.isArray(targets)) fail("Targets", "a list of {Key, Values}");
    request.targets = (targets as Json[]).map((t, i) => {
      const target = t as Members;
      const values = target?.Values;
      if (
        typeof target?.Key !== "string" ||
        !Array.isArray(values) ||
        !values.every((v) => typeof v === "string")
      )
        fail(`Targets[${i}]`, "{Key: string, Values: [string]}");
      return { Key: target.Key as string, Values: values as string[] };
    });
  }
  const given = p.Parameters;
  if (given !== undefined) {
    if (typeof given !== "object" || given === null || Array.isArray(given))
      fail("Parameters", "a map of lists of strings");
    const parameters: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(given as Members)) {
      // A workflow may give a single string where SSM takes a list of one.
      if (typeof value === "string") parameters[name] = [value];
      else if (Array.isArray(value) && value.every((v) => typeof v === "string"))
        parameters[name] = value as string[];
      else fail(`Parameters.${name}`, "a string or a list of strings");
    }
    request.parameters = parameters;
  }
  return request;
}
