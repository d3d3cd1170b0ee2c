/**
 * The sign-in throttle port: failed sign-ins counted per claimed user and per source address,
 * in the database so a lockout holds on every node (a guesser spreading attempts over the
 * nodes behind a load balancer gets no more tries than against one).
 */

/** The failures under one key (`u:USER` or `a:ADDRESS`). */
export interface SignInFailureRecord {
  key: string;
  failures: number;
  /** When the last failure was counted. */
  lastAt: number;
  /** Until when sign-ins under this key are refused (0: not locked). */
  lockedUntil: number;
  /** A refusal during this lockout was already reported (audited). */
  reported: boolean;
}

/** Sign-in failure persistence. Every method is atomic. */
export interface SignInThrottleStore {
  getSignInFailures(key: string): Promise<SignInFailureRecord | undefined>;
  /**
   * Counts one failure: `next` turns the stored record (undefined when there is none) into the
   * new one, with the row locked, so failures counted on several nodes at once all count.
   */
  countSignInFailure(
    key: string,
    next: (current: SignInFailureRecord | undefined) => SignInFailureRecord,
  ): Promise<SignInFailureRecord>;
  /** Marks the lockout ending at `lockedUntil` reported; true only for the call that did. */
  reportSignInLockout(key: string, lockedUntil: number): Promise<boolean>;
  /** Forgets the failures under `key` (a successful sign-in). */
  deleteSignInFailures(key: string): Promise<void>;
  /** Forgets every record whose last failure was before `before`; returns how many. */
  pruneSignInFailures(before: number): Promise<number>;
}
