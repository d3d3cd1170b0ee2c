/** Who is calling: the identity every authorisation and audit decision is about. */

/** A caller, as recognised from its credential. */
export interface Principal {
  /** The user (or service account) name. */
  user: string;
  /** How they authenticated. */
  credential: { kind: "token" | "access-key" | "session"; id: string };
  /**
   * Set for a workflow task's in-process call (aws-sdk:* tasks): what a workflow may do was
   * decided when its state machine and execution were authorised, not per call.
   */
  workflow?: true;
}
