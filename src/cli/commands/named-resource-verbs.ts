/**
 * The list, describe and delete verbs of REST resources addressed by name (archives,
 * replays, connections, API destinations): one shape, written once.
 */
import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { one } from "../args.js";
import type { Verb } from "./verbs.js";

type Item = Record<string, unknown>;

/** Parses a verb's flags (connection options included) and positionals. */
export function verbArgs<
  T extends Record<string, { type: "string" | "boolean"; default?: string | boolean }>,
>(argv: string[], options: T) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...connectionOptions, ...options },
  });
}

/** `NOUN list [--prefix P]`: one line per item with the given columns. */
export function listVerb(noun: string, path: string, columns: string[]): Verb {
  return {
    summary: `List ${noun}`,
    usage: `Usage: opsflow ${noun} list [--prefix P]\n\n${connectionHelp}`,
    async run(argv, io) {
      const { values } = verbArgs(argv, { prefix: { type: "string" } });
      const query = values.prefix ? `?prefix=${encodeURIComponent(values.prefix)}` : "";
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(connectionFrom(values), "GET", `${path}${query}`)) as {
          items: Item[];
        };
        const human = result.items
          .map((item) => columns.map((c) => String(item[c] ?? "")).join("\t"))
          .join("\n");
        return { result, human };
      });
    },
  };
}

/** `NOUN describe NAME`: the item as JSON. */
export function describeVerb(noun: string, what: string, path: string): Verb {
  return {
    summary: `Describe ${what}`,
    usage: `Usage: opsflow ${noun} describe NAME\n\n${connectionHelp}`,
    async run(argv, io) {
      const { values, positionals } = verbArgs(argv, {});
      const name = one(positionals, `${what} NAME`);
      return runVerb(io, values.json ?? false, async () => {
        const result = await call(
          connectionFrom(values),
          "GET",
          `${path}/${encodeURIComponent(name)}`,
        );
        return { result, human: JSON.stringify(result, null, 2) };
      });
    },
  };
}

/** `NOUN delete NAME`. */
export function deleteVerb(noun: string, what: string, path: string): Verb {
  return {
    summary: `Delete ${what}`,
    usage: `Usage: opsflow ${noun} delete NAME\n\n${connectionHelp}`,
    async run(argv, io) {
      const { values, positionals } = verbArgs(argv, {});
      const name = one(positionals, `${what} NAME`);
      return runVerb(io, values.json ?? false, async () => {
        await call(connectionFrom(values), "DELETE", `${path}/${encodeURIComponent(name)}`);
        return { result: { deleted: name }, human: "" };
      });
    },
  };
}
