/**
 * Links sent by email, authenticated by what they carry instead of a bearer token (they are
 * outside /v1): subscription confirmations (a random token, stored hashed) and signed,
 * single-use, expiring approve/reject links. GET shows a page asking to confirm, POST acts:
 * mail scanners that fetch links must not decide anything.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApprovalService } from "../../ops/approvals/service.js";
import { invalid } from "../../ops/errors.js";
import type { NotificationService } from "../../ops/notifications/service.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const html = { content: { "text/html": { schema: z.string() } } };
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  401: { description: "Forged or altered link", ...json(ErrorSchema) },
  403: { description: "Not allowed", ...json(ErrorSchema) },
  404: { description: "Unknown link", ...json(ErrorSchema) },
  409: { description: "Used link, or already decided", ...json(ErrorSchema) },
  410: { description: "Expired link", ...json(ErrorSchema) },
};
const Token = z.object({ token: z.string().min(1).max(4096) });
const publicRoute = { security: [] };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** Reads the optional `comment` of a form (or JSON) body. */
async function commentOf(request: Request): Promise<string | undefined> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (text === "") return undefined;
  if (type.includes("application/json")) {
    let body: { comment?: unknown };
    try {
      body = JSON.parse(text) as { comment?: unknown };
    } catch (error) {
      throw invalid(`Malformed JSON in request body: ${(error as Error).message}`);
    }
    return typeof body?.comment === "string" ? body.comment : undefined;
  }
  return new URLSearchParams(text).get("comment") ?? undefined;
}

/** The link routes. */
export function linkRoutes(
  notifications: NotificationService,
  approvals: ApprovalService,
): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "get",
        path: "/links/subscriptions/confirm",
        summary: "Page confirming an email subscription (the mailed link; no bearer token)",
        ...publicRoute,
        request: { query: Token },
        responses: { 200: { description: "A page with a confirm button", ...html }, ...errors },
      }),
      (c) =>
        c.html(
          page(
            "Confirm your subscription",
            `<form method="post"><button type="submit">Confirm subscription</button></form>`,
          ),
          200,
        ),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/links/subscriptions/confirm",
        summary: "Confirm an email subscription by its token (no bearer token)",
        ...publicRoute,
        request: { query: Token },
        responses: { 200: { description: "Confirmed", ...html }, ...errors },
      }),
      async (c) => {
        const subscription = await notifications.confirm(c.req.valid("query").token);
        return c.html(
          page(
            "Subscription confirmed",
            `<p>${escapeHtml(subscription.endpoint)} now receives ${escapeHtml(subscription.topicArn)}.</p>`,
          ),
          200,
        );
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/links/approvals/{token}",
        summary: "Page of a signed approve/reject link: the request and a confirm button",
        ...publicRoute,
        request: { params: Token },
        responses: { 200: { description: "A page with the decision's form", ...html }, ...errors },
      }),
      async (c) => {
        const { claims, approval } = await approvals.inspectLink(c.req.valid("param").token);
        const verb = claims.d === "approve" ? "Approve" : "Reject";
        const data =
          approval.data === undefined
            ? ""
            : `<pre>${escapeHtml(JSON.stringify(JSON.parse(approval.data), null, 2))}</pre>`;
        return c.html(
          page(
            `${verb}: ${approval.title}`,
            `<p>${escapeHtml(approval.description ?? "")}</p>${data}<p>Status: ${approval.status}. You are ${escapeHtml(claims.v)}.</p>
<form method="post"><label>Comment <textarea name="comment" maxlength="4000"></textarea></label>
<button type="submit">${verb}</button></form>`,
          ),
          200,
        );
      },
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/links/approvals/{token}",
        summary: "Vote through a signed, single-use approve/reject link (form field: comment)",
        ...publicRoute,
        request: { params: Token },
        responses: { 200: { description: "The vote was recorded", ...html }, ...errors },
      }),
      async (c) => {
        const approval = await approvals.voteByLink(
          c.req.valid("param").token,
          await commentOf(c.req.raw),
        );
        return c.html(
          page(approval.title, `<p>Your vote was recorded. The request is ${approval.status}.</p>`),
          200,
        );
      },
    );
  };
}
