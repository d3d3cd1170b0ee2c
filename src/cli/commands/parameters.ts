/**
 * `opsflow parameters put|get|list|delete|history`: parameters over the REST API. A
 * SecureString's value is printed only with --with-decryption (and only when the caller may
 * decrypt it, `ssm:DecryptParameter`); otherwise it shows as `***`. Values can come from a
 * file (`--value-file`, `-` for stdin) so secrets stay out of shell history and `ps`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { UsageError } from "../command.js";
import { one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Parameter = {
  name: string;
  type: string;
  value: string;
  version: number;
  lastModified: string;
  lastModifiedUser: string;
};

const path = (name: string, rest = "") => `/v1/parameters/${encodeURIComponent(name)}${rest}`;
const line = (p: Parameter) => `${p.name}\t${p.type}\tv${p.version}\t${p.value}`;
const decryption = { "with-decryption": { type: "boolean" as const, default: false } };
const query = (entries: Record<string, string | undefined>) => {
  const text = new URLSearchParams(
    Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return text ? `?${text}` : "";
};

/** The value from --value or --value-file (`-` reads stdin); exactly one of them. */
function valueFrom(values: { value?: string; "value-file"?: string }): string {
  if ((values.value === undefined) === (values["value-file"] === undefined))
    throw new UsageError("give the value with exactly one of --value or --value-file");
  if (values.value !== undefined) return values.value;
  const file = values["value-file"] as string;
  // A trailing newline from `echo` or an editor is not part of the value.
  return readFileSync(file === "-" ? 0 : file, "utf8").replace(/\r?\n$/, "");
}

/** `opsflow parameters ...`: named, versioned parameters (Parameter Store's model). */
export const parametersCommand = nounCommand(
  "parameters",
  "Parameters and secrets: put, get, list, delete, history",
  {
    put: {
      summary: "Create a parameter, or a new version with --overwrite",
      usage: `Usage: opsflow parameters put NAME (--value TEXT | --value-file FILE|-) [--type String|StringList|SecureString] [--overwrite] [--description TEXT] [--allowed-pattern REGEX] [--key-id ID] [--tier Standard|Advanced]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parseArgs({
          args: argv,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            value: { type: "string" },
            "value-file": { type: "string" },
            type: { type: "string" },
            overwrite: { type: "boolean", default: false },
            description: { type: "string" },
            "allowed-pattern": { type: "string" },
            "key-id": { type: "string" },
            tier: { type: "string" },
          },
        });
        const name = one(positionals, "parameter NAME");
        const body = {
          value: valueFrom(values),
          ...(values.type !== undefined && { type: values.type }),
          ...(values.overwrite && { overwrite: true }),
          ...(values.description !== undefined && { description: values.description }),
          ...(values["allowed-pattern"] !== undefined && {
            allowedPattern: values["allowed-pattern"],
          }),
          ...(values["key-id"] !== undefined && { keyId: values["key-id"] }),
          ...(values.tier !== undefined && { tier: values.tier }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "PUT", path(name), body)) as {
            name: string;
            version: number;
          };
          return { result, human: `${result.name}\tv${result.version}` };
        });
      },
    },
    get: {
      summary: "Show a parameter (a SecureString in clear only with --with-decryption)",
      usage: `Usage: opsflow parameters get NAME[:VERSION] [--with-decryption] [--value-only]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parseArgs({
          args: argv,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            ...decryption,
            "value-only": { type: "boolean", default: false },
          },
        });
        const selector = one(positionals, "parameter NAME");
        const version = /:(\d+)$/.exec(selector)?.[1];
        const name = version === undefined ? selector : selector.slice(0, -version.length - 1);
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            path(
              name,
              query({ version, withDecryption: values["with-decryption"] ? "true" : undefined }),
            ),
          )) as Parameter;
          return { result, human: values["value-only"] ? result.value : line(result) };
        });
      },
    },
    list: {
      summary: "List parameters (under --path; SecureString values show as ***)",
      usage: `Usage: opsflow parameters list [--path /a/b] [--recursive] [--type String|StringList|SecureString]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = parseArgs({
          args: argv,
          options: {
            ...connectionOptions,
            path: { type: "string" },
            recursive: { type: "boolean", default: false },
            type: { type: "string" },
          },
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/parameters${query({
              path: values.path,
              recursive: values.recursive ? "true" : undefined,
              type: values.type,
            })}`,
          )) as { items: Parameter[] };
          return { result, human: result.items.map(line).join("\n") };
        });
      },
    },
    delete: {
      summary: "Delete a parameter and its history",
      usage: `Usage: opsflow parameters delete NAME\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parseArgs({
          args: argv,
          allowPositionals: true,
          options: connectionOptions,
        });
        const name = one(positionals, "parameter NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = await call(connectionFrom(values), "DELETE", path(name));
          return { result, human: `deleted ${name}` };
        });
      },
    },
    history: {
      summary: "Every kept version of a parameter, oldest first",
      usage: `Usage: opsflow parameters history NAME [--with-decryption]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parseArgs({
          args: argv,
          allowPositionals: true,
          options: { ...connectionOptions, ...decryption },
        });
        const name = one(positionals, "parameter NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            path(
              name,
              `/history${query({ withDecryption: values["with-decryption"] ? "true" : undefined })}`,
            ),
          )) as { items: Parameter[] };
          return {
            result,
            human: result.items
              .map((p) => `v${p.version}\t${p.lastModified}\t${p.lastModifiedUser}\t${p.value}`)
              .join("\n"),
          };
        });
      },
    },
  },
);
