/**
 * The REST guard, in front of every /v1 route and the OpenAPI document: authenticates the
 * caller (bearer token, or session cookie plus CSRF header for changes), finds the route's
 * rule, checks the permission, and records the audit event of every mutating request and
 * every refusal. A route without a rule is refused to everyone. Throttling (per credential,
 * and per source address for refused bearer tokens) is audited once per episode.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { matchedRoutes } from "hono/route";
import type { AuditEntry } from "../../auth/audit.js";
import { denialMessage } from "../../auth/authorizer.js";
import type { RateVerdict } from "../../auth/rate-limit.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../../auth/sessions.js";
import type { ApiContext, AppEnv, Principal } from "../context.js";
import { errorBody } from "../rest/errors.js";
import { originOf } from "./origin.js";
import { type RouteRule, ruleMatcher } from "./rest-rules.js";
import { decideOnTask } from "./task-scope.js";

type Refusal = {
  status: 401 | 403;
  code: string;
  message: string;
  header?: string;
  /** A credential was presented and refused: counted against the source's limit. */
  attempt?: boolean;
};
type Identified = { principal: Principal } | { refusal: Refusal; claimed?: Principal };

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
/** Credentials' last use is written at most this often (each write is an fsync). */
const TOUCH_EVERY_MS = 60_000;

async function identify(c: Context<AppEnv>, api: ApiContext): Promise<Identified> {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await api.authenticator.bearer(match[1]) : undefined;
    if (principal) return { principal };
    // RFC 6750: every 401 names the scheme; a rejected token also says why.
    return match
      ? {
          refusal: {
            status: 401,
            code: "Unauthorized",
            message: "The bearer token is not valid.",
            header: 'Bearer realm="opsflow", error="invalid_token"',
            attempt: true,
          },
        }
      : {
          refusal: {
            status: 401,
            code: "Unauthorized",
            message: "Send 'Authorization: Bearer <token>'.",
            header: 'Bearer realm="opsflow"',
            attempt: true,
          },
        };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie !== undefined) {
    const session = await api.auth.sessions.resolve(cookie);
    if (!session.ok)
      return {
        refusal: {
          status: 401,
          code: "Unauthorized",
          message:
            session.reason === "ExpiredSession"
              ? "The session has expired: log in again."
              : "The session is not valid: log in again.",
        },
      };
    // A cookie rides along on any cross-site request; the CSRF header cannot be forged.
    if (
      !SAFE.has(c.req.method) &&
      !api.auth.sessions.csrfMatches(session.csrfHash, c.req.header(CSRF_HEADER))
    )
      return {
        claimed: session.principal,
        refusal: {
          status: 403,
          code: "InvalidCsrfToken",
          message: `Changes made with a session need the ${CSRF_HEADER} header given at login.`,
        },
      };
    return { principal: session.principal };
  }
  return {
    refusal: {
      status: 401,
      code: "Unauthorized",
      message:
        "Send 'Authorization: Bearer <token>' (create tokens with the API or use the admin token printed at first start).",
      header: 'Bearer realm="opsflow"',
    },
  };
}

