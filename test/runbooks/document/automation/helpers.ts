/** Building Automation runbooks for tests and asserting located refusals. */
import assert from "node:assert/strict";
import { DocumentError, parseDocument } from "../../../../src/runbooks/document/index.js";

type Json = Record<string, unknown>;

/** A minimal valid runbook, changed by `edit`, as JSON text. */
export function runbook(edit: (doc: Json) => void = () => {}): string {
  const doc: Json = {
    schemaVersion: "0.3",
    description: "test",
    assumeRole: "{{ AutomationAssumeRole }}",
    parameters: {
      AutomationAssumeRole: { type: "String", default: "arn:aws:iam::123456789012:role/x" },
      InstanceId: { type: "String" },
    },
    mainSteps: [
      {
        name: "first",
        action: "aws:runCommand",
        inputs: { DocumentName: "AWS-RunShellScript", InstanceIds: ["{{ InstanceId }}"] },
      },
      { name: "second", action: "aws:sleep", inputs: { Duration: "PT1S" } },
    ],
  };
  edit(doc);
  return JSON.stringify(doc);
}

/** A runbook whose only steps are `steps`. */
export function withSteps(...steps: Json[]): string {
  return runbook((doc) => {
    doc.mainSteps = steps;
  });
}

/** A runbook with one step of `action` and `inputs` (and other step fields). */
export function oneStep(action: string, inputs: unknown, fields: Json = {}): string {
  return withSteps({ name: "only", action, inputs, ...fields });
}

/** Asserts the document is refused at `pointer` with a message matching `expected`. */
export function refused(content: string, pointer: string, expected: RegExp): void {
  assert.throws(
    () => parseDocument(content),
    (error: unknown) => {
      assert.ok(error instanceof DocumentError, String(error));
      assert.equal(error.code, "InvalidDocumentContent");
      assert.equal(error.pointer, pointer, error.message);
      assert.match(error.expected, expected);
      return true;
    },
  );
}

/** Asserts the document is accepted. */
export function accepted(content: string) {
  const doc = parseDocument(content);
  assert.equal(doc.documentType, "Automation");
  assert.ok(doc.documentType === "Automation");
  return doc;
}
