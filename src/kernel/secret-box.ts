/**
 * Encryption of small secrets at rest with AES-256-GCM under one 32-byte master key.
 *
 * SigV4 secret access keys must be recoverable (the server recomputes the client's
 * signature with them), so they cannot be hashed like passwords; they are sealed here and
 * opened only in memory. The sealed form is versioned (`v1:` + base64 of
 * nonce | tag | ciphertext) so the scheme can change without a flag day.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Length of the master key in bytes (AES-256). */
export const MASTER_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1:";

/** Why sealing, opening or loading a key failed. */
export type SecretBoxErrorCode =
  | "InvalidMasterKey"
  | "MalformedCiphertext"
  | "UnsupportedVersion"
  | "DecryptionFailed"
  | "InsecureKeyFile";

/** A typed failure of this module; `code` says which. */
export class SecretBoxError extends Error {
  readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string) {
    super(message);
    this.name = "SecretBoxError";
    this.code = code;
  }
}

function checkKey(masterKey: Uint8Array): void {
  if (masterKey.length !== MASTER_KEY_BYTES) {
    throw new SecretBoxError(
      "InvalidMasterKey",
      `The master key must be ${MASTER_KEY_BYTES} bytes, got ${masterKey.length}.`,
    );
  }
}

/**
 * Encrypts a secret. `context` is bound as additional authenticated data: pass the owning
 * record's id (e.g. the access key id) so a sealed secret copied onto another record does
 * not open there.
 */
export function sealSecret(masterKey: Uint8Array, plaintext: string, context = ""): string {
  checkKey(masterKey);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", masterKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return VERSION + Buffer.concat([nonce, tag, ciphertext]).toString("base64");
}

/**
 * Decrypts a value made by {@link sealSecret} with the same key and context.
 * @throws SecretBoxError `UnsupportedVersion`, `MalformedCiphertext`, or `DecryptionFailed`
 *   (wrong key, wrong context, or tampered data — GCM cannot tell these apart).
 */
export function openSecret(masterKey: Uint8Array, sealed: string, context = ""): string {
  checkKey(masterKey);
  if (!sealed.startsWith(VERSION)) {
    const version = sealed.includes(":") ? sealed.slice(0, sealed.indexOf(":")) : "(none)";
    throw new SecretBoxError(
      "UnsupportedVersion",
      `Unsupported secret format version: ${version}.`,
    );
  }
  const encoded = sealed.slice(VERSION.length);
  const raw = Buffer.from(encoded, "base64");
  // Buffer.from ignores junk in base64; a round trip catches truncation and garbage.
  if (raw.toString("base64") !== encoded || raw.length < NONCE_BYTES + TAG_BYTES) {
    throw new SecretBoxError("MalformedCiphertext", "The sealed secret is not valid v1 data.");
  }
  const nonce = raw.subarray(0, NONCE_BYTES);
  const tag = raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES);
  const ciphertext = raw.subarray(NONCE_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError(
      "DecryptionFailed",
      "The sealed secret could not be decrypted: wrong master key, wrong context, or tampered data.",
    );
  }
}

/**
 * Parses a base64 master key (from an environment variable or config file).
 * @throws SecretBoxError `InvalidMasterKey` unless it decodes to exactly 32 bytes.
 */
export function masterKeyFromBase64(value: string): Buffer {
  const trimmed = value.trim();
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== MASTER_KEY_BYTES || key.toString("base64") !== trimmed) {
    throw new SecretBoxError(
      "InvalidMasterKey",
      `The master key must be ${MASTER_KEY_BYTES} bytes encoded as base64 (44 characters).`,
    );
  }
  return key;
}

/** A fresh random master key. */
export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

async function readKeyFile(path: string): Promise<Buffer> {
  if (process.platform !== "win32") {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, "0");
      throw new SecretBoxError(
        "InsecureKeyFile",
        `Master key file ${path} has permissions ${octal}; it must be readable by its owner only. ` +
          `Run: chmod 600 ${path}`,
      );
    }
  }
  return masterKeyFromBase64(await readFile(path, "utf8"));
}

/**
 * Reads the master key file at `path`, creating it (mode 0600, random key, base64) on
 * first use. Creation writes a private temporary file and hard-links it into place, so
 * concurrent starters never see a half-written key and exactly one key wins.
 * @throws SecretBoxError `InsecureKeyFile` when group or others can access the file,
 *   `InvalidMasterKey` when its content is not a base64 32-byte key.
 */
export async function loadOrCreateMasterKey(path: string): Promise<Buffer> {
  try {
    return await readKeyFile(path);
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${generateMasterKey().toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  // The umask cannot widen 0600, but an explicit chmod documents the intent.
  await chmod(temp, 0o600);
  try {
    await link(temp, path);
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
  } finally {
    await unlink(temp);
  }
  return readKeyFile(path);
}

/** Where a master key may come from, in order of precedence. */
export interface MasterKeySource {
  /** A base64 key, e.g. from `OPSFLOW_MASTER_KEY`. */
  value?: string | undefined;
  /** A key file, created on first use. */
  path?: string | undefined;
}

/**
 * Resolves the master key: an explicit value wins (containers inject it as a secret),
 * otherwise the key file is loaded or created.
 */
export async function resolveMasterKey(source: MasterKeySource): Promise<Buffer> {
  if (source.value !== undefined && source.value !== "") return masterKeyFromBase64(source.value);
  if (source.path !== undefined) return loadOrCreateMasterKey(source.path);
  throw new SecretBoxError(
    "InvalidMasterKey",
    "No master key configured: give a value or a key file path.",
  );
}
