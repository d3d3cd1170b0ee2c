/**
 * Builds the identity layer: authorizer, identity service, audit log, sessions, and the
 * recording of credentials' last use. Part of the composition root.
 */
import type { AuthApi } from "../api/context.js";
import { AuditLog } from "../auth/audit.js";
import { Authorizer } from "../auth/authorizer.js";
import { IdentityService } from "../auth/identity.js";
import { LoginThrottle, type LoginThrottleSettings } from "../auth/login-throttle.js";
import type { TeamService } from "../auth/quotas.js";
import {
  DEFAULT_FAILURE_LIMIT,
  DEFAULT_RATE_LIMIT,
  RateLimiter,
  type RateLimitSettings,
} from "../auth/rate-limit.js";
import { resourceArns } from "../auth/resources.js";
import { SessionService } from "../auth/sessions.js";
import type { Clock } from "../kernel/clock.js";
import type { AuditStore } from "../store/audit-port.js";
import type { FleetStore } from "../store/fleet-port.js";
import type { IdentityStore } from "../store/identity-port.js";
import type { SignInThrottleStore } from "../store/sign-in-port.js";
import type { WorkflowStore } from "../store/workflows-port.js";

/** What the identity layer needs. */
export interface AuthSettings {
  store: WorkflowStore & IdentityStore & AuditStore & SignInThrottleStore & FleetStore;
  masterKey: Buffer;
  clock: Clock;
  region: string;
  account: string;
  sessionTtlMs?: number;
  /** Teams and quotas (shared with the execution service, which charges starts). */
  teams: TeamService;
  /** Requests per credential; `false` turns limits off (DEFAULT_RATE_LIMIT unless given). */
  rateLimit?: RateLimitSettings | false;
  /** Failed sign-ins before lockouts (DEFAULT_LOGIN_THROTTLE unless given). */
  loginThrottle?: LoginThrottleSettings;
}

/** The identity layer for the HTTP API. */
export function buildAuth(settings: AuthSettings): AuthApi {
  const { store, masterKey, clock } = settings;
  const now = () => clock.now();
  const authorizer = new Authorizer(store);
  return {
    authorizer,
    // A deleted user's team membership goes with it: the cached memberships must too.
    identity: new IdentityService(store, authorizer, masterKey, now, () =>
      settings.teams.changed(),
    ),
    audit: new AuditLog(store, now),
    teams: settings.teams,
    sessions: new SessionService(store, masterKey, now, settings.sessionTtlMs),
    arns: resourceArns(settings.region, settings.account),
    region: settings.region,
    loginThrottle: new LoginThrottle(settings.store, now, settings.loginThrottle),
    rateLimit:
      settings.rateLimit === false
        ? () => ({ ok: true })
        : rateLimiterOf(new RateLimiter(settings.rateLimit ?? DEFAULT_RATE_LIMIT, now)),
    rateLimitFailure:
      settings.rateLimit === false
        ? () => ({ ok: true })
        : failureLimiterOf(
            new RateLimiter(settings.rateLimit?.failuresPerSource ?? DEFAULT_FAILURE_LIMIT, now),
          ),
    taskExecution: async (token) => (await store.getTask(token))?.executionArn,
    async touch(credential, service, region) {
      if (credential.kind === "access-key")
        await store.touchAccessKey(credential.id, now(), service, region);
      else if (credential.kind === "token")
        await store.touchApiToken(credential.id, now(), service, region);
    },
  };
}

/** The limiter as the API uses it: one bucket per credential (kind and id). */
const rateLimiterOf =
  (limiter: RateLimiter) =>
  (principal: { user: string; credential: { kind: string; id: string } }) =>
    limiter.take(`${principal.credential.kind}:${principal.credential.id}`, principal.user);

/** The limiter of refused authentication attempts: one bucket per source address. */
const failureLimiterOf = (limiter: RateLimiter) => (sourceIp: string | undefined) =>
  limiter.take(`source:${sourceIp ?? "unknown"}`, "");
