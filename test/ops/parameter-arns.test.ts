/**
 * Parameter ARNs, pure: which texts are parameter ARNs, their parts, the resource permissions
 * are checked on (service `ssm`, no version), and the names a path may stand for.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { looksLikeArn, namesOfPath, parseParameterArn } from "../../src/ops/parameters/arns.js";

const PREFIX = "arn:aws:ssm:us-east-1:123456789012:parameter";

test("a parameter ARN: its parts, with or without a version", () => {
  assert.deepEqual(parseParameterArn(`${PREFIX}/a/b`), {
    partition: "aws",
    region: "us-east-1",
    account: "123456789012",
    path: "a/b",
    version: "",
    resource: `${PREFIX}/a/b`,
  });
  const versioned = parseParameterArn(`${PREFIX}/a:3`);
  assert.equal(versioned?.path, "a");
  assert.equal(versioned?.version, ":3");
  assert.equal(versioned?.resource, `${PREFIX}/a`);
  // The service part is not checked (as SSM); the resource is always ssm's.
  assert.equal(
    parseParameterArn("arn:aws-cn:foo:cn-north-1:1:parameter/x")?.resource,
    "arn:aws-cn:ssm:cn-north-1:1:parameter/x",
  );
});

test("not parameter ARNs", () => {
  for (const text of [
    "/a/b",
    "a",
    "arn:",
    `${PREFIX}/`,
    "arn:aws:ssm:us-east-1:123456789012:document/a",
    "arn:aws:ssm:us-east-1:parameter/a",
    `${PREFIX}/a:1:2`,
  ])
    assert.equal(parseParameterArn(text), undefined, text);
  assert.equal(looksLikeArn("arn:aws:x"), true);
  assert.equal(looksLikeArn("/arn:aws"), false);
});

test("the names a path stands for: `a/b` is `/a/b`; one level is `a`, then `/a`", () => {
  assert.deepEqual(namesOfPath("a/b"), ["/a/b"]);
  assert.deepEqual(namesOfPath("a"), ["a", "/a"]);
});
