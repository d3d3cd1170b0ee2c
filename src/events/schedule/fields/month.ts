/** Month field: 1-12 or JAN-DEC with `, - * /`. */
import { type FieldSpec, parseList } from "./common.js";

const NAMES = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

const SPEC: FieldSpec = { label: "Month", min: 1, max: 12, names: NAMES, wrap: true };

/** Parses the Month field into its sorted values (1 = January). */
export function parseMonths(text: string): number[] {
  return parseList(SPEC, text);
}
