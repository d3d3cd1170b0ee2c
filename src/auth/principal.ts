/** Who is calling: the identity every authorisation and audit decision is about. */

/** A caller, as recognised from its credential. */
export interface Principal {
  /** The user (or service account) name. */
  user: string;
  /** How they authenticated. */
  credential: { kind: "token" | "access-key" | "session"; id: string };
}
