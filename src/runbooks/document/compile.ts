/**
 * Compiling a Command document for one node: the steps that apply to its platform, their
 * inputs with the bound parameters substituted, as plugins the agent runs in order.
 */
import { InputValueError } from "./actions/action.js";
import { ACTIONS } from "./actions/table.js";
import { InvalidParametersError, InvalidPlatformError } from "./errors.js";
import { interpolate } from "./interpolate.js";
import { stepPlatforms } from "./precondition.js";
import {
  type BoundParameters,
  type CommandDocument,
  type CommandStep,
  type CompiledCommand,
  type CompiledPlugin,
  type JsonObject,
  PLATFORMS,
  type Platform,
} from "./types.js";

/**
 * The plugins `document` runs on a node of `platform`, with `bound` (from `bindParameters`)
 * substituted; `{{ssm:...}}` references stay for `resolveReferences`.
 * @throws InvalidPlatformError when no step applies to the platform
 * @throws InvalidParametersError when a substituted value does not fit its input (e.g. a
 *   timeout that is not a number of seconds)
 */
export function compileCommand(
  document: CommandDocument,
  bound: BoundParameters,
  platform: Platform,
): CompiledCommand {
  const steps = document.mainSteps.filter((step) => platformsOf(step).includes(platform));
  if (steps.length === 0) throw new InvalidPlatformError(platform, documentPlatforms(document));
  const plugins = steps.map((step) => compileStep(step, bound));
  return {
    plugins,
    executionTimeoutSeconds: plugins.reduce((sum, plugin) => sum + plugin.timeoutSeconds, 0),
  };
}

/** The platforms at least one step of the document runs on (DescribeDocument's PlatformTypes). */
export function documentPlatforms(document: CommandDocument): Platform[] {
  const found = new Set(document.mainSteps.flatMap(platformsOf));
  return PLATFORMS.filter((platform) => found.has(platform));
}

function platformsOf(step: CommandStep): Platform[] {
  return stepPlatforms(step, ACTIONS[step.action].platforms);
}

function compileStep(step: CommandStep, bound: BoundParameters): CompiledPlugin {
  const inputs = interpolate(step.inputs, bound) as JsonObject;
  try {
    return ACTIONS[step.action].compile(step.name, inputs);
  } catch (error) {
    if (!(error instanceof InputValueError)) throw error;
    // Name the parameter that put the value there, so the caller knows what to change.
    const written = JSON.stringify(step.inputs[error.input] ?? "");
    const parameter = Object.keys(bound).find((name) =>
      new RegExp(`\\{\\{\\s*${escaped(name)}\\s*\\}\\}`).test(written),
    );
    throw new InvalidParametersError(
      parameter ?? error.input,
      `Step "${step.name}": ${error.message}${parameter ? ` (from parameter "${parameter}")` : ""}`,
    );
  }
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}
