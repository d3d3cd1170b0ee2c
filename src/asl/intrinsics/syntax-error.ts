/**
 * A definition-time problem with an intrinsic expression. The validator reports it as
 * `SCHEMA_VALIDATION_FAILED`; it never reaches a running execution.
 */
export class IntrinsicSyntaxError extends Error {
  /** The whole expression as written. */
  readonly text: string;
  /** Zero-based character offset of the problem in `text`. */
  readonly position: number;

  constructor(text: string, position: number, problem: string) {
    super(`${problem} at position ${position} in intrinsic function call '${excerpt(text)}'`);
    this.name = "IntrinsicSyntaxError";
    this.text = text;
    this.position = position;
  }
}

/** Keeps messages readable when someone feeds us a megabyte of garbage. */
function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
