/** JSON Pointer (RFC 6901) building for error locations; the whole document is "". */

/** Appends reference tokens to a pointer, escaping `~` and `/`. */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  return (
    base + tokens.map((t) => `/${String(t).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("")
  );
}
