/**
 * `java.util.Random`, so that a seeded States.MathRandom is reproducible across runs the way
 * it is on AWS (a Java service). Unseeded calls use the scope's entropy instead.
 */
const MULTIPLIER = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

/** Java's 48-bit linear congruential generator. */
export class JavaRandom {
  private seed: bigint;

  /** `seed` is taken as a Java long (two's complement, 64 bits). */
  constructor(seed: number) {
    this.seed = (BigInt.asIntN(64, BigInt(seed)) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** `Random.nextInt(bound)` for 0 < bound <= 2^31 - 1: uniform in [0, bound). */
  nextInt(bound: number): number {
    if ((bound & -bound) === bound) {
      // Power of two: Java takes the high bits.
      return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    }
    for (;;) {
      const bits = this.next(31);
      const value = bits % bound;
      // Java rejects draws from the incomplete last interval (detected there by int overflow).
      if (bits - value + (bound - 1) <= 2147483647) return value;
    }
  }

  /** `Random.nextDouble()`: uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) / 2 ** 53;
  }
}
