/** Policy parsing and IAM's evaluation rule, wildcards, and the coverage check of grants. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  coversPolicy,
  evaluate,
  parsePolicy,
  patternCovers,
  USERNAME_VARIABLE,
  wildcardMatch,
} from "../../src/auth/policy.js";
import { totpCode, verifyTotp } from "../../src/auth/totp.js";

const M = "arn:aws:states:us-east-1:1:stateMachine:";

test("wildcards: * any run, ? one character, case-sensitive, regex characters literal", () => {
  assert.ok(wildcardMatch(`${M}prod-*`, `${M}prod-db`));
  assert.ok(!wildcardMatch(`${M}prod-*`, `${M}Prod-db`));
  assert.ok(wildcardMatch("states:Describe?xecution", "states:DescribeExecution"));
  assert.ok(!wildcardMatch("a.b", "axb"));
});

test("explicit deny wins, nothing allowed is denied, every resource must be allowed", () => {
  const { Statement } = parsePolicy({
    Statement: [
      { Effect: "Allow", Action: "states:*", Resource: "*" },
      { Effect: "Deny", Action: "states:StartExecution", Resource: `${M}prod-*` },
    ],
  });
  assert.deepEqual(evaluate(Statement, "u", "states:StartExecution", [`${M}dev`]), {
    effect: "allow",
  });
  assert.equal(
    evaluate(Statement, "u", "states:StartExecution", [`${M}dev`, `${M}prod-1`]).effect,
    "deny",
  );
  const denied = evaluate(Statement, "u", "states:StartExecution", [`${M}prod-1`]);
  assert.deepEqual(denied, { effect: "deny", reason: "explicit-deny", resource: `${M}prod-1` });
  assert.equal(
    (evaluate(Statement, "u", "events:PutEvents", ["*"]) as { reason: string }).reason,
    "implicit-deny",
  );
});

test("the username policy variable stands for the caller", () => {
  const { Statement } = parsePolicy({
    Statement: {
      Effect: "Allow",
      Action: "iam:GetUser",
      Resource: `arn:aws:iam::*:user/${USERNAME_VARIABLE}`,
    },
  });
  assert.equal(
    evaluate(Statement, "ann", "iam:GetUser", ["arn:aws:iam::1:user/ann"]).effect,
    "allow",
  );
  assert.equal(
    evaluate(Statement, "ann", "iam:GetUser", ["arn:aws:iam::1:user/bob"]).effect,
    "deny",
  );
});

test("bad documents are refused with where and why", () => {
  assert.throws(() => parsePolicy("{"), /not JSON/);
  assert.throws(() => parsePolicy({ Statement: [] }), /1 to 100/);
  assert.throws(
    () => parsePolicy({ Statement: { Effect: "Maybe", Action: "a:b", Resource: "*" } }),
    /Effect/,
  );
  assert.throws(
    () => parsePolicy({ Statement: { Effect: "Allow", Action: "nocolon", Resource: "*" } }),
    /service:Action/,
  );
  assert.throws(
    () => parsePolicy({ Statement: { Effect: "Allow", NotAction: "a:b", Resource: "*" } }),
    /NotAction/,
  );
});

test("coverage: a wildcard grant is covered only by a wider one, and not across a deny", () => {
  assert.ok(patternCovers("states:*", "states:Start*"));
  assert.ok(!patternCovers("states:Start*", "states:*"));
  assert.ok(!patternCovers("states:Start?", "states:Start*"));
  const held = parsePolicy({
    Statement: [
      { Effect: "Allow", Action: "states:*", Resource: `${M}*` },
      { Effect: "Deny", Action: "states:DeleteStateMachine", Resource: "*" },
    ],
  }).Statement;
  const grant = (Action: string, Resource: string) =>
    coversPolicy(held, "u", parsePolicy({ Statement: { Effect: "Allow", Action, Resource } }));
  assert.ok(grant("states:StartExecution", `${M}dev-*`));
  assert.ok(!grant("states:StartExecution", "*"));
  assert.ok(!grant("events:PutEvents", `${M}x`));
  assert.ok(!grant("states:Delete*", `${M}x`));
});

test("TOTP codes match RFC 6238's SHA-1 test vector and allow one step of drift", () => {
  // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  assert.equal(totpCode(secret, 59_000), "287082");
  assert.ok(verifyTotp(secret, "287082", 59_000 + 30_000));
  assert.ok(!verifyTotp(secret, "287082", 59_000 + 90_000));
  assert.ok(!verifyTotp(secret, "28708", 59_000));
});
