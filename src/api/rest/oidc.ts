/**
 * OIDC sign-in for the console: `GET /v1/auth/oidc/login` sends the browser to the identity
 * provider; `GET /v1/auth/oidc/callback` finishes the sign-in, opens a session exactly as a
 * password login does (HttpOnly session cookie, CSRF token) and returns to the console. The
 * CSRF token travels in a readable `opsflow_csrf` cookie, since a redirect has no body for it.
 * Every attempt is audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { OidcError } from "../../auth/oidc/errors.js";
import { FLOW_LIFETIME_MS, OIDC_FLOW_COOKIE, type OidcSignIn } from "../../auth/oidc/flow.js";
import { applyOidcIdentity } from "../../auth/oidc/membership.js";
import { SESSION_COOKIE } from "../../auth/sessions.js";
import type { IdentityStore } from "../../store/identity-port.js";
import type { RouteSet } from "../app.js";
import { originOf } from "../authz/origin.js";
import type { ApiContext, App } from "../context.js";
import { errorBody } from "./errors.js";
import { errors } from "./identity-shared.js";

/** The cookie holding the session's CSRF token after an OIDC sign-in. */
export const CSRF_COOKIE = "opsflow_csrf";

const CALLBACK = "/v1/auth/oidc/callback";

/** What the OIDC routes need; `signIn` is absent when OIDC is not configured. */
export interface OidcRouteSettings {
  signIn?: OidcSignIn;
  store: IdentityStore;
  now: () => number;
  /** The server's public URL; the request's own origin when absent. */
  publicUrl?: string;
}

/** Registers the OIDC sign-in routes. */
export function oidcRoutes(settings: OidcRouteSettings): RouteSet {
  return (app: App, api: ApiContext) => {
    const redirectUri = (requestUrl: string) =>
      new URL(CALLBACK, settings.publicUrl ?? requestUrl).href;
    const notConfigured = () =>
      new OidcError(
        "OidcNotConfigured",
        "OIDC sign-in is not configured: set OPSFLOW_OIDC_ISSUER and OPSFLOW_OIDC_CLIENT_ID.",
      );
    const redirect = { 302: { description: "Redirect" } };

    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/auth/oidc/login",
        summary: "Start OIDC sign-in: redirects to the identity provider",
        security: [],
        request: { query: z.object({ returnTo: z.string().max(2048).optional() }) },
        responses: { ...redirect, ...errors },
      }),
      async (c) => {
        if (!settings.signIn) return failure(c, notConfigured());
        try {
          const { location, cookie } = await settings.signIn.begin(
            redirectUri(c.req.url),
            c.req.valid("query").returnTo,
          );
          // Lax, not Strict: the cookie must come back on the provider's redirect to us.
          setCookie(c, OIDC_FLOW_COOKIE, cookie, {
            httpOnly: true,
            sameSite: "Lax",
            path: CALLBACK,
            secure: new URL(c.req.url).protocol === "https:",
            maxAge: FLOW_LIFETIME_MS / 1000,
          });
          return c.redirect(location, 302);
        } catch (error) {
          return failure(c, error);
        }
      },
    );

    app.openapi(
      createRoute({
        method: "get",
        path: CALLBACK,
        summary: "Finish OIDC sign-in: opens a console session and returns to the console",
        security: [],
        request: {
          query: z.object({
            code: z.string().max(4096).optional(),
            state: z.string().max(512).optional(),
            error: z.string().max(256).optional(),
            error_description: z.string().max(1024).optional(),
          }),
        },
        responses: { ...redirect, 401: errors[400], ...errors },
      }),
      async (c) => {
        if (!settings.signIn) return failure(c, notConfigured());
        const secure = new URL(c.req.url).protocol === "https:";
        const flowCookie = getCookie(c, OIDC_FLOW_COOKIE);
        deleteCookie(c, OIDC_FLOW_COOKIE, { path: CALLBACK });
        let identity: Awaited<ReturnType<OidcSignIn["finish"]>>;
        try {
          identity = await settings.signIn.finish(
            c.req.valid("query"),
            flowCookie,
            redirectUri(c.req.url),
          );
        } catch (error) {
          // The user is unknown until the provider's token is verified.
          if (error instanceof OidcError)
            await api.auth.audit.record({
              service: "console",
              action: "auth:ConsoleLogin",
              resources: [],
              parameters: { via: "oidc" },
              ...originOf(c),
              outcome: "Failure",
              errorCode: error.code,
              errorMessage: error.message,
            });
          return failure(c, error);
        }
        const change = await applyOidcIdentity(settings.store, identity, settings.now());
        const session = await api.auth.sessions.openSession(identity.user);
        await api.auth.audit.record({
          user: identity.user,
          service: "console",
          action: "auth:ConsoleLogin",
          resources: [api.auth.arns.user(identity.user)],
          parameters: { via: "oidc", ...change },
          ...originOf(c),
          outcome: "Success",
        });
        const maxAge = Math.floor(api.auth.sessions.ttlMs / 1000);
        setCookie(c, SESSION_COOKIE, session.sessionId, {
          httpOnly: true,
          sameSite: "Strict",
          path: "/",
          secure,
          maxAge,
        });
        // Readable by the console's script (double submit): it echoes it in X-CSRF-Token.
        setCookie(c, CSRF_COOKIE, session.csrfToken, {
          sameSite: "Strict",
          path: "/",
          secure,
          maxAge,
        });
        return c.redirect(identity.returnTo, 302);
      },
    );
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a Hono context of any route.
function failure(c: any, error: unknown) {
  if (!(error instanceof OidcError)) throw error;
  const status =
    error.code === "OidcNotConfigured" ? 404 : error.code === "ProviderUnavailable" ? 502 : 401;
  return c.json(errorBody(error.code, error.message), status);
}
