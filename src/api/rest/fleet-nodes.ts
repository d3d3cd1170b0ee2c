/**
 * Managed nodes on the native REST API: register an agentless SSH host, list
 * (DescribeInstanceInformation's filters), show, change tags, deregister. Nodes are addressed by their `mi-` id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { FleetError } from "../../fleet/errors.js";
import type { Fleet } from "../../fleet/index.js";
import type { NodeView } from "../../fleet/nodes.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import {
  fleetAnswer,
  isoMember,
  pageQuery,
  pageRequest,
  repeated,
  TagSchema,
} from "./fleet-common.js";
import { created, deleted, iso, json, ok, page } from "./route-parts.js";

const NodeId = z.object({
  id: z.string().min(1).max(64).openapi({ description: "The node's mi- id" }),
});
const TagsBody = z
  .object({
    add: z.array(TagSchema).max(50).optional(),
    remove: z.array(z.string().min(1).max(128)).max(50).optional(),
  })
  .strict()
  .openapi("ChangeNodeTags");

const SshHostBody = z
  .object({
    host: z.string().min(1).max(255).openapi({ description: "Host name or address" }),
    port: z.number().int().min(1).max(65535).optional().openapi({ description: "22 unless given" }),
    user: z.string().min(1).max(32),
    privateKey: z
      .string()
      .min(1)
      .max(16_384)
      .optional()
      .openapi({ description: "PEM or OpenSSH private key, stored as a SecureString parameter" }),
    keyParameter: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .openapi({ description: "Or an existing SecureString parameter that holds the key" }),
    name: z.string().min(1).max(255).optional(),
    tags: z.array(TagSchema).max(50).optional(),
  })
  .strict()
  .openapi("RegisterSshHost");

/** A node as the REST API shows it: no key material, times as ISO 8601. */
export function nodeBody(node: NodeView) {
  const { connection } = node;
  return {
    id: node.id,
    ...(node.name !== undefined && { name: node.name }),
    pingStatus: node.pingStatus,
    ...isoMember("lastPingAt", node.lastPingAt),
    registeredAt: iso(node.registeredAt),
    ...(node.activationId !== undefined && { activationId: node.activationId }),
    connection:
      connection.kind === "ssh"
        ? { kind: "ssh", host: connection.host, port: connection.port, user: connection.user }
        : { kind: "agent" },
    ...(node.info && { ...node.info }),
    tags: node.tags,
  };
}

/** `KEY=V1,V2` (any of the values) or `KEY` (has the key). */
function tagFilter(text: string): { key: string; values?: string[] } {
  const at = text.indexOf("=");
  if (at === 0)
    throw new FleetError("InvalidFilterKey", `tag '${text}' needs a key: KEY=VALUE or KEY.`);
  return at < 0 ? { key: text } : { key: text.slice(0, at), values: text.slice(at + 1).split(",") };
}

/** The node routes over the fleet. */
export function fleetNodeRoutes(fleet: Fleet): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/nodes/ssh",
        summary:
          "Register an agentless host: its host key is probed and pinned, the key checked with a no-op command",
        request: { body: { required: true, ...json(SshHostBody) } },
        responses: created("The node"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const node = await fleet.sshHosts.register(c.req.valid("json"));
          return c.json(nodeBody({ ...node, pingStatus: "Online" }), 201);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/nodes",
        summary: "List managed nodes (tag: KEY=V1,V2 or KEY, repeatable; all filters must hold)",
        request: {
          query: z.object({
            pingStatus: z.enum(["Online", "ConnectionLost"]).optional(),
            platformType: z.enum(["Linux", "Windows", "MacOS"]).optional(),
            connection: z.enum(["agent", "ssh"]).optional(),
            tag: repeated.openapi({ description: "KEY=V1,V2 or KEY; repeat for more" }),
            ...pageQuery(50),
          }),
        },
        responses: ok("Managed nodes, in id order"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const query = c.req.valid("query");
          const found = await fleet.nodes.list(
            {
              ...(query.pingStatus && { pingStatus: [query.pingStatus] }),
              ...(query.platformType && { platformTypes: [query.platformType] }),
              ...(query.connection && { connections: [query.connection] }),
              ...(query.tag.length > 0 && { tags: query.tag.map(tagFilter) }),
            },
            pageRequest(query),
          );
          return c.json(page(found.items.map(nodeBody), found.nextToken), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/nodes/{id}",
        summary: "Show a managed node",
        request: { params: NodeId },
        responses: ok("The node"),
      }),
      (c) =>
        fleetAnswer(c, async () =>
          c.json(nodeBody(await fleet.nodes.get(c.req.valid("param").id)), 200),
        ),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/nodes/{id}/tags",
        summary: "Add or replace tags (by key), then remove the keys in `remove`",
        request: { params: NodeId, body: { required: true, ...json(TagsBody) } },
        responses: ok("The node's tags"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id } = c.req.valid("param");
          const { add = [], remove = [] } = c.req.valid("json");
          let tags =
            add.length > 0 ? await fleet.nodes.addTags(id, add) : (await fleet.nodes.get(id)).tags;
          if (remove.length > 0) tags = await fleet.nodes.removeTags(id, remove);
          return c.json({ id, tags }, 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/nodes/{id}",
        summary: "Deregister a node: its key stops working and its open invocations fail",
        request: { params: NodeId },
        responses: deleted,
      }),
      (c) =>
        fleetAnswer(c, async () => {
          await fleet.nodes.deregister(c.req.valid("param").id);
          return c.body(null, 204);
        }),
    );
  };
}
