/** Hours field: 0-23 with `, - * /`. */
import { type FieldSpec, parseList } from "./common.js";

const SPEC: FieldSpec = { label: "Hours", min: 0, max: 23, wrap: true };

/** Parses the Hours field into its sorted values. */
export function parseHours(text: string): number[] {
  return parseList(SPEC, text);
}
