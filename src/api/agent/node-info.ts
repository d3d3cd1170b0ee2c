/** Checks the NodeInfo an agent reports (every field a bounded string, a known platform). */
import { FleetError } from "../../fleet/errors.js";
import type { NodeInfo } from "../../store/fleet-port.js";

const PLATFORMS = new Set(["Linux", "Windows", "MacOS"]);
const FIELDS = [
  "platformName",
  "platformVersion",
  "computerName",
  "ipAddress",
  "agentVersion",
] as const;

/** The info, or a ValidationException naming the bad field. */
export function checkNodeInfo(value: unknown): NodeInfo {
  const info = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || value === null || !PLATFORMS.has(info.platformType as string))
    throw new FleetError(
      "ValidationException",
      "info.platformType must be Linux, Windows or MacOS.",
    );
  for (const field of FIELDS)
    if (typeof info[field] !== "string" || (info[field] as string).length > 256)
      throw new FleetError(
        "ValidationException",
        `info.${field} must be a string of at most 256 characters.`,
      );
  return {
    platformType: info.platformType as NodeInfo["platformType"],
    platformName: info.platformName as string,
    platformVersion: info.platformVersion as string,
    computerName: info.computerName as string,
    ipAddress: info.ipAddress as string,
    agentVersion: info.agentVersion as string,
  };
}
