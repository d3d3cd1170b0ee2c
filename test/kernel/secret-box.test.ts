import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  generateMasterKey,
  loadOrCreateMasterKey,
  masterKeyFromBase64,
  openSecret,
  resolveMasterKey,
  SecretBoxError,
  sealSecret,
} from "../../src/kernel/secret-box.js";

const key = generateMasterKey();
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SecretBoxError, String(error));
    return error.code;
  }
  assert.fail("expected a SecretBoxError");
};

describe("sealSecret / openSecret", () => {
  test("round trip, versioned format, fresh nonce each time", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const a = sealSecret(key, secret, "AKIA1");
    const b = sealSecret(key, secret, "AKIA1");
    assert.match(a, /^v1:[A-Za-z0-9+/]+=*$/);
    assert.notEqual(a, b);
    assert.equal(openSecret(key, a, "AKIA1"), secret);
    assert.equal(openSecret(key, sealSecret(key, ""), ""), "");
    assert.equal(openSecret(key, sealSecret(key, "ünï ✓")), "ünï ✓");
  });

  test("every single-byte tamper is detected", () => {
    const sealed = sealSecret(key, "secret", "ctx");
    const raw = Buffer.from(sealed.slice(3), "base64");
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      assert.equal(
        code(() => openSecret(key, `v1:${bad.toString("base64")}`, "ctx")),
        "DecryptionFailed",
      );
    }
  });

  test("wrong key, wrong context, bad format, bad version", () => {
    const sealed = sealSecret(key, "secret", "AKIA1");
    assert.equal(
      code(() => openSecret(generateMasterKey(), sealed, "AKIA1")),
      "DecryptionFailed",
    );
    assert.equal(
      code(() => openSecret(key, sealed, "AKIA2")),
      "DecryptionFailed",
    );
    assert.equal(
      code(() => openSecret(key, "v1:AAAA")),
      "MalformedCiphertext",
    );
    assert.equal(
      code(() => openSecret(key, "v1:!!not base64!!")),
      "MalformedCiphertext",
    );
    assert.equal(
      code(() => openSecret(key, `v2:${sealed.slice(3)}`)),
      "UnsupportedVersion",
    );
    assert.equal(
      code(() => openSecret(key, "plain")),
      "UnsupportedVersion",
    );
    assert.equal(
      code(() => sealSecret(Buffer.alloc(16), "x")),
      "InvalidMasterKey",
    );
  });

  test("master keys from base64", () => {
    assert.deepEqual(masterKeyFromBase64(` ${key.toString("base64")}\n`), key);
    assert.equal(
      code(() => masterKeyFromBase64(Buffer.alloc(31).toString("base64"))),
      "InvalidMasterKey",
    );
    assert.equal(
      code(() => masterKeyFromBase64("not base64 at all")),
      "InvalidMasterKey",
    );
  });
});

describe("loadOrCreateMasterKey", async () => {
  const dir = await mkdtemp(join(tmpdir(), "opsflow-secret-box-"));
  after(() => rm(dir, { recursive: true, force: true }));

  test("creates a 0600 key file once and then reads it back", async () => {
    const path = join(dir, "nested", "master.key");
    const first = await loadOrCreateMasterKey(path);
    assert.equal(first.length, 32);
    if (process.platform !== "win32") assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await loadOrCreateMasterKey(path), first);
    assert.equal((await readFile(path, "utf8")).trim(), first.toString("base64"));
  });

  test("concurrent first use agrees on one key", async () => {
    const path = join(dir, "race.key");
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateMasterKey(path)));
    for (const k of keys) assert.deepEqual(k, keys[0]);
  });

  test("refuses a key file readable by others", {
    skip: process.platform === "win32",
  }, async () => {
    const path = join(dir, "loose.key");
    await writeFile(path, generateMasterKey().toString("base64"), { mode: 0o644 });
    await chmod(path, 0o644);
    await assert.rejects(loadOrCreateMasterKey(path), (error: unknown) => {
      assert.ok(error instanceof SecretBoxError);
      assert.equal(error.code, "InsecureKeyFile");
      assert.match(error.message, /permissions 0644; .*chmod 600/);
      return true;
    });
  });

  test("refuses a corrupt key file", async () => {
    const path = join(dir, "corrupt.key");
    await writeFile(path, "short", { mode: 0o600 });
    await assert.rejects(loadOrCreateMasterKey(path), { code: "InvalidMasterKey" });
  });

  test("resolveMasterKey prefers an explicit value", async () => {
    const value = generateMasterKey();
    assert.deepEqual(
      await resolveMasterKey({ value: value.toString("base64"), path: join(dir, "unused.key") }),
      value,
    );
    assert.equal(
      (await resolveMasterKey({ value: "", path: join(dir, "from-file.key") })).length,
      32,
    );
    await assert.rejects(resolveMasterKey({}), { code: "InvalidMasterKey" });
  });
});
