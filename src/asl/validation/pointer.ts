/** JSON Pointer helpers (RFC 6901) for diagnostic locations. */

/** Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`. */
export function escapeToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Appends reference tokens to a pointer; the root pointer is `/` as AWS prints it. */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  const prefix = base === "/" ? "" : base;
  return prefix + tokens.map((t) => `/${escapeToken(t)}`).join("");
}
