/**
 * OIDC console sign-in (authorization code + PKCE) against an identity provider double at its
 * HTTP boundary: discovery, authorize, token and JWKS endpoints, ID tokens signed with jose.
 * The double checks the PKCE verifier and client secret as a real provider would.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { type RunningServer, type ServerConfig, startServer } from "../../src/server/compose.js";
import { call, serverConfig } from "../ops/helpers.js";
import { withTestDatabase } from "./harness.js";

const CLIENT = { id: "opsflow-console", secret: "s3cret-client" };

/** What the provider puts in the next ID token, and how it misbehaves. */
interface Next {
  claims: Record<string, unknown>;
  nonce?: "wrong";
  signer?: "foreign";
}

async function startProvider() {
  const keys = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const codes = new Map<string, { challenge: string; nonce: string; redirect: string }>();
  let next: Next = { claims: {} };
  let issuer = "";
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration")
      return send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      });
    if (url.pathname === "/jwks") return send(200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      // The user signs in and consents: the provider redirects back with a code.
      const q = url.searchParams;
      if (q.get("client_id") !== CLIENT.id || q.get("code_challenge_method") !== "S256")
        return send(400, { error: "invalid_request" });
      const code = `code-${++counter}`;
      codes.set(code, {
        challenge: q.get("code_challenge") ?? "",
        nonce: q.get("nonce") ?? "",
        redirect: q.get("redirect_uri") ?? "",
      });
      const back = new URL(q.get("redirect_uri") ?? "");
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let text = "";
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64");
      if (req.headers.authorization !== `Basic ${basic}`)
        return send(401, { error: "invalid_client" });
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (
        !grant ||
        grant.redirect !== form.get("redirect_uri") ||
        createHash("sha256").update(verifier).digest("base64url") !== grant.challenge
      )
        return send(400, { error: "invalid_grant", error_description: "bad code or verifier" });
      const idToken = await new SignJWT({
        ...next.claims,
        nonce: next.nonce === "wrong" ? "another-browser" : grant.nonce,
      })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience(CLIENT.id)
        .setSubject(String(next.claims.sub ?? "subject-1"))
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(next.signer === "foreign" ? foreign.privateKey : keys.privateKey);
      return send(200, { access_token: "at", token_type: "Bearer", id_token: idToken });
    }
    send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    set(value: Next) {
      next = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function config(oidc?: ServerConfig["oidc"]): Promise<ServerConfig> {
  return withTestDatabase(serverConfig(oidc && { oidc }));
}

/** The cookies a response sets, by name. */
function cookies(response: Response): Record<string, string> {
  return Object.fromEntries(
    response.headers.getSetCookie().map((line) => {
      const [pair] = line.split(";");
      const at = (pair as string).indexOf("=");
      return [(pair as string).slice(0, at), (pair as string).slice(at + 1)];
    }),
  );
}

let provider: Awaited<ReturnType<typeof startProvider>>;
let server: RunningServer;

before(async () => {
  provider = await startProvider();
  server = await startServer(
    await config({
      issuer: provider.issuer,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      groupMap: { sre: "operators", "db-admins": "dba" },
    }),
  );
  // Group "operators" carries the operator role; "oncall" is managed in opsflow only.
  assert.equal((await call(server.url, "POST", "/v1/groups", { name: "operators" })).status, 201);
  assert.equal((await call(server.url, "PUT", "/v1/groups/operators/roles/operator")).status, 204);
  assert.equal((await call(server.url, "POST", "/v1/groups", { name: "oncall" })).status, 201);
});
after(async () => {
  await server?.close();
  await provider?.close();
});

/** Walks the browser through login → provider → callback; returns the callback's response. */
async function signIn(returnTo = "/console/executions") {
  const login = await fetch(
    `${server.url}/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    { redirect: "manual" },
  );
  assert.equal(login.status, 302);
  const flow = cookies(login).opsflow_oidc as string;
  assert.ok(flow);
  const authorize = new URL(login.headers.get("location") as string);
  assert.equal(authorize.origin, provider.issuer);
  const consent = await fetch(authorize, { redirect: "manual" });
  const callback = consent.headers.get("location") as string;
  const response = await fetch(callback, {
    redirect: "manual",
    headers: { cookie: `opsflow_oidc=${flow}` },
  });
  return { response, callback, flow };
}

describe("OIDC sign-in", () => {
  test("authorization code + PKCE opens a session; the group claim maps to opsflow groups", async () => {
    provider.set({
      claims: { preferred_username: "alice", email: "alice@corp.example", groups: ["sre", "x"] },
    });
    const { response } = await signIn();
    assert.equal(response.status, 302, await response.clone().text());
    assert.equal(response.headers.get("location"), "/console/executions");
    const set = cookies(response);
    assert.ok(set.opsflow_session && set.opsflow_csrf);
    const session = `opsflow_session=${set.opsflow_session}`;
    const whoami = await fetch(`${server.url}/v1/auth/whoami`, { headers: { cookie: session } });
    const me = (await whoami.json()) as { user: string; roles: string[]; groups: string[] };
    assert.equal(me.user, "alice");
    assert.equal((await server.store.getUser("alice"))?.email, "alice@corp.example");
    assert.deepEqual(me.groups, ["operators"]);
    assert.deepEqual(me.roles, ["operator"]);
    // The readable CSRF cookie is the token changes need.
    const refused = await fetch(`${server.url}/v1/auth/logout`, {
      method: "POST",
      headers: { cookie: session },
    });
    assert.equal(refused.status, 403);
    const out = await fetch(`${server.url}/v1/auth/logout`, {
      method: "POST",
      headers: { cookie: session, "x-csrf-token": set.opsflow_csrf as string },
    });
    assert.equal(out.status, 204);
    const audit = await call(
      server.url,
      "GET",
      "/v1/audit/events?user=alice&action=auth:ConsoleLogin",
    );
    const success = audit.body.items.find((e: { outcome: string }) => e.outcome === "Success");
    assert.equal(success.parameters.via, "oidc");
    assert.deepEqual(success.parameters.joined, ["operators"]);
    assert.equal(success.parameters.created, true);
  });

  test("the next sign-in follows the claim: mapped groups are left, opsflow's own kept", async () => {
    provider.set({ claims: { preferred_username: "bob", groups: ["sre", "db-admins"] } });
    assert.equal((await signIn()).response.status, 302);
    assert.equal((await call(server.url, "PUT", "/v1/groups/oncall/members/bob")).status, 204);
    provider.set({ claims: { preferred_username: "bob", groups: ["db-admins"] } });
    assert.equal((await signIn()).response.status, 302);
    const grants = await server.store.permissionsOf("bob");
    assert.deepEqual([...(grants?.groups ?? [])].sort(), ["dba", "oncall"]);
  });

  test("the return path stays on this server", async () => {
    provider.set({ claims: { preferred_username: "carol" } });
    const { response } = await signIn("https://evil.example/steal");
    assert.equal(response.headers.get("location"), "/");
  });

  test("a forged state, a missing flow cookie, a replayed code or a bad token open nothing", async () => {
    provider.set({ claims: { preferred_username: "mallory" } });
    const first = await signIn();
    assert.equal(first.response.status, 302);
    const sessionsBefore = (await call(server.url, "GET", "/v1/audit/events?user=mallory")).body
      .items.length;

    // The same callback again: the code was used, and the flow cookie was for that state.
    const replay = await fetch(first.callback, {
      redirect: "manual",
      headers: { cookie: `opsflow_oidc=${first.flow}` },
    });
    assert.equal(replay.status, 401);
    assert.equal(
      ((await replay.json()) as { error: { code: string } }).error.code,
      "TokenExchangeFailed",
    );

    const forged = new URL(first.callback);
    forged.searchParams.set("state", "forged");
    const wrongState = await fetch(forged, {
      redirect: "manual",
      headers: { cookie: `opsflow_oidc=${first.flow}` },
    });
    assert.equal(wrongState.status, 401);
    assert.equal(
      ((await wrongState.json()) as { error: { code: string } }).error.code,
      "InvalidSignInState",
    );

    const noCookie = await fetch(first.callback, { redirect: "manual" });
    assert.equal(noCookie.status, 401);
    assert.equal(cookies(noCookie).opsflow_session, undefined);

    const tampered = await fetch(first.callback, {
      redirect: "manual",
      headers: { cookie: `opsflow_oidc=${first.flow.slice(0, -4)}AAAA` },
    });
    assert.equal(tampered.status, 401);

    for (const misbehaviour of [{ nonce: "wrong" as const }, { signer: "foreign" as const }]) {
      provider.set({ claims: { preferred_username: "mallory" }, ...misbehaviour });
      const { response } = await signIn();
      assert.equal(response.status, 401);
      assert.equal(
        ((await response.json()) as { error: { code: string } }).error.code,
        "InvalidIdToken",
      );
      assert.equal(cookies(response).opsflow_session, undefined);
    }

    provider.set({ claims: { preferred_username: "not a valid name!" } });
    const badName = (await signIn()).response;
    assert.equal(((await badName.json()) as { error: { code: string } }).error.code, "NoUserClaim");

    const denied = await fetch(`${server.url}/v1/auth/oidc/callback?error=access_denied`);
    assert.equal(denied.status, 401);
    assert.equal(
      (await call(server.url, "GET", "/v1/audit/events?user=mallory")).body.items.length,
      sessionsBefore,
    );
    const failures = await call(
      server.url,
      "GET",
      "/v1/audit/events?action=auth:ConsoleLogin&limit=100",
    );
    const codes = failures.body.items
      .filter((e: { outcome: string }) => e.outcome === "Failure")
      .map((e: { errorCode: string }) => e.errorCode);
    for (const code of [
      "TokenExchangeFailed",
      "InvalidSignInState",
      "InvalidIdToken",
      "SignInDenied",
    ])
      assert.ok(codes.includes(code), `${code} audited`);
  });

  test("a server without OIDC says so", async () => {
    const plain = await startServer(await config());
    try {
      const response = await fetch(`${plain.url}/v1/auth/oidc/login`, { redirect: "manual" });
      assert.equal(response.status, 404);
      assert.match(
        ((await response.json()) as { error: { message: string } }).error.message,
        /OPSFLOW_OIDC_ISSUER/,
      );
    } finally {
      await plain.close();
    }
  });
});
