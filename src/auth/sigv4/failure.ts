/**
 * The failure type shared by the SigV4 modules: an AWS error code and message.
 */

/** The AWS error codes an authentication failure maps to. */
export type SigV4ErrorCode =
  | "UnrecognizedClientException"
  | "InvalidSignatureException"
  | "MissingAuthenticationTokenException"
  | "IncompleteSignatureException";

/** A rejected request, with the code and message AWS would answer. */
export interface SigV4Failure {
  ok: false;
  code: SigV4ErrorCode;
  message: string;
}

/** Builds a failure. */
export const fail = (code: SigV4ErrorCode, message: string): SigV4Failure => ({
  ok: false,
  code,
  message,
});
