/**
 * Signing: the agent signs with its client code; the check below is what the server does
 * (node:crypto verify with the public key sent at registration).
 */
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { describe, test } from "node:test";
import {
  generateNodeKeys,
  loadPrivateKey,
  signedHeaders,
} from "../../../src/fleet/agent/signing.js";
import {
  AGENT_DATE_HEADER,
  parseAuthorization,
  stringToSign,
} from "../../../src/fleet/protocol.js";

const instanceId = "mi-0123456789abcdef0";

function serverVerifies(
  publicKey: string,
  headers: Record<string, string>,
  method: string,
  path: string,
  body: Uint8Array,
): boolean {
  const auth = parseAuthorization(headers.authorization);
  if (!auth || auth.instanceId !== instanceId) return false;
  const key = createPublicKey({
    key: Buffer.from(publicKey, "base64"),
    format: "der",
    type: "spki",
  });
  const text = stringToSign(method, path, headers[AGENT_DATE_HEADER], body);
  return verify(null, Buffer.from(text, "utf8"), key, Buffer.from(auth.signature, "base64"));
}

describe("agent signing", () => {
  const keys = generateNodeKeys();
  const privateKey = loadPrivateKey(keys.privateKeyPem);
  const body = Buffer.from(JSON.stringify({ waitSeconds: 20 }));
  const date = new Date("2026-12-08T00:00:00.000Z");
  const headers = signedHeaders(instanceId, privateKey, "POST", "/agent/v1/poll", body, date);

  test("the server's check accepts the signed call, with the date header sent", () => {
    assert.equal(headers[AGENT_DATE_HEADER], "2026-12-08T00:00:00.000Z");
    assert.ok(serverVerifies(keys.publicKey, headers, "POST", "/agent/v1/poll", body));
  });

  test("a changed body, path, method or date fails the check", () => {
    const other = Buffer.from(JSON.stringify({ waitSeconds: 21 }));
    assert.equal(serverVerifies(keys.publicKey, headers, "POST", "/agent/v1/poll", other), false);
    assert.equal(serverVerifies(keys.publicKey, headers, "POST", "/agent/v1/pol", body), false);
    assert.equal(serverVerifies(keys.publicKey, headers, "GET", "/agent/v1/poll", body), false);
    const moved = { ...headers, [AGENT_DATE_HEADER]: "2026-12-08T00:00:01.000Z" };
    assert.equal(serverVerifies(keys.publicKey, moved, "POST", "/agent/v1/poll", body), false);
  });

  test("another node's key does not verify it", () => {
    const stranger = generateNodeKeys();
    assert.equal(
      serverVerifies(stranger.publicKey, headers, "POST", "/agent/v1/poll", body),
      false,
    );
  });

  test("the public key is SPKI DER in base64 (an Ed25519 key, 44 bytes)", () => {
    const der = Buffer.from(keys.publicKey, "base64");
    assert.equal(der.length, 44);
    assert.equal(
      createPublicKey({ key: der, format: "der", type: "spki" }).asymmetricKeyType,
      "ed25519",
    );
  });
});
