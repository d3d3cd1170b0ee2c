import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { listReferences, resolveVariables } from "../../../../src/runbooks/document/index.js";
import { accepted, refused, withSteps } from "./helpers.js";

const lambda = (
  name: string,
  payload: Record<string, unknown>,
  fields: Record<string, unknown> = {},
) => ({
  name,
  action: "aws:invokeLambdaFunction",
  inputs: { FunctionName: "f", InputPayload: payload },
  ...fields,
});

describe("Automation runbooks: {{ }} references", () => {
  test("listReferences names what each reference is", () => {
    assert.deepEqual(
      listReferences(
        "{{InstanceId}} {{ Step.Out }} {{ global:DATE_TIME }} {{automation:EXECUTION_ID}} {{ loop.CurrentIteration }} {{ssm:/a/b}} {{ ssm-secure:pw }} {{ x:y }} {{ not closed",
      ),
      [
        { kind: "parameter", text: "{{InstanceId}}", name: "InstanceId" },
        { kind: "output", text: "{{ Step.Out }}", name: "Step.Out", step: "Step", output: "Out" },
        { kind: "global", text: "{{ global:DATE_TIME }}", name: "DATE_TIME" },
        { kind: "automation", text: "{{automation:EXECUTION_ID}}", name: "EXECUTION_ID" },
        {
          kind: "output",
          text: "{{ loop.CurrentIteration }}",
          name: "loop.CurrentIteration",
          step: "loop",
          output: "CurrentIteration",
        },
        { kind: "ssm", text: "{{ssm:/a/b}}", name: "/a/b", secure: false },
        { kind: "ssm", text: "{{ ssm-secure:pw }}", name: "pw", secure: true },
        { kind: "unknown", text: "{{ x:y }}", name: "x:y" },
      ],
    );
    assert.deepEqual(listReferences("no references"), []);
  });

  test("resolveVariables fills the variables from the values given, leaving the rest", () => {
    const values = {
      accountId: "123456789012",
      region: "eu-west-1",
      partition: "aws",
      now: new Date("2024-03-05T07:08:09.123Z"),
      executionId: "abc-123",
    };
    assert.equal(
      resolveVariables(
        "{{global:ACCOUNT_ID}}/{{ global:REGION }}/{{ global:AWS_PARTITION }}/{{ global:DATE }}/{{ global:DATE_TIME }}/{{ automation:EXECUTION_ID }}/{{ Param }}/{{ s.o }}/{{ global:OTHER }}",
        values,
      ),
      "123456789012/eu-west-1/aws/2024-03-05/2024-03-05_07.08.09/abc-123/{{ Param }}/{{ s.o }}/{{ global:OTHER }}",
    );
    const { executionId: _, ...withoutId } = values;
    assert.equal(
      resolveVariables("{{ automation:EXECUTION_ID }}", withoutId),
      "{{ automation:EXECUTION_ID }}",
    );
  });

  test("step inputs may name parameters, action outputs, the step's own outputs and variables", () => {
    accepted(
      withSteps(
        lambda("a", {}, { outputs: [{ Name: "Custom", Selector: "$.x", Type: "String" }] }),
        lambda("b", {
          p: "{{ InstanceId }}",
          own: "{{ a.Custom }}",
          builtin: "{{a.Payload}}",
          later: "{{ c.StatusCode }}",
          vars: "{{ global:ACCOUNT_ID }}-{{ global:REGION }}-{{ global:DATE }}-{{ global:AWS_PARTITION }}-{{ automation:EXECUTION_ID }}",
          list: ["{{ global:DATE_TIME }}"],
        }),
        lambda("c", {}),
      ),
    );
  });

  test("a reference that names nothing is refused where it is written", () => {
    const at = "/mainSteps/1/inputs/InputPayload/x";
    const refer = (text: string) => withSteps(lambda("a", {}), lambda("b", { x: text }));
    refused(
      refer("{{ Nope }}"),
      at,
      /\{\{ Nope \}\} to name a declared parameter; "Nope" is not one/,
    );
    refused(refer("{{ z.Payload }}"), at, /there is no step "z"/);
    refused(
      refer("{{ a.Nope }}"),
      at,
      /an output of step a \(StatusCode, FunctionError, LogResult, Payload\); "Nope" is not one/,
    );
    refused(
      refer("{{ global:TIME }}"),
      at,
      /a global variable \(ACCOUNT_ID, REGION, DATE, DATE_TIME, AWS_PARTITION\)/,
    );
    refused(refer("{{ automation:DOCUMENT }}"), at, /an automation variable \(EXECUTION_ID\)/);
    refused(refer("{{ ssm:/a }}"), at, /allowed only in parameter defaults/);
    refused(refer("{{ env:HOME }}"), at, /a parameter, a Step.Output or a variable/);
    refused(
      withSteps(lambda("a", { list: ["ok", "{{ Nope }}"] })),
      "/mainSteps/0/inputs/InputPayload/list/1",
      /"Nope" is not one/,
    );
  });

  test("loop variables are the loop step's outputs; body steps and conditions are checked too", () => {
    const loop = (body: unknown[], condition?: unknown) => ({
      name: "each",
      action: "aws:loop",
      inputs: condition
        ? { LoopCondition: condition, Steps: body }
        : { Iterators: ["a"], Steps: body },
    });
    accepted(
      withSteps(
        loop([
          lambda("in", {
            item: "{{ each.CurrentIteratorValue }}",
            n: "{{ each.CurrentIteration }}",
          }),
        ]),
      ),
    );
    refused(
      withSteps(loop([lambda("in", { item: "{{ each.Current }}" })])),
      "/mainSteps/0/inputs/Steps/0/inputs/InputPayload/item",
      /an output of step each \(CurrentIteration, CurrentIteratorValue\)/,
    );
    refused(
      withSteps(loop([lambda("in", {})], { Variable: "{{ in.Missing }}", StringEquals: "x" })),
      "/mainSteps/0/inputs/LoopCondition/Variable",
      /"Missing" is not one/,
    );
  });

  test("aws:branch variables are checked; aws:executeScript's Script is code, not interpolated", () => {
    refused(
      withSteps({
        name: "b",
        action: "aws:branch",
        inputs: { Choices: [{ NextStep: "b", Variable: "{{ x.y }}", StringEquals: "a" }] },
      }),
      "/mainSteps/0/inputs/Choices/0/Variable",
      /there is no step "x"/,
    );
    accepted(
      withSteps({
        name: "s",
        action: "aws:executeScript",
        inputs: {
          Runtime: "python3.11",
          Handler: "h",
          Script: "def h(e, c):\n    return f'{{{{literal}}}}'",
        },
      }),
    );
  });
});
