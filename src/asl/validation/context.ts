/**
 * The state shared by one validation run: collected diagnostics, the machine type and the
 * top-level query language, plus the set of state names seen so far (names are unique across
 * the whole machine, nested branches included).
 */
import type { QueryLanguage, StateType } from "../definition.js";
import type { Diagnostic, DiagnosticCode } from "../errors.js";
import type { JsonObject } from "../json.js";

/** Options of one validation run. */
export interface ValidationOptions {
  /** The state machine type; EXPRESS forbids activities, `.sync` and `.waitForTaskToken`. */
  type?: "STANDARD" | "EXPRESS";
  /** How deeply sub-machines and payload templates may nest before validation gives up. */
  maxDepth?: number;
}

/** Mutable state of one validation run. */
export class ValidationContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly type: "STANDARD" | "EXPRESS";
  readonly maxDepth: number;
  /** The language of the whole machine; sub-machines inherit this one, not their parent's. */
  topLanguage: QueryLanguage = "JSONPath";
  /** State name -> location of its first declaration. */
  readonly stateNames = new Map<string, string>();

  constructor(options: ValidationOptions = {}) {
    this.type = options.type ?? "STANDARD";
    this.maxDepth = options.maxDepth ?? 64;
  }

  /** Records an ERROR diagnostic. */
  error(code: DiagnosticCode, location: string, message: string): void {
    this.diagnostics.push({ code, location, message, severity: "ERROR" });
  }

  /** Records a SCHEMA_VALIDATION_FAILED diagnostic, the code of nearly every shape problem. */
  schema(location: string, message: string): void {
    this.error("SCHEMA_VALIDATION_FAILED", location, message);
  }
}

/** What a state validator knows about the state it checks. */
export interface StateScope {
  readonly ctx: ValidationContext;
  readonly name: string;
  readonly state: JsonObject;
  readonly type: StateType;
  /** JSON Pointer of the state object. */
  readonly location: string;
  /** The state's effective query language. */
  readonly language: QueryLanguage;
  /** Nesting depth of the enclosing machine (0 at the top level). */
  readonly depth: number;
  /** Validates a nested machine (Parallel branch, Map item processor). */
  validateSubMachine(raw: unknown, location: string, allowed: readonly string[]): void;
}

/** Checks one state type's own fields; shared checks (Type, Next/End, language) run outside. */
export interface StateValidator {
  /** Every field the state type accepts, in either query language. */
  readonly fields: readonly string[];
  /** True when the state needs exactly one of Next/End. */
  readonly transitions: boolean;
  validate(scope: StateScope): void;
}
