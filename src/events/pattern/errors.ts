/**
 * Typed errors of the event-pattern layer.
 *
 * A rejected pattern carries AWS's wording (`Event pattern is not valid. Reason: ...`), the
 * AWS error code and where the problem is, so the API layer can answer exactly as
 * EventBridge does without parsing messages back.
 */

/** A pattern that EventBridge would refuse (`InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {
  /** The AWS error code the API layer returns. */
  readonly code = "InvalidEventPatternException";
  /** The reason alone, as event-ruler words it (without prefix or location). */
  readonly reason: string;
  /** JSON Pointer of the offending pattern node; "" for the whole pattern. */
  readonly pointer: string;
  /** 1-based line and column in the pattern text, for syntax errors. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(reason: string, pointer = "", position?: { line: number; column: number }) {
    const where = position
      ? ` at line ${position.line}, column ${position.column}`
      : pointer === ""
        ? ""
        : ` at ${pointer}`;
    super(`Event pattern is not valid. Reason: ${reason}${where}`);
    this.name = "InvalidEventPatternError";
    this.reason = reason;
    this.pointer = pointer;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** An event that cannot be matched at all (not JSON, or nested beyond the supported depth). */
export class InvalidEventError extends Error {
  readonly code = "InvalidEventException";
  constructor(reason: string) {
    super(`Event is not valid. Reason: ${reason}`);
    this.name = "InvalidEventError";
  }
}
