/**
 * `/v1/teams`: business units, their members, quotas (concurrent executions, executions per
 * UTC day, named units per UTC day) and usage. See auth/quotas.ts for what a start is charged.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "../context.js";
import { created, errors, iso, json, Name, ok } from "./identity-shared.js";

const TeamParam = z.object({ name: Name });
const Limit = z.number().int().min(0).max(1_000_000_000);
const UnitName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const Quotas = z
  .object({
    concurrentExecutions: Limit.nullable().optional(),
    executionsPerDay: Limit.nullable().optional(),
    units: z.record(UnitName, Limit.nullable()).optional(),
  })
  .strict()
  .openapi("TeamQuotas", {
    description: "A number sets a limit, null removes it, a missing member keeps it",
  });
const CreateTeamBody = z
  .object({
    name: Name,
    description: z.string().max(256).optional(),
    quotas: Quotas.optional(),
  })
  .strict()
  .openapi("CreateTeam");
const noContent = (description: string) => ({ 204: { description }, ...errors });

const teamView = <T extends { createdAt: number; updatedAt: number }>(t: T) => ({
  ...t,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});

/** Registers the team routes. */
export function teamRoutes(app: App, api: ApiContext): void {
  const teams = api.auth.teams;
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/teams",
      summary: "List teams with their quotas and members",
      responses: ok("Teams"),
    }),
    async (c) => c.json({ items: (await teams.list()).map(teamView) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/teams",
      summary: "Create a team (business unit), optionally with quotas",
      request: { body: { required: true, ...json(CreateTeamBody) } },
      responses: created("Created"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(teamView(await teams.create(body.name, body.description, body.quotas)), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{name}",
      summary: "Describe a team",
      request: { params: TeamParam },
      responses: ok("The team"),
    }),
    async (c) => c.json(teamView(await teams.describe(c.req.valid("param").name)), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/teams/{name}",
      summary: "Delete a team (its members are then in no team)",
      request: { params: TeamParam },
      responses: noContent("Deleted"),
    }),
    async (c) => {
      await teams.delete(c.req.valid("param").name);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/teams/{name}/quotas",
      summary: "Set, change or remove a team's quotas",
      request: { params: TeamParam, body: { required: true, ...json(Quotas) } },
      responses: ok("The team"),
    }),
    async (c) => {
      const team = await teams.setQuotas(c.req.valid("param").name, c.req.valid("json"));
      return c.json(teamView(team), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/teams/{name}/members/{user}",
      summary: "Put a user in a team (a user is in one team: this moves it)",
      request: { params: z.object({ name: Name, user: Name }) },
      responses: noContent("Added"),
    }),
    async (c) => {
      const { name, user } = c.req.valid("param");
      await teams.addMember(name, user);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/teams/{name}/members/{user}",
      summary: "Take a user out of a team",
      request: { params: z.object({ name: Name, user: Name }) },
      responses: noContent("Removed"),
    }),
    async (c) => {
      const { name, user } = c.req.valid("param");
      await teams.removeMember(name, user);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{name}/usage",
      summary: "A team's usage: running executions, and executions and units today (UTC)",
      request: { params: TeamParam },
      responses: ok("Usage and quotas"),
    }),
    async (c) => c.json(await teams.usage(c.req.valid("param").name), 200),
  );
}
