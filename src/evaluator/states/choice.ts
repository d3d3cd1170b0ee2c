import { compileChoiceRule } from "../../asl/choice/index.js";
import { applyOutputPath } from "../../asl/data-flow.js";
import type { ChoiceRule, ChoiceState, QueryLanguage } from "../../asl/definition.js";
import { StatesErrorName } from "../../asl/errors.js";
import type { Json, JsonObject } from "../../asl/json.js";
import { type CompiledValue, compileJsonataValue, compileValue } from "../expressions.js";
import { compileIO, effectiveInput, exitState } from "../io.js";
import type { CompileContext, CompiledState, StateOutcome } from "../machine.js";
import { ready } from "../maybe.js";
import type { StateRun } from "../run.js";

/** One branch of a Choice: its test and what it assigns and outputs when taken. */
interface Branch {
  readonly test: (run: StateRun, input: Json) => boolean | Promise<boolean>;
  readonly next: string;
  readonly assign: CompiledValue | undefined;
  readonly output: CompiledValue | undefined;
}

/**
 * Choice: takes the first rule that holds (Default otherwise). The taken rule's Assign and
 * Output apply; the state's own apply when Default is taken.
 */
export function compileChoice(
  name: string,
  definition: ChoiceState,
  context: CompileContext,
): CompiledState {
  const { language } = context;
  const io = compileIO(definition, language);
  const branches = definition.Choices.map((rule, index) =>
    compileBranch(rule, `${context.pointer}/Choices/${index}`, index, language),
  );
  const fallback: Branch | undefined =
    definition.Default === undefined
      ? undefined
      : { test: () => true, next: definition.Default, assign: io.assign, output: io.output };
  async function enterJsonata(run: StateRun, input: Json): Promise<StateOutcome> {
    let taken = fallback;
    for (const branch of branches) {
      if (await branch.test(run, input)) {
        taken = branch;
        break;
      }
    }
    if (taken === undefined) throw noMatch(run);
    const states = { input: run.frame.input };
    const output = taken.output ? await taken.output(run, input, states) : input;
    const assigned = taken.assign
      ? ((await taken.assign(run, input, states)) as JsonObject)
      : undefined;
    return exitState(run, output, assigned, taken.next);
  }

  return {
    name,
    type: "Choice",
    language,
    enter(run) {
      const input = effectiveInput(io, run);
      if (language === "JSONata") return enterJsonata(run, input);
      const taken = branches.find((branch) => branch.test(run, input) === true) ?? fallback;
      if (taken === undefined) throw noMatch(run);
      let output: Json = input;
      if (io.outputPath !== undefined) {
        try {
          output = applyOutputPath(io.outputPath, run.scope(input));
        } catch (error) {
          return run.locate(error);
        }
      }
      const assigned = taken.assign
        ? (ready(taken.assign(run, input, { input: run.frame.input })) as JsonObject)
        : undefined;
      return exitState(run, output, assigned, taken.next);
    },
    resume() {
      throw new Error("a Choice state has no effects to resume");
    },
  };
}

function noMatch(run: StateRun) {
  return run.evaluationError(StatesErrorName.NoChoiceMatched, "No Matches!");
}

function compileBranch(
  rule: ChoiceRule,
  pointer: string,
  index: number,
  language: QueryLanguage,
): Branch {
  const assign =
    rule.Assign !== undefined
      ? compileValue(rule.Assign, `Choices[${index}].Assign`, language)
      : undefined;
  const output =
    language === "JSONata" && rule.Output !== undefined
      ? compileValue(rule.Output as Json, `Choices[${index}].Output`, language)
      : undefined;
  const next = rule.Next as string;
  if (language === "JSONata") {
    const condition = compileJsonataValue(rule.Condition as Json, `Choices[${index}].Condition`);
    return {
      async test(run, input) {
        const value = await condition(run, input, { input: run.frame.input });
        if (typeof value !== "boolean") {
          throw run.evaluationError(
            StatesErrorName.QueryEvaluationError,
            `The Condition of choice ${index} must evaluate to a boolean, but was: ${JSON.stringify(value)}`,
          );
        }
        return value;
      },
      next,
      assign,
      output,
    };
  }
  const holds = compileChoiceRule(rule, pointer);
  return {
    test(run, input) {
      try {
        return holds(run.scope(input));
      } catch (error) {
        return run.locate(error);
      }
    },
    next,
    assign,
    output,
  };
}
