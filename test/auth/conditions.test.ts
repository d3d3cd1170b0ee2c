/** Policy conditions: parsing errors with their location, and IAM's evaluation rules. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { coversPolicy, evaluate, parsePolicy } from "../../src/auth/policy.js";

const M = "arn:aws:states:us-east-1:1:stateMachine:";
const allowIf = (Condition: object, Effect = "Allow") =>
  parsePolicy({ Statement: { Effect, Action: "states:*", Resource: "*", Condition } }).Statement;
const decide = (
  statements: ReturnType<typeof allowIf>,
  tags?: Record<string, string>,
  sourceIp?: string,
  user = "ana",
) =>
  evaluate(statements, user, "states:StartExecution", [`${M}pay`], {
    ...(sourceIp && { sourceIp }),
    tagsOf: () => tags,
  }).effect;

test("a tag condition allows only resources with that tag value", () => {
  const st = allowIf({ StringEquals: { "aws:ResourceTag/team": ["payments", "billing"] } });
  assert.equal(decide(st, { team: "payments" }), "allow");
  assert.equal(decide(st, { team: "billing" }), "allow");
  assert.equal(decide(st, { team: "infra" }), "deny");
  assert.equal(decide(st, undefined), "deny", "a missing tag fails a positive operator");
  assert.equal(decide(st, { Team: "payments" }), "deny", "tag names are case-sensitive");
});

test("negated operators hold when the key is missing; IfExists holds on absence; Null tests it", () => {
  const not = allowIf({ StringNotEquals: { "aws:ResourceTag/env": "prod" } });
  assert.equal(decide(not, { env: "dev" }), "allow");
  assert.equal(decide(not, { env: "prod" }), "deny");
  assert.equal(decide(not, undefined), "allow");
  const ifExists = allowIf({ StringEqualsIfExists: { "aws:ResourceTag/env": "dev" } });
  assert.equal(decide(ifExists, undefined), "allow");
  assert.equal(decide(ifExists, { env: "prod" }), "deny");
  const untagged = allowIf({ Null: { "aws:ResourceTag/owner": "true" } });
  assert.equal(decide(untagged, undefined), "allow");
  assert.equal(decide(untagged, { owner: "x" }), "deny");
});

test("every operator and key must hold; any value of a key may match", () => {
  const both = allowIf({
    StringEqualsIgnoreCase: { "aws:ResourceTag/team": "PAYMENTS" },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM's policy variable syntax.
    StringLike: { "aws:ResourceTag/owner": "${aws:username}*" },
  });
  assert.equal(decide(both, { team: "payments", owner: "ana-team" }), "allow");
  assert.equal(decide(both, { team: "payments", owner: "bob" }), "deny");
  assert.equal(decide(both, { team: "infra", owner: "ana" }), "deny");
});

test("a conditional Deny wins only when its condition holds (source address)", () => {
  const statements = [
    ...allowIf({ StringLike: { "aws:username": "*" } }),
    ...allowIf({ NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] } }, "Deny"),
  ];
  assert.equal(decide(statements, undefined, "10.1.2.3"), "allow");
  assert.equal(decide(statements, undefined, "2001:db8::1"), "allow");
  assert.equal(decide(statements, undefined, "192.168.0.1"), "deny");
  assert.equal(decide(statements, undefined, undefined), "deny", "no address: NotIpAddress holds");
});

test("unsupported operators, keys and values are refused with their location", () => {
  const cases: [object, RegExp][] = [
    [
      { DateGreaterThan: { "aws:CurrentTime": "2020-01-01" } },
      /Condition\/DateGreaterThan: unsupported operator/,
    ],
    [
      { StringEquals: { "aws:PrincipalTag/x": "y" } },
      /StringEquals\/aws:PrincipalTag\/x: unsupported condition key/,
    ],
    [{ StringEquals: { "aws:ResourceTag/team": [] } }, /non-empty array/],
    [{ IpAddress: { "aws:SourceIp": "10.0.0.0/33" } }, /IP addresses or CIDR/],
    [{ Null: { "aws:ResourceTag/a": "maybe" } }, /"true" or "false"/],
    [["StringEquals"], /must be an object of operators/],
  ];
  for (const [Condition, message] of cases)
    assert.throws(
      () => parsePolicy({ Statement: { Effect: "Allow", Action: "*", Resource: "*", Condition } }),
      (error: Error) =>
        message.test(error.message) && /\/Statement\/0\/Condition/.test(error.message),
      JSON.stringify(Condition),
    );
});

test("granting: a conditional Allow held covers nothing; a granted one is judged without it", () => {
  const held = allowIf({ StringEquals: { "aws:ResourceTag/team": "payments" } });
  const grant = parsePolicy({
    Statement: {
      Effect: "Allow",
      Action: "states:StartExecution",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/team": "payments" } },
    },
  });
  assert.equal(coversPolicy(held, "ana", grant), false);
  const unconditional = parsePolicy({
    Statement: { Effect: "Allow", Action: "states:*", Resource: "*" },
  });
  assert.equal(coversPolicy(unconditional.Statement, "ana", grant), true);
  const guarded = [
    ...unconditional.Statement,
    ...allowIf({ StringEquals: { "aws:ResourceTag/env": "prod" } }, "Deny"),
  ];
  assert.equal(coversPolicy(guarded, "ana", grant), false, "a conditional Deny still overlaps");
});
