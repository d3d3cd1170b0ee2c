/** Small helpers shared by the PostgreSQL modules. */

/** True for a unique violation (a name or key that already exists). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "23505";
}
