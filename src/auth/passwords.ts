/**
 * Password hashing with argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane), stored as
 * the PHC string so the parameters travel with each hash and can be raised later.
 */
import { hash, verify } from "@node-rs/argon2";

/** Shortest and longest password accepted (the upper bound caps hashing cost). */
export const PASSWORD_LENGTH = { min: 10, max: 256 } as const;

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_LENGTH.min)
    return `The password must have at least ${PASSWORD_LENGTH.min} characters.`;
  if (password.length > PASSWORD_LENGTH.max)
    return `The password must have at most ${PASSWORD_LENGTH.max} characters.`;
  return undefined;
}

/** The argon2id PHC string of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

// A hash of nothing in particular, verified against when the user does not exist, so that
// "no such user" takes as long as "wrong password" and names cannot be probed by timing.
let decoy: Promise<string> | undefined;

/** Checks a password against a stored hash (or against a decoy when there is none). */
export async function verifyPassword(stored: string | undefined, password: string) {
  if (password.length > PASSWORD_LENGTH.max) return false;
  if (stored === undefined) {
    decoy ??= hashPassword("decoy password, never matches");
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
