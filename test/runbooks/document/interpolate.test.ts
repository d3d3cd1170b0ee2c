import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CompiledPlugin,
  interpolate,
  resolveReferences,
  secureReferences,
} from "../../../src/runbooks/document/index.js";

const bound = {
  commands: ["echo a", "echo b"],
  name: "web",
  count: 3,
  force: true,
  labels: { k: "v" },
};

describe("interpolate", () => {
  test("both spellings, embedded in text", () => {
    assert.equal(interpolate("hello {{ name }} and {{name}}", bound), "hello web and web");
    assert.equal(
      interpolate("n={{ count }} f={{force}} l={{ labels }}", bound),
      'n=3 f=true l={"k":"v"}',
    );
  });

  test("a whole reference keeps the parameter's type", () => {
    assert.deepEqual(interpolate("{{ commands }}", bound), ["echo a", "echo b"]);
    assert.equal(interpolate("{{ count }}", bound), 3);
    assert.deepEqual(interpolate({ runCommand: "{{ commands }}", n: "{{count}}" }, bound), {
      runCommand: ["echo a", "echo b"],
      n: 3,
    });
  });

  test("a list parameter as a whole list item is spliced in", () => {
    assert.deepEqual(interpolate(["set -e", "{{ commands }}", "echo {{ name }}"], bound), [
      "set -e",
      "echo a",
      "echo b",
      "echo web",
    ]);
  });

  test("a StringList embedded in text becomes JSON text", () => {
    assert.equal(interpolate("run {{ commands }}", bound), 'run ["echo a","echo b"]');
  });

  test("Parameter Store references and unknown names are left in place", () => {
    const text =
      "{{ssm:/app/url}} {{ ssm-secure:/db/password }} {{ other }} {{.State.Status}} {{ name }}";
    assert.equal(
      interpolate(text, bound),
      "{{ssm:/app/url}} {{ ssm-secure:/db/password }} {{ other }} {{.State.Status}} web",
    );
  });

  test("one pass: a value holding {{ }} is not expanded again", () => {
    assert.equal(interpolate("{{ a }}", { a: "{{ b }}", b: "no" }), "{{ b }}");
  });
});

describe("references", () => {
  const plugins: CompiledPlugin[] = [
    {
      name: "one",
      action: "aws:runShellScript",
      runCommand: [
        "curl {{ssm:/app/url}}",
        "login {{ ssm-secure:/db/password }} {{ssm-secure:/db/password}}",
      ],
      workingDirectory: "{{ssm:/app/dir}}",
      timeoutSeconds: 60,
    },
    {
      name: "two",
      action: "aws:updateSsmAgent",
      runCommand: [],
      targetVersion: "{{ssm:/agent/version}}",
      timeoutSeconds: 60,
    },
  ];

  test("secureReferences lists each ssm-secure name once, in order", () => {
    assert.deepEqual(secureReferences(plugins), ["/db/password"]);
    assert.deepEqual(
      secureReferences({ a: ["{{ssm-secure:x}}"], b: "{{ssm-secure:y}} {{ssm:z}}" }),
      ["x", "y"],
    );
    assert.deepEqual(secureReferences("nothing"), []);
  });

  test("resolveReferences substitutes lookups, each looked up once, without changing its input", async () => {
    const calls: string[] = [];
    const resolved = await resolveReferences(plugins, async (kind, name) => {
      calls.push(`${kind}:${name}`);
      return `<${kind} ${name}>`;
    });
    assert.deepEqual(calls, [
      "ssm:/app/url",
      "ssm-secure:/db/password",
      "ssm:/app/dir",
      "ssm:/agent/version",
    ]);
    assert.deepEqual(resolved[0].runCommand, [
      "curl <ssm /app/url>",
      "login <ssm-secure /db/password> <ssm-secure /db/password>",
    ]);
    assert.equal(resolved[0].workingDirectory, "<ssm /app/dir>");
    assert.equal(resolved[1].targetVersion, "<ssm /agent/version>");
    assert.equal(plugins[0].runCommand[0], "curl {{ssm:/app/url}}");
  });

  test("a failed lookup rejects", async () => {
    await assert.rejects(
      resolveReferences(plugins, async () => {
        throw new Error("ParameterNotFound");
      }),
      /ParameterNotFound/,
    );
  });

  test("a replacement containing $ patterns is inserted literally", async () => {
    const [plugin] = await resolveReferences([plugins[0]], async () => "p$&w$1");
    assert.equal(plugin.runCommand[0], "curl p$&w$1");
  });
});
