/** What a plugin action is to the compiler: where it runs, how its inputs are checked and compiled. */
import type { CompiledPlugin, JsonObject, Platform } from "../types.js";

/** One plugin action of Command documents. */
export interface ActionDefinition {
  /** The platforms the action runs on: a step of it applies nowhere else. */
  readonly platforms: readonly Platform[];
  /** The input names the action accepts. */
  readonly inputs: readonly string[];
  /**
   * Checks the inputs as written, at parse (throws a located DocumentError). A string with a
   * `{{ }}` reference is checked only once compiled, when its value is known.
   */
  check(inputs: JsonObject, at: string): void;
  /**
   * The plugin for step `name`, from its inputs with parameters substituted.
   * @throws InputValueError when a substituted value does not fit the input.
   */
  compile(name: string, inputs: JsonObject): CompiledPlugin;
}

/** A step input whose value (after substitution) the action cannot use. */
export class InputValueError extends Error {
  readonly code = "InvalidInputValue";
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = "InputValueError";
  }
}
