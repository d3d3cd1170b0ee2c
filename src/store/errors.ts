/** The errors every store port may raise, whatever the adapter. */

/** Raised by adapters for domain conflicts; the API maps them to its error codes. */
export class StoreConflictError extends Error {
  constructor(
    readonly reason: "exists" | "not-found" | "not-running" | "lease-lost" | "task-settled",
    message: string,
  ) {
    super(message);
    this.name = "StoreConflictError";
  }
}
