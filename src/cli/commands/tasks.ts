import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { jsonValue, one } from "../args.js";
import { nounCommand } from "./verbs.js";

const token = (positionals: string[]) => encodeURIComponent(one(positionals, "TASK_TOKEN"));

/** `opsflow tasks ...`: answer callback tasks by token. */
export const tasksCommand = nounCommand(
  "tasks",
  "Answer waiting tasks by token: success, failure, heartbeat",
  {
    "send-success": {
      summary: "Complete a task with JSON output",
      usage: `Usage: opsflow tasks send-success TASK_TOKEN --output JSON\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, output: { type: "string", default: "{}" } },
        });
        const output = jsonValue("--output", values.output ?? "{}");
        return runVerb(io, values.json ?? false, async () => {
          await call(connectionFrom(values), "POST", `/v1/tasks/${token(positionals)}/success`, {
            output,
          });
          return { result: { sent: "success" }, human: "" };
        });
      },
    },
    "send-failure": {
      summary: "Fail a task with an error name and cause",
      usage: `Usage: opsflow tasks send-failure TASK_TOKEN [--error E] [--cause C]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, error: { type: "string" }, cause: { type: "string" } },
        });
        return runVerb(io, values.json ?? false, async () => {
          await call(connectionFrom(values), "POST", `/v1/tasks/${token(positionals)}/failure`, {
            ...(values.error && { error: values.error }),
            ...(values.cause && { cause: values.cause }),
          });
          return { result: { sent: "failure" }, human: "" };
        });
      },
    },
    "send-heartbeat": {
      summary: "Tell the engine a task is still working",
      usage: `Usage: opsflow tasks send-heartbeat TASK_TOKEN\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: connectionOptions,
        });
        return runVerb(io, values.json ?? false, async () => {
          await call(connectionFrom(values), "POST", `/v1/tasks/${token(positionals)}/heartbeat`);
          return { result: { sent: "heartbeat" }, human: "" };
        });
      },
    },
  },
);
