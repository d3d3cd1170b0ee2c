import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { ExitCode, UsageError } from "../command.js";
import { busHelp, busOption, busQuery, jsonText, one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Target = { Id: string; Arn: string };
type Failed = { targetId: string; errorCode: string; errorMessage: string };
const path = (rule: string) => `/v1/rules/${encodeURIComponent(rule)}/targets`;

/** `opsflow targets ...` */
export const targetsCommand = nounCommand("targets", "Targets of event rules: put, list, remove", {
  put: {
    summary: "Add or replace a rule's target",
    usage: `Usage: opsflow targets put RULE --id ID --arn ARN [--input JSON | --input-path PATH | --transformer JSON|@FILE]
       [--max-retries N] [--max-age SECONDS] [--dead-letter-arn ARN] [--bus NAME]
  opsflow targets put RULE --targets JSON|@FILE   (EventBridge Target objects, as an array)

--transformer is an InputTransformer: {"InputPathsMap": {...}, "InputTemplate": "..."}.
Targets the bus refuses are printed with their reason (exit 1); the others are stored.

${busHelp}${connectionHelp}`,
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...connectionOptions,
          ...busOption,
          id: { type: "string" },
          arn: { type: "string" },
          input: { type: "string" },
          "input-path": { type: "string" },
          transformer: { type: "string" },
          "max-retries": { type: "string" },
          "max-age": { type: "string" },
          "dead-letter-arn": { type: "string" },
          targets: { type: "string" },
        },
      });
      const rule = one(positionals, "RULE name");
      let targets: unknown[];
      if (values.targets !== undefined) {
        targets = JSON.parse(jsonText("--targets", values.targets)) as unknown[];
        if (!Array.isArray(targets)) throw new UsageError("--targets must be a JSON array");
      } else {
        if (!values.id || !values.arn) throw new UsageError("--id and --arn are required");
        const retry = {
          ...(values["max-retries"] && { MaximumRetryAttempts: Number(values["max-retries"]) }),
          ...(values["max-age"] && { MaximumEventAgeInSeconds: Number(values["max-age"]) }),
        };
        targets = [
          {
            Id: values.id,
            Arn: values.arn,
            ...(values.input !== undefined && { Input: jsonText("--input", values.input) }),
            ...(values["input-path"] !== undefined && { InputPath: values["input-path"] }),
            ...(values.transformer !== undefined && {
              InputTransformer: JSON.parse(jsonText("--transformer", values.transformer)),
            }),
            ...(Object.keys(retry).length > 0 && { RetryPolicy: retry }),
            ...(values["dead-letter-arn"] !== undefined && {
              DeadLetterConfig: { Arn: values["dead-letter-arn"] },
            }),
          },
        ];
      }
      let refused = false;
      const code = await runVerb(io, values.json ?? false, async () => {
        const result = (await call(connectionFrom(values), "PUT", path(rule), {
          ...(values.bus && { eventBusName: values.bus }),
          targets,
        })) as { items: Target[]; failedEntries?: Failed[] };
        const failed = result.failedEntries ?? [];
        refused = failed.length > 0;
        const lines = [
          ...result.items.map((t) => `${t.Id}\t${t.Arn}`),
          ...failed.map((f) => `refused ${f.targetId}: ${f.errorCode}: ${f.errorMessage}`),
        ];
        return { result, human: lines.join("\n") };
      });
      return refused && code === ExitCode.Ok ? ExitCode.Failed : code;
    },
  },
  list: {
    summary: "List a rule's targets",
    usage: `Usage: opsflow targets list RULE [--bus NAME]\n\n${busHelp}${connectionHelp}`,
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ...connectionOptions, ...busOption },
      });
      const rule = one(positionals, "RULE name");
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(
          connectionFrom(values),
          "GET",
          `${path(rule)}${busQuery(values.bus)}`,
        )) as { items: Target[] };
        return { result, human: result.items.map((t) => `${t.Id}\t${t.Arn}`).join("\n") };
      });
    },
  },
  remove: {
    summary: "Remove targets from a rule by Id",
    usage: `Usage: opsflow targets remove RULE ID... [--bus NAME]\n\n${busHelp}${connectionHelp}`,
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ...connectionOptions, ...busOption },
      });
      const [rule, ...ids] = positionals;
      if (!rule || ids.length === 0) throw new UsageError("expected the RULE name and target IDs");
      return runVerb(io, values.json ?? false, async () => {
        for (const id of ids)
          await call(
            connectionFrom(values),
            "DELETE",
            `${path(rule)}/${encodeURIComponent(id)}${busQuery(values.bus)}`,
          );
        return { result: { removed: ids }, human: "" };
      });
    },
  },
});
