/**
 * Credentials opsflow issues: SigV4 access key pairs and bearer API tokens, and the hash
 * under which API tokens are stored.
 *
 * API tokens are hashed with plain SHA-256, not scrypt: they carry 256 bits of randomness,
 * so no amount of per-guess cost matters to an attacker holding the hashes, while a slow
 * KDF would cost every API request tens of milliseconds. Slow hashing is for low-entropy,
 * human-chosen passwords. Being deterministic, the hash also serves as the lookup key.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The prefix of every opsflow API token, so scanners and people can recognise a leak. */
export const API_TOKEN_PREFIX = "opsf_";
/** Random characters after the prefix (base62; 43 characters carry just over 256 bits). */
const API_TOKEN_CHARS = 43;
const HASH_PREFIX = "sha256:";

/**
 * Uniformly random characters from `alphabet`. Bytes at or above the largest multiple of
 * the alphabet size are rejected, because `byte % n` would favour the first characters.
 */
export function randomString(alphabet: string, length: number): string {
  const n = alphabet.length;
  const limit = 256 - (256 % n);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/** An access key id shaped like AWS's: `AKIA` + 16 upper-case letters and digits. */
export function generateAccessKeyId(): string {
  return `AKIA${randomString(UPPER_ALNUM, 16)}`;
}

/** A secret access key shaped like AWS's: 40 base64 characters (30 random bytes). */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString("base64");
}

/** A bearer API token: `opsf_` + 43 base62 characters. Shown once, stored only hashed. */
export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomString(BASE62, API_TOKEN_CHARS);
}

/** True when the string has the shape of an opsflow API token (cheap pre-check). */
export function looksLikeApiToken(value: string): boolean {
  return (
    value.startsWith(API_TOKEN_PREFIX) &&
    value.length === API_TOKEN_PREFIX.length + API_TOKEN_CHARS &&
    /^[0-9A-Za-z]+$/.test(value.slice(API_TOKEN_PREFIX.length))
  );
}

/** The stored form of an API token: `sha256:` + hex digest. */
export function hashApiToken(token: string): string {
  return HASH_PREFIX + createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Checks a presented token against a stored hash in constant time. A stored value in an
 * unknown format never matches (rather than throwing), so a corrupt row just denies access.
 */
export function verifyApiToken(token: string, storedHash: string): boolean {
  if (!storedHash.startsWith(HASH_PREFIX)) return false;
  const expected = Buffer.from(storedHash.slice(HASH_PREFIX.length), "hex");
  const actual = createHash("sha256").update(token, "utf8").digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
