/**
 * Why a definite path selected nothing, in the words of Jayway's PathNotFoundException — the
 * text Step Functions puts after `Invalid path '<path>' : `. Only called on failure, so it
 * replays the path instead of slowing down the hot evaluation.
 */
import type { Json } from "../json.js";
import type { ParsedPath, PathToken } from "./ast.js";
import { has, isObject } from "./steps.js";

/**
 * The JsonProvider class Jayway names in type-mismatch messages. Step Functions' provider is
 * not recorded in the conformance corpus; Jackson is the likely one for a Java service.
 */
const PROVIDER = "com.jayway.jsonpath.spi.json.JacksonJsonProvider";

/** Jayway's rendering of one token, e.g. `['name']`, `[0]`, `[0,1]`. */
export function fragment(token: PathToken): string {
  switch (token.kind) {
    case "property":
      return `[${token.names.map((n) => token.quote + n + token.quote).join(",")}]`;
    case "index":
      return `[${token.indexes.join(",")}]`;
    case "function":
      return `.${token.name}()`;
    case "slice":
      return `[${token.from ?? ""}:${token.to ?? ""}]`;
    case "wildcard":
      return "[*]";
    case "scan":
      return "..";
    case "filter":
      return "[?]";
  }
}

/** Jayway's normalised path text, e.g. `$['items'][10]`. */
export function normalise(parsed: ParsedPath): string {
  return parsed.root + parsed.tokens.map(fragment).join("");
}

/**
 * The message for a definite path that selects nothing in `root`, e.g.
 * `No results for path: $['a']` or `Missing property in path $['a']`.
 */
export function explainMissing(parsed: ParsedPath, root: Json): string {
  const tokens = parsed.tokens;
  let node: Json = root;
  let at: string = parsed.root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as PathToken;
    const leaf = i === tokens.length - 1;
    if (token.kind === "property") {
      if (!isObject(node)) {
        return (
          `Expected to find an object with property ${fragment(token)} in path ${at} but found ` +
          `'${javaClass(node)}'. This is not a json object according to the JsonProvider: '${PROVIDER}'.`
        );
      }
      if (token.names.length > 1) break;
      const name = token.names[0] as string;
      if (!has(node, name)) {
        return leaf
          ? `No results for path: ${normalise(parsed)}`
          : `Missing property in path ${at}['${name}']`;
      }
      node = node[name] as Json;
      at += `['${name}']`;
    } else if (token.kind === "index") {
      if (node === null) return `The path ${at} is null`;
      if (!Array.isArray(node)) {
        return `Filter: ${fragment(token)} can only be applied to arrays. Current context is: ${show(node)}`;
      }
      const index = token.indexes[0] as number;
      const effective = index < 0 ? node.length + index : index;
      if (effective < 0 || effective >= node.length) break;
      node = node[effective] as Json;
      at += `[${index}]`;
    } else break;
  }
  return `No results for path: ${normalise(parsed)}`;
}

/** The Java class Jackson would have built for a value. */
function javaClass(node: Json): string {
  if (node === null) return "null";
  if (typeof node === "string") return "java.lang.String";
  if (typeof node === "boolean") return "java.lang.Boolean";
  if (typeof node === "number") {
    if (!Number.isInteger(node)) return "java.lang.Double";
    return Math.abs(node) <= 2147483647 ? "java.lang.Integer" : "java.lang.Long";
  }
  return Array.isArray(node) ? "java.util.ArrayList" : "java.util.LinkedHashMap";
}

function show(node: Json): string {
  try {
    return JSON.stringify(node);
  } catch {
    return "<unprintable>";
  }
}
