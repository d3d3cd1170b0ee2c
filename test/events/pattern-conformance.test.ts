/**
 * The shared EventBridge pattern corpus (../shared/conformance/event-patterns/cases.json):
 * every match case must agree and every invalid pattern must be rejected with the typed
 * error. Failures are listed by name so a regression points at its case.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  InvalidEventPatternError,
  PatternMatcher,
  testEventPattern,
  validatePattern,
} from "../../src/events/pattern/index.js";

interface MatchCase {
  name: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
  patternText?: string;
  eventText?: string;
  invalid?: undefined;
}

interface InvalidCase {
  name: string;
  invalid: true;
  patternText: string;
  messageContains: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const casesPath = join(here, "../../../shared/conformance/event-patterns/cases.json");
const cases = JSON.parse(readFileSync(casesPath, "utf8")) as Array<MatchCase | InvalidCase>;

test("corpus has the documented size", () => {
  assert.equal(cases.filter((c) => !c.invalid).length, 900);
  assert.equal(cases.filter((c) => c.invalid).length, 158);
});

test("every match case agrees with event-ruler / AWS", () => {
  const failures: string[] = [];
  let passed = 0;
  for (const c of cases) {
    if (c.invalid) continue;
    // Lexeme-sensitive cases carry the exact text; parse that, as the API would.
    const pattern = c.patternText ?? c.pattern;
    const event = c.eventText ?? c.event;
    try {
      const got = testEventPattern(pattern, event);
      if (got === c.matches) passed++;
      else failures.push(`${c.name}: expected ${c.matches}, got ${got}`);
    } catch (error) {
      failures.push(`${c.name}: threw ${(error as Error).message}`);
    }
  }
  console.log(`match cases: ${passed}/${passed + failures.length} pass`);
  assert.deepEqual(failures, []);
});

test("every match case agrees with the event given as JSON text (the scanner's path)", () => {
  const failures: string[] = [];
  for (const c of cases) {
    if (c.invalid) continue;
    const eventText = c.eventText ?? JSON.stringify(c.event);
    try {
      const matcher = new PatternMatcher();
      matcher.addRule("r", c.patternText ?? c.pattern);
      const scanned = matcher.matchesForJson(eventText).length > 0;
      const parsed = matcher.matchesForParsedJson(eventText).length > 0;
      if (scanned !== c.matches || parsed !== c.matches)
        failures.push(`${c.name}: expected ${c.matches}, scanned ${scanned}, parsed ${parsed}`);
    } catch (error) {
      failures.push(`${c.name}: threw ${(error as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("every invalid pattern is rejected with InvalidEventPatternError", () => {
  const failures: string[] = [];
  let passed = 0;
  for (const c of cases) {
    if (!c.invalid) continue;
    try {
      const error = validatePattern(c.patternText);
      if (error instanceof InvalidEventPatternError) {
        assert.match(error.message, /^Event pattern is not valid\. Reason: /);
        passed++;
      } else failures.push(`${c.name}: accepted ${c.patternText}`);
    } catch (error) {
      failures.push(`${c.name}: threw a non-typed error ${(error as Error).message}`);
    }
  }
  console.log(`invalid cases: ${passed}/${passed + failures.length} rejected`);
  assert.deepEqual(failures, []);
});
