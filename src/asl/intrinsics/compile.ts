/** Turns a parsed expression into a tree of closures, so evaluation does no parsing. */
import { StatesError, StatesErrorName } from "../errors.js";
import type { Json } from "../json.js";
import type { Scope } from "../scope.js";
import type { ArgNode, CallNode, PathNode } from "./ast.js";
import { arityProblem, intrinsicFailure } from "./function.js";
import { type IntrinsicName, intrinsicFunctions } from "./registry.js";
import { parseAndResolve } from "./resolve.js";

/** An intrinsic expression compiled once and evaluated against many scopes. */
export type CompiledIntrinsic = (scope: Scope) => Json;

/**
 * Compiles an intrinsic expression such as `States.Format('Hello, {}', $.name)`.
 * Throws IntrinsicSyntaxError for syntax errors and unknown functions. Evaluation throws
 * StatesError: `States.IntrinsicFailure` for bad arguments, `States.Runtime` for a path or
 * variable that is absent.
 */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  return compileCall(parseAndResolve(text));
}

function compileNode(node: ArgNode): CompiledIntrinsic {
  switch (node.kind) {
    case "literal": {
      const value = node.value;
      return () => value;
    }
    case "path":
      return compilePathArg(node);
    case "call":
      return compileCall(node);
  }
}

function compileCall(node: CallNode): CompiledIntrinsic {
  const fn = intrinsicFunctions[node.name as IntrinsicName];
  const argFns = node.args.map(compileNode);
  const problem = arityProblem(node.name, fn, argFns.length);
  return (scope) => {
    if (problem) throw intrinsicFailure(node.name, problem);
    const args = argFns.map((argFn) => argFn(scope));
    const call = { name: node.name, entropy: scope.entropy, argNodes: node.args };
    try {
      return fn.apply(args, call);
    } catch (error) {
      if (error instanceof StatesError) throw error;
      // Anything else (e.g. a stack overflow rendering absurdly deep data) is still the
      // function failing on its input, never a crash of the engine.
      throw intrinsicFailure(node.name, error instanceof Error ? error.message : String(error));
    }
  };
}

function compilePathArg(node: PathNode): CompiledIntrinsic {
  const { root, path, text } = node;
  return (scope) => {
    let base: Json | undefined;
    if (root.kind === "input") base = scope.input;
    else if (root.kind === "context") base = scope.context;
    else base = scope.variables.get(root.name);
    if (base === undefined && root.kind === "variable") {
      throw new StatesError(StatesErrorName.Runtime, `The variable '$${root.name}' is not defined`);
    }
    const value = base === undefined ? undefined : path.select(base);
    if (value === undefined) {
      throw new StatesError(
        StatesErrorName.Runtime,
        `The JsonPath argument '${text}' in an intrinsic function could not be found in the input`,
      );
    }
    return value;
  };
}
