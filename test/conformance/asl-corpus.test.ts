import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadCases, runCase } from "../../scripts/conformance/asl-cases.js";

const baseline = JSON.parse(
  readFileSync(new URL("./asl-baseline.json", import.meta.url), "utf8"),
) as {
  minimumPassed: number;
  knownFailures: Record<string, string>;
};

test("the ASL corpus recorded against AWS passes, except the documented known failures", async () => {
  const cases = loadCases();
  assert.ok(cases.length >= 990, `corpus has ${cases.length} cases`);
  let passed = 0;
  const unexpected: string[] = [];
  for (const testCase of cases) {
    const result = await runCase(testCase);
    if (result.passed) passed++;
    else if (!(result.name in baseline.knownFailures))
      unexpected.push(`${result.name}: ${result.reason}`);
  }
  assert.deepEqual(
    unexpected,
    [],
    "cases failing that are not in test/conformance/asl-baseline.json",
  );
  assert.ok(
    passed >= baseline.minimumPassed,
    `${passed} passed, baseline is ${baseline.minimumPassed}`,
  );
});
