/** The `executionTimeout` parameter the script documents share, as AWS declares it. */

/** 1 to 172800 seconds (48 hours), written without anchors as SSM's patterns are. */
export const EXECUTION_TIMEOUT_PATTERN =
  "([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)";

/** The parameter definition. */
export const EXECUTION_TIMEOUT_PARAMETER = {
  type: "String",
  default: "3600",
  description:
    "(Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).",
  allowedPattern: EXECUTION_TIMEOUT_PATTERN,
};
