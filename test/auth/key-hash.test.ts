import assert from "node:assert/strict";
import { test } from "node:test";
import {
  generateAccessKeyId,
  generateApiToken,
  generateSecretAccessKey,
  hashApiToken,
  looksLikeApiToken,
  randomString,
  verifyApiToken,
} from "../../src/auth/key-hash.js";

test("access key ids look like AWS's", () => {
  const ids = new Set(Array.from({ length: 200 }, generateAccessKeyId));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^AKIA[A-Z0-9]{16}$/);
});

test("secret keys are 40 base64 characters", () => {
  for (let i = 0; i < 50; i++) assert.match(generateSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
});

test("API tokens: prefix, shape, hash and constant-time verify", () => {
  const token = generateApiToken();
  assert.match(token, /^opsf_[0-9A-Za-z]{43}$/);
  assert.equal(looksLikeApiToken(token), true);
  assert.equal(looksLikeApiToken(`${token}x`), false);
  assert.equal(looksLikeApiToken("opsf_"), false);
  const stored = hashApiToken(token);
  assert.match(stored, /^sha256:[0-9a-f]{64}$/);
  assert.equal(hashApiToken(token), stored, "deterministic, usable as a lookup key");
  assert.equal(verifyApiToken(token, stored), true);
  assert.equal(verifyApiToken(generateApiToken(), stored), false);
  assert.equal(verifyApiToken(token, stored.replace("sha256:", "scrypt:")), false);
  assert.equal(verifyApiToken(token, "sha256:abcd"), false);
});

test("randomString is uniform enough (no modulo bias toward early characters)", () => {
  const counts = new Map<string, number>();
  const sample = randomString("abc", 30_000);
  for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const c of "abc") {
    const n = counts.get(c) ?? 0;
    assert.ok(n > 9_400 && n < 10_600, `${c}: ${n}`);
  }
});
