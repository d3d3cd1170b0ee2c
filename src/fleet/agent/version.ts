/**
 * The agent's version: the package's own, read once from package.json (three levels up from
 * both src/fleet/agent/ and dist/fleet/agent/).
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The opsflow package version this agent runs (what aws:updateSsmAgent compares). */
export function agentVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}
