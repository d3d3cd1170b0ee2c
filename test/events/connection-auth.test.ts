/**
 * Connection AuthParameters: validation with located messages, UpdateConnection's merge,
 * redaction of every secret, and the connections sealed before UpdateConnection existed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkAuthParameters,
  mergeAuthParameters,
  readSealedAuth,
  redactAuthParameters,
  toConnection,
} from "../../src/events/bus/connection-auth.js";
import { EventBusError } from "../../src/events/bus/errors.js";

const refused = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof EventBusError);
    assert.equal(error.code, "ValidationException");
    assert.match(error.message, message);
    return true;
  });

const OAUTH = {
  OAuthParameters: {
    AuthorizationEndpoint: "https://auth.example.com/token",
    HttpMethod: "POST",
    ClientParameters: { ClientID: "id", ClientSecret: "shh" },
    OAuthHttpParameters: {
      BodyParameters: [{ Key: "audience", Value: "aud-secret", IsValueSecret: true }],
    },
  },
  InvocationHttpParameters: { HeaderParameters: [{ Key: "x-team", Value: "ops" }] },
};

test("each authorization type needs its own block, complete, and no other", () => {
  refused(() => checkAuthParameters("DIGEST", {}), /AuthorizationType must be one of/);
  refused(() => checkAuthParameters("BASIC", {}), /AuthParameters.BasicAuthParameters is required/);
  refused(
    () => checkAuthParameters("BASIC", { BasicAuthParameters: { Username: "u" } }),
    /AuthParameters.BasicAuthParameters.Password must be a string/,
  );
  refused(
    () =>
      checkAuthParameters("API_KEY", {
        ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" },
        BasicAuthParameters: { Username: "u", Password: "p" },
      }),
    /BasicAuthParameters does not go with AuthorizationType API_KEY/,
  );
  refused(
    () =>
      checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", {
        OAuthParameters: { ...OAUTH.OAuthParameters, HttpMethod: "DELETE" },
      }),
    /HttpMethod must be GET, POST or PUT/,
  );
  refused(
    () =>
      checkAuthParameters("API_KEY", {
        ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" },
        InvocationHttpParameters: { HeaderParameters: [{ Key: "a", IsValueSecret: "yes" }] },
      }),
    /InvocationHttpParameters.HeaderParameters\[0\].IsValueSecret must be a boolean/,
  );
  assert.deepEqual(checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", OAUTH), OAUTH);
});

test("redaction drops every secret and keeps what identifies the connection", () => {
  const shown = redactAuthParameters(checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", OAUTH));
  assert.deepEqual(shown, {
    OAuthParameters: {
      ClientParameters: { ClientID: "id" },
      AuthorizationEndpoint: "https://auth.example.com/token",
      HttpMethod: "POST",
      OAuthHttpParameters: { BodyParameters: [{ Key: "audience", IsValueSecret: true }] },
    },
    InvocationHttpParameters: { HeaderParameters: [{ Key: "x-team", Value: "ops" }] },
  });
  assert.ok(!JSON.stringify(shown).includes("shh"));
  assert.deepEqual(
    redactAuthParameters({ BasicAuthParameters: { Username: "u", Password: "p" } }),
    { BasicAuthParameters: { Username: "u" } },
  );
});

test("UpdateConnection merges field by field within the type; a new type starts over", () => {
  const current = checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", OAUTH);
  const merged = checkAuthParameters(
    "OAUTH_CLIENT_CREDENTIALS",
    mergeAuthParameters(current, true, {
      OAuthParameters: { ClientParameters: { ClientSecret: "new" } },
    }),
  );
  assert.equal(merged.OAuthParameters?.ClientParameters?.ClientID, "id");
  assert.equal(merged.OAuthParameters?.ClientParameters?.ClientSecret, "new");
  assert.equal(merged.OAuthParameters?.AuthorizationEndpoint, "https://auth.example.com/token");
  assert.deepEqual(merged.InvocationHttpParameters, OAUTH.InvocationHttpParameters);
  refused(
    () =>
      checkAuthParameters(
        "BASIC",
        mergeAuthParameters(current, false, { BasicAuthParameters: { Username: "u" } }),
      ),
    /Password/,
  );
});

test("the HTTP code's connection, and payloads sealed in the older form", () => {
  const oauth = toConnection(
    "OAUTH_CLIENT_CREDENTIALS",
    checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", OAUTH),
  );
  assert.deepEqual(oauth, {
    authorizationType: "OAUTH_CLIENT_CREDENTIALS",
    authorizationEndpoint: "https://auth.example.com/token",
    httpMethod: "POST",
    clientId: "id",
    clientSecret: "shh",
    oauthHttpParameters: {
      bodyParameters: [{ key: "audience", value: "aud-secret", isValueSecret: true }],
    },
    invocationHttpParameters: { headerParameters: [{ key: "x-team", value: "ops" }] },
  });
  assert.deepEqual(readSealedAuth('{"username":"u","password":"p"}'), {
    BasicAuthParameters: { Username: "u", Password: "p" },
  });
  assert.deepEqual(readSealedAuth('{"apiKeyName":"k","apiKeyValue":"v"}'), {
    ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" },
  });
});
