/** A webhook payload that cannot be turned into events (400, nothing stored). */
export class SourcePayloadError extends Error {
  readonly code = "ValidationException";
  constructor(message: string) {
    super(message);
    this.name = "SourcePayloadError";
  }
}
