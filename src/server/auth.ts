/**
 * Builds the identity layer: authorizer, identity service, audit log, sessions, and the
 * recording of credentials' last use. Part of the composition root.
 */
import type { AuthApi } from "../api/context.js";
import { AuditLog } from "../auth/audit.js";
import { Authorizer } from "../auth/authorizer.js";
import { IdentityService } from "../auth/identity.js";
import { resourceArns } from "../auth/resources.js";
import { SessionService } from "../auth/sessions.js";
import type { Clock } from "../runtime/clock.js";
import type { Store } from "../store/port.js";

/** What the identity layer needs. */
export interface AuthSettings {
  store: Store;
  masterKey: Buffer;
  clock: Clock;
  region: string;
  account: string;
  sessionTtlMs?: number;
}

/** The identity layer for the HTTP API. */
export function buildAuth(settings: AuthSettings): AuthApi {
  const { store, masterKey, clock } = settings;
  const now = () => clock.now();
  const authorizer = new Authorizer(store);
  return {
    authorizer,
    identity: new IdentityService(store, authorizer, masterKey, now),
    audit: new AuditLog(store, now),
    sessions: new SessionService(store, masterKey, now, settings.sessionTtlMs),
    arns: resourceArns(settings.region, settings.account),
    region: settings.region,
    async touch(credential, service, region) {
      if (credential.kind === "access-key")
        await store.touchAccessKey(credential.id, now(), service, region);
      else if (credential.kind === "token")
        await store.touchApiToken(credential.id, now(), service, region);
    },
  };
}
