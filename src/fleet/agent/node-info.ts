/**
 * What the agent reports about its host (DescribeInstanceInformation's fields).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { NodeInfo, PlatformType } from "../../store/fleet-port.js";
import { agentVersion } from "./version.js";

const PLATFORM_TYPES: Partial<Record<NodeJS.Platform, PlatformType>> = {
  linux: "Linux",
  win32: "Windows",
  darwin: "MacOS",
};

/** The value of `key` in os-release text (quotes removed), or undefined. */
export function osReleaseField(text: string, key: string): string | undefined {
  const match = new RegExp(`^${key}=(.*)$`, "m").exec(text);
  if (!match) return undefined;
  return match[1].trim().replace(/^(["'])(.*)\1$/, "$2");
}

function readOsRelease(): string {
  try {
    return readFileSync("/etc/os-release", "utf8");
  } catch {
    return "";
  }
}

/** The first non-internal IPv4 address, or "" when the host has none. */
function firstIpv4(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return "";
}

/** The host's info as the agent reports it. */
export function collectNodeInfo(): NodeInfo {
  const release = readOsRelease();
  return {
    // Other Unixes (FreeBSD...) run shell scripts as Linux does.
    platformType: PLATFORM_TYPES[os.platform()] ?? "Linux",
    platformName: osReleaseField(release, "NAME") ?? os.type(),
    platformVersion: osReleaseField(release, "VERSION_ID") ?? os.release(),
    computerName: os.hostname(),
    ipAddress: firstIpv4(),
    agentVersion: agentVersion(),
  };
}
