/**
 * The identity provider as opsflow sees it: its discovery document, its signing keys and its
 * token endpoint. Everything here is HTTP to the provider; the sign-in flow is in flow.ts.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { OidcError } from "./errors.js";

/** How opsflow is registered at the provider. */
export interface OidcSettings {
  /** The issuer URL; `/.well-known/openid-configuration` is read below it. */
  issuer: string;
  clientId: string;
  /** Confidential clients send it (client_secret_basic); public clients rely on PKCE alone. */
  clientSecret?: string;
  /** Scopes asked for (default: openid profile email groups). */
  scopes?: string[];
  /** The claim naming the user (default: preferred_username, then email, then sub). */
  userClaim?: string;
  /** The claim listing the user's groups at the provider (default: groups). */
  groupsClaim?: string;
  /** Provider group → opsflow group. Only groups named here are managed by sign-in. */
  groupMap: Record<string, string>;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** The provider's endpoints and keys, discovered once. */
export class OidcProvider {
  private discovery?: Promise<Discovery>;
  private keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly settings: OidcSettings) {}

  /** The authorization endpoint (discovered). */
  async authorizationEndpoint(): Promise<string> {
    return (await this.discover()).authorization_endpoint;
  }

  /** Trades an authorization code (and the PKCE verifier) for the ID token's claims. */
  async exchange(
    code: string,
    verifier: string,
    redirectUri: string,
    nonce: string,
    now: number,
  ): Promise<JWTPayload> {
    const discovery = await this.discover();
    const { clientId, clientSecret } = this.settings;
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
    });
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (clientSecret !== undefined)
      headers.authorization = `Basic ${Buffer.from(
        `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
      ).toString("base64")}`;
    const response = await fetch(discovery.token_endpoint, { method: "POST", headers, body: form });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body.id_token !== "string")
      throw new OidcError(
        "TokenExchangeFailed",
        `The identity provider refused the code (${response.status} ${String(body.error ?? "")} ${String(body.error_description ?? "")}).`.trim(),
      );
    this.keys ??= createRemoteJWKSet(new URL(discovery.jwks_uri));
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(body.id_token, this.keys, {
        issuer: discovery.issuer,
        audience: clientId,
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw new OidcError(
        "InvalidIdToken",
        `The ID token is not valid: ${(error as Error).message}`,
      );
    }
    // The nonce ties the token to this browser's sign-in: a token minted for another is refused.
    if (claims.nonce !== nonce)
      throw new OidcError("InvalidIdToken", "The ID token's nonce does not match this sign-in.");
    return claims;
  }

  private discover(): Promise<Discovery> {
    this.discovery ??= this.fetchDiscovery().catch((error) => {
      // A provider that was down must be retried on the next sign-in.
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  private async fetchDiscovery(): Promise<Discovery> {
    const issuer = this.settings.issuer.replace(/\/$/, "");
    const url = `${issuer}/.well-known/openid-configuration`;
    let document: Partial<Discovery>;
    try {
      const response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as Partial<Discovery>;
    } catch (error) {
      throw new OidcError(
        "ProviderUnavailable",
        `Could not read ${url}: ${(error as Error).message}. Check OPSFLOW_OIDC_ISSUER.`,
      );
    }
    for (const key of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const)
      if (typeof document[key] !== "string")
        throw new OidcError("ProviderUnavailable", `${url} has no ${key}.`);
    return document as Discovery;
  }
}
