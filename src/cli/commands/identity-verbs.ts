/**
 * A compact way to write API verbs that take positional arguments and a few options: parse,
 * check the count, call, print. Used by the identity commands (users, keys, tokens, audit).
 */
import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { UsageError } from "../command.js";
import type { Verb } from "./verbs.js";

/** A verb's definition. */
export interface ApiVerbSpec {
  summary: string;
  /** Positional argument names, e.g. `["USER", "ID"]`. */
  args: string[];
  /** Extra string options, name → help line. */
  options?: Record<string, string>;
  /** The request to make. */
  request(
    args: string[],
    options: Record<string, string | undefined>,
  ): { method: string; path: string; body?: unknown };
  /** The human-readable output. */
  human(result: unknown, args: string[]): string;
}

/** Builds a verb from its spec. */
export function apiVerb(noun: string, name: string, spec: ApiVerbSpec): Verb {
  const optionHelp = Object.entries(spec.options ?? {})
    .map(([option, help]) => `  --${option.padEnd(15)}  ${help}\n`)
    .join("");
  return {
    summary: spec.summary,
    usage: `Usage: opsflow ${noun} ${name} ${spec.args.join(" ")}\n\n${spec.summary}.\n\n${optionHelp}${connectionHelp}`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          ...connectionOptions,
          ...Object.fromEntries(
            Object.keys(spec.options ?? {}).map((option) => [option, { type: "string" as const }]),
          ),
        },
      });
      if (positionals.length !== spec.args.length)
        throw new UsageError(
          spec.args.length === 0 ? "no arguments expected" : `expected ${spec.args.join(" ")}`,
        );
      const options = values as unknown as Record<string, string | undefined>;
      const request = spec.request(positionals, options);
      return runVerb(io, Boolean(values.json), async () => {
        const result = await call(
          connectionFrom(values),
          request.method,
          request.path,
          request.body,
        );
        return { result, human: spec.human(result, positionals) };
      });
    },
  };
}

/** A path segment, encoded. */
export const seg = (value: string) => encodeURIComponent(value);

/** Lines of tab-separated columns. */
export const table = (rows: unknown[][]) =>
  rows.map((row) => row.map((c) => c ?? "-").join("\t")).join("\n");
