/** Commands on agentless hosts over SSH: host key probing and pinning, running plugins. */
export type { SshAddress, SshTarget } from "./connect.js";
export { SshConnectError, type SshConnectErrorCode } from "./errors.js";
export { probeHostKey } from "./probe.js";
export {
  KILLED_RESPONSE_CODE,
  runPluginsOverSsh,
  type SshRunOptions,
  type SshRunResult,
} from "./run-plugins.js";
