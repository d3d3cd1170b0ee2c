/**
 * What a rule's target receives: constant `Input`, an `InputPath` into the event, or an
 * `InputTransformer` (variables from JSONPaths, filled into an `InputTemplate`) with
 * EventBridge's substitution and quoting rules.
 *
 * Files: compile.ts (validation + compilation), template.ts (placeholder scanning),
 * render.ts (value insertion rules), paths.ts (the JSONPath subset), predefined.ts (reserved
 * variables), errors.ts.
 */
export {
  type CompiledTargetInput,
  compileTargetInput,
  MAX_INPUT_LENGTH,
  MAX_INPUT_PATHS,
  MAX_TEMPLATE_LENGTH,
  type TargetInputConfig,
} from "./compile.js";
export { InvalidTargetInputError, type TargetInputLocation } from "./errors.js";
export { MAX_PATH_LENGTH } from "./paths.js";
export { PREDEFINED_VARIABLES, type PredefinedVariable, type RuleInfo } from "./predefined.js";
