/**
 * Approval requests on the native REST API: list (`mine=true`: those the caller can still
 * vote on), show, approve and reject with a comment. The voter is the authenticated principal.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApprovalService } from "../../ops/approvals/service.js";
import type { ApprovalRecord } from "../../store/ops-port.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  403: { description: "Not an approver, or the requester", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
  409: { description: "Already decided, or already voted", ...json(ErrorSchema) },
  410: { description: "Past its deadline", ...json(ErrorSchema) },
};
const ok = (description: string) => ({ 200: { description, ...json(z.unknown()) }, ...errors });
const Id = z.object({ id: z.string().min(1).max(64) });
const VoteBody = z
  .object({ comment: z.string().max(4000).optional() })
  .strict()
  .openapi("ApprovalVote");
const ListQuery = z.object({
  status: z.enum(["PENDING", "APPROVED", "REJECTED", "EXPIRED", "CANCELLED"]).optional(),
  mine: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  nextToken: z.string().max(1024).optional(),
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** An approval request as the API shows it (never its task token). */
export function approvalBody(a: ApprovalRecord) {
  return {
    id: a.id,
    title: a.title,
    ...(a.description !== undefined && { description: a.description }),
    ...(a.data !== undefined && { data: JSON.parse(a.data) as unknown }),
    approvers: a.approvers,
    quorum: a.quorum,
    ...(a.requester !== undefined && { requester: a.requester }),
    allowSelfApproval: a.allowSelfApproval,
    status: a.status,
    ...(a.deadlineAt !== undefined && { deadline: iso(a.deadlineAt) }),
    ...(a.onDeadline !== undefined && { onDeadline: a.onDeadline }),
    escalations: a.escalations,
    executionArn: a.executionArn,
    stateName: a.stateName,
    createdAt: iso(a.createdAt),
    ...(a.decidedAt !== undefined && { decidedAt: iso(a.decidedAt) }),
    ...(a.decidedBy !== undefined && { decidedBy: a.decidedBy }),
    votes: a.votes.map((v) => ({
      user: v.voter,
      decision: v.vote,
      ...(v.comment !== undefined && { comment: v.comment }),
      at: iso(v.at),
      via: v.via,
    })),
  };
}

/** The approval routes over an approval service. */
export function approvalRoutes(approvals: ApprovalService): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/approvals",
        summary: "List approval requests (mine=true: those the caller can still vote on)",
        request: { query: ListQuery },
        responses: ok("Approval requests"),
      }),
      async (c) => {
        const q = c.req.valid("query");
        const page = await approvals.list(
          {
            ...(q.status && { status: q.status }),
            ...(q.mine === "true" && { mine: c.get("principal").user }),
          },
          { limit: q.limit ?? 100, ...(q.nextToken && { nextToken: q.nextToken }) },
        );
        return c.json(
          {
            items: page.items.map(approvalBody),
            ...(page.nextToken && { nextToken: page.nextToken }),
          },
          200,
        );
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/approvals/{id}",
        summary: "Show an approval request with its votes",
        request: { params: Id },
        responses: ok("The request"),
      }),
      async (c) => c.json(approvalBody(await approvals.get(c.req.valid("param").id)), 200),
    );
    for (const decision of ["approve", "reject"] as const)
      app.openapi(
        createRoute({
          method: "post",
          path: `/v1/approvals/{id}/${decision}`,
          summary: `${decision === "approve" ? "Approve" : "Reject"} a request, with a comment`,
          request: { params: Id, body: { required: false, ...json(VoteBody) } },
          responses: ok("The request after the vote"),
        }),
        async (c) => {
          const body = c.req.valid("json") ?? {};
          const approval = await approvals.vote(
            c.req.valid("param").id,
            c.get("principal").user,
            decision,
            body.comment,
          );
          return c.json(approvalBody(approval), 200);
        },
      );
  };
}
