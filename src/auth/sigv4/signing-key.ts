/**
 * Derivation of the SigV4 signing key, with a bounded cache. The key depends only on the
 * secret, the day, the region and the service, so a client making many calls in a day
 * costs four HMACs once rather than on every request.
 */
import { createHash, createHmac } from "node:crypto";

/** `HMAC-SHA256(key, data)` as bytes. */
export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** The uncached derivation: `kSecret -> kDate -> kRegion -> kService -> kSigning`. */
export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmacSha256(`AWS4${secretAccessKey}`, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, "aws4_request");
}

/**
 * A least-recently-used cache of derived signing keys. Entries are keyed by a hash of the
 * secret, never the secret itself, so a heap dump of the cache keys reveals nothing, and a
 * rotated secret simply misses.
 */
export class SigningKeyCache {
  readonly #entries = new Map<string, Buffer>();
  readonly #maxEntries: number;

  /** @param maxEntries how many derived keys to keep; the oldest is evicted first. */
  constructor(maxEntries = 1024) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The signing key for this secret and scope, derived on first use. */
  get(secretAccessKey: string, date: string, region: string, service: string): Buffer {
    const secretId = createHash("sha256").update(secretAccessKey).digest("base64");
    const cacheKey = `${secretId}\n${date}\n${region}\n${service}`;
    const hit = this.#entries.get(cacheKey);
    if (hit) {
      // Re-insert so Map iteration order tracks recency.
      this.#entries.delete(cacheKey);
      this.#entries.set(cacheKey, hit);
      return hit;
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    this.#entries.set(cacheKey, key);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return key;
  }

  /** Number of cached keys (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets every derived key, e.g. after secrets were rotated in bulk. */
  clear(): void {
    this.#entries.clear();
  }
}
