/**
 * `opsflow nodes list|describe|tag|untag|deregister`: managed nodes over the REST API.
 */
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
  "Managed nodes: list, describe, tag, untag, deregister",
  {
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
