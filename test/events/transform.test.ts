/**
 * Target input: Input, InputPath and InputTransformer with AWS's documented examples (user
 * guide "Amazon EventBridge input transformation"), AWS-recorded edge cases (missing paths,
 * invalid placeholders, predefined variables), PutTargets-time validation with locations, and
 * a property: JSON object templates with values outside strings always yield valid JSON.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { Json } from "../../src/asl/json.js";
import {
  compileTargetInput,
  InvalidTargetInputError,
  type RuleInfo,
  type TargetInputConfig,
} from "../../src/events/transform/index.js";

const EC2_EVENT: Json = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};
const RULE: RuleInfo = {
  ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
  ruleName: "example",
  ingestionTime: new Date("2015-11-11T21:29:55.123Z"),
};
const PATHS = { timestamp: "$.time", instance: "$.detail.instance-id", state: "$.detail.state" };

function transform(
  template: string,
  paths: Record<string, string> = PATHS,
  event: Json = EC2_EVENT,
) {
  return compileTargetInput({
    Id: "t1",
    InputTransformer: { InputPathsMap: paths, InputTemplate: template },
  })(event, RULE);
}

function invalid(
  target: TargetInputConfig,
  message: RegExp | string,
  pointer?: string,
  offset?: number,
) {
  assert.throws(
    () => compileTargetInput(target),
    (error: unknown) => {
      assert.ok(error instanceof InvalidTargetInputError, String(error));
      assert.equal(error.code, "ValidationException");
      if (typeof message === "string") assert.equal(error.message, message);
      else assert.match(error.message, message);
      if (pointer !== undefined) assert.equal(error.location.pointer, pointer);
      if (offset !== undefined) assert.equal(error.location.offset, offset);
      return true;
    },
  );
}

describe("Input, InputPath, whole event", () => {
  test("no input settings: the whole event", () => {
    assert.deepEqual(JSON.parse(compileTargetInput({ Id: "t" })(EC2_EVENT, RULE)), EC2_EVENT);
  });

  test("Input is constant JSON text, delivered as given", () => {
    const text = '{ "fixed": [1, 2.50, "x"] }';
    assert.equal(compileTargetInput({ Input: text })(EC2_EVENT, RULE), text);
    assert.equal(
      compileTargetInput({ Input: '"just a string"' })(EC2_EVENT, RULE),
      '"just a string"',
    );
    invalid({ Input: "{not json" }, /^Input is not valid JSON text/, "/Input");
    invalid({ Input: "x".repeat(8193) }, /longer than 8192/, "/Input");
  });

  test("InputPath selects part of the event", () => {
    const run = (path: string) => compileTargetInput({ InputPath: path })(EC2_EVENT, RULE);
    assert.equal(run("$.detail"), '{"instance-id":"i-0123456789","state":"RUNNING"}');
    assert.equal(run("$.detail.state"), '"RUNNING"');
    assert.equal(run("$.resources[0]"), '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"');
    assert.equal(
      run("$.resources[*]"),
      '["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]',
    );
    assert.equal(run("$.detail.*"), '["i-0123456789","RUNNING"]');
    assert.equal(run("$"), JSON.stringify(EC2_EVENT));
    assert.equal(run("$.detail.missing"), "null");
  });

  test("only one of Input, InputPath, InputTransformer (AWS wording)", () => {
    invalid(
      { Id: "t1", InputPath: "$.detail", InputTransformer: { InputTemplate: '"x"' } },
      "Only one of Input, InputPath, or InputTransformer must be provided for target t1.",
      "",
    );
    invalid(
      { Id: "t2", Input: "{}", InputPath: "$.detail" },
      "Only one of Input, InputPath, or InputTransformer must be provided for target t2.",
    );
  });

  test("InputPath syntax EventBridge supports, and what it refuses", () => {
    for (const ok of [
      "$.detail",
      "$.detail.instance-id",
      "$.a_b.c-d.e/f",
      "$.a[0].b",
      "$.a[*].b",
      "$.a.*",
    ]) {
      compileTargetInput({ InputPath: ok });
    }
    invalid(
      { InputPath: "$.detail['state']" },
      /dot notation, not bracket notation/,
      "/InputPath",
      8,
    );
    invalid({ InputPath: "$..state" }, /deep scan/, "/InputPath");
    invalid({ InputPath: "$.a[?(@.b == 1)]" }, /filter/, "/InputPath");
    invalid({ InputPath: "$.a[0:2]" }, /slice/, "/InputPath");
    invalid({ InputPath: "$.a.length()" }, /function/, "/InputPath");
    invalid({ InputPath: "detail" }, /InputPath/, "/InputPath");
    invalid({ InputPath: "$.a[" }, /not a valid JSONPath/, "/InputPath");
    invalid({ InputPath: `$.${"a".repeat(300)}` }, /longer than 256/, "/InputPath");
  });
});

describe("InputTransformer: AWS documentation examples", () => {
  test("simple string", () => {
    assert.equal(
      transform('"instance <instance> is in <state>"'),
      '"instance i-0123456789 is in RUNNING"',
    );
  });

  test("string with escaped quotes", () => {
    assert.equal(
      transform('"instance \\"<instance>\\" is in <state>"'),
      '"instance \\"i-0123456789\\" is in RUNNING"',
    );
  });

  test("plain text without quotes (API reference example)", () => {
    assert.equal(
      transform("<instance> is in state <state>", {
        instance: "$.detail.instance-id",
        state: "$.detail.state",
      }),
      "i-0123456789 is in state RUNNING",
    );
  });

  test("simple JSON", () => {
    const out = transform('{\n  "instance" : <instance>,\n  "state": <state>\n}');
    assert.equal(out, '{"instance":"i-0123456789","state":"RUNNING"}');
  });

  test("JSON with strings and variables", () => {
    const out = transform(
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
    );
    assert.deepEqual(JSON.parse(out), {
      instance: "i-0123456789",
      state: "RUNNING",
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });

  test("JSON with a mix of variables and static information", () => {
    const out = transform(
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}\n',
    );
    assert.equal(out, '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}');
  });

  test("API reference: variables in quotes or out", () => {
    const out = transform(
      '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}',
    );
    assert.deepEqual(JSON.parse(out), {
      myInstance: "i-0123456789",
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });

  test("reserved variables in JSON", () => {
    const out = JSON.parse(
      transform(
        '{"instance": <instance>, "ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "originalEvent": <aws.events.event>, "full": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}',
      ),
    );
    assert.equal(out.ruleArn, RULE.ruleArn);
    assert.equal(out.ruleName, "example");
    assert.equal(out.at, "2015-11-11T21:29:55Z");
    assert.deepEqual(out.full, EC2_EVENT);
    // aws.events.event: no detail, detail-type as detailType, in AWS's recorded key order.
    assert.deepEqual(Object.keys(out.originalEvent), [
      "id",
      "account",
      "detailType",
      "time",
      "source",
      "region",
      "resources",
      "version",
    ]);
    assert.equal(out.originalEvent.detailType, "EC2 Instance State-change Notification");
  });

  test("reserved variables in a string", () => {
    assert.equal(transform('"<aws.events.rule-name> triggered"'), '"example triggered"');
    assert.equal(
      transform(
        '"Message <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"',
        {},
      ),
      `"Message ${RULE.ruleArn} example 2015-11-11T21:29:55Z"`,
    );
  });
});

describe("InputTransformer: values by context", () => {
  const event: Json = {
    detail: { n: 10.5, b: false, z: null, s: "text", o: { symbol: "TEST", qty: 100 }, a: [1, "x"] },
  };
  const paths = {
    n: "$.detail.n",
    b: "$.detail.b",
    z: "$.detail.z",
    s: "$.detail.s",
    o: "$.detail.o",
    a: "$.detail.a",
    m: "$.detail.missing",
  };
  const run = (template: string) => transform(template, paths, event);

  test("outside quotes: JSON values; missing path gives null", () => {
    assert.deepEqual(JSON.parse(run('{"n":<n>,"b":<b>,"z":<z>,"s":<s>,"o":<o>,"a":<a>,"m":<m>}')), {
      n: 10.5,
      b: false,
      z: null,
      s: "text",
      o: { symbol: "TEST", qty: 100 },
      a: [1, "x"],
      m: null,
    });
  });

  test("inside quotes: text; objects lose their quotes; missing path gives nothing (AWS-recorded)", () => {
    assert.deepEqual(
      JSON.parse(run('{"v":"<n> <b> <z> <s>","o":"Detail is <o>","a":"<a>","m":"<m>"}')),
      {
        v: "10.5 false null text",
        o: "Detail is {symbol:TEST,qty:100}",
        a: "[1,x]",
        m: "",
      },
    );
  });

  test("plain-text templates: text; missing path gives nothing (AWS-recorded)", () => {
    assert.equal(run('"Event of <s> type, detail <m>"'), '"Event of text type, detail "');
    assert.equal(run("n=<n> o=<o> a=<a>"), "n=10.5 o={symbol:TEST,qty:100} a=[1,x]");
    assert.equal(
      run('"{[/Check with special starting characters <s>"'),
      '"{[/Check with special starting characters text"',
    );
  });

  test("values with quotes, backslashes and newlines stay valid JSON inside strings", () => {
    const nasty: Json = { detail: { s: 'a "quoted" \\ path\nnext' } };
    const out = transform('{"msg":"got <s>!","raw":<s>}', { s: "$.detail.s" }, nasty);
    assert.deepEqual(JSON.parse(out), {
      msg: 'got a "quoted" \\ path\nnext!',
      raw: 'a "quoted" \\ path\nnext',
    });
  });

  test("wildcard paths give arrays", () => {
    const ev: Json = { detail: { items: [{ id: 1 }, { id: 2 }] } };
    assert.equal(transform('{"ids":<ids>}', { ids: "$.detail.items[*].id" }, ev), '{"ids":[1,2]}');
  });

  test("a '<' that closes no placeholder is literal", () => {
    assert.equal(
      transform('{"cmp":"a < b","x":<s>}', { s: "$.detail.state" }),
      '{"cmp":"a < b","x":"RUNNING"}',
    );
    assert.equal(transform("1 < 2 and <s>", { s: "$.detail.state" }), "1 < 2 and RUNNING");
  });

  test("JSON templates are minified; whitespace inside strings is kept", () => {
    assert.equal(transform('{ "a b" :\t[ 1 ,\n 2 ] }', {}), '{"a b":[1,2]}');
  });

  test("a template that is a string literal or array is plain text", () => {
    assert.equal(transform('["<state>"]', { state: "$.detail.state" }), '["RUNNING"]');
  });
});

describe("InputTransformer: PutTargets validation", () => {
  const tr = (
    InputTemplate: string,
    InputPathsMap?: Record<string, string>,
  ): TargetInputConfig => ({
    Id: "target-1",
    InputTransformer: { InputTemplate, InputPathsMap },
  });

  test("unknown placeholder (AWS wording) with its offset", () => {
    invalid(
      tr('{"a": <notdefinedkey>}', { key: "$.detail" }),
      "InputTemplate for target target-1 contains invalid placeholder notdefinedkey.",
      "/InputTransformer/InputTemplate",
      6,
    );
    invalid(tr('"<b>bold</b>"'), /invalid placeholder b\./);
    invalid(tr("<>"), /invalid placeholder \./);
  });

  test("placeholders cannot be object keys", () => {
    invalid(tr("{<k>: 1}", { k: "$.a" }), /as an object key/, "/InputTransformer/InputTemplate", 1);
    invalid(tr('{"<k>": 1}', { k: "$.a" }), /as an object key/);
    invalid(tr('{"a": {"x-<k>" : 1}}', { k: "$.a" }), /as an object key/);
  });

  test("aws.events.event(.json) only as a JSON field value", () => {
    invalid(tr('{"a": "<aws.events.event.json>"}'), /only be used as the value of a JSON field/);
    invalid(tr('"<aws.events.event>"'), /only be used as the value of a JSON field/);
  });

  test("JSON templates must be valid JSON", () => {
    invalid(tr('{"a": <s>', { s: "$.a" }), /is not valid JSON/);
    invalid(tr('{"a": <s> <s>}', { s: "$.a" }), /is not valid JSON/);
    invalid(tr('{"a": 1} trailing'), /is not valid JSON/);
    invalid(tr("{'a': 1}"), /is not valid JSON/);
  });

  test("template length", () => {
    invalid(tr(""), /non-empty/);
    invalid(tr(`"${"x".repeat(8191)}"`), /longer than 8192/);
    compileTargetInput(tr(`"${"x".repeat(8190)}"`));
  });

  test("InputPathsMap: count, names, reserved names, paths", () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, "$.a"]));
    invalid(tr('"x"', many), /101 variables; at most 100/, "/InputTransformer/InputPathsMap");
    compileTargetInput(tr('"x"', Object.fromEntries(Object.entries(many).slice(0, 100))));
    invalid(
      tr('"x"', { "aws.events.rule-name": "$.a" }),
      /reserved variable name/,
      "/InputTransformer/InputPathsMap/aws.events.rule-name",
    );
    invalid(tr('"x"', { "AWS.mine": "$.a" }), /reserved/);
    invalid(tr('"x"', { "has space": "$.a" }), /A-Z, a-z, 0-9/);
    invalid(tr('"x"', { "a/b": "$.a" }), /A-Z/, "/InputTransformer/InputPathsMap/a~1b");
    invalid(
      tr('"x"', { ok: "$['a']" }),
      /InputPathsMap value for 'ok'.*bracket notation/,
      "/InputTransformer/InputPathsMap/ok",
    );
    invalid(tr('"x"', { ok: "$..a" }), /deep scan/);
    invalid(tr('"x"', { ok: "" }), /non-empty JSONPath/);
  });
});

// ---------------------------------------------------------------- property

const jsonValue: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const nastyString = fc.string({
  unit: fc.constantFrom("a", '"', "\\", "\n", "<", ">", "{", "}", "é", "\u0001", " "),
});

test("property: JSON object templates with values outside strings always produce valid JSON", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.oneof(jsonValue, nastyString), fc.boolean(), fc.boolean()), {
        minLength: 1,
        maxLength: 6,
      }),
      (vars) => {
        const detail: Record<string, Json> = {};
        const paths: Record<string, string> = {};
        const fields: string[] = [];
        vars.forEach(([value, missing, inString], i) => {
          if (!missing) detail[`v${i}`] = value;
          paths[`v${i}`] = `$.detail.v${i}`;
          fields.push(inString ? `"f${i}": "pre <v${i}> post"` : `"f${i}": <v${i}>`);
          fields.push(`"g${i}": [<v${i}>, {"deep": <v${i}>}]`);
        });
        const template = `{ ${fields.join(",\n ")} }`;
        const out = transform(template, paths, { detail });
        const parsed = JSON.parse(out);
        vars.forEach(([value, missing, inString], i) => {
          // JSON has no -0: compare with the value as JSON can carry it.
          const expected = missing ? null : (JSON.parse(JSON.stringify(value)) as Json);
          assert.deepEqual(parsed[`g${i}`], [expected, { deep: expected }]);
          if (!inString) assert.deepEqual(parsed[`f${i}`], expected);
        });
      },
    ),
    { numRuns: 300 },
  );
});
