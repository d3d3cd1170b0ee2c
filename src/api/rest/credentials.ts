/**
 * `/v1/users/{name}/access-keys` and `/v1/users/{name}/tokens`: a user's SigV4 access keys
 * and bearer API tokens. Secrets are in the creation answer only. `/v1/access-keys/{id}`
 * finds a key's user from its id alone.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "../context.js";
import { CredentialId, created, errors, iso, json, Name, ok } from "./identity-shared.js";

const UserParam = z.object({ name: Name });
const ItemParam = z.object({ name: Name, id: CredentialId });
const TokenBody = z.object({ description: z.string().max(256).optional() }).strict();
const noContent = (description: string) => ({ 204: { description }, ...errors });

const times = <T extends { createdAt: number; lastUsedAt?: number }>(item: T) => ({
  ...item,
  createdAt: iso(item.createdAt),
  ...(item.lastUsedAt !== undefined && { lastUsedAt: iso(item.lastUsedAt) }),
});

/** Registers the credential routes. */
export function credentialRoutes(app: App, api: ApiContext): void {
  const identity = api.auth.identity;
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/users/{name}/access-keys",
      summary: "List a user's access keys (no secrets) with their last use",
      request: { params: UserParam },
      responses: ok("Access keys"),
    }),
    async (c) =>
      c.json({ items: (await identity.listAccessKeys(c.req.valid("param").name)).map(times) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/users/{name}/access-keys",
      summary: "Create an access key pair; the secret is in this answer only",
      request: { params: UserParam },
      responses: created("The key pair"),
    }),
    async (c) => c.json(times(await identity.createAccessKey(c.req.valid("param").name)), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/access-keys/{id}",
      summary: "Find an access key by id alone: its user, status and last use (no secret)",
      request: { params: z.object({ id: CredentialId }) },
      responses: ok("The access key"),
    }),
    async (c) => c.json(times(await identity.describeAccessKey(c.req.valid("param").id)), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/users/{name}/tokens",
      summary: "List a user's API tokens (not the tokens) with their last use",
      request: { params: UserParam },
      responses: ok("API tokens"),
    }),
    async (c) =>
      c.json({ items: (await identity.listApiTokens(c.req.valid("param").name)).map(times) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/users/{name}/tokens",
      summary: "Create an API token; the token is in this answer only",
      request: { params: UserParam, body: { required: false, ...json(TokenBody) } },
      responses: created("The token"),
    }),
    async (c) => {
      const body = c.req.valid("json") ?? {};
      return c.json(
        times(await identity.createApiToken(c.req.valid("param").name, body.description)),
        201,
      );
    },
  );
  for (const [kind, path] of [
    ["access key", "access-keys"],
    ["API token", "tokens"],
  ] as const) {
    const setStatus = (user: string, id: string, status: "Active" | "Inactive") =>
      path === "tokens"
        ? identity.setApiTokenStatus(user, id, status)
        : identity.setAccessKeyStatus(user, id, status);
    for (const [verb, status] of [
      ["activate", "Active"],
      ["deactivate", "Inactive"],
    ] as const)
      app.openapi(
        createRoute({
          method: "post",
          path: `/v1/users/{name}/${path}/{id}/${verb}`,
          summary: `${verb === "activate" ? "Activate" : "Deactivate"} an ${kind}`,
          request: { params: ItemParam },
          responses: noContent(verb === "activate" ? "Active" : "Inactive"),
        }),
        async (c) => {
          const { name, id } = c.req.valid("param");
          await setStatus(name, id, status);
          return c.body(null, 204);
        },
      );
    app.openapi(
      createRoute({
        method: "delete",
        path: `/v1/users/{name}/${path}/{id}`,
        summary: `Delete an ${kind}`,
        request: { params: ItemParam },
        responses: noContent("Deleted"),
      }),
      async (c) => {
        const { name, id } = c.req.valid("param");
        if (path === "tokens") await identity.deleteApiToken(name, id);
        else await identity.deleteAccessKey(name, id);
        return c.body(null, 204);
      },
    );
  }
}
