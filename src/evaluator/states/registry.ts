/**
 * The one table of state types: adding a state type means adding its file and a row here.
 */
import type { StateDefinition, StateType } from "../../asl/definition.js";
import type { CompileContext, CompiledState } from "../machine.js";
import { compileChoice } from "./choice.js";
import { compileFail } from "./fail.js";
import { compileMap } from "./map.js";
import { compileParallel } from "./parallel.js";
import { compilePass } from "./pass.js";
import { compileSucceed } from "./succeed.js";
import { compileTask } from "./task.js";
import { compileWait } from "./wait.js";

type Compiler<T extends StateType> = (
  name: string,
  definition: Extract<StateDefinition, { Type: T }>,
  context: CompileContext,
) => CompiledState;

/** State type → compiler. */
export const stateCompilers: { [T in StateType]: Compiler<T> } = {
  Pass: compilePass,
  Task: compileTask,
  Choice: compileChoice,
  Wait: compileWait,
  Succeed: compileSucceed,
  Fail: compileFail,
  Parallel: compileParallel,
  Map: compileMap,
};
