/** Year field: 1970-2199 with `, - * /` (no wrap-around: years do not cycle). */
import { type FieldSpec, parseList } from "./common.js";

/** The years EventBridge accepts. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

const SPEC: FieldSpec = { label: "Year", min: MIN_YEAR, max: MAX_YEAR, wrap: false };

/** Parses the Year field into its sorted values. */
export function parseYears(text: string): number[] {
  return parseList(SPEC, text);
}
