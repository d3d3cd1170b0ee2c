import type { Json } from "../../json.js";
import { arrayArg } from "../args.js";
import type { IntrinsicFunction } from "../function.js";

/**
 * States.ArrayUnique(array): elements without deep-equal duplicates, first occurrence kept.
 * A canonical key per element keeps this linear; pairwise comparison would be quadratic on
 * large arrays.
 */
export const arrayUnique: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: 1,
  apply(args, call) {
    const seen = new Set<string>();
    const unique: Json[] = [];
    for (const item of arrayArg(args, 0, call)) {
      const key = canonical(item);
      if (!seen.has(key)) {
        seen.add(key);
        unique.push(item);
      }
    }
    return unique;
  },
};

/** JSON text with sorted object keys: equal exactly when the values are deep-equal. */
function canonical(value: Json): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
}
