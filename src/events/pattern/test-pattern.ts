/**
 * Single-pattern matching for the TestEventPattern API. It runs the same machine as the
 * bus (one rule), so a pattern can never test differently than it routes.
 */

import { type CompiledPattern, compilePattern, isCompiledPattern } from "./compile.js";
import { PatternMatcher } from "./machine.js";

const RULE = "pattern";

/**
 * Whether `event` matches `pattern`. Both may be JSON text or parsed values; the pattern may
 * also be a {@link CompiledPattern}. Throws `InvalidEventPatternError` for a bad pattern and
 * `InvalidEventError` for event text that is not JSON.
 */
export function testEventPattern(
  pattern: string | CompiledPattern | unknown,
  event: string | unknown,
): boolean {
  const matcher = new PatternMatcher();
  matcher.addRule(RULE, isCompiledPattern(pattern) ? pattern : compilePattern(pattern));
  const ids = typeof event === "string" ? matcher.matchesForJson(event) : matcher.matchesFor(event);
  return ids.length > 0;
}
