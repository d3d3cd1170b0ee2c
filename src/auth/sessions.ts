/**
 * Console sessions: a password (and TOTP code, when the user has a second factor) buys a
 * random session id, sent as an HttpOnly cookie, and a CSRF token the console echoes in a
 * header on every mutating request. Only hashes of both are stored, so a stolen database
 * opens no session; a changed cookie is simply unknown.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { openSecret } from "../kernel/secret-box.js";
import type { IdentityStore } from "../store/identity-port.js";
import { verifyPassword } from "./passwords.js";
import type { Principal } from "./principal.js";
import { totpStep } from "./totp.js";

/** The cookie's name. */
export const SESSION_COOKIE = "opsflow_session";
/** The header that carries the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/** Why a login failed (the client is told only "invalid credentials" or "TOTP code"). */
export type LoginFailure = "InvalidCredentials" | "TotpRequired" | "InvalidTotp" | "TotpReused";

/** A resolved session, or why there is none. */
export type SessionLookup =
  | { ok: true; principal: Principal; csrfHash: string; expiresAt: number }
  | { ok: false; reason: "UnknownSession" | "ExpiredSession" };

/** Logs users in and out and resolves session cookies. */
export class SessionService {
  constructor(
    private readonly store: IdentityStore,
    private readonly masterKey: Buffer,
    private readonly now: () => number,
    /** How long a session lasts from login. */
    readonly ttlMs = 8 * 3600_000,
  ) {}

  /** Checks the credentials and opens a session. */
  async login(
    user: string,
    password: string,
    totp: string | undefined,
  ): Promise<
    | { ok: true; sessionId: string; csrfToken: string; expiresAt: number }
    | { ok: false; reason: LoginFailure }
  > {
    const record = await this.store.getUser(user);
    // Verified even without a user or hash, so both cases take as long as a wrong password.
    const good = await verifyPassword(record?.passwordHash, password);
    if (!record || !good) return { ok: false, reason: "InvalidCredentials" };
    if (record.totpSealed !== undefined) {
      if (!totp) return { ok: false, reason: "TotpRequired" };
      const secret = openSecret(this.masterKey, record.totpSealed, `totp:${user}`);
      const step = totpStep(secret, totp, this.now());
      if (step === undefined) return { ok: false, reason: "InvalidTotp" };
      if (!(await this.store.useTotpStep(user, step))) return { ok: false, reason: "TotpReused" };
    }
    return { ok: true, ...(await this.openSession(user)) };
  }

  /** Opens a session for a user whose identity was established (password, or OIDC sign-in). */
  async openSession(
    user: string,
  ): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
    const sessionId = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(32).toString("base64url");
    const now = this.now();
    const expiresAt = now + this.ttlMs;
    await this.store.createSession({
      idHash: sha256(sessionId),
      user,
      csrfHash: sha256(csrfToken),
      createdAt: now,
      expiresAt,
    });
    return { sessionId, csrfToken, expiresAt };
  }

  /** The principal of a session cookie. */
  async resolve(sessionId: string): Promise<SessionLookup> {
    const idHash = sha256(sessionId);
    const session = await this.store.getSession(idHash);
    if (!session) return { ok: false, reason: "UnknownSession" };
    if (session.expiresAt <= this.now()) {
      await this.store.deleteSession(idHash);
      return { ok: false, reason: "ExpiredSession" };
    }
    return {
      ok: true,
      // The credential id is a prefix of the hash: it names the session in the audit log
      // without revealing the cookie.
      principal: { user: session.user, credential: { kind: "session", id: idHash.slice(0, 16) } },
      csrfHash: session.csrfHash,
      expiresAt: session.expiresAt,
    };
  }

  /** True when `token` is the session's CSRF token. */
  csrfMatches(csrfHash: string, token: string | undefined): boolean {
    if (!token) return false;
    const a = Buffer.from(sha256(token), "hex");
    const b = Buffer.from(csrfHash, "hex");
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Ends a session. */
  async logout(sessionId: string): Promise<void> {
    await this.store.deleteSession(sha256(sessionId));
  }
}
