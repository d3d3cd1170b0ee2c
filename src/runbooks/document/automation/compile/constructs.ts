/**
 * The one registration point of step compilers: control-flow actions have their own, every
 * other action is a Task of its own resource.
 */
import type { AutomationAction } from "../../types.js";
import { compileAction } from "./action.js";
import { compileBranch } from "./branch.js";
import { compileLoop } from "./loop.js";
import { compileSleep } from "./sleep.js";
import type { StepCompiler } from "./types.js";

const CONTROL_FLOW: Partial<Record<AutomationAction, StepCompiler>> = {
  "aws:branch": compileBranch,
  "aws:loop": compileLoop,
  "aws:sleep": compileSleep,
};

/** The compiler of a step of `action`. */
export function stepCompiler(action: AutomationAction): StepCompiler {
  return CONTROL_FLOW[action] ?? compileAction;
}
