/**
 * Decides whether a user may perform an action on resources: the user's built-in roles and
 * inline policies (its own and its groups'), plus self-service on its own user, evaluated
 * with IAM's rule (explicit deny wins, otherwise deny unless allowed).
 */
import { stateMachineArnOf } from "../runtime/durable/arns.js";
import type { FleetStore } from "../store/fleet-port.js";
import type { IdentityStore } from "../store/identity-port.js";
import type { WorkflowStore } from "../store/workflows-port.js";
import { readsResourceTags } from "./conditions.js";
import { type Decision, evaluate, type PolicyStatement, parsePolicy } from "./policy.js";
import { isRoleName, ROLES, SELF_SERVICE } from "./roles.js";

/** A user's resolved permissions. */
export interface Grants {
  user: string;
  roles: string[];
  groups: string[];
  statements: PolicyStatement[];
}

/** A managed node's or a document's ARN: its kind and id or name. */
const SSM_RESOURCE = /^arn:aws[\w-]*:ssm:[^:]*:[^:]*:(managed-instance|document)\/(.+)$/;

/** Reads grants from the store and evaluates requests against them. */
export class Authorizer {
  /** Parsed policy documents by text: documents are few and change rarely. */
  private readonly parsed = new Map<string, PolicyStatement[]>();

  constructor(private readonly store: WorkflowStore & IdentityStore & FleetStore) {}

  /** The user's grants, or undefined when the user does not exist (it may do nothing). */
  async grantsOf(user: string): Promise<Grants | undefined> {
    const permissions = await this.store.permissionsOf(user);
    if (!permissions) return undefined;
    const statements: PolicyStatement[] = [SELF_SERVICE];
    for (const role of permissions.roles)
      if (isRoleName(role)) statements.push(...ROLES[role].statements);
    for (const document of permissions.policies) statements.push(...this.statementsOf(document));
    return { user, roles: permissions.roles, groups: permissions.groups, statements };
  }

  /**
   * Evaluates `action` on `resources` for `user`. The resources' tags are looked up only when
   * some statement's condition reads them.
   */
  async decide(
    user: string,
    action: string,
    resources: readonly string[],
    request: { sourceIp?: string } = {},
  ): Promise<Decision> {
    const grants = await this.grantsOf(user);
    if (!grants) return { effect: "deny", reason: "implicit-deny", resource: resources[0] ?? "*" };
    const tags = grants.statements.some((s) => readsResourceTags(s.Condition))
      ? new Map(await Promise.all(resources.map(async (r) => [r, await this.tagsOf(r)] as const)))
      : undefined;
    return evaluate(grants.statements, user, action, resources, {
      ...request,
      ...(tags && { tagsOf: (resource: string) => tags.get(resource) }),
    });
  }

  /**
   * The tags of a resource: a state machine's (also for its versions, aliases and executions,
   * which carry the machine's tags), a managed node's or a document's. Other resources have none.
   */
  private async tagsOf(resource: string): Promise<Record<string, string> | undefined> {
    const ssm = SSM_RESOURCE.exec(resource);
    if (ssm) {
      const tags =
        ssm[1] === "managed-instance"
          ? (await this.store.getNode(ssm[2]))?.tags
          : (await this.store.getDocument(ssm[2]))?.document.tags;
      return tags && Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]));
    }
    const arn = stateMachineArnOf(resource);
    return arn === undefined ? undefined : (await this.store.getStateMachine(arn))?.tags;
  }

  private statementsOf(document: string): PolicyStatement[] {
    let statements = this.parsed.get(document);
    if (!statements) {
      try {
        statements = parsePolicy(document).Statement;
      } catch {
        // Stored documents were checked when written; one that no longer parses grants nothing.
        statements = [];
      }
      if (this.parsed.size > 1000) this.parsed.clear();
      this.parsed.set(document, statements);
    }
    return statements;
  }
}

/** The message of a denial, as AWS words it. */
export function denialMessage(user: string, action: string, decision: Decision): string {
  if (decision.effect === "allow") return "";
  const why =
    decision.reason === "explicit-deny"
      ? "with an explicit deny in a policy"
      : "because no role or policy allows the action";
  return `User ${user} is not authorized to perform: ${action} on resource: ${decision.resource} ${why}`;
}
