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

/**
 * An Automation runbook (schemaVersion 0.3). Only its schema version and steps are checked
 * here so far; the rest is kept as written.
 */
export interface AutomationDocument {
  documentType: "Automation";
  format: DocumentFormat;
  schemaVersion: "0.3";
  description?: string;
  /** The document as written. */
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
