/** Step preconditions: `{"StringEquals": ["platformType", "Linux"]}`, the one form SSM has. */
import { invalid, objectAt, onlyKeys, shown } from "./checks.js";
import { pointer } from "./pointer.js";
import { type CommandStep, type JsonValue, PLATFORMS, type Platform } from "./types.js";

/** The validated precondition of a step. */
export function parsePrecondition(
  value: JsonValue,
  at: string,
): NonNullable<CommandStep["precondition"]> {
  const condition = objectAt(
    value,
    at,
    'a precondition {"StringEquals": ["platformType", <platform>]}',
  );
  onlyKeys(condition, ["StringEquals"], at);
  const operands = condition.StringEquals;
  const here = pointer(at, "StringEquals");
  if (!Array.isArray(operands) || operands.length !== 2)
    invalid(here, `expected ["platformType", <platform>], got ${shown(operands)}`);
  if (operands[0] !== "platformType")
    invalid(
      pointer(here, 0),
      `expected "platformType" (the only variable preconditions test), got ${shown(operands[0])}`,
    );
  if (!PLATFORMS.includes(operands[1] as Platform))
    invalid(
      pointer(here, 1),
      `expected a platform, one of ${PLATFORMS.join(", ")}, got ${shown(operands[1])}`,
    );
  return { StringEquals: ["platformType", operands[1] as Platform] };
}

/** The platforms a step applies to: its action's, narrowed by its precondition. */
export function stepPlatforms(step: CommandStep, actionPlatforms: readonly Platform[]): Platform[] {
  const wanted = step.precondition?.StringEquals[1];
  return actionPlatforms.filter((platform) => wanted === undefined || platform === wanted);
}
