/** parseDefinitionText: JSON or YAML, located errors, and abuse limits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DefinitionError } from "../../src/asl/errors.js";
import { parseDefinitionText } from "../../src/asl/parse.js";

function parseError(text: string, limits = {}): DefinitionError {
  try {
    parseDefinitionText(text, limits);
  } catch (error) {
    assert.ok(error instanceof DefinitionError);
    assert.equal(error.diagnostics.length, 1);
    assert.equal(error.diagnostics[0].code, "INVALID_JSON_DESCRIPTION");
    assert.equal(error.diagnostics[0].location, "/");
    return error;
  }
  assert.fail("expected a DefinitionError");
}

test("JSON and YAML documents parse to the same value", () => {
  const json = parseDefinitionText('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}');
  const yaml = parseDefinitionText("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n");
  assert.deepEqual(json, yaml);
});

test("malformed JSON reports line and column", () => {
  const error = parseError('{\n  "StartAt": "A",\n  "States": }');
  assert.match(error.diagnostics[0].message, /line 3, column 13/);
});

test("malformed YAML and bare words are refused", () => {
  assert.match(parseError("a: [1, 2\nb: c").diagnostics[0].message, /line \d+, column \d+/);
  assert.match(
    parseError("not a definition").diagnostics[0].message,
    /Unrecognized token 'not'.*column 4/,
  );
  assert.match(parseError("a: 1\na: 2").diagnostics[0].message, /line/);
});

test("size, depth and alias limits", () => {
  assert.match(
    parseError(`{"a":"${"x".repeat(2000)}"}`, { maxBytes: 1000 }).diagnostics[0].message,
    /larger/,
  );
  assert.match(parseError("[".repeat(100000)).diagnostics[0].message, /nested deeper/);
  assert.match(
    parseError(`{"a":${"[".repeat(500)}${"]".repeat(500)}}`).diagnostics[0].message,
    /nested deeper/,
  );
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    bomb.push(
      `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
    );
  }
  parseError(bomb.join("\n"));
});

test("whitespace-only text parses to null (the validator then refuses it)", () => {
  assert.equal(parseDefinitionText(" "), null);
});
