/**
 * Parameters in workflows and functions, on a real server process: `{{resolve:ssm-secure:...}}`
 * in a Task's Parameters reaches the function in clear (it answers a hash and a length) while
 * the history, the audit log and the SQLite file (database and WAL, read as raw bytes) never
 * hold the clear value; a missing parameter fails the task with Parameters.NotFound, which
 * Catch handles; `aws-sdk:ssm:getParameter` hands a SecureString on as a reference; Node and
 * Python functions read parameters through their context.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import * as ssm from "@aws-sdk/client-ssm";
import {
  deployNodeFunction,
  eventually,
  rest,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "./harness.js";
import { storedText } from "./stored.js";

const SECRET = "pA55-w0rd_never-in-clear-7d1e0b";
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

let server: ServerProcess;
let params: ssm.SSMClient;
let states: sfn.SFNClient;

const ECHO = `
import { createHash } from "node:crypto";
const sha = (text) => createHash("sha256").update(String(text)).digest("hex");
export const handler = async (event, context) => {
  const out = { length: String(event.password ?? "").length, sha256: sha(event.password ?? "") };
  if (event.url !== undefined) out.url = event.url;
  if (event.read) {
    const p = await context.getParameter(event.read, { withDecryption: true });
    out.context = { name: p.Name, type: p.Type, version: p.Version, sha256: sha(p.Value) };
    const sealed = await context.getParameter(event.read);
    out.sealedIsClear = sealed.Value === p.Value;
    try {
      await context.getParameter("/no/such/parameter");
    } catch (error) {
      out.missing = error.name;
    }
  }
  return out;
};
`;

before(async () => {
  server = await startServerProcess();
  params = new ssm.SSMClient(sdkConfig(server.url));
  states = new sfn.SFNClient(sdkConfig(server.url));
  await params.send(
    new ssm.PutParameterCommand({ Name: "/db/password", Value: SECRET, Type: "SecureString" }),
  );
  await params.send(
    new ssm.PutParameterCommand({ Name: "/app/url", Value: "https://one", Type: "String" }),
  );
  await params.send(
    new ssm.PutParameterCommand({ Name: "/app/url", Value: "https://two", Overwrite: true }),
  );
  await deployNodeFunction(server.url, "echo", ECHO);
});
after(async () => {
  params?.destroy();
  states?.destroy();
  await server?.stop();
});

async function execute(name: string, definition: object, input: object = {}) {
  const { stateMachineArn } = await states.send(
    new sfn.CreateStateMachineCommand({
      name,
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify(definition),
    }),
  );
  const { executionArn } = await states.send(
    new sfn.StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  const done = await eventually(async () => {
    const d = await states.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return d.status === "RUNNING" ? undefined : d;
  }, 30_000);
  const history = await states.send(
    new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  return { done, history: JSON.stringify(history.events) };
}

describe("parameter references in workflows", () => {
  test("ssm-secure resolves at dispatch: the function sees the value, history and the database never do", async () => {
    const { done, history } = await execute(
      "use-secret",
      {
        StartAt: "Use",
        States: {
          Use: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: {
              FunctionName: "echo",
              Payload: {
                password: "{{resolve:ssm-secure:/db/password}}",
                url: "first={{resolve:ssm:/app/url:1}} now={{resolve:ssm:/app/url}}",
                "tag.$": "$.tag",
              },
            },
            OutputPath: "$.Payload",
            End: true,
          },
        },
      },
      { tag: "t1" },
    );
    assert.equal(done.status, "SUCCEEDED", done.cause);
    const output = JSON.parse(done.output as string);
    assert.equal(output.length, SECRET.length);
    assert.equal(output.sha256, sha(SECRET));
    assert.equal(output.url, "first=https://one now=https://two");

    assert.ok(history.includes("{{resolve:ssm-secure:/db/password}}"), "the reference stays");
    assert.ok(!history.includes(SECRET), "the clear value is not in the history");
    const audit = await rest(server.url, "GET", "/v1/audit/events?limit=1000");
    assert.equal(audit.status, 200);
    assert.ok(!JSON.stringify(audit.body).includes(SECRET), "nor in the audit log");
    const bytes = await storedText(server.dataDir);
    assert.ok(bytes.length > 0);
    assert.equal(bytes.indexOf(SECRET), -1, "nor anywhere in the SQLite files");
    assert.ok(bytes.indexOf("{{resolve:ssm-secure:/db/password}}") >= 0, "the files were read");
  });

  test("a reference that arrives in the input is not resolved: the definition must name it", async () => {
    const { done, history } = await execute(
      "forwarder",
      {
        StartAt: "Send",
        States: {
          Send: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: "echo", "Payload.$": "$" },
            End: true,
          },
        },
      },
      { password: "{{resolve:ssm-secure:/db/password}}" },
    );
    assert.equal(done.status, "FAILED");
    assert.equal(done.error, "Parameters.InvalidReference");
    assert.match(done.cause ?? "", /not named in the workflow's definition/);
    assert.ok(!history.includes(SECRET));
  });

  test("a missing parameter fails the task with Parameters.NotFound, which Catch handles", async () => {
    const { done, history } = await execute("missing-parameter", {
      StartAt: "Use",
      States: {
        Use: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:echo",
          Parameters: { password: "{{resolve:ssm-secure:/db/nope}}" },
          Catch: [
            { ErrorEquals: ["Parameters.NotFound"], ResultPath: "$.caught", Next: "Handled" },
          ],
          End: true,
        },
        Handled: { Type: "Pass", End: true },
      },
    });
    assert.equal(done.status, "SUCCEEDED", done.cause);
    const caught = JSON.parse(done.output as string).caught;
    assert.equal(caught.Error, "Parameters.NotFound");
    assert.match(caught.Cause, /\/db\/nope/);
    assert.ok(history.includes("Parameters.NotFound"), "the failure is in the history");

    const wrongKind = await execute("wrong-kind", {
      StartAt: "Use",
      States: {
        Use: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:echo",
          Parameters: { password: "{{resolve:ssm:/db/password}}" },
          End: true,
        },
      },
    });
    assert.equal(wrongKind.done.status, "FAILED");
    assert.equal(wrongKind.done.error, "Parameters.InvalidReference");
    assert.ok(!wrongKind.history.includes(SECRET));
  });

  test("aws-sdk:ssm:getParameter hands a SecureString on as a reference the next task resolves", async () => {
    const { done, history } = await execute("sdk-integration", {
      StartAt: "Read",
      States: {
        Read: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:ssm:getParameter",
          Parameters: { Name: "/db/password", WithDecryption: true },
          ResultSelector: { "ref.$": "$.Parameter.Value", "type.$": "$.Parameter.Type" },
          ResultPath: "$.param",
          Next: "ReadPlain",
        },
        ReadPlain: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:ssm:getParameter",
          Parameters: { Name: "/app/url" },
          ResultSelector: { "value.$": "$.Parameter.Value" },
          ResultPath: "$.url",
          Next: "Use",
        },
        Use: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:echo",
          Parameters: { "password.$": "$.param.ref", "url.$": "$.url.value" },
          ResultPath: "$.used",
          End: true,
        },
      },
    });
    assert.equal(done.status, "SUCCEEDED", done.cause);
    const output = JSON.parse(done.output as string);
    assert.equal(output.param.ref, "{{resolve:ssm-secure:/db/password:1}}");
    assert.equal(output.param.type, "SecureString");
    assert.equal(output.url.value, "https://two");
    assert.equal(output.used.sha256, sha(SECRET));
    assert.ok(!history.includes(SECRET));
  });
});

describe("functions read parameters through their context", () => {
  test("Node: context.getParameter decrypts on request, names SSM's errors", async () => {
    const invoked = await rest(server.url, "POST", "/v1/functions/echo/invoke", {
      read: "/db/password",
    });
    assert.equal(invoked.status, 200, JSON.stringify(invoked.body));
    const out = invoked.body.payload ?? invoked.body;
    assert.deepEqual(out.context, {
      name: "/db/password",
      type: "SecureString",
      version: 1,
      sha256: sha(SECRET),
    });
    assert.equal(out.sealedIsClear, false);
    assert.equal(out.missing, "ParameterNotFound");
  });

  test("Python: context.get_parameter(name, with_decryption=True)", async () => {
    const source = [
      "import hashlib",
      "def handler(event, context):",
      "    p = context.get_parameter(event['read'], with_decryption=True)",
      "    try:",
      "        context.get_parameter('/no/such')",
      "        missing = None",
      "    except Exception as error:",
      "        missing = type(error).__name__",
      "    plain = context.get_parameter('/app/url:1')",
      "    return {'sha256': hashlib.sha256(p['Value'].encode()).hexdigest(),",
      "            'missing': missing, 'plain': plain['Value']}",
      "",
    ].join("\n");
    const deployed = await rest(server.url, "POST", "/v1/functions", {
      name: "pyread",
      runtime: "python",
      files: { "index.py": Buffer.from(source).toString("base64") },
      handler: "index.handler",
    });
    assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
    const invoked = await rest(server.url, "POST", "/v1/functions/pyread/invoke", {
      read: "/db/password",
    });
    assert.equal(invoked.status, 200, JSON.stringify(invoked.body));
    const out = invoked.body.payload ?? invoked.body;
    assert.deepEqual(out, {
      sha256: sha(SECRET),
      missing: "ParameterNotFound",
      plain: "https://one",
    });
  });
});
