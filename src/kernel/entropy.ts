/**
 * Randomness as a port: the language core and the evaluator read it through `Entropy` so
 * they stay pure, tests inject a seeded one, and the runners use `cryptoEntropy`.
 */

/** Sources of non-determinism, injected so the language core stays pure and testable. */
export interface Entropy {
  /** A float in [0, 1). */
  random(): number;
  /** A random RFC 4122 version 4 UUID string. */
  uuid(): string;
}

/** Real randomness, for runs that are not tests. */
export const cryptoEntropy: Entropy = {
  random: () => Math.random(),
  uuid: () => crypto.randomUUID(),
};
