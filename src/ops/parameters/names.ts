/**
 * Parameter names, paths and selectors, checked as Parameter Store checks them: letters,
 * digits and `_.-/`; a name with a `/` is fully qualified (starts with `/`), has no empty
 * level and at most 15 levels; no name begins with `aws` or `ssm`. A selector is a name with
 * an optional `:VERSION`.
 */
import { looksLikeArn } from "./arns.js";
import { invalidParameter, ParameterError } from "./errors.js";

/** SSM allows 2048 characters of ARN, 1037 of which it reserves: 1011 remain for the name. */
export const MAX_NAME_LENGTH = 1011;
/** Levels of a hierarchical name (`/a/b/c` has 3). */
export const MAX_LEVELS = 15;

const CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
const RESERVED = /^\/?(aws|ssm)/i;

function checkCharacters(what: string, text: string): void {
  if (text === "") throw invalidParameter(`${what} must not be empty.`);
  if (text.length > MAX_NAME_LENGTH)
    throw invalidParameter(`${what} must be at most ${MAX_NAME_LENGTH} characters.`);
  if (!CHARACTERS.test(text))
    throw invalidParameter(
      `${what} '${text}' may contain only letters, digits and the characters _ . - /`,
    );
}

function checkLevels(what: string, text: string, levels: string[]): void {
  if (levels.some((level) => level === ""))
    throw invalidParameter(`${what} '${text}' has an empty level ('//' or a trailing '/').`);
  if (levels.length > MAX_LEVELS)
    throw new ParameterError(
      "HierarchyLevelLimitExceededException",
      `${what} '${text}' has ${levels.length} levels; a hierarchy may have at most ${MAX_LEVELS}.`,
    );
}

/** Checks a parameter name; throws ValidationException or HierarchyLevelLimitExceededException. */
export function checkName(name: string): string {
  // Only reads take ARNs (resolved before this check): a write or delete takes the name.
  if (looksLikeArn(name))
    throw invalidParameter(
      `'${name.slice(0, 256)}' is an ARN: give the parameter's name, not its ARN, here.`,
    );
  checkCharacters("Parameter name", name);
  if (RESERVED.test(name))
    throw invalidParameter(
      `Parameter name '${name}' can't be prefixed with "aws" or "ssm" (case-insensitive).`,
    );
  if (name.includes("/")) {
    if (!name.startsWith("/"))
      throw invalidParameter(
        `Parameter name '${name}' must be a fully qualified name: a hierarchical name starts with '/'.`,
      );
    checkLevels("Parameter name", name, name.slice(1).split("/"));
  }
  return name;
}

/** Checks a path of GetParametersByPath: `/`, or `/a/b` (a trailing `/` is allowed). */
export function checkPath(path: string): string {
  checkCharacters("Path", path);
  if (!path.startsWith("/")) throw invalidParameter(`Path '${path}' must begin with '/'.`);
  if (path === "/") return path;
  const inner = path.endsWith("/") ? path.slice(1, -1) : path.slice(1);
  checkLevels("Path", path, inner.split("/"));
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

/** A name with an optional version: `/db/password` or `/db/password:3`. */
export interface Selector {
  name: string;
  version?: number;
}

/** Parses `name[:version]`; labels (`name:label`) are not supported. */
export function parseSelector(text: string): Selector {
  const colon = text.lastIndexOf(":");
  if (colon < 0) return { name: checkName(text) };
  const name = checkName(text.slice(0, colon));
  const version = text.slice(colon + 1);
  if (!/^[1-9]\d{0,9}$/.test(version))
    throw invalidParameter(
      `'${text}': after ':' give a version number (labels are not supported by opsflow).`,
    );
  return { name, version: Number(version) };
}
