/**
 * Policies in IAM's shape and IAM's evaluation rule: a request is allowed when some Allow
 * statement matches its action and every resource, and no Deny statement matches any; an
 * explicit deny always wins, and anything not allowed is denied (implicit deny).
 *
 * Patterns use IAM's wildcards (`*` any run of characters, `?` one character) and are
 * case-sensitive, as IAM resource matching is. `${aws:username}` in a resource stands for the
 * caller's user name, so one policy can say "your own credentials". A statement may carry a
 * `Condition` (see conditions.ts), e.g. on the resource's tags.
 */
import {
  type ConditionBlock,
  type ConditionContext,
  conditionsHold,
  parseConditions,
} from "./conditions.js";
import { InvalidPolicyError, USERNAME_VARIABLE, wildcardMatch } from "./policy-syntax.js";

export { InvalidPolicyError, USERNAME_VARIABLE, wildcardMatch };

/** One statement: the effect on actions and resources. */
export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: ConditionBlock;
}

/** A policy document (the JSON users write, with arrays normalised). */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/** The outcome of an evaluation; `deny` carries why, for the audit log and the message. */
export type Decision =
  | { effect: "allow" }
  | { effect: "deny"; reason: "explicit-deny" | "implicit-deny"; resource: string };

const ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;

function strings(value: unknown, where: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== "string"))
    throw new InvalidPolicyError(`${where} must be a string or a non-empty array of strings.`);
  return list as string[];
}

/**
 * Parses and checks a policy document (text or object): `Statement` is one statement or a
 * list; each has `Effect`, `Action`, `Resource` (string or list) and optionally `Condition`.
 * Unknown members are refused, because a silently ignored `NotAction` would grant more than
 * meant.
 */
export function parsePolicy(input: unknown): PolicyDocument {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidPolicyError(`The policy is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidPolicyError("The policy must be a JSON object with a Statement.");
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc))
    if (key !== "Version" && key !== "Statement")
      throw new InvalidPolicyError(`Unsupported policy member ${key} (Version, Statement).`);
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (raw.length === 0 || raw.length > 100)
    throw new InvalidPolicyError("Statement must hold 1 to 100 statements.");
  const statements = raw.map((s, i): PolicyStatement => {
    const where = `/Statement/${i}`;
    if (typeof s !== "object" || s === null || Array.isArray(s))
      throw new InvalidPolicyError(`${where} must be an object.`);
    const st = s as Record<string, unknown>;
    for (const key of Object.keys(st))
      if (!["Sid", "Effect", "Action", "Resource", "Condition"].includes(key))
        throw new InvalidPolicyError(
          `${where}: unsupported member ${key} (Sid, Effect, Action, Resource, Condition).`,
        );
    if (st.Effect !== "Allow" && st.Effect !== "Deny")
      throw new InvalidPolicyError(`${where}/Effect must be Allow or Deny.`);
    const actions = strings(st.Action, `${where}/Action`);
    for (const action of actions)
      if (!ACTION.test(action))
        throw new InvalidPolicyError(
          `${where}/Action: '${action}' is not service:Action (e.g. states:StartExecution).`,
        );
    return {
      Effect: st.Effect,
      Action: actions,
      Resource: strings(st.Resource, `${where}/Resource`),
      ...(st.Condition !== undefined && {
        Condition: parseConditions(st.Condition, `${where}/Condition`),
      }),
    };
  });
  return {
    ...(typeof doc.Version === "string" && { Version: doc.Version }),
    Statement: statements,
  };
}

/**
 * True when every string `requested` (itself a pattern) can stand for is matched by
 * `held`: a wildcard in `requested` must be absorbed by a `*` of `held` (a `?` may also be
 * absorbed by `?`). Used to refuse granting more than one has.
 */
export function patternCovers(held: string, requested: string): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === held.length) result = j === requested.length;
    else if (held[i] === "*") result = go(i + 1, j) || (j < requested.length && go(i, j + 1));
    else if (j === requested.length) result = false;
    else if (held[i] === "?") result = requested[j] !== "*" && go(i + 1, j + 1);
    else
      result =
        requested[j] !== "*" &&
        requested[j] !== "?" &&
        held[i] === requested[j] &&
        go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const substitute = (pattern: string, user: string) => pattern.replaceAll(USERNAME_VARIABLE, user);

const matches = (
  st: PolicyStatement,
  action: string,
  resource: string,
  context: ConditionContext,
) =>
  st.Action.some((a) => wildcardMatch(a, action)) &&
  st.Resource.some((r) => wildcardMatch(substitute(r, context.user), resource)) &&
  (st.Condition === undefined || conditionsHold(st.Condition, context));

/** What a request carries besides its action and resources, for conditions. */
export interface RequestContext {
  sourceIp?: string;
  /** The tags of a resource (looked up beforehand, when some condition reads them). */
  tagsOf?: (resource: string) => Readonly<Record<string, string>> | undefined;
}

/**
 * Evaluates `action` on `resources` (all must be allowed) against the caller's statements.
 * An empty resource list is checked as `*`.
 */
export function evaluate(
  statements: readonly PolicyStatement[],
  user: string,
  action: string,
  resources: readonly string[],
  request: RequestContext = {},
): Decision {
  for (const resource of resources.length > 0 ? resources : ["*"]) {
    const tags = request.tagsOf?.(resource);
    const context: ConditionContext = {
      user,
      ...(request.sourceIp !== undefined && { sourceIp: request.sourceIp }),
      ...(tags !== undefined && { tags }),
    };
    if (statements.some((s) => s.Effect === "Deny" && matches(s, action, resource, context)))
      return { effect: "deny", reason: "explicit-deny", resource };
    if (!statements.some((s) => s.Effect === "Allow" && matches(s, action, resource, context)))
      return { effect: "deny", reason: "implicit-deny", resource };
  }
  return { effect: "allow" };
}

/**
 * True when the caller's statements allow everything `granted` allows: each Allow pair of
 * the new document is covered by one of the caller's Allows, and overlaps none of the
 * caller's Denies (approximated: a Deny that covers the pair, or that the pair covers).
 * Conditions count against the grant: a conditional Allow of the caller covers nothing, a
 * conditional Deny counts as if it always applied, and a granted Allow is judged without its
 * conditions (they can only narrow it).
 */
export function coversPolicy(
  held: readonly PolicyStatement[],
  user: string,
  granted: PolicyDocument,
): boolean {
  const sub = (p: string) => substitute(p, user);
  for (const st of granted.Statement) {
    if (st.Effect !== "Allow") continue;
    for (const action of st.Action)
      for (const resource of st.Resource.map(sub)) {
        const overlaps = (h: PolicyStatement) =>
          h.Action.some((a) => patternCovers(a, action) || patternCovers(action, a)) &&
          h.Resource.map(sub).some((r) => patternCovers(r, resource) || patternCovers(resource, r));
        if (held.some((h) => h.Effect === "Deny" && overlaps(h))) return false;
        const covered = held.some(
          (h) =>
            h.Effect === "Allow" &&
            h.Condition === undefined &&
            h.Action.some((a) => patternCovers(a, action)) &&
            h.Resource.map(sub).some((r) => patternCovers(r, resource)),
        );
        if (!covered) return false;
      }
  }
  return true;
}
