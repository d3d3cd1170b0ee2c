/**
 * `opsflow documents create|update|list|show|delete`: SSM documents (Command 2.2, Automation
 * 0.3) over the REST API. Content comes from a file (`-` for standard input).
 */
import { readFileSync } from "node:fs";
import { connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { fleetCall, queryOf, table } from "./fleet-cli.js";
import { verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Document = {
  name: string;
  owner: string;
  version: number;
  defaultVersion: number;
  latestVersion: number;
  documentType: string;
  format: string;
  schemaVersion: string;
  platformTypes: string[];
  description?: string;
  content?: string;
};

const docPath = (name: string, rest = "") => `/v1/documents/${encodeURIComponent(name)}${rest}`;
const contentOptions = {
  file: { type: "string" },
  format: { type: "string" },
  "version-name": { type: "string" },
} as const;

/** The content and its options from --file, --format and --version-name. */
function contentOf(values: { file?: string; format?: string; "version-name"?: string }) {
  if (values.file === undefined)
    throw new UsageError("--file is required (the document, JSON or YAML; - for stdin)");
  const format = values.format?.toUpperCase();
  if (format !== undefined && format !== "JSON" && format !== "YAML")
    throw new UsageError(`--format must be JSON or YAML, not '${values.format}'`);
  let content: string;
  try {
    content = readFileSync(values.file === "-" ? 0 : values.file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --file ${values.file}: ${(error as Error).message}`);
  }
  return {
    content,
    ...(format !== undefined && { format }),
    ...(values["version-name"] !== undefined && { versionName: values["version-name"] }),
  };
}

const versionLine = (d: Document) =>
  `${d.name}\tversion ${d.version} (default ${d.defaultVersion}, latest ${d.latestVersion})\t${d.documentType}\t${d.format}`;

/** `opsflow documents ...`. */
export const documentsCommand = nounCommand(
  "documents",
  "SSM documents: create, update, list, show, delete",
  {
    create: {
      summary: "Create a document from a file",
      usage: `Usage: opsflow documents create NAME --file FILE|- [--format JSON|YAML] [--type Command|Automation] [--version-name V]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          ...contentOptions,
          type: { type: "string" },
        });
        const name = one(positionals, "document NAME");
        const body = {
          name,
          ...contentOf(values),
          ...(values.type !== undefined && { documentType: values.type }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "POST",
            "/v1/documents",
            body,
          )) as Document;
          return { result, human: versionLine(result) };
        });
      },
    },
    update: {
      summary: "Write a new version of a document from a file (the default version stays)",
      usage: `Usage: opsflow documents update NAME --file FILE|- [--format JSON|YAML] [--version-name V]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, contentOptions);
        const name = one(positionals, "document NAME");
        const body = contentOf(values);
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "PUT",
            docPath(name),
            body,
          )) as Document;
          return { result, human: versionLine(result) };
        });
      },
    },
    list: {
      summary: "List documents (yours, then the AWS-owned ones)",
      usage: `Usage: opsflow documents list [--owner Self|Amazon|All] [--prefix P] [--type Command|Automation] [--next-token T]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = verbArgs(argv, {
          owner: { type: "string" },
          prefix: { type: "string" },
          type: { type: "string" },
          "next-token": { type: "string" },
        });
        const query = queryOf({
          owner: values.owner,
          prefix: values.prefix,
          documentType: values.type,
          nextToken: values["next-token"],
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "GET",
            `/v1/documents${query}`,
          )) as {
            items: Document[];
            nextToken?: string;
          };
          const rows = result.items.map((d) => [
            d.name,
            d.owner,
            d.documentType,
            String(d.defaultVersion),
            String(d.latestVersion),
            d.platformTypes.join(","),
            d.description ?? "",
          ]);
          const more = result.nextToken ? `\n(more: --next-token ${result.nextToken})` : "";
          return {
            result,
            human:
              table(
                ["NAME", "OWNER", "TYPE", "DEFAULT", "LATEST", "PLATFORMS", "DESCRIPTION"],
                rows,
              ) + more,
          };
        });
      },
    },
    show: {
      summary: "Show a document version and its content (the default version unless --version)",
      usage: `Usage: opsflow documents show NAME [--version N|$LATEST]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, { version: { type: "string" } });
        const name = one(positionals, "document NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "GET",
            docPath(name, queryOf({ version: values.version })),
          )) as Document;
          const content = result.content ?? "";
          return {
            result,
            human: `# ${versionLine(result)}\n${content.endsWith("\n") ? content : `${content}\n`}`,
          };
        });
      },
    },
    delete: {
      summary: "Delete a document, or one version of it",
      usage: `Usage: opsflow documents delete NAME [--version N]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, { version: { type: "string" } });
        const name = one(positionals, "document NAME");
        return runVerb(io, values.json ?? false, async () => {
          await fleetCall(
            connectionFrom(values),
            "DELETE",
            docPath(name, queryOf({ version: values.version })),
          );
          return {
            result: { deleted: name, ...(values.version && { version: values.version }) },
            human: `deleted ${name}${values.version ? ` version ${values.version}` : ""}`,
          };
        });
      },
    },
  },
);
