/** Why an OIDC sign-in failed. */
export type OidcErrorCode =
  | "OidcNotConfigured"
  | "ProviderUnavailable"
  | "InvalidSignInState"
  | "SignInDenied"
  | "TokenExchangeFailed"
  | "InvalidIdToken"
  | "NoUserClaim";

/** A failed OIDC sign-in: the code names the step, the message says what to check. */
export class OidcError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OidcError";
  }
}
