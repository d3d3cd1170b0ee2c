/** Why opsflow could not get a working SSH session with a host. */

/**
 * - `unreachable`: nothing answered at the address (refused, no route, unknown name).
 * - `timeout`: something answered but the SSH handshake did not finish in time.
 * - `auth`: the host refused the private key for the user.
 * - `host-key-changed`: the host presented a key other than the pinned one (nothing was sent
 *   to it: authentication had not started).
 */
export type SshConnectErrorCode = "unreachable" | "timeout" | "auth" | "host-key-changed";

/** A failed SSH connection; `code` says which kind, the message says what to do about it. */
export class SshConnectError extends Error {
  readonly code: SshConnectErrorCode;

  constructor(code: SshConnectErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SshConnectError";
    this.code = code;
  }
}
