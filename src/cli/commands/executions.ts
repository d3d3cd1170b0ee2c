import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { jsonValue, one } from "../args.js";
import { nounCommand } from "./verbs.js";

type Execution = {
  executionArn: string;
  name: string;
  status: string;
  startDate: string;
  stopDate?: string;
  output?: unknown;
  error?: string;
  cause?: string;
};

const summary = (e: Execution) => `${e.status}\t${e.name}\t${e.startDate}\t${e.executionArn}`;
const path = (arn: string) => `/v1/executions/${encodeURIComponent(arn)}`;

function detail(e: Execution): string {
  const lines = [summary(e)];
  if (e.output !== undefined) lines.push(`output: ${JSON.stringify(e.output)}`);
  if (e.error !== undefined) lines.push(`error: ${e.error}`);
  if (e.cause !== undefined) lines.push(`cause: ${e.cause}`);
  return lines.join("\n");
}

/** `opsflow executions ...` */
export const executionsCommand = nounCommand(
  "executions",
  "Start, describe, list, stop and redrive executions; read their history",
  {
    start: {
      summary: "Start an execution of a state machine",
      usage: `Usage: opsflow executions start STATE_MACHINE [--input JSON|@FILE] [--name NAME]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, input: { type: "string" }, name: { type: "string" } },
        });
        const machine = one(positionals, "state machine NAME");
        const input = values.input === undefined ? {} : jsonValue("--input", values.input);
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            `/v1/state-machines/${encodeURIComponent(machine)}/executions`,
            { input, ...(values.name && { name: values.name }) },
          )) as Execution;
          return { result, human: result.executionArn };
        });
      },
    },
    describe: {
      summary: "Show an execution's status, output or error",
      usage: `Usage: opsflow executions describe EXECUTION_ARN\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: connectionOptions,
        });
        const arn = one(positionals, "EXECUTION_ARN");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "GET", path(arn))) as Execution;
          return { result, human: detail(result) };
        });
      },
    },
    list: {
      summary: "List a state machine's executions, newest first",
      usage: `Usage: opsflow executions list STATE_MACHINE [--status STATUS] [--limit N] [--next-token T]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            status: { type: "string" },
            limit: { type: "string" },
            "next-token": { type: "string" },
          },
        });
        const machine = one(positionals, "state machine NAME");
        const query = new URLSearchParams({
          ...(values.status && { status: values.status.toUpperCase() }),
          ...(values.limit && { limit: values.limit }),
          ...(values["next-token"] && { nextToken: values["next-token"] }),
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/state-machines/${encodeURIComponent(machine)}/executions?${query}`,
          )) as { items: Execution[]; nextToken?: string };
          const lines = result.items.map(summary);
          if (result.nextToken) lines.push(`(more: --next-token ${result.nextToken})`);
          return { result, human: lines.join("\n") };
        });
      },
    },
    history: {
      summary: "Print an execution's event history",
      usage: `Usage: opsflow executions history EXECUTION_ARN [--reverse] [--limit N] [--next-token T]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            reverse: { type: "boolean", default: false },
            limit: { type: "string" },
            "next-token": { type: "string" },
          },
        });
        const arn = one(positionals, "EXECUTION_ARN");
        const query = new URLSearchParams({
          limit: values.limit ?? "1000",
          ...(values.reverse && { reverse: "true" }),
          ...(values["next-token"] && { nextToken: values["next-token"] }),
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `${path(arn)}/history?${query}`,
          )) as {
            items: { id: number; timestamp: string; type: string; details?: { name?: string } }[];
          };
          return {
            result,
            human: result.items
              .map(
                (e) =>
                  `${String(e.id).padStart(4)}  ${e.timestamp}  ${e.type}${e.details?.name ? `  ${e.details.name}` : ""}`,
              )
              .join("\n"),
          };
        });
      },
    },
    stop: {
      summary: "Stop a running execution",
      usage: `Usage: opsflow executions stop EXECUTION_ARN [--error E] [--cause C]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, error: { type: "string" }, cause: { type: "string" } },
        });
        const arn = one(positionals, "EXECUTION_ARN");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "POST", `${path(arn)}/stop`, {
            ...(values.error && { error: values.error }),
            ...(values.cause && { cause: values.cause }),
          })) as Execution;
          return { result, human: detail(result) };
        });
      },
    },
    redrive: {
      summary: "Redrive a failed, timed-out or aborted execution from where it stopped",
      usage: `Usage: opsflow executions redrive EXECUTION_ARN\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: connectionOptions,
        });
        const arn = one(positionals, "EXECUTION_ARN");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            `${path(arn)}/redrive`,
          )) as Execution;
          return { result, human: detail(result) };
        });
      },
    },
  },
);
