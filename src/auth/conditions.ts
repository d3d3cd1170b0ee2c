/**
 * Policy `Condition` blocks, with IAM's operators and evaluation rules: every operator of a
 * block must hold, every key of an operator must hold, and a key holds when any of its values
 * matches (for the negated operators: when none does). A key the request does not have makes
 * a positive operator false and a negated one true; `...IfExists` makes any operator true;
 * `Null` tests presence itself.
 *
 * Keys: `aws:ResourceTag/KEY` (the tags of the resource, see authorizer.ts), `aws:username`
 * and `aws:SourceIp`. A policy naming anything else is refused when written, since a condition
 * that silently never matched would change what the policy grants.
 */
import { BlockList, isIP } from "node:net";
import { InvalidPolicyError, USERNAME_VARIABLE, wildcardMatch } from "./policy-syntax.js";

/** What conditions are evaluated against, per resource. */
export interface ConditionContext {
  user: string;
  sourceIp?: string;
  /** The resource's tags; undefined when it has none (or is not taggable). */
  tags?: Readonly<Record<string, string>>;
}

/** A statement's `Condition` as written, with single values normalised to arrays. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** One `"Operator": {"key": [values]}` entry, ready to evaluate. */
interface Condition {
  operator: string;
  ifExists: boolean;
  key: string;
  values: string[];
}

type Test = (actual: string, expected: string) => boolean;

const sameIp = (actual: string, expected: string) => {
  const [address, bits] = expected.split("/") as [string, string | undefined];
  const type = isIP(address) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  list.addSubnet(address, bits === undefined ? (type === "ipv6" ? 128 : 32) : Number(bits), type);
  return isIP(actual) !== 0 && list.check(actual, isIP(actual) === 6 ? "ipv6" : "ipv4");
};

/** Every operator: how one value matches, and whether the operator is negated. */
const OPERATORS: Record<string, { test: Test; negated: boolean }> = {
  StringEquals: { test: (a, e) => a === e, negated: false },
  StringNotEquals: { test: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: {
    test: (a, e) => a.toLowerCase() === e.toLowerCase(),
    negated: true,
  },
  StringLike: { test: (a, e) => wildcardMatch(e, a), negated: false },
  StringNotLike: { test: (a, e) => wildcardMatch(e, a), negated: true },
  IpAddress: { test: sameIp, negated: false },
  NotIpAddress: { test: sameIp, negated: true },
};

const KEY = /^(aws:resourcetag\/[\p{L}\p{N}\s_.:/=+\-@]{1,128}|aws:username|aws:sourceip)$/iu;
const CIDR = /^[0-9a-fA-F.:]+(\/\d{1,3})?$/;

/** Checks a statement's `Condition` member; `where` locates errors. */
export function parseConditions(value: unknown, where: string): ConditionBlock {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidPolicyError(`${where} must be an object of operators.`);
  const block: ConditionBlock = {};
  for (const [name, keys] of Object.entries(value)) {
    const ifExists = name.endsWith("IfExists") && name !== "Null";
    const operator = ifExists ? name.slice(0, -"IfExists".length) : name;
    if (!(operator in OPERATORS) && operator !== "Null")
      throw new InvalidPolicyError(
        `${where}/${name}: unsupported operator (${[...Object.keys(OPERATORS), "Null"].join(", ")}, and their ...IfExists forms).`,
      );
    if (typeof keys !== "object" || keys === null || Array.isArray(keys))
      throw new InvalidPolicyError(`${where}/${name} must be an object of condition keys.`);
    for (const [key, raw] of Object.entries(keys)) {
      const at = `${where}/${name}/${key}`;
      if (!KEY.test(key))
        throw new InvalidPolicyError(
          `${at}: unsupported condition key (aws:ResourceTag/KEY, aws:username, aws:SourceIp).`,
        );
      const values = typeof raw === "string" ? [raw] : raw;
      if (
        !Array.isArray(values) ||
        values.length === 0 ||
        values.some((v) => typeof v !== "string")
      )
        throw new InvalidPolicyError(`${at} must be a string or a non-empty array of strings.`);
      if (operator === "Null" && values.some((v) => v !== "true" && v !== "false"))
        throw new InvalidPolicyError(`${at}: Null takes "true" or "false".`);
      if (operator.includes("IpAddress") && values.some((v) => !validCidr(v)))
        throw new InvalidPolicyError(`${at}: ${operator} takes IP addresses or CIDR blocks.`);
      block[name] = { ...block[name], [key]: values as string[] };
    }
  }
  return block;
}

const compiled = new WeakMap<ConditionBlock, Condition[]>();

/** The block's entries, split once per block. */
function conditionsOf(block: ConditionBlock): Condition[] {
  let conditions = compiled.get(block);
  if (!conditions) {
    conditions = Object.entries(block).flatMap(([name, keys]) => {
      const ifExists = name.endsWith("IfExists") && name !== "Null";
      const operator = ifExists ? name.slice(0, -"IfExists".length) : name;
      return Object.entries(keys).map(([key, values]) => ({ operator, ifExists, key, values }));
    });
    compiled.set(block, conditions);
  }
  return conditions;
}

function validCidr(value: string): boolean {
  if (!CIDR.test(value)) return false;
  const [address, bits] = value.split("/") as [string, string | undefined];
  const version = isIP(address);
  return version !== 0 && (bits === undefined || Number(bits) <= (version === 6 ? 128 : 32));
}

/** The request's value of a condition key (keys are case-insensitive, tag names are not). */
function requestValue(key: string, context: ConditionContext): string | undefined {
  const lower = key.toLowerCase();
  if (lower === "aws:username") return context.user;
  if (lower === "aws:sourceip") return context.sourceIp;
  return context.tags?.[key.slice("aws:ResourceTag/".length)];
}

/** True when every condition holds. */
export function conditionsHold(block: ConditionBlock, context: ConditionContext): boolean {
  return conditionsOf(block).every((condition) => {
    const actual = requestValue(condition.key, context);
    if (condition.operator === "Null")
      return (actual === undefined) === (condition.values[0] === "true");
    const { test, negated } = OPERATORS[condition.operator] as (typeof OPERATORS)[string];
    if (actual === undefined) return condition.ifExists || negated;
    const any = condition.values.some((v) =>
      test(actual, v.replaceAll(USERNAME_VARIABLE, context.user)),
    );
    return negated ? !any : any;
  });
}

/** True when a condition reads the resource's tags (they must then be looked up). */
export const readsResourceTags = (block: ConditionBlock | undefined): boolean =>
  block !== undefined &&
  conditionsOf(block).some((c) => c.key.toLowerCase().startsWith("aws:resourcetag/"));
