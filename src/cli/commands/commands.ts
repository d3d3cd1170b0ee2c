/**
 * `opsflow commands send|list|show|output|cancel`: Run Command over the REST API. `send
 * --follow` waits for the command, streaming its output (see command-follow.ts), and exits 0
 * only when it ended Success.
 */
import { connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { ExitCode, UsageError } from "../command.js";
import { type CommandView, followCommand, readAll } from "./command-follow.js";
import { fleetCall, keyValue, queryOf, table } from "./fleet-cli.js";
import { verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Command = CommandView & {
  documentName: string;
  comment: string;
  requestedAt: string;
  successCount: number;
};

const commandPath = (id: string, rest = "") => `/v1/commands/${encodeURIComponent(id)}${rest}`;
const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** `--target KEY=V1,V2` (KEY: tag:NAME, tag-key or InstanceIds) as Run Command's Targets. */
function targetOf(text: string) {
  const { key, value } = keyValue(text, "--target");
  return { Key: key, Values: list(value) };
}

/** `--parameter name=value` repeated: a name given again adds a value. */
function parametersOf(texts: string[]): Record<string, string[]> {
  const parameters: Record<string, string[]> = {};
  for (const text of texts) {
    const { key, value } = keyValue(text, "--parameter");
    parameters[key] = [...(parameters[key] ?? []), value];
  }
  return parameters;
}

const sendUsage = `Usage: opsflow commands send --document NAME (--instance-ids ID,ID | --target tag:KEY=V1,V2 ...)
                             [--parameter NAME=VALUE ...] [--document-version V]
                             [--max-concurrency N|N%] [--max-errors N|N%] [--timeout SECONDS]
                             [--comment TEXT] [--follow]

  --target KEY=V1,V2  tag:NAME=VALUES, tag-key=KEYS or InstanceIds=IDS; targets are ANDed
  --parameter N=V     a document parameter; repeat a name for a list
  --timeout S         seconds a node has to start the command (30 to 2592000; 3600)
  --follow            wait for the command: its output on stdout (lines prefixed with the
                      node id when there are several nodes), progress on stderr; exit 0
                      only when it ends Success (with --json: print the final command)

`;

/** `opsflow commands ...`. */
export const commandsCommand = nounCommand(
  "commands",
  "Run Command: send, list, show, output, cancel",
  {
    send: {
      summary: "Send a command to nodes (by id or by tag)",
      usage: `${sendUsage}${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          document: { type: "string" },
          "document-version": { type: "string" },
          "instance-ids": { type: "string" },
          target: { type: "string", multiple: true },
          parameter: { type: "string", multiple: true },
          "max-concurrency": { type: "string" },
          "max-errors": { type: "string" },
          timeout: { type: "string" },
          comment: { type: "string" },
          follow: { type: "boolean", default: false },
        } as const);
        if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
        if (values.document === undefined) throw new UsageError("--document is required");
        const instanceIds =
          values["instance-ids"] === undefined ? [] : list(values["instance-ids"]);
        const targets = (values.target ?? []).map(targetOf);
        if (instanceIds.length > 0 === targets.length > 0)
          throw new UsageError("give the nodes with exactly one of --instance-ids or --target");
        const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
        if (timeout !== undefined && !Number.isInteger(timeout))
          throw new UsageError(`--timeout must be whole seconds, not '${values.timeout}'`);
        const body = {
          documentName: values.document,
          ...(values["document-version"] !== undefined && {
            documentVersion: values["document-version"],
          }),
          ...(instanceIds.length > 0 && { instanceIds }),
          ...(targets.length > 0 && { targets }),
          ...(values.parameter && { parameters: parametersOf(values.parameter) }),
          ...(values["max-concurrency"] !== undefined && {
            maxConcurrency: values["max-concurrency"],
          }),
          ...(values["max-errors"] !== undefined && { maxErrors: values["max-errors"] }),
          ...(timeout !== undefined && { timeoutSeconds: timeout }),
          ...(values.comment !== undefined && { comment: values.comment }),
        };
        const connection = connectionFrom(values);
        const json = values.json ?? false;
        let ended: CommandView | undefined;
        const code = await runVerb(io, json, async () => {
          const sent = (await fleetCall(connection, "POST", "/v1/commands", body)) as Command;
          if (!values.follow) return { result: sent, human: sent.commandId };
          // Without --json the id goes to stderr: stdout carries the nodes' output only.
          if (!json) io.stderr(`command ${sent.commandId} sent to ${sent.targetCount} node(s)\n`);
          ended = await followCommand(connection, sent.commandId, { io, stream: !json });
          if (!json) io.stderr(`${endLine(ended)}\n`);
          return { result: ended, human: "" };
        });
        if (code !== ExitCode.Ok || !ended) return code;
        return ended.status === "Success" ? ExitCode.Ok : ExitCode.Failed;
      },
    },
    list: {
      summary: "List commands, newest first",
      usage: `Usage: opsflow commands list [--instance-id ID] [--document NAME] [--status STATUS ...] [--next-token T]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = verbArgs(argv, {
          "instance-id": { type: "string" },
          document: { type: "string" },
          status: { type: "string", multiple: true },
          "next-token": { type: "string" },
        } as const);
        const query = queryOf({
          instanceId: values["instance-id"],
          documentName: values.document,
          status: values.status,
          nextToken: values["next-token"],
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "GET",
            `/v1/commands${query}`,
          )) as {
            items: Command[];
            nextToken?: string;
          };
          const rows = result.items.map((c) => [
            c.commandId,
            c.documentName,
            c.status,
            `${c.completedCount}/${c.targetCount}`,
            String(c.errorCount),
            c.requestedAt,
            c.comment,
          ]);
          const more = result.nextToken ? `\n(more: --next-token ${result.nextToken})` : "";
          return {
            result,
            human:
              table(["ID", "DOCUMENT", "STATUS", "DONE", "ERRORS", "REQUESTED", "COMMENT"], rows) +
              more,
          };
        });
      },
    },
    show: {
      summary: "Show a command and each node's status",
      usage: `Usage: opsflow commands show ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const id = one(positionals, "command ID");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "GET",
            commandPath(id),
          )) as Command;
          const rows = result.invocations.map((i) => [
            i.instanceId,
            i.status,
            i.statusDetails,
            String(i.responseCode),
            `${i.stdoutBytes}/${i.stderrBytes}`,
          ]);
          return {
            result,
            human: `${result.commandId}\t${result.documentName}\t${endLine(result)}\n${table(["NODE", "STATUS", "DETAILS", "EXIT", "OUT/ERR BYTES"], rows)}`,
          };
        });
      },
    },
    output: {
      summary: "Print a node's full output of a command",
      usage: `Usage: opsflow commands output ID NODE [--stream stdout|stderr]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          stream: { type: "string", default: "stdout" },
        });
        if (positionals.length !== 2)
          throw new UsageError("expected the command ID and the NODE id");
        const [id, node] = positionals;
        const stream = values.stream;
        if (stream !== "stdout" && stream !== "stderr")
          throw new UsageError(`--stream must be stdout or stderr, not '${stream}'`);
        const connection = connectionFrom(values);
        if (values.json)
          return runVerb(io, true, async () => {
            const chunks: Uint8Array[] = [];
            await readAll(connection, id, node, stream, 0, (bytes) => chunks.push(bytes));
            const output = Buffer.concat(chunks).toString("utf8");
            return { result: { commandId: id, instanceId: node, stream, output }, human: "" };
          });
        return runVerb(io, false, async () => {
          // Raw, as the node wrote it: decoded across reads so a character split between two
          // reads is printed whole.
          const decoder = new TextDecoder();
          await readAll(connection, id, node, stream, 0, (bytes) =>
            io.stdout(decoder.decode(bytes, { stream: true })),
          );
          const rest = decoder.decode();
          if (rest) io.stdout(rest);
          return { result: undefined, human: "" };
        });
      },
    },
    cancel: {
      summary: "Cancel a command (on all its nodes, or the nodes named)",
      usage: `Usage: opsflow commands cancel ID [NODE...]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const [id, ...nodes] = positionals;
        if (id === undefined) throw new UsageError("expected the command ID");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "POST",
            commandPath(id, "/cancel"),
            nodes.length > 0 ? { instanceIds: nodes } : {},
          )) as Command;
          return { result, human: `${result.commandId}\t${result.status}` };
        });
      },
    },
  },
);

/** `Success: 3/3 done, 0 failed`. */
function endLine(command: CommandView): string {
  return `${command.status}: ${command.completedCount}/${command.targetCount} done, ${command.errorCount} failed`;
}
