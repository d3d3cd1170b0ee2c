/**
 * The pieces of policy syntax that statements and their conditions share: IAM wildcards, the
 * user name variable and the error of a document that does not parse.
 */

/** A policy document that does not parse or has the wrong shape. */
export class InvalidPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPolicyError";
  }
}

const compiled = new Map<string, RegExp>();

/** True when `value` matches the IAM wildcard `pattern` (`*`, `?`). */
export function wildcardMatch(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .split("")
      .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`, "s");
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}

/** The policy variable for the caller's user name, as IAM spells it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: IAM's policy variable syntax, not a template.
export const USERNAME_VARIABLE = "${aws:username}";
