/**
 * Console sign-in: `POST /v1/auth/login` (password, and TOTP code when the user has one)
 * sets an HttpOnly, SameSite=Strict session cookie and answers the CSRF token the console
 * sends back in `X-CSRF-Token` on every change; `POST /v1/auth/logout` ends the session;
 * `GET /v1/auth/whoami` names the caller. Every login attempt is audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../../auth/sessions.js";
import { originOf } from "../authz/origin.js";
import type { ApiContext, App } from "../context.js";
import { errorBody } from "./errors.js";
import { errors, iso, json } from "./identity-shared.js";

const LoginBody = z
  .object({
    user: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    totp: z.string().max(16).optional(),
  })
  .strict()
  .openapi("Login");

const MESSAGES = {
  InvalidCredentials: "The user name or password is not right.",
  TotpRequired: "This user has a second factor: send its current TOTP code as totp.",
  InvalidTotp: "The TOTP code is not right.",
  TotpReused: "This TOTP code was already used: wait for the next one.",
} as const;

/** Registers the login routes. */
export function loginRoutes(app: App, api: ApiContext): void {
  const { sessions, audit } = api.auth;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/login",
      summary: "Sign in to the console: sets the session cookie, answers the CSRF token",
      security: [],
      request: { body: { required: true, ...json(LoginBody) } },
      responses: {
        200: { description: "Signed in", ...json(z.unknown()) },
        401: { description: "Refused", content: errors[400].content },
        429: { description: "Locked out after failed sign-ins", content: errors[400].content },
        ...errors,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const origin = originOf(c);
      const attempt = {
        user: body.user,
        service: "console",
        action: "auth:ConsoleLogin",
        resources: [api.auth.arns.user(body.user)],
        parameters: body,
        ...origin,
      };
      // Locked out: refused before the password is even checked (login-throttle.ts).
      const verdict = await api.auth.loginThrottle.check(body.user, origin.sourceIp);
      if (!verdict.ok) {
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        const message = `Too many failed sign-ins for this ${verdict.by}: try again in ${seconds} s.`;
        // One audit event per lockout: refused attempts during it are cheap, their rows are not.
        if (verdict.firstRefusal)
          await audit.record({
            ...attempt,
            outcome: "Denied",
            errorCode: "LoginThrottled",
            errorMessage: message,
          });
        return c.json(errorBody("LoginThrottled", message), 429, {
          "Retry-After": String(seconds),
        });
      }
      const result = await sessions.login(body.user, body.password, body.totp);
      const lockMs =
        !result.ok && result.reason !== "TotpRequired"
          ? await api.auth.loginThrottle.failed(body.user, origin.sourceIp)
          : 0;
      if (result.ok) await api.auth.loginThrottle.succeeded(body.user);
      await audit.record({
        ...attempt,
        outcome: result.ok ? "Success" : "Failure",
        ...(!result.ok && {
          errorCode: result.reason,
          errorMessage: `${MESSAGES[result.reason]}${lockMs > 0 ? ` Sign-in is locked for ${Math.ceil(lockMs / 1000)} s.` : ""}`,
        }),
      });
      if (!result.ok) return c.json(errorBody(result.reason, MESSAGES[result.reason]), 401);
      setCookie(c, SESSION_COOKIE, result.sessionId, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        secure: new URL(c.req.url).protocol === "https:",
        maxAge: Math.floor(sessions.ttlMs / 1000),
      });
      return c.json(
        { user: body.user, csrfToken: result.csrfToken, expiresAt: iso(result.expiresAt) },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/logout",
      summary: "End the console session",
      responses: { 204: { description: "Signed out" }, ...errors },
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie !== undefined) await sessions.logout(cookie);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/auth/whoami",
      summary: "Who the caller is: user, credential, roles and groups",
      responses: { 200: { description: "The caller", ...json(z.unknown()) }, ...errors },
    }),
    async (c) => {
      const principal = c.get("principal");
      const grants = await api.auth.authorizer.grantsOf(principal.user);
      return c.json(
        {
          user: principal.user,
          credential: principal.credential,
          roles: grants?.roles ?? [],
          groups: grants?.groups ?? [],
        },
        200,
      );
    },
  );
}
