/**
 * `opsflow nodes list|describe|add-ssh|tag|untag|deregister`: managed nodes over the REST API.
 */
import { readFileSync } from "node:fs";
import { connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { fleetCall, keyValue, queryOf, table, tagsText } from "./fleet-cli.js";
import { verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Node = {
  id: string;
  name?: string;
  pingStatus: string;
  platformType?: string;
  computerName?: string;
  ipAddress?: string;
  lastPingAt?: string;
  connection: { kind: string };
  tags: { Key: string; Value: string }[];
};

const nodePath = (id: string, rest = "") => `/v1/nodes/${encodeURIComponent(id)}${rest}`;

/** The node id and at least one more argument. */
function idAndMore(positionals: string[], what: string): [string, string[]] {
  const [id, ...rest] = positionals;
  if (id === undefined || rest.length === 0)
    throw new UsageError(`expected the node ID and ${what}`);
  return [id, rest];
}

/** `opsflow nodes ...`. */
export const nodesCommand = nounCommand(
  "nodes",
  "Managed nodes: list, describe, add-ssh, tag, untag, deregister",
  {
    "add-ssh": {
      summary: "Register an agentless host reached over SSH (its host key is pinned now)",
      usage: `Usage: opsflow nodes add-ssh HOST --user USER (--key-file FILE | --key-parameter NAME) [--port N] [--name NAME] [--tag KEY=VALUE ...]

The private key is stored as a SecureString parameter (or name one that holds it). The host's
key is read and pinned now, and the login is checked with a no-op command; a host whose key
later changes is refused before anything runs.

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          user: { type: "string" },
          "key-file": { type: "string" },
          "key-parameter": { type: "string" },
          port: { type: "string" },
          name: { type: "string" },
          tag: { type: "string", multiple: true },
        } as const);
        const host = one(positionals, "the host name or address");
        if (!values.user) throw new UsageError("--user is required");
        if (Boolean(values["key-file"]) === Boolean(values["key-parameter"]))
          throw new UsageError("give --key-file or --key-parameter (one of them)");
        const port = values.port === undefined ? undefined : Number(values.port);
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
          throw new UsageError(`--port must be 1–65535, not '${values.port}'`);
        let privateKey: string | undefined;
        if (values["key-file"])
          try {
            privateKey = readFileSync(values["key-file"], "utf8");
          } catch (error) {
            throw new UsageError(`cannot read --key-file: ${(error as Error).message}`);
          }
        const body = {
          host,
          user: values.user,
          ...(port !== undefined && { port }),
          ...(privateKey !== undefined && { privateKey }),
          ...(values["key-parameter"] && { keyParameter: values["key-parameter"] }),
          ...(values.name && { name: values.name }),
          ...(values.tag && {
            tags: values.tag.map((pair) => {
              const { key, value } = keyValue(pair, "a tag");
              return { Key: key, Value: value };
            }),
          }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const node = (await fleetCall(
            connectionFrom(values),
            "POST",
            "/v1/nodes/ssh",
            body,
          )) as Node;
          return { result: node, human: `registered ${node.id} (ssh ${values.user}@${host})` };
        });
      },
    },
    list: {
      summary: "List managed nodes",
      usage: `Usage: opsflow nodes list [--ping-status Online|ConnectionLost] [--platform Linux|Windows|MacOS] [--tag KEY=V1,V2|KEY ...] [--next-token T]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = verbArgs(argv, {
          "ping-status": { type: "string" },
          platform: { type: "string" },
          tag: { type: "string", multiple: true },
          "next-token": { type: "string" },
        } as const);
        const query = queryOf({
          pingStatus: values["ping-status"],
          platformType: values.platform,
          tag: values.tag,
          nextToken: values["next-token"],
        });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(connectionFrom(values), "GET", `/v1/nodes${query}`)) as {
            items: Node[];
            nextToken?: string;
          };
          const rows = result.items.map((n) => [
            n.id,
            n.name ?? "",
            n.pingStatus,
            n.platformType ?? "",
            n.computerName ?? "",
            n.ipAddress ?? "",
            tagsText(n.tags),
          ]);
          const more = result.nextToken ? `\n(more: --next-token ${result.nextToken})` : "";
          return {
            result,
            human: table(["ID", "NAME", "PING", "PLATFORM", "HOST", "IP", "TAGS"], rows) + more,
          };
        });
      },
    },
    describe: {
      summary: "Show a managed node",
      usage: `Usage: opsflow nodes describe ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const id = one(positionals, "node ID");
        return runVerb(io, values.json ?? false, async () => {
          const result = await fleetCall(connectionFrom(values), "GET", nodePath(id));
          return { result, human: JSON.stringify(result, null, 2) };
        });
      },
    },
    tag: {
      summary: "Add or replace tags on a node",
      usage: `Usage: opsflow nodes tag ID KEY=VALUE...\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const [id, pairs] = idAndMore(positionals, "KEY=VALUE tags");
        const add = pairs
          .map((pair) => keyValue(pair, "a tag"))
          .map(({ key, value }) => ({ Key: key, Value: value }));
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(connectionFrom(values), "POST", nodePath(id, "/tags"), {
            add,
          })) as Node;
          return { result, human: `${id}\t${tagsText(result.tags)}` };
        });
      },
    },
    untag: {
      summary: "Remove tags (by key) from a node",
      usage: `Usage: opsflow nodes untag ID KEY...\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const [id, remove] = idAndMore(positionals, "tag KEYs");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(connectionFrom(values), "POST", nodePath(id, "/tags"), {
            remove,
          })) as Node;
          return { result, human: `${id}\t${tagsText(result.tags)}` };
        });
      },
    },
    deregister: {
      summary: "Deregister a node (its agent's key stops working; open invocations fail)",
      usage: `Usage: opsflow nodes deregister ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const id = one(positionals, "node ID");
        return runVerb(io, values.json ?? false, async () => {
          await fleetCall(connectionFrom(values), "DELETE", nodePath(id));
          return { result: { deregistered: id }, human: `deregistered ${id}` };
        });
      },
    },
  },
);