async function bodyOf(c: Context<AppEnv>): Promise<unknown> {
  if (SAFE.has(c.req.method)) return undefined;
  try {
    const text = await c.req.text();
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The body as the audit log keeps it: without the members the route's rule withholds. */
function withhold(body: unknown, rule: RouteRule | undefined): unknown {
  const withheld = rule && "withheld" in rule ? (rule.withheld ?? []) : [];
  if (withheld.length === 0 || typeof body !== "object" || body === null) return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const member of withheld) if (member in copy) copy[member] = "***";
  return copy;
}

/** The guard middleware. */
export function restGuard(api: ApiContext) {
  const match = ruleMatcher();
  const touched = new Map<string, number>();
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const { audit, authorizer, arns } = api.auth;
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    const found = match(method, c.req.path);
    if (found && "access" in found.rule && found.rule.access === "public") return next();
    const origin = originOf(c);
    const action =
      (found && "action" in found.rule && found.rule.action) || `rest:${method} ${c.req.path}`;
    const body = withhold(await bodyOf(c), found?.rule);
    const parameters = found && {
      ...found.params,
      ...Object.fromEntries(new URL(c.req.url).searchParams),
      ...(body !== undefined && { body }),
    };

    /** Records this request's audit event: `entry` adds to what all of them share. */
    const record = (entry: Omit<AuditEntry, "service" | "action" | "sourceIp" | "userAgent">) =>
      audit.record({ service: "rest", action, ...origin, ...entry });

    /**
     * The answer to a throttled request. One audit event per throttling episode, not per
     * refused request (see rate-limit.ts): a flood must not become a flood of audit rows.
     */
    const throttled = async (
      rate: Extract<RateVerdict, { ok: false }>,
      principal: Principal | undefined,
      message: (seconds: number) => string,
    ) => {
      const seconds = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      if (rate.firstRefusal)
        await record({
          principal,
          resources: [],
          outcome: "Denied",
          errorCode: "ThrottlingException",
          errorMessage: message(seconds),
        });
      return c.json(errorBody("ThrottlingException", message(seconds)), 429, {
        "Retry-After": String(seconds),
      });
    };

    const who = await identify(c, api);
    if ("refusal" in who) {
      const { refusal } = who;
      const rate = refusal.attempt ? api.auth.rateLimitFailure(origin.sourceIp) : undefined;
      if (rate && !rate.ok)
        return throttled(
          rate,
          undefined,
          (s) => `Rate exceeded for refused credentials from this address: retry in ${s} s.`,
        );
      await record({
        principal: who.claimed,
        resources: [],
        parameters,
        outcome: refusal.status === 401 ? "Failure" : "Denied",
        errorCode: refusal.code,
        errorMessage: refusal.message,
      });
      return c.json(
        errorBody(refusal.code, refusal.message),
        refusal.status,
        refusal.header ? { "WWW-Authenticate": refusal.header } : {},
      );
    }
    const { principal } = who;
    c.set("principal", principal);
    const rate = api.auth.rateLimit(principal);
    if (!rate.ok)
      return throttled(
        rate,
        principal,
        (s) => `Rate exceeded for this credential: retry in ${s} s.`,
      );
    const key = `${principal.credential.kind}:${principal.credential.id}`;
    const now = Date.now();
    if (principal.credential.kind !== "session" && now - (touched.get(key) ?? 0) > TOUCH_EVERY_MS) {
      touched.set(key, now);
      await api.auth.touch(principal.credential, "opsflow", api.auth.region);
    }

    if (!found) {
      // An unknown path is answered 404 by the app; a real route without a rule is refused.
      const real = matchedRoutes(c).some((route) => route.method !== "ALL");
      if (!real) return next();
      const message = `No permission rule covers ${method} ${c.req.path}; it is refused to everyone.`;
      await record({
        principal,
        resources: [],
        outcome: "Denied",
        errorCode: "AccessDeniedException",
        errorMessage: message,
      });
      return c.json(errorBody("AccessDeniedException", message), 403);
    }
    let resources: string[] = [];
    if ("resources" in found.rule) {
      resources = found.rule.resources({
        params: found.params,
        query: new URL(c.req.url).searchParams,
        body,
        arns,
      });
      const token = found.rule.taskToken;
      const scoped = token
        ? await decideOnTask(api.auth, principal.user, action, found.params[token])
        : undefined;
      if (scoped) resources = scoped.resources;
      const decision =
        scoped?.decision ??
        (await authorizer.decide(principal.user, action, resources, {
          ...(origin.sourceIp !== undefined && { sourceIp: origin.sourceIp }),
        }));
      if (decision.effect === "deny") {
        const message = denialMessage(principal.user, action, decision);
        await record({
          principal,
          resources,
          parameters,
          outcome: "Denied",
          errorCode: "AccessDeniedException",
          errorMessage: message,
        });
        return c.json(errorBody("AccessDeniedException", message), 403);
      }
    }
    await next();
    if (SAFE.has(c.req.method) && c.res.status !== 403) return;
    const status = c.res.status;
    let error: { code?: string; message?: string } | undefined;
    if (status >= 400) {
      try {
        error = ((await c.res.clone().json()) as { error?: typeof error }).error;
      } catch {
        error = undefined;
      }
    }
    await record({
      principal,
      resources,
      parameters,
      outcome: status < 400 ? "Success" : status === 403 ? "Denied" : "Failure",
      errorCode: error?.code ?? (status >= 400 ? String(status) : undefined),
      errorMessage: error?.message,
    });
  };
}
