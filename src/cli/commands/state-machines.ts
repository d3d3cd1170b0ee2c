import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { nounCommand } from "./verbs.js";

type Machine = {
  name: string;
  stateMachineArn: string;
  type: string;
  creationDate: string;
  definition?: string;
};

function definitionOf(path: string | undefined): string {
  if (!path) throw new UsageError("--definition FILE is required");
  return readFileSync(path === "-" ? 0 : path, "utf8");
}

function substitutions(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new UsageError(`--substitute takes NAME=VALUE, not '${pair}'`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const describe = (m: Machine) => `${m.name}\t${m.type}\t${m.stateMachineArn}`;

/** `opsflow state-machines ...` */
export const stateMachinesCommand = nounCommand(
  "state-machines",
  "Create, update, list, describe and delete state machines",
  {
    create: {
      summary: "Create a state machine from a JSON or YAML definition",
      usage: `Usage: opsflow state-machines create NAME --definition FILE [--type STANDARD|EXPRESS] [--substitute NAME=VALUE ...]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            definition: { type: "string" },
            type: { type: "string" },
            substitute: { type: "string", multiple: true },
            "role-arn": { type: "string" },
          },
        });
        one(positionals, "state machine NAME");
        const body = {
          name: positionals[0],
          definition: definitionOf(values.definition),
          ...(values.type && { type: values.type.toUpperCase() }),
          ...(values["role-arn"] && { roleArn: values["role-arn"] }),
          ...(substitutions(values.substitute) && {
            definitionSubstitutions: substitutions(values.substitute),
          }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            "/v1/state-machines",
            body,
          )) as Machine;
          return { result, human: result.stateMachineArn };
        });
      },
    },
    update: {
      summary: "Replace a state machine's definition",
      usage: `Usage: opsflow state-machines update NAME --definition FILE [--substitute NAME=VALUE ...]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            definition: { type: "string" },
            substitute: { type: "string", multiple: true },
          },
        });
        one(positionals, "state machine NAME");
        const body = {
          definition: definitionOf(values.definition),
          ...(substitutions(values.substitute) && {
            definitionSubstitutions: substitutions(values.substitute),
          }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "PUT",
            `/v1/state-machines/${encodeURIComponent(positionals[0])}`,
            body,
          )) as Machine;
          return { result, human: `updated ${result.stateMachineArn}` };
        });
      },
    },
    list: {
      summary: "List state machines",
      usage: `Usage: opsflow state-machines list [--limit N] [--next-token T]\n\n${connectionHelp}`,
      async run(args, io) {
        const { values } = parseArgs({
          args,
          options: {
            ...connectionOptions,
            limit: { type: "string" },
            "next-token": { type: "string" },
          },
        });
        const query = new URLSearchParams({
          ...(values.limit && { limit: values.limit }),
          ...(values["next-token"] && { nextToken: values["next-token"] }),
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/state-machines?${query}`,
          )) as { items: Machine[]; nextToken?: string };
          const lines = result.items.map(describe);
          if (result.nextToken) lines.push(`(more: --next-token ${result.nextToken})`);
          return { result, human: lines.join("\n") };
        });
      },
    },
    describe: {
      summary: "Show a state machine and its definition",
      usage: `Usage: opsflow state-machines describe NAME\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: connectionOptions,
        });
        one(positionals, "state machine NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/state-machines/${encodeURIComponent(positionals[0])}`,
          )) as Machine;
          return {
            result,
            human: `${describe(result)}\n${JSON.stringify(JSON.parse(result.definition ?? "{}"), null, 2)}`,
          };
        });
      },
    },
    delete: {
      summary: "Delete a state machine (running executions finish)",
      usage: `Usage: opsflow state-machines delete NAME\n\n${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: connectionOptions,
        });
        one(positionals, "state machine NAME");
        return runVerb(io, values.json ?? false, async () => {
          await call(
            connectionFrom(values),
            "DELETE",
            `/v1/state-machines/${encodeURIComponent(positionals[0])}`,
          );
          return { result: { deleted: positionals[0] }, human: `deleted ${positionals[0]}` };
        });
      },
    },
  },
);
