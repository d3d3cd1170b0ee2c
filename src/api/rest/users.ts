/**
 * `/v1/users`, `/v1/groups`, `/v1/roles`: identities, their roles and inline policies.
 * Permission changes are escalation-checked by the identity service.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../auth/roles.js";
import type { ApiContext, App } from "../context.js";
import { created, errors, iso, json, Name, ok, Role } from "./identity-shared.js";

const UserParam = z.object({ name: Name });
const CreateUserBody = z
  .object({
    name: Name,
    password: z.string().min(1).max(256).optional(),
    email: z.string().max(254).optional(),
  })
  .strict()
  .openapi("CreateUser");
const PasswordBody = z.object({ password: z.string().min(1).max(256) }).strict();
const EmailBody = z.object({ email: z.string().max(254).nullable() }).strict();
const PolicyBody = z
  .object({
    document: z
      .record(z.string(), z.unknown())
      .openapi({ description: "An IAM-shaped policy document" }),
  })
  .strict()
  .openapi("PutPolicy");
const GroupBody = z.object({ name: Name }).strict().openapi("CreateGroup");
const noContent = (description: string) => ({ 204: { description }, ...errors });

const userView = <T extends { createdAt: number }>(u: T) => ({ ...u, createdAt: iso(u.createdAt) });

/** Registers the user, group and role routes. */
export function userRoutes(app: App, api: ApiContext): void {
  const identity = api.auth.identity;

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/roles",
      summary: "The built-in roles and what they allow",
      responses: ok("Roles"),
    }),
    (c) => c.json({ items: Object.entries(ROLES).map(([name, role]) => ({ name, ...role })) }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/users",
      summary: "List users",
      responses: ok("Users"),
    }),
    async (c) => c.json({ items: (await identity.listUsers()).map(userView) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/users",
      summary: "Create a user (with a password for console login)",
      request: { body: { required: true, ...json(CreateUserBody) } },
      responses: created("Created"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(userView(await identity.createUser(body.name, body.password, body.email)), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/users/{name}",
      summary: "Describe a user",
      request: { params: UserParam },
      responses: ok("The user"),
    }),
    async (c) => c.json(userView(await identity.describeUser(c.req.valid("param").name)), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/users/{name}",
      summary: "Delete a user and its credentials",
      request: { params: UserParam },
      responses: noContent("Deleted"),
    }),
    async (c) => {
      await identity.deleteUser(c.get("principal"), c.req.valid("param").name);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/users/{name}/email",
      summary: "Set (or, with null, clear) the address a user's approval requests go to",
      request: { params: UserParam, body: { required: true, ...json(EmailBody) } },
      responses: noContent("Set"),
    }),
    async (c) => {
      await identity.setEmail(c.req.valid("param").name, c.req.valid("json").email);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/users/{name}/password",
      summary: "Set a user's console password",
      request: { params: UserParam, body: { required: true, ...json(PasswordBody) } },
      responses: noContent("Set"),
    }),
    async (c) => {
      await identity.setPassword(c.req.valid("param").name, c.req.valid("json").password);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/users/{name}/totp",
      summary: "Turn on a TOTP second factor; the secret is in this answer only",
      request: { params: UserParam },
      responses: created("The secret and its otpauth URI"),
    }),
    async (c) => c.json(await identity.enableTotp(c.req.valid("param").name), 201),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/users/{name}/totp",
      summary: "Turn off the TOTP second factor",
      request: { params: UserParam },
      responses: noContent("Turned off"),
    }),
    async (c) => {
      await identity.disableTotp(c.req.valid("param").name);
      return c.body(null, 204);
    },
  );

  for (const kind of ["user", "group"] as const) {
    const base = kind === "user" ? "/v1/users/{name}" : "/v1/groups/{name}";
    app.openapi(
      createRoute({
        method: "put",
        path: `${base}/roles/{role}`,
        summary: `Grant a built-in role to a ${kind}`,
        request: { params: z.object({ name: Name, role: Role }) },
        responses: noContent("Granted"),
      }),
      async (c) => {
        const { name, role } = c.req.valid("param");
        await identity.grantRole(c.get("principal"), kind, name, role);
        return c.body(null, 204);
      },
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: `${base}/roles/{role}`,
        summary: `Revoke a role from a ${kind}`,
        request: { params: z.object({ name: Name, role: Role }) },
        responses: noContent("Revoked"),
      }),
      async (c) => {
        const { name, role } = c.req.valid("param");
        await identity.revokeRole(c.get("principal"), kind, name, role);
        return c.body(null, 204);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: `${base}/policies`,
        summary: `List a ${kind}'s inline policies`,
        request: { params: z.object({ name: Name }) },
        responses: ok("Policies"),
      }),
      async (c) => {
        const items = await identity.listPolicies(kind, c.req.valid("param").name);
        return c.json({ items: items.map((p) => ({ ...p, updatedAt: iso(p.updatedAt) })) }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "put",
        path: `${base}/policies/{policy}`,
        summary: `Create or replace an inline policy of a ${kind}`,
        request: {
          params: z.object({ name: Name, policy: Name }),
          body: { required: true, ...json(PolicyBody) },
        },
        responses: ok("The policy"),
      }),
      async (c) => {
        const { name, policy } = c.req.valid("param");
        const record = await identity.putPolicy(
          c.get("principal"),
          kind,
          name,
          policy,
          c.req.valid("json").document,
        );
        return c.json({ name: record.name, document: JSON.parse(record.document) as unknown }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: `${base}/policies/{policy}`,
        summary: `Delete an inline policy of a ${kind}`,
        request: { params: z.object({ name: Name, policy: Name }) },
        responses: noContent("Deleted"),
      }),
      async (c) => {
        const { name, policy } = c.req.valid("param");
        await identity.deletePolicy(c.get("principal"), kind, name, policy);
        return c.body(null, 204);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/groups",
      summary: "List groups",
      responses: ok("Groups"),
    }),
    async (c) => c.json({ items: (await identity.listGroups()).map(userView) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/groups",
      summary: "Create a group",
      request: { body: { required: true, ...json(GroupBody) } },
      responses: created("Created"),
    }),
    async (c) => c.json(userView(await identity.createGroup(c.req.valid("json").name)), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/groups/{name}",
      summary: "Describe a group",
      request: { params: UserParam },
      responses: ok("The group"),
    }),
    async (c) => c.json(userView(await identity.describeGroup(c.req.valid("param").name)), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/groups/{name}",
      summary: "Delete a group",
      request: { params: UserParam },
      responses: noContent("Deleted"),
    }),
    async (c) => {
      await identity.deleteGroup(c.req.valid("param").name);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/groups/{name}/members/{user}",
      summary: "Add a user to a group",
      request: { params: z.object({ name: Name, user: Name }) },
      responses: noContent("Added"),
    }),
    async (c) => {
      const { name, user } = c.req.valid("param");
      await identity.addMember(c.get("principal"), name, user);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/groups/{name}/members/{user}",
      summary: "Remove a user from a group",
      request: { params: z.object({ name: Name, user: Name }) },
      responses: noContent("Removed"),
    }),
    async (c) => {
      const { name, user } = c.req.valid("param");
      await identity.removeMember(c.get("principal"), name, user);
      return c.body(null, 204);
    },
  );
}
