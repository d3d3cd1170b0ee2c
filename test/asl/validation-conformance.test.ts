/**
 * Conformance of static validation against AWS recordings: the validation cases (rejected and
 * accepted definitions) and every definition AWS accepted elsewhere in the corpus and in the
 * seed workflows.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { DefinitionError, type Diagnostic } from "../../src/asl/errors.js";
import { parseDefinitionText } from "../../src/asl/parse.js";
import {
  formatInvalidDefinitionMessage,
  validateDefinition,
} from "../../src/asl/validation/index.js";

const SHARED = new URL("../../../shared/", import.meta.url).pathname;
const CASES = join(SHARED, "conformance/asl/cases");
const SEEDS = join(SHARED, "seed-workflows");

interface ValidationCase {
  name: string;
  via: "CreateStateMachine" | "ValidateStateMachineDefinition";
  definition?: unknown;
  definitionString?: string;
  stateMachineType?: "STANDARD" | "EXPRESS";
  expected: {
    rejected: boolean;
    messageContains?: string;
    diagnostics?: { code: string; location?: string; message: string }[];
  };
}

function diagnose(c: ValidationCase): Diagnostic[] {
  let raw = c.definition;
  if (c.definitionString !== undefined) {
    try {
      raw = parseDefinitionText(c.definitionString);
    } catch (error) {
      if (error instanceof DefinitionError) return [...error.diagnostics];
      throw error;
    }
  }
  return validateDefinition(raw, { type: c.stateMachineType ?? "STANDARD" });
}

const validationDir = join(CASES, "validation");
for (const file of readdirSync(validationDir).sort()) {
  const c = JSON.parse(readFileSync(join(validationDir, file), "utf8")) as ValidationCase;
  test(`validation case ${c.name}`, () => {
    const diagnostics = diagnose(c);
    const shown = JSON.stringify(diagnostics, null, 1);
    if (!c.expected.rejected) {
      assert.deepEqual(diagnostics, [], `expected no diagnostics, got ${shown}`);
      return;
    }
    assert.ok(diagnostics.length > 0, "expected the definition to be rejected");
    if (c.via === "CreateStateMachine") {
      const needle = c.expected.messageContains ?? "";
      const found = diagnostics.some((d) => formatInvalidDefinitionMessage([d]).includes(needle));
      assert.ok(found, `no diagnostic formats to contain ${JSON.stringify(needle)}: ${shown}`);
      return;
    }
    for (const want of c.expected.diagnostics ?? []) {
      // AWS locates JSON syntax errors with a Jackson source excerpt, not a pointer: match
      // those by code only (our location is "/" and the message carries line and column).
      const pointerLocation = want.location === undefined || want.location.startsWith("/");
      const found = diagnostics.some(
        (d) =>
          d.code === want.code &&
          (!pointerLocation || want.location === undefined || d.location === want.location) &&
          (!pointerLocation || d.message.includes(want.message)),
      );
      assert.ok(found, `missing ${JSON.stringify(want)} in ${shown}`);
    }
  });
}

/** Every definition AWS accepted: execution cases of all other categories. */
function acceptedCaseDefinitions(): {
  name: string;
  definition: unknown;
  type: "STANDARD" | "EXPRESS";
}[] {
  const out = [];
  for (const category of readdirSync(CASES).sort()) {
    if (category === "validation") continue;
    for (const file of readdirSync(join(CASES, category)).sort()) {
      const c = JSON.parse(readFileSync(join(CASES, category, file), "utf8"));
      out.push({
        name: c.name as string,
        definition: c.definition,
        type: c.stateMachineType ?? "STANDARD",
      });
    }
  }
  return out;
}

const SEED_PATTERN = /(\.asl\.json|\.asl\.yaml|^stepfunction\.json|Definition.*\.json)$/;
/**
 * Its README says it is not valid JSON (an unterminated string in ResolveIssue.Resource) and
 * was never deployed verbatim; the deployed copy is the extracted .asl.json next to it.
 */
const BROKEN_SEED = "000-incident-auto-remediation/stepfunction.json";
const DUMMY_ARN = "arn:aws:lambda:us-east-1:111111111111:function:Substituted";

/** Seed workflow definitions with `${Substitution}` placeholders replaced by a dummy ARN. */
function seedDefinitions(): { name: string; text: string }[] {
  const out = [];
  for (const folder of readdirSync(SEEDS, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const stack = [join(SEEDS, folder.name)];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) stack.push(path);
        else if (SEED_PATTERN.test(basename(path))) {
          const text = readFileSync(path, "utf8").replace(/\$\{[^}]+\}/g, DUMMY_ARN);
          out.push({ name: path.slice(SEEDS.length), text });
        }
      }
    }
  }
  return out;
}

test("every definition AWS accepted in the execution cases validates", () => {
  const cases = acceptedCaseDefinitions();
  const failures = cases
    .map((c) => ({ name: c.name, diagnostics: validateDefinition(c.definition, { type: c.type }) }))
    .filter((r) => r.diagnostics.length > 0);
  assert.ok(cases.length > 900, `only ${cases.length} cases found`);
  assert.deepEqual(
    failures.slice(0, 10),
    [],
    `${failures.length}/${cases.length} accepted definitions rejected`,
  );
});

test("every seed workflow definition validates", () => {
  const seeds = seedDefinitions();
  assert.ok(seeds.length >= 8, `only ${seeds.length} seed definitions found`);
  const failures = seeds
    .filter((s) => !s.name.endsWith(BROKEN_SEED))
    .map((s) => ({ name: s.name, diagnostics: validateDefinition(parseDefinitionText(s.text)) }))
    .filter((r) => r.diagnostics.length > 0);
  assert.deepEqual(failures, []);
});

test("the seed definition that is not valid JSON is refused with a located parse error", () => {
  const broken = seedDefinitions().find((s) => s.name.endsWith(BROKEN_SEED));
  assert.ok(broken);
  assert.throws(
    () => parseDefinitionText(broken.text),
    (error: unknown) =>
      error instanceof DefinitionError &&
      error.diagnostics[0].code === "INVALID_JSON_DESCRIPTION" &&
      /line 54, column \d+/.test(error.diagnostics[0].message),
  );
});
