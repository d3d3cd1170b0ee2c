/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the kind
 * every authenticator app reads from an `otpauth://` URI.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const STEP_SECONDS = 30;

/** A fresh secret: 20 random bytes (RFC 4226's recommended length), base32. */
export function generateTotpSecret(): string {
  let bits = "";
  for (const byte of randomBytes(20)) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5)
    out += ALPHABET[Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
}

function base32Decode(secret: string): Buffer {
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) throw new Error("The TOTP secret is not base32.");
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8)
    bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The 6-digit code of `secret` at time `nowMs`. */
export function totpCode(secret: string, nowMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 1000 / STEP_SECONDS)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/**
 * The time step (30-second counter) whose code `code` is, looking at the current step and one
 * either side (clock drift); undefined when none. Sign-in keeps the last step used per user
 * and refuses a step not after it, so a code seen once (over a shoulder, in a proxy log)
 * cannot be replayed within its window.
 */
export function totpStep(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const current = Math.floor(nowMs / 1000 / STEP_SECONDS);
  let step: number | undefined;
  for (const drift of [-1, 0, 1]) {
    const expected = Buffer.from(totpCode(secret, nowMs + drift * STEP_SECONDS * 1000));
    // Every candidate is compared, so timing does not tell which step matched.
    if (timingSafeEqual(expected, Buffer.from(code))) step ??= current + drift;
  }
  return step;
}

/** True when `code` is the code of the current step or one step either side (clock drift). */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  return totpStep(secret, code, nowMs) !== undefined;
}

/** The `otpauth://` URI authenticator apps import (usually as a QR code). */
export function totpUri(secret: string, user: string, issuer = "opsflow"): string {
  const label = encodeURIComponent(`${issuer}:${user}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
