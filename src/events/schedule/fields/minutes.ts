/** Minutes field: 0-59 with `, - * /`. */
import { type FieldSpec, parseList } from "./common.js";

const SPEC: FieldSpec = { label: "Minutes", min: 0, max: 59, wrap: true };

/** Parses the Minutes field into its sorted values. */
export function parseMinutes(text: string): number[] {
  return parseList(SPEC, text);
}
