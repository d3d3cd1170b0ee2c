/**
 * OIDC sign-in with the authorization-code flow and PKCE (RFC 7636, S256). `begin` makes the
 * state, nonce and code verifier and keeps them in a sealed, short-lived cookie (nothing is
 * stored server-side, and the browser cannot read or change them); `finish` checks the state,
 * trades the code for an ID token, verifies it and maps its group claim to opsflow groups.
 */
import { createHash, randomBytes } from "node:crypto";
import type { JWTPayload } from "jose";
import { openSecret, sealSecret } from "../../kernel/secret-box.js";
import { isEmail } from "../identity.js";
import { OidcError } from "./errors.js";
import type { OidcProvider } from "./provider.js";

/** The cookie that carries the flow between the redirect and the callback. */
export const OIDC_FLOW_COOKIE = "opsflow_oidc";
/** How long a user has at the provider before the flow must start again. */
export const FLOW_LIFETIME_MS = 10 * 60_000;

const SEAL_CONTEXT = "oidc-flow";

interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

/** Who signed in, as the provider says, with their groups mapped to opsflow's. */
export interface OidcIdentity {
  user: string;
  /** The email claim, when it is an address. */
  email?: string;
  /** The opsflow groups the provider's groups map to. */
  groups: string[];
  /** Every opsflow group the mapping manages (to remove the user from those not listed). */
  managedGroups: string[];
}

const random = () => randomBytes(32).toString("base64url");
const USER_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;

/** The sign-in flow over one provider. */
export class OidcSignIn {
  constructor(
    private readonly provider: OidcProvider,
    private readonly masterKey: Buffer,
    private readonly now: () => number,
  ) {}

  /** Where to send the browser, and the sealed cookie to set. */
  async begin(
    redirectUri: string,
    returnTo: string | undefined,
  ): Promise<{ location: string; cookie: string }> {
    const flow: FlowState = {
      state: random(),
      nonce: random(),
      verifier: random(),
      returnTo: safeReturnTo(returnTo),
      expiresAt: this.now() + FLOW_LIFETIME_MS,
    };
    const { clientId, scopes } = this.provider.settings;
    const location = new URL(await this.provider.authorizationEndpoint());
    for (const [key, value] of Object.entries({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: (scopes ?? ["openid", "profile", "email", "groups"]).join(" "),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: createHash("sha256").update(flow.verifier).digest("base64url"),
      code_challenge_method: "S256",
    }))
      location.searchParams.set(key, value);
    return {
      location: location.href,
      cookie: sealSecret(this.masterKey, JSON.stringify(flow), SEAL_CONTEXT),
    };
  }

  /** Checks the callback against the cookie and returns the signed-in identity. */
  async finish(
    query: { code?: string; state?: string; error?: string; error_description?: string },
    cookie: string | undefined,
    redirectUri: string,
  ): Promise<OidcIdentity & { returnTo: string }> {
    if (query.error !== undefined)
      throw new OidcError(
        "SignInDenied",
        `The identity provider ended the sign-in: ${query.error}${query.error_description ? ` (${query.error_description})` : ""}.`,
      );
    const flow = this.openFlow(cookie);
    if (!query.state || query.state !== flow.state)
      throw new OidcError("InvalidSignInState", "The sign-in state does not match: start again.");
    if (!query.code) throw new OidcError("InvalidSignInState", "The callback carries no code.");
    const claims = await this.provider.exchange(
      query.code,
      flow.verifier,
      redirectUri,
      flow.nonce,
      this.now(),
    );
    return { ...this.identityOf(claims), returnTo: flow.returnTo };
  }

  private openFlow(cookie: string | undefined): FlowState {
    if (!cookie)
      throw new OidcError("InvalidSignInState", "No sign-in is in progress in this browser.");
    let flow: FlowState;
    try {
      flow = JSON.parse(openSecret(this.masterKey, cookie, SEAL_CONTEXT)) as FlowState;
    } catch {
      throw new OidcError("InvalidSignInState", "The sign-in cookie is not valid: start again.");
    }
    if (flow.expiresAt <= this.now())
      throw new OidcError("InvalidSignInState", "The sign-in took too long: start again.");
    return flow;
  }

  private identityOf(claims: JWTPayload): OidcIdentity {
    const { userClaim, groupsClaim, groupMap } = this.provider.settings;
    const candidates = userClaim ? [userClaim] : ["preferred_username", "email", "sub"];
    const user = candidates.map((name) => claims[name]).find((v) => typeof v === "string");
    if (typeof user !== "string" || !USER_NAME.test(user))
      throw new OidcError(
        "NoUserClaim",
        `The ID token has no usable user name in ${candidates.join(", ")} (letters, digits and . _ @ + -, at most 64).`,
      );
    const raw = claims[groupsClaim ?? "groups"];
    const theirs = Array.isArray(raw) ? raw.filter((g) => typeof g === "string") : [];
    const groups = [...new Set(theirs.flatMap((g) => (groupMap[g] ? [groupMap[g]] : [])))];
    const email =
      typeof claims.email === "string" && isEmail(claims.email) ? claims.email : undefined;
    return {
      user,
      ...(email !== undefined && { email }),
      groups,
      managedGroups: [...new Set(Object.values(groupMap))],
    };
  }
}

/** Only a path on this server: an absolute URL would make the callback an open redirect. */
function safeReturnTo(value: string | undefined): string {
  return value?.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : "/";
}
