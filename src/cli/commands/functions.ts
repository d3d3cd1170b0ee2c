import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { jsonValue, one } from "../args.js";
import { UsageError } from "../command.js";
import { nounCommand } from "./verbs.js";

/** Every file under `dir`, relative path → base64 content. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path).toString("base64");
    }
  };
  walk(dir);
  return files;
}

/** `opsflow functions ...` */
export const functionsCommand = nounCommand(
  "functions",
  "Deploy, list and invoke functions (Node.js and Python handlers)",
  {
    deploy: {
      summary: "Deploy a directory as a new version of a function",
      usage: `Usage: opsflow functions deploy NAME --dir DIR --runtime nodejs|python [--handler FILE.EXPORT] [--timeout S] [--memory MB]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            dir: { type: "string" },
            runtime: { type: "string" },
            handler: { type: "string" },
            timeout: { type: "string" },
            memory: { type: "string" },
          },
        });
        one(positionals, "function NAME");
        if (!values.dir) throw new UsageError("--dir DIR is required");
        if (values.runtime !== "nodejs" && values.runtime !== "python")
          throw new UsageError("--runtime must be nodejs or python");
        const body = {
          name: positionals[0],
          runtime: values.runtime,
          files: filesOf(values.dir),
          ...(values.handler && { handler: values.handler }),
          ...(values.timeout && { timeoutSeconds: Number(values.timeout) }),
          ...(values.memory && { memoryMb: Number(values.memory) }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "POST", "/v1/functions", body)) as {
            name: string;
            version: number;
          };
          return { result, human: `deployed ${result.name} version ${result.version}` };
        });
      },
    },
    list: {
      summary: "List deployed functions",
      usage: `Usage: opsflow functions list\n\n${connectionHelp}`,
      async run(args, io) {
        const { values } = parseArgs({ args, options: connectionOptions });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "GET", "/v1/functions")) as {
            items: { name: string; version: number; runtime: string }[];
          };
          return {
            result,
            human: result.items
              .map((f) => `${f.name}\t${f.runtime}\tversion ${f.version}`)
              .join("\n"),
          };
        });
      },
    },
    invoke: {
      summary: "Invoke a function with an event and print its result",
      usage: `Usage: opsflow functions invoke NAME [--event JSON]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, event: { type: "string", default: "{}" } },
        });
        one(positionals, "function NAME");
        const event = jsonValue("--event", values.event ?? "{}");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            `/v1/functions/${encodeURIComponent(positionals[0])}/invoke`,
            event,
          )) as { payload: unknown };
          return { result, human: JSON.stringify(result.payload) };
        });
      },
    },
  },
);
