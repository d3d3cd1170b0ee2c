/**
 * The in-memory ASL interpreter against aws-local-stepfunctions on the same definitions, in
 * the same process: throughput of each and the ratio (goal: ≥ 10× the peer on every row).
 */
import { StateMachine } from "aws-local-stepfunctions";
import type { MachineDefinition } from "../src/asl/definition.js";
import type { Json } from "../src/asl/json.js";
import { validateDefinition } from "../src/asl/validation/index.js";
import { compileMachine } from "../src/evaluator/index.js";
import { runInMemory } from "../src/runtime/in-memory.js";
import type { TaskDispatcher } from "../src/runtime/task-dispatcher.js";
import { printTable, rate } from "./table.js";

const LOOP_ITERATIONS = 10_000;
const MAP_ITEMS = 10_000;

const loop: MachineDefinition = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Result: { count: 0 }, Next: "Increment" },
    Increment: {
      Type: "Pass",
      Parameters: { "count.$": "States.MathAdd($.count, 1)" },
      Next: "Check",
    },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.count", NumericLessThan: LOOP_ITERATIONS, Next: "Increment" }],
      Default: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

const map: MachineDefinition = {
  StartAt: "Each",
  States: {
    Each: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: { StartAt: "Inner", States: { Inner: { Type: "Pass", End: true } } },
      End: true,
    },
  },
};

const threeStates: MachineDefinition = {
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Parameters: { "id.$": "$.id", stage: "checked" }, Next: "Route" },
    Route: {
      Type: "Choice",
      Choices: [{ Variable: "$.stage", StringEquals: "checked", Next: "Done" }],
      Default: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

const noTasks: TaskDispatcher = {
  invoke: async () => null,
};

async function opsflowRun(definition: MachineDefinition, input: Json): Promise<Json | undefined> {
  const result = await runInMemory(compiled.get(definition) ?? compileMachine(definition), input, {
    dispatcher: noTasks,
  });
  if (result.status !== "SUCCEEDED")
    throw new Error(`opsflow run failed: ${result.error} ${result.cause}`);
  return result.output;
}

const compiled = new Map([loop, map, threeStates].map((d) => [d, compileMachine(d)]));
const peers = new Map(
  [loop, map, threeStates].map((d) => [
    d,
    new StateMachine(d as never, { validationOptions: { checkArn: false } }),
  ]),
);

async function peerRun(definition: MachineDefinition, input: Json): Promise<unknown> {
  return (peers.get(definition) as StateMachine).run(input as never).result;
}

type Runner = (definition: MachineDefinition, input: Json) => Promise<unknown>;

const items = {
  items: Array.from({ length: MAP_ITEMS }, (_, i) => ({ id: i, name: `item-${i}` })),
};

const scenarios: {
  name: string;
  unit: string;
  amount: number;
  body: (run: Runner) => Promise<unknown>;
}[] = [
  {
    name: "(a) Pass+Choice loop, 10,000 iterations",
    unit: "transitions/s",
    amount: LOOP_ITERATIONS * 2 + 2,
    body: (run) => run(loop, {}),
  },
  {
    name: "(b) Map over 10,000 items, Pass inside",
    unit: "items/s",
    amount: MAP_ITEMS,
    body: (run) => run(map, items),
  },
  {
    name: "(c) 1,000 three-state executions in sequence",
    unit: "executions/s",
    amount: 1000,
    body: async (run) => {
      for (let i = 0; i < 1000; i++) await run(threeStates, { id: i });
    },
  },
  {
    name: "(d) 100 concurrent executions",
    unit: "executions/s",
    amount: 100,
    body: (run) => Promise.all(Array.from({ length: 100 }, (_, i) => run(threeStates, { id: i }))),
  },
];

/** Runs the interpreter benchmark and prints its table. */
export async function main(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const scenario of scenarios) {
    const oursRate = await rate(scenario.amount, () => scenario.body(opsflowRun));
    const peerRate = await rate(scenario.amount, () => scenario.body(peerRun), 1000);
    rows.push([
      scenario.name,
      scenario.unit,
      oursRate,
      peerRate,
      `${(oursRate / peerRate).toFixed(1)}×`,
    ]);
  }
  printTable(
    "ASL in-memory interpreter vs aws-local-stepfunctions 3.0.0",
    ["scenario", "unit", "opsflow", "peer", "ratio"],
    rows,
  );

  const big = bigDefinition(500);
  const validations = await rate(1, () => {
    if (validateDefinition(big).length > 0)
      throw new Error("the 500-state definition should be valid");
  });
  const compilations = await rate(1, () => compileMachine(big));
  printTable(
    "Definition checks",
    ["what", "ms each"],
    [
      ["validate a 500-state definition", 1000 / validations],
      ["compile a 500-state definition", 1000 / compilations],
    ],
  );
}

function bigDefinition(count: number): MachineDefinition {
  const states: MachineDefinition["States"] = {};
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? `S${i + 1}` : undefined;
    const base = next ? { Next: next } : { End: true };
    states[`S${i}`] =
      i % 3 === 0
        ? {
            Type: "Pass",
            Parameters: { "value.$": "$.value", "label.$": "States.Format('s{}', $.value)" },
            ...base,
          }
        : i % 3 === 1
          ? {
              Type: "Choice",
              Choices: [{ Variable: "$.value", NumericGreaterThan: i, Next: next ?? "End" }],
              Default: next ?? "End",
            }
          : {
              Type: "Task",
              Resource: "arn:aws:lambda:us-east-1:000000000000:function:f",
              Retry: [{ ErrorEquals: ["States.ALL"] }],
              ...base,
            };
  }
  states.End = { Type: "Succeed" };
  return { StartAt: "S0", States: states };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
