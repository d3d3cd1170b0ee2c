/**
 * Rate limits per credential (access key, API token, console session): a token bucket each,
 * refilled at `requestsPerSecond` up to `burst`, on the injected clock. A user may have its
 * own limit (e.g. a CI robot). Refused authentication attempts (a bad signature, an unknown
 * key or token) have no credential to charge, so they are counted per source address in
 * buckets of their own, taken only by failing attempts: a good credential is never slowed by
 * someone else's failures from the same address. Kept in memory: a limit protects this
 * process, and a restart forgetting a bucket only gives a full burst back.
 */

/** One limit. */
export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** The server's limits: the default per credential, and per-user overrides. */
export interface RateLimitSettings extends RateLimit {
  perUser?: Record<string, RateLimit>;
  /** Refused authentication attempts per source address (DEFAULT_FAILURE_LIMIT unless given). */
  failuresPerSource?: RateLimit;
}

/** The default: generous enough for scripts and SDK bursts, a brake on runaway loops. */
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { requestsPerSecond: 1000, burst: 2000 };

/**
 * Refused authentication attempts per source address: a misconfigured client (wrong secret,
 * skewed clock) fails a few times and stops; one that keeps failing is a loop or a guesser,
 * and each refusal is an audit row (an fsync). Many users may share an address (NAT), which
 * costs them nothing: only failing attempts take from this bucket.
 */
export const DEFAULT_FAILURE_LIMIT: RateLimit = { requestsPerSecond: 1, burst: 20 };

/** A request's verdict. */
export type RateVerdict =
  | { ok: true }
  | {
      ok: false;
      /** When the next request would be let through. */
      retryAfterMs: number;
      /**
       * The first refusal since the credential was last let through: the one worth an audit
       * event (one per throttling episode, so a flood does not flood the audit log too).
       */
      firstRefusal: boolean;
    };

interface Bucket {
  tokens: number;
  at: number;
  refusing: boolean;
}

/** Buckets kept before idle (full) ones are dropped. */
const MAX_BUCKETS = 100_000;

/** Token buckets by credential. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number,
  ) {}

  /** Takes one request from the bucket of `credential` (of `user`). */
  take(credential: string, user: string): RateVerdict {
    const { requestsPerSecond: rate, burst } = this.settings.perUser?.[user] ?? this.settings;
    const now = this.now();
    let bucket = this.buckets.get(credential);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(now);
      bucket = { tokens: burst, at: now, refusing: false };
      this.buckets.set(credential, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) * rate) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.refusing = false;
      return { ok: true };
    }
    const firstRefusal = !bucket.refusing;
    bucket.refusing = true;
    return {
      ok: false,
      retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / rate),
      firstRefusal,
    };
  }

  /** Drops buckets that have refilled (they are what a new bucket would be). */
  private sweep(now: number) {
    for (const [key, bucket] of this.buckets) {
      const { requestsPerSecond: rate, burst } = this.settings;
      if (bucket.tokens + ((now - bucket.at) * rate) / 1000 >= burst) this.buckets.delete(key);
    }
  }
}

/**
 * The limit in `OPSFLOW_RATE_LIMIT`: `off`, `RPS` (burst twice that) or `RPS/BURST`;
 * undefined for text that is none of these.
 */
export function parseRateLimit(text: string): RateLimitSettings | false | undefined {
  if (text.trim().toLowerCase() === "off") return false;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const requestsPerSecond = Number(match[1]);
  const burst = match[2] === undefined ? Math.max(1, requestsPerSecond * 2) : Number(match[2]);
  if (requestsPerSecond <= 0 || burst < 1) return undefined;
  return { requestsPerSecond, burst };
}
