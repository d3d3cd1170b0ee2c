/**
 * Hybrid activations on the native REST API: create (the code is in this answer only: it is
 * stored as a hash), list, delete.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Fleet } from "../../fleet/index.js";
import type { ActivationRecord } from "../../store/fleet-port.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { fleetAnswer, pageQuery, pageRequest, TagSchema } from "./fleet-common.js";
import { created, deleted, iso, json, ok, page } from "./route-parts.js";

/** The IAM role recorded when none is given (nodes act with their own key, not a role). */
export const DEFAULT_ACTIVATION_ROLE = "opsflow-managed-node";

const CreateBody = z
  .object({
    description: z.string().max(256).optional(),
    defaultInstanceName: z.string().max(256).optional(),
    iamRole: z.string().min(1).max(64).optional(),
    registrationLimit: z.number().int().min(1).max(1000).optional(),
    expiresAt: z
      .string()
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "ISO 8601; a day from now unless given, at most 30 days" }),
    tags: z.array(TagSchema).max(50).optional(),
  })
  .strict()
  .openapi("CreateActivation");

/** An activation as the REST API shows it (never its code). */
function activationBody(activation: ActivationRecord) {
  return {
    activationId: activation.id,
    ...(activation.description !== undefined && { description: activation.description }),
    ...(activation.defaultInstanceName !== undefined && {
      defaultInstanceName: activation.defaultInstanceName,
    }),
    iamRole: activation.iamRole,
    registrationLimit: activation.registrationLimit,
    registrationsCount: activation.registrationsCount,
    expiresAt: iso(activation.expiresAt),
    createdAt: iso(activation.createdAt),
    tags: activation.tags,
  };
}

/** The activation routes over the fleet. */
export function fleetActivationRoutes(fleet: Fleet): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/activations",
        summary: "Create an activation; its code is shown in this answer only",
        request: { body: { required: true, ...json(CreateBody) } },
        responses: created("The activation id and code"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { expiresAt, iamRole, ...body } = c.req.valid("json");
          const activation = await fleet.activations.create({
            ...body,
            iamRole: iamRole ?? DEFAULT_ACTIVATION_ROLE,
            ...(expiresAt !== undefined && { expiresAt: Date.parse(expiresAt) }),
          });
          return c.json({ activationId: activation.id, activationCode: activation.code }, 201);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/activations",
        summary: "List activations (without their codes)",
        request: { query: z.object(pageQuery(50)) },
        responses: ok("Activations"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const found = await fleet.activations.list({}, pageRequest(c.req.valid("query")));
          return c.json(page(found.items.map(activationBody), found.nextToken), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/activations/{id}",
        summary: "Delete an activation (nodes registered with it stay)",
        request: { params: z.object({ id: z.string().min(1).max(64) }) },
        responses: deleted,
      }),
      (c) =>
        fleetAnswer(c, async () => {
          await fleet.activations.delete(c.req.valid("param").id);
          return c.body(null, 204);
        }),
    );
  };
}
