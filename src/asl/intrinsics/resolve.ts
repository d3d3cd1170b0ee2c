/** Parsing plus name resolution: the part of compilation that can reject a definition. */
import type { ArgNode, CallNode } from "./ast.js";
import { parseIntrinsic } from "./parser.js";
import { isIntrinsicName } from "./registry.js";
import { IntrinsicSyntaxError } from "./syntax-error.js";

/**
 * Parses `text` and checks that every called function exists. Throws IntrinsicSyntaxError
 * otherwise, so an unknown name is reported with its position like any syntax problem.
 */
export function parseAndResolve(text: string): CallNode {
  const root = parseIntrinsic(text);
  visitCalls(root, (call) => {
    if (!isIntrinsicName(call.name)) {
      throw new IntrinsicSyntaxError(text, call.start, `unknown intrinsic function '${call.name}'`);
    }
  });
  return root;
}

/** Calls `visit` for `node` and every call nested in it (depth is bounded by the parser). */
export function visitCalls(node: ArgNode, visit: (call: CallNode) => void): void {
  if (node.kind !== "call") return;
  visit(node);
  for (const arg of node.args) visitCalls(arg, visit);
}
