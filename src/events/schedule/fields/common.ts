/**
 * The grammar shared by every numeric cron field: `*`, `n`, `a-b`, `a/n`, `*\/n`, `a-b/n` and
 * comma lists, with optional names (JAN..DEC, SUN..SAT). Each field file describes its own
 * bounds and special characters and delegates the common part here.
 *
 * Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 * (wildcards `, - * /`). Ranges whose end is below their start wrap around (`FRI-MON`,
 * `22-2`) as in Quartz, the cron engine EventBridge's syntax comes from, where the field allows
 * it.
 */
import { InvalidScheduleExpressionError } from "../errors.js";

/** Static description of one cron field. */
export interface FieldSpec {
  /** Name used in error reasons, e.g. "Minutes". */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Upper-case names mapped to values (months, weekdays). */
  readonly names?: Readonly<Record<string, number>>;
  /** Whether `a-b` with b < a wraps around the field's bounds. */
  readonly wrap: boolean;
}

/** Throws the typed error with a reason naming the field. */
export function fieldError(spec: FieldSpec, text: string, why: string): never {
  throw new InvalidScheduleExpressionError(`${spec.label} field '${text}': ${why}`);
}

/** Parses one value (number or name) within the field's bounds. */
export function parseValue(spec: FieldSpec, text: string, whole: string): number {
  let value: number | undefined;
  if (/^\d+$/.test(text)) value = Number(text);
  else if (spec.names) value = spec.names[text.toUpperCase()];
  if (value === undefined) fieldError(spec, whole, `'${text}' is not a valid value`);
  if (value < spec.min || value > spec.max) {
    fieldError(spec, whole, `${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** Every value of `from..to` (wrapping when allowed) taken every `step`. */
function expand(spec: FieldSpec, from: number, to: number, step: number, whole: string): number[] {
  const out: number[] = [];
  if (to >= from) {
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
  }
  if (!spec.wrap) fieldError(spec, whole, `range ${from}-${to} ends before it starts`);
  // Wrapping range: walk from `from` up to max, then continue from min, keeping the step.
  const span = spec.max - spec.min + 1;
  const length = to + span - from;
  for (let i = 0; i <= length; i += step) {
    const raw = from + i;
    out.push(raw > spec.max ? raw - span : raw);
  }
  return out;
}

/**
 * Parses a plain comma list of `*`, values, ranges and steps into a sorted list of distinct
 * values. Special characters (`?`, `L`, `W`, `#`) must be handled by the caller first.
 */
export function parseList(spec: FieldSpec, text: string): number[] {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") fieldError(spec, text, "empty list item");
    const [base, stepText, extra] = item.split("/");
    if (extra !== undefined) fieldError(spec, text, `'${item}' has more than one '/'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText))
        fieldError(spec, text, `increment '${stepText}' is not a number`);
      step = Number(stepText);
      // Quartz refuses increments of zero or beyond the field's span ("Increment > 60").
      if (step < 1 || step > spec.max - spec.min + 1) {
        fieldError(spec, text, `increment ${step} is outside 1-${spec.max - spec.min + 1}`);
      }
    }
    let from: number;
    let to: number;
    if (base === "*") {
      from = spec.min;
      to = spec.max;
    } else if (base.includes("-")) {
      const parts = base.split("-");
      if (parts.length !== 2) fieldError(spec, text, `'${base}' is not a valid range`);
      from = parseValue(spec, parts[0], text);
      to = parseValue(spec, parts[1], text);
    } else {
      from = parseValue(spec, base, text);
      // `a/n` runs from a to the end of the field; a bare `a` is just a.
      to = stepText === undefined ? from : spec.max;
    }
    for (const v of expand(spec, from, to, step, text)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}
