/** The one registration point of state validators: adding a state type is a local change. */
import type { StateType } from "../definition.js";
import type { StateValidator } from "./context.js";
import { choiceValidator } from "./states/choice.js";
import { failValidator } from "./states/fail.js";
import { mapValidator } from "./states/map.js";
import { parallelValidator } from "./states/parallel.js";
import { passValidator } from "./states/pass.js";
import { succeedValidator } from "./states/succeed.js";
import { taskValidator } from "./states/task.js";
import { waitValidator } from "./states/wait.js";

/** Validator of each state type. */
export const STATE_VALIDATORS: Record<StateType, StateValidator> = {
  Task: taskValidator,
  Choice: choiceValidator,
  Fail: failValidator,
  Succeed: succeedValidator,
  Pass: passValidator,
  Wait: waitValidator,
  Parallel: parallelValidator,
  Map: mapValidator,
};
