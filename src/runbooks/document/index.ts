/**
 * SSM documents, the pure core: Command documents (schemaVersion 2.2) parsed, their
 * parameters bound, compiled for a node's platform into the plugins its agent runs; and
 * Automation runbooks (0.3) validated (steps, actions, flow, `{{ }}` references). No clock,
 * no I/O.
 *
 * - {@link parseDocument}: text to a validated document ({@link DocumentError} otherwise).
 * - {@link bindParameters} / {@link describeParameters}: SendCommand's values; DescribeDocument.
 * - {@link listReferences} / {@link resolveVariables}: Automation `{{ }}` references and
 *   variables; {@link AUTOMATION_ACTIONS}: the Automation actions opsflow accepts.
 * - {@link compileCommand}: the plugins for one platform ({@link InvalidPlatformError}).
 * - {@link compileRunbook}: an Automation runbook as an ASL state machine for the runtime.
 * - {@link resolveReferences} / {@link secureReferences}: Parameter Store references.
 * - {@link BUILTIN_DOCUMENTS}: AWS-RunShellScript, AWS-RunPowerShellScript,
 *   AWS-RunPatchBaseline, AWS-UpdateSSMAgent.
 */

export type {
  ActionContext,
  AutomationActionDefinition,
  StepTarget,
} from "./automation/action.js";
export { AUTOMATION_ACTIONS, isAutomationAction } from "./automation/actions/table.js";
export type { CompiledRunbook, CompiledStep } from "./automation/compile/index.js";
export {
  actionResource,
  automationInput,
  BRANCH_RESOURCE,
  CRITICAL_FAILED_PATH,
  compileRunbook,
  END_CHECK_STATE,
  FAILED_STATE,
  LOOP_NEXT_RESOURCE,
  SLEEP_RESOURCE,
  STEP_FAILED_ERROR,
  SUCCEEDED_STATE,
  stepOfState,
  waitingResource,
} from "./automation/compile/index.js";
export { durationSeconds, isTimestamp } from "./automation/duration.js";
export type { AutomationReference, VariableValues } from "./automation/variables.js";
export {
  AUTOMATION_VARIABLES,
  GLOBAL_VARIABLES,
  listReferences,
  resolveVariables,
} from "./automation/variables.js";
export type { BuiltinDocument } from "./builtin/index.js";
export { BUILTIN_DOCUMENTS } from "./builtin/index.js";
export { compileCommand, documentPlatforms } from "./compile.js";
export type { DocumentErrorCode } from "./errors.js";
export { DocumentError, InvalidParametersError, InvalidPlatformError } from "./errors.js";
export { interpolate } from "./interpolate.js";
export type { DocumentParameterDescription } from "./parameters.js";
export { bindParameters, describeParameters } from "./parameters.js";
export { documentJson, parseDocument } from "./parse.js";
export type { ReferenceKind, ReferenceLookup } from "./references.js";
export { resolveReferences, secureReferences } from "./references.js";
export type {
  AutomationAction,
  AutomationDocument,
  AutomationOutputType,
  AutomationStep,
  AutomationStepOutput,
  BoundParameters,
  CommandAction,
  CommandDocument,
  CommandStep,
  CompiledCommand,
  CompiledPlugin,
  DocumentFormat,
  JsonObject,
  JsonValue,
  ParameterDefinition,
  ParameterType,
  ParameterValue,
  ParsedDocument,
  Platform,
} from "./types.js";
export { PLATFORMS } from "./types.js";
