/**
 * The agent's typed failures: the CLI turns each into one line saying what to do next.
 */

/** Why an agent operation failed. */
export type AgentErrorCode =
  /** The server could not be reached (DNS, refused, reset, timeout, TLS). */
  | "Unreachable"
  /** The server answered 5xx: worth retrying later. */
  | "ServerError"
  /** The server refused the node's signature (401/403): the node was deregistered. */
  | "Unauthorized"
  /** The server refused the request for good (another 4xx). */
  | "Rejected"
  /** The state directory is not registered, or already is. */
  | "NotRegistered"
  | "AlreadyRegistered"
  /** The state directory holds something unreadable. */
  | "CorruptState";

/** A typed agent failure; `code` says which, `status` is the HTTP status when there was one. */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  readonly status: number | undefined;

  constructor(code: AgentErrorCode, message: string, status?: number) {
    super(message);
    this.name = "AgentError";
    this.code = code;
    this.status = status;
  }

  /** True for failures that may go away by themselves (retry with back-off). */
  get transient(): boolean {
    return this.code === "Unreachable" || this.code === "ServerError";
  }
}
