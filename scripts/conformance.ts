/**
 * `npm run conformance [-- --json FILE] [-- --filter TEXT] [-- --quiet]`: runs the ASL corpus
 * recorded against AWS and prints, per category, how many cases pass, then every failure with
 * its reason.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type CaseResult, loadCases, runCase } from "./conformance/asl-cases.js";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    filter: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const cases = loadCases().filter((c) => !values.filter || c.name.includes(values.filter));
const results: CaseResult[] = [];
for (const [index, testCase] of cases.entries()) {
  results.push(await runCase(testCase));
  if (process.stderr.isTTY && index % 50 === 0)
    process.stderr.write(`\r${index}/${cases.length} cases`);
}
if (process.stderr.isTTY) process.stderr.write("\r");

const byCategory = new Map<string, { cases: number; passed: number }>();
for (const result of results) {
  const row = byCategory.get(result.category) ?? { cases: 0, passed: 0 };
  row.cases++;
  if (result.passed) row.passed++;
  byCategory.set(result.category, row);
}
const rows = [...byCategory.entries()].map(([category, row]) => ({
  category,
  cases: row.cases,
  passed: row.passed,
  failed: row.cases - row.passed,
}));
const total = rows.reduce(
  (sum, row) => ({ cases: sum.cases + row.cases, passed: sum.passed + row.passed }),
  { cases: 0, passed: 0 },
);
console.log("category       cases  passed  failed");
for (const row of rows) {
  console.log(
    `${row.category.padEnd(14)} ${String(row.cases).padStart(5)}  ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}`,
  );
}
console.log(
  `${"total".padEnd(14)} ${String(total.cases).padStart(5)}  ${String(total.passed).padStart(6)}  ${String(total.cases - total.passed).padStart(6)}`,
);
if (!values.quiet) {
  for (const result of results.filter((r) => !r.passed))
    console.log(`\nFAIL ${result.name}\n  ${result.reason}`);
}
if (values.json)
  writeFileSync(values.json, JSON.stringify({ total, categories: rows, results }, null, 2));
