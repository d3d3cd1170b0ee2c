/** Definition-time checks of an intrinsic expression, for the definition validator. */
import { arityProblem } from "./function.js";
import { type IntrinsicName, intrinsicFunctions } from "./registry.js";
import { parseAndResolve, visitCalls } from "./resolve.js";
import { IntrinsicSyntaxError } from "./syntax-error.js";

/**
 * The problems AWS reports when a definition is created: syntax errors (including illegal
 * escapes such as `\"`), unknown function names, too deep nesting and wrong argument counts.
 * Returns one message per problem; empty when the expression is acceptable. Argument types
 * and values are only known at run time and are not checked here.
 */
export function checkIntrinsic(text: string): string[] {
  let root: ReturnType<typeof parseAndResolve>;
  try {
    root = parseAndResolve(text);
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) return [error.message];
    throw error;
  }
  const problems: string[] = [];
  visitCalls(root, (call) => {
    const fn = intrinsicFunctions[call.name as IntrinsicName];
    const problem = arityProblem(call.name, fn, call.args.length);
    if (problem) problems.push(`${problem} at position ${call.start}`);
  });
  return problems;
}
