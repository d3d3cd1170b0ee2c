/**
 * The shapes of parsed SSM documents and of what the compiler produces. Plain data, so a
 * parsed document can be stored and sent as JSON.
 */

/** The platforms SSM names (kept here: the store's `PlatformType` lives in a higher layer). */
export type Platform = "Linux" | "Windows" | "MacOS";

/** Every platform, in SSM's order. */
export const PLATFORMS: readonly Platform[] = ["Linux", "Windows", "MacOS"];

/** The parameter types SSM documents declare. */
export type ParameterType =
  | "String"
  | "StringList"
  | "Integer"
  | "Boolean"
  | "MapList"
  | "StringMap";

/** A JSON value as documents hold it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A parameter's value once bound, typed by its declaration. */
export type ParameterValue = string | string[] | number | boolean | JsonObject | JsonObject[];

/** Bound parameter values by name (every declared parameter has one). */
export type BoundParameters = Readonly<Record<string, ParameterValue>>;

/** One declared parameter, as validated at parse. */
export interface ParameterDefinition {
  type: ParameterType;
  description?: string;
  /** Already checked against `type`; a parameter without one is required. */
  default?: ParameterValue;
  allowedValues?: string[];
  /** A regular expression the whole value (each item of a list) must match. */
  allowedPattern?: string;
  displayType?: "textfield" | "textarea";
  minItems?: number;
  maxItems?: number;
  minChars?: number;
  maxChars?: number;
}

/** The plugin actions of Command documents opsflow runs. */
export type CommandAction = "aws:runShellScript" | "aws:runPowerShellScript" | "aws:updateSsmAgent";

/** A step of a Command document. */
export interface CommandStep {
  action: CommandAction;
  /** Unique in the document, `[a-zA-Z0-9_.-]+`. */
  name: string;
  /** The action's inputs as written (`{{ }}` references not yet substituted). */
  inputs: JsonObject;
  /** The step runs only on this platform (`{StringEquals: [platformType, X]}`). */
  precondition?: { StringEquals: ["platformType", Platform] };
}

/** A Command document (schemaVersion 2.2). */
export interface CommandDocument {
  documentType: "Command";
  /** The format the text was written in. */
  format: DocumentFormat;
  schemaVersion: "2.2";
  description?: string;
  parameters: Record<string, ParameterDefinition>;
  mainSteps: CommandStep[];
}

/** The Automation actions opsflow accepts (each registered in `automation/actions/table.ts`). */
export type AutomationAction =
  | "aws:runCommand"
  | "aws:executeScript"
  | "aws:invokeLambdaFunction"
  | "aws:executeAwsApi"
  | "aws:branch"
  | "aws:loop"
  | "aws:sleep"
  | "aws:pause"
  | "aws:approve"
  | "aws:waitForAwsResourceProperty"
  | "aws:assertAwsResourceProperty"
  | "aws:executeAutomation"
  | "aws:executeStateMachine"
  | "aws:invokeWebhook"
  | "aws:createImage"
  | "aws:deleteImage"
  | "aws:changeInstanceState"
  | "aws:createTags"
  | "aws:copyImage"
  | "aws:runInstances"
  | "aws:createStack"
  | "aws:deleteStack";

/** The types of step outputs (the parameter types, spelled the same). */
export type AutomationOutputType = ParameterType;

/** A user-defined step output: a JSONPath into the action's response. */
export interface AutomationStepOutput {
  Name: string;
  /** JSONPath starting with `$`. */
  Selector: string;
  Type: AutomationOutputType;
}

/** A step of an Automation runbook, validated; inputs kept as written (`{{ }}` unresolved). */
export interface AutomationStep {
  /** Unique across the whole document (loop bodies included), `[a-zA-Z0-9_]+`. */
  name: string;
  action: AutomationAction;
  inputs: JsonObject;
  description?: string;
  maxAttempts?: number;
  timeoutSeconds?: number;
  /** `Abort`, `Continue` or `step:NAME`. */
  onFailure?: string;
  /** `Abort` or `step:NAME`. */
  onCancel?: string;
  isCritical?: boolean;
  isEnd?: boolean;
  nextStep?: string;
  outputs?: AutomationStepOutput[];
  /** aws:loop only: the body (its `inputs.Steps`, validated). */
  steps?: AutomationStep[];
}

/** An Automation runbook (schemaVersion 0.3), validated. */
export interface AutomationDocument {
  documentType: "Automation";
  format: DocumentFormat;
  schemaVersion: "0.3";
  description?: string;
  assumeRole?: string;
  parameters: Record<string, ParameterDefinition>;
  mainSteps: AutomationStep[];
  /** `Step.Output` names that become the automation's outputs. */
  outputs: string[];
  /** aws:executeScript attachments by file name, as written. */
  files?: JsonObject;
  /** The document as written (what `documentJson` gives back). */
  raw: JsonObject;
}

/** A parsed document of either type. */
export type ParsedDocument = CommandDocument | AutomationDocument;

/** The text formats of documents. */
export type DocumentFormat = "JSON" | "YAML";

/**
 * One step of a compiled Command document, ready to run: structurally the agent protocol's
 * `AgentPlugin` (declared here because the fleet layer sits above this core).
 */
export interface CompiledPlugin {
  /** The step's name (the document's `name`). */
  name: string;
  action: CommandAction;
  /** The script's lines, parameters substituted (`{{ssm:...}}` references resolved later). */
  runCommand: string[];
  /** aws:updateSsmAgent: the version asked for; the server offers its own when absent. */
  targetVersion?: string;
  allowDowngrade?: boolean;
  workingDirectory?: string;
  /** Seconds before the node kills the step. */
  timeoutSeconds: number;
}

/** What a Command document compiles to for one node. */
export interface CompiledCommand {
  /** The steps that apply to the node's platform, in document order. */
  plugins: CompiledPlugin[];
  /** The sum of the plugins' timeouts: how long the whole invocation may run. */
  executionTimeoutSeconds: number;
}
