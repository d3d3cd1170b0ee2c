/**
 * Every route of the native REST API mapped to the action it performs and the resources it
 * acts on (the same actions as the AWS operations, so one policy covers both APIs). The
 * guard denies any route that is missing here, for everyone: a new route is unusable until
 * it has a rule, and the role × endpoint test names it.
 */
import type { ResourceArns } from "../../auth/resources.js";

/** What a rule reads to name its resources. */
export interface RuleInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, or undefined (absent or not JSON). */
  body: unknown;
  arns: ResourceArns;
}

/** How a route is authorised. */
export type RouteRule =
  | {
      action: string;
      resources: (input: RuleInput) => string[];
      /** Body members the audit log must not keep (their values are replaced by a marker). */
      withheld?: string[];
      /** The path parameter holding a task token: authorised on its execution (task-scope.ts). */
      taskToken?: string;
    }
  /** Needs no credentials (the route authenticates by itself, e.g. login). */
  | { access: "public" }
  /** Needs credentials but no permission (e.g. logout, whoami); `action` names it in the audit log. */
  | { access: "authenticated"; action?: string };

const member = (body: unknown, key: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
};
const any = () => ["*"];
const rule = (action: string, resources: (input: RuleInput) => string[] = any): RouteRule => ({
  action,
  resources,
});
const machine = ({ params, arns }: RuleInput) => [arns.stateMachine(params.name)];
const execution = ({ params }: RuleInput) => [params.arn];
const ruleArn = ({ params, query, body, arns }: RuleInput) => [
  arns.rule(params.name, member(body, "eventBusName") ?? query.get("eventBusName") ?? undefined),
];
const user = ({ params, arns }: RuleInput) => [arns.user(params.name)];
const group = ({ params, arns }: RuleInput) => [arns.group(params.name)];
const topic = ({ params, arns }: RuleInput) => [arns.topic(params.name)];
const approval = ({ params, arns }: RuleInput) => [arns.approval(params.id)];
const incident = ({ params, arns }: RuleInput) => [arns.incident(params.id)];
const parameter = ({ params, arns }: RuleInput) => [arns.parameter(params.name)];
const team = ({ params, arns }: RuleInput) => [arns.team(params.name)];
const nodeArn = (arns: ResourceArns, id: string) => arns.managedInstance(id);
const documentArn = (arns: ResourceArns, name: string) => arns.document(name);
const node = ({ params, arns }: RuleInput) => [nodeArn(arns, params.id)];
const invokedNode = ({ params, arns }: RuleInput) => [nodeArn(arns, params.nodeId)];
const document = ({ params, arns }: RuleInput) => [documentArn(arns, params.name)];
/** The nodes a body names in `instanceIds`. */
const namedNodes = (body: unknown, arns: ResourceArns): string[] => {
  const ids = (body as { instanceIds?: unknown } | undefined)?.instanceIds;
  const named = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  return named.map((id) => nodeArn(arns, id));
};
/** The nodes a body names in `instanceIds`; `*` when it names none (all of the command's). */
const bodyNodes = (body: unknown, arns: ResourceArns): string[] => {
  const named = namedNodes(body, arns);
  return named.length > 0 ? named : ["*"];
};
/**
 * SendCommand acts on the document and on every node: nodes named by id are checked here;
 * nodes chosen by tag are known only once resolved, and the route checks each of them then.
 */
const sendCommand = ({ body, arns }: RuleInput) => {
  const name = member(body, "documentName");
  return [name === undefined ? "*" : documentArn(arns, name), ...namedNodes(body, arns)];
};

/** A name from the body when it has one; otherwise `*`, which only an unscoped grant allows. */
const named =
  (key: string, arn: (arns: ResourceArns, name: string) => string) =>
  ({ body, arns }: RuleInput) => {
    const name = member(body, key);
    return [name === undefined ? "*" : arn(arns, name)];
  };

/** `METHOD /path/{param}` (as in the OpenAPI document) → rule. */
export const REST_RULES: Record<string, RouteRule> = {
  "GET /openapi.json": { access: "authenticated" },
  "GET /v1/state-machines": rule("states:ListStateMachines"),
  "POST /v1/state-machines": rule(
    "states:CreateStateMachine",
    named("name", (a, n) => a.stateMachine(n)),
  ),
  "GET /v1/state-machines/{name}": rule("states:DescribeStateMachine", machine),
  "PUT /v1/state-machines/{name}": rule("states:UpdateStateMachine", machine),
  "DELETE /v1/state-machines/{name}": rule("states:DeleteStateMachine", machine),
  "GET /v1/state-machines/{name}/executions": rule("states:ListExecutions", machine),
  "POST /v1/state-machines/{name}/executions": rule("states:StartExecution", machine),
  "GET /v1/executions/{arn}": rule("states:DescribeExecution", execution),
  "GET /v1/executions/{arn}/history": rule("states:GetExecutionHistory", execution),
  "POST /v1/executions/{arn}/stop": rule("states:StopExecution", execution),
  "POST /v1/executions/{arn}/redrive": rule("states:RedriveExecution", execution),
  "POST /v1/tasks/{token}/success": { ...rule("states:SendTaskSuccess"), taskToken: "token" },
  "POST /v1/tasks/{token}/failure": { ...rule("states:SendTaskFailure"), taskToken: "token" },
  "POST /v1/tasks/{token}/heartbeat": { ...rule("states:SendTaskHeartbeat"), taskToken: "token" },
  "GET /v1/functions": rule("lambda:ListFunctions"),
  "POST /v1/functions": rule(
    "lambda:CreateFunction",
    named("name", (a, n) => a.function(n)),
  ),
  "POST /v1/functions/{name}/invoke": rule("lambda:InvokeFunction", ({ params, arns }) => [
    arns.function(params.name),
  ]),
  "POST /v1/events": rule("events:PutEvents", ({ body, arns }) => {
    const entries = (body as { entries?: unknown } | undefined)?.entries;
    if (!Array.isArray(entries) || entries.length === 0) return [arns.bus()];
    return entries.map((entry) => arns.bus(member(entry, "eventBusName")));
  }),
  "GET /v1/rules": rule("events:ListRules", ({ query, arns }) => [
    arns.bus(query.get("eventBusName") ?? undefined),
  ]),
  "PUT /v1/rules/{name}": rule("events:PutRule", ruleArn),
  "GET /v1/rules/{name}": rule("events:DescribeRule", ruleArn),
  "DELETE /v1/rules/{name}": rule("events:DeleteRule", ruleArn),
  "POST /v1/rules/test-pattern": rule("events:TestEventPattern"),
  "PUT /v1/rules/{name}/targets": rule("events:PutTargets", ruleArn),
  "GET /v1/rules/{name}/targets": rule("events:ListTargetsByRule", ruleArn),
  "DELETE /v1/rules/{name}/targets/{id}": rule("events:RemoveTargets", ruleArn),
  "GET /v1/dead-letters": rule("events:ListDeadLetters"),
  "POST /v1/dead-letters/redrive": rule("events:RedriveDeadLetters"),
  "GET /v1/sources": rule("events:ListSources"),
  "POST /v1/sources": rule("events:CreateSource", ({ body, arns }) => {
    const kind = member(body, "kind");
    const name = member(body, "name");
    return [kind && name ? arns.source(kind, name) : "*"];
  }),
  "DELETE /v1/sources/{kind}/{name}": rule("events:DeleteSource", ({ params, arns }) => [
    arns.source(params.kind, params.name),
  ]),
  "GET /v1/event-buses": rule("events:ListEventBuses"),
  "POST /v1/event-buses": rule(
    "events:CreateEventBus",
    named("name", (a, n) => a.bus(n)),
  ),
  "GET /v1/event-buses/{name}": rule("events:DescribeEventBus", ({ params, arns }) => [
    arns.bus(params.name),
  ]),
  "DELETE /v1/event-buses/{name}": rule("events:DeleteEventBus", ({ params, arns }) => [
    arns.bus(params.name),
  ]),
  "GET /v1/archives": rule("events:ListArchives"),
  "POST /v1/archives": rule(
    "events:CreateArchive",
    named("name", (a, n) => a.archive(n)),
  ),
  "GET /v1/archives/{name}": rule("events:DescribeArchive", ({ params, arns }) => [
    arns.archive(params.name),
  ]),
  "PUT /v1/archives/{name}": rule("events:UpdateArchive", ({ params, arns }) => [
    arns.archive(params.name),
  ]),
  "DELETE /v1/archives/{name}": rule("events:DeleteArchive", ({ params, arns }) => [
    arns.archive(params.name),
  ]),
  "GET /v1/replays": rule("events:ListReplays"),
  "POST /v1/replays": rule(
    "events:StartReplay",
    named("name", (a, n) => a.replay(n)),
  ),
  "GET /v1/replays/{name}": rule("events:DescribeReplay", ({ params, arns }) => [
    arns.replay(params.name),
  ]),
  "POST /v1/replays/{name}/cancel": rule("events:CancelReplay", ({ params, arns }) => [
    arns.replay(params.name),
  ]),
  "GET /v1/connections": rule("events:ListConnections"),
  "POST /v1/connections": rule(
    "events:CreateConnection",
    named("name", (a, n) => a.connection(n)),
  ),
  "GET /v1/connections/{name}": rule("events:DescribeConnection", ({ params, arns }) => [
    arns.connection(params.name),
  ]),
  "PUT /v1/connections/{name}": rule("events:UpdateConnection", ({ params, arns }) => [
    arns.connection(params.name),
  ]),
  "DELETE /v1/connections/{name}": rule("events:DeleteConnection", ({ params, arns }) => [
    arns.connection(params.name),
  ]),
  "GET /v1/api-destinations": rule("events:ListApiDestinations"),
  "POST /v1/api-destinations": rule(
    "events:CreateApiDestination",
    named("name", (a, n) => a.apiDestination(n)),
  ),
  "GET /v1/api-destinations/{name}": rule("events:DescribeApiDestination", ({ params, arns }) => [
    arns.apiDestination(params.name),
  ]),
  "PUT /v1/api-destinations/{name}": rule("events:UpdateApiDestination", ({ params, arns }) => [
    arns.apiDestination(params.name),
  ]),
  "DELETE /v1/api-destinations/{name}": rule("events:DeleteApiDestination", ({ params, arns }) => [
    arns.apiDestination(params.name),
  ]),
  // Webhook deliveries authenticate with their source's own token (checked by the route).
  "POST /v1/sources/alertmanager/{name}": { access: "public" },
  "POST /v1/sources/cloudevents/{name}": { access: "public" },

  "POST /v1/auth/login": { access: "public" },
  "GET /v1/auth/oidc/login": { access: "public" },
  "GET /v1/auth/oidc/callback": { access: "public" },
  "POST /v1/auth/logout": { access: "authenticated", action: "auth:Logout" },
  "GET /v1/auth/whoami": { access: "authenticated", action: "auth:WhoAmI" },
  "GET /v1/roles": rule("iam:ListRoles"),
  "GET /v1/users": rule("iam:ListUsers"),
  "POST /v1/users": rule(
    "iam:CreateUser",
    named("name", (a, n) => a.user(n)),
  ),
  "GET /v1/users/{name}": rule("iam:GetUser", user),
  "DELETE /v1/users/{name}": rule("iam:DeleteUser", user),
  "PUT /v1/users/{name}/password": rule("iam:UpdateLoginProfile", user),
  "PUT /v1/users/{name}/email": rule("iam:UpdateUser", user),
  "POST /v1/users/{name}/totp": rule("iam:EnableMFADevice", user),
  "DELETE /v1/users/{name}/totp": rule("iam:DeactivateMFADevice", user),
  "PUT /v1/users/{name}/roles/{role}": rule("iam:AttachUserRole", user),
  "DELETE /v1/users/{name}/roles/{role}": rule("iam:DetachUserRole", user),
  "GET /v1/users/{name}/policies": rule("iam:ListUserPolicies", user),
  "PUT /v1/users/{name}/policies/{policy}": rule("iam:PutUserPolicy", user),
  "DELETE /v1/users/{name}/policies/{policy}": rule("iam:DeleteUserPolicy", user),
  "GET /v1/users/{name}/access-keys": rule("iam:ListAccessKeys", user),
  "POST /v1/users/{name}/access-keys": rule("iam:CreateAccessKey", user),
  "POST /v1/users/{name}/access-keys/{id}/activate": rule("iam:UpdateAccessKey", user),
  "POST /v1/users/{name}/access-keys/{id}/deactivate": rule("iam:UpdateAccessKey", user),
  "DELETE /v1/users/{name}/access-keys/{id}": rule("iam:DeleteAccessKey", user),
  // The owner is what the caller wants to learn, so no user ARN can scope it: `*`.
  "GET /v1/access-keys/{id}": rule("iam:GetAccessKeyLastUsed"),
  "GET /v1/users/{name}/tokens": rule("iam:ListApiTokens", user),
  "POST /v1/users/{name}/tokens": rule("iam:CreateApiToken", user),
  "POST /v1/users/{name}/tokens/{id}/activate": rule("iam:UpdateApiToken", user),
  "POST /v1/users/{name}/tokens/{id}/deactivate": rule("iam:UpdateApiToken", user),
  "DELETE /v1/users/{name}/tokens/{id}": rule("iam:DeleteApiToken", user),
  "GET /v1/groups": rule("iam:ListGroups"),
  "POST /v1/groups": rule(
    "iam:CreateGroup",
    named("name", (a, n) => a.group(n)),
  ),
  "GET /v1/groups/{name}": rule("iam:GetGroup", group),
  "DELETE /v1/groups/{name}": rule("iam:DeleteGroup", group),
  "PUT /v1/groups/{name}/members/{user}": rule("iam:AddUserToGroup", group),
  "DELETE /v1/groups/{name}/members/{user}": rule("iam:RemoveUserFromGroup", group),
  "PUT /v1/groups/{name}/roles/{role}": rule("iam:AttachGroupRole", group),
  "DELETE /v1/groups/{name}/roles/{role}": rule("iam:DetachGroupRole", group),
  "GET /v1/groups/{name}/policies": rule("iam:ListGroupPolicies", group),
  "PUT /v1/groups/{name}/policies/{policy}": rule("iam:PutGroupPolicy", group),
  "DELETE /v1/groups/{name}/policies/{policy}": rule("iam:DeleteGroupPolicy", group),
  "GET /v1/audit/events": rule("audit:LookupEvents"),
  // Teams and quotas.
  "GET /v1/teams": rule("teams:ListTeams"),
  "POST /v1/teams": rule(
    "teams:CreateTeam",
    named("name", (a, n) => a.team(n)),
  ),
  "GET /v1/teams/{name}": rule("teams:DescribeTeam", team),
  "DELETE /v1/teams/{name}": rule("teams:DeleteTeam", team),
  "PUT /v1/teams/{name}/quotas": rule("teams:SetTeamQuotas", team),
  "PUT /v1/teams/{name}/members/{user}": rule("teams:AddTeamMember", team),
  "DELETE /v1/teams/{name}/members/{user}": rule("teams:RemoveTeamMember", team),
  "GET /v1/teams/{name}/usage": rule("teams:GetTeamUsage", team),

  // Notifications and approvals.
  "GET /v1/approvals": rule("approvals:ListApprovals"),
  "GET /v1/approvals/{id}": rule("approvals:GetApproval", approval),
  "POST /v1/approvals/{id}/approve": rule("approvals:Approve", approval),
  "POST /v1/approvals/{id}/reject": rule("approvals:Reject", approval),
  "GET /v1/topics": rule("sns:ListTopics"),
  "POST /v1/topics": rule(
    "sns:CreateTopic",
    named("name", (a, n) => a.topic(n)),
  ),
  "DELETE /v1/topics/{name}": rule("sns:DeleteTopic", topic),
  "GET /v1/topics/{name}/subscriptions": rule("sns:ListSubscriptionsByTopic", topic),
  "POST /v1/topics/{name}/subscriptions": rule("sns:Subscribe", topic),
  "POST /v1/topics/{name}/messages": rule("sns:Publish", topic),
  "DELETE /v1/subscriptions/{id}": rule("sns:Unsubscribe"),
  "GET /v1/notification-deliveries": rule("sns:ListDeliveries"),
  "GET /v1/incidents": rule("incidents:ListIncidents"),
  "POST /v1/incidents": rule("incidents:CreateIncident"),
  "GET /v1/incidents/{id}": rule("incidents:GetIncident", incident),
  "POST /v1/incidents/{id}/acknowledge": rule("incidents:AcknowledgeIncident", incident),
  "POST /v1/incidents/{id}/resolve": rule("incidents:ResolveIncident", incident),
  "POST /v1/incidents/{id}/close": rule("incidents:CloseIncident", incident),
  "POST /v1/incidents/{id}/notes": rule("incidents:AddIncidentNote", incident),
  "POST /v1/incidents/{id}/assign": rule("incidents:AssignIncident", incident),
  // Parameters: SSM's actions; withDecryption also needs ssm:DecryptParameter.
  "GET /v1/parameters": rule("ssm:DescribeParameters"),
  "GET /v1/parameters/{name}": rule("ssm:GetParameter", parameter),
  "PUT /v1/parameters/{name}": { ...rule("ssm:PutParameter", parameter), withheld: ["value"] },
  "DELETE /v1/parameters/{name}": rule("ssm:DeleteParameter", parameter),
  "GET /v1/parameters/{name}/history": rule("ssm:GetParameterHistory", parameter),
  // The fleet: SSM's actions on managed-instance and document ARNs.
  "GET /v1/nodes": rule("ssm:DescribeInstanceInformation"),
  "GET /v1/nodes/{id}": rule("ssm:DescribeInstanceInformation", node),
  "POST /v1/nodes/{id}/tags": rule("ssm:AddTagsToResource", node),
  "DELETE /v1/nodes/{id}": rule("ssm:DeregisterManagedInstance", node),
  "POST /v1/activations": rule("ssm:CreateActivation"),
  "POST /v1/nodes/ssh": rule("ssm:RegisterManagedInstance"),
  "GET /v1/activations": rule("ssm:DescribeActivations"),
  "DELETE /v1/activations/{id}": rule("ssm:DeleteActivation"),
  "POST /v1/documents": rule(
    "ssm:CreateDocument",
    named("name", (a, n) => documentArn(a, n)),
  ),
  "GET /v1/documents": rule("ssm:ListDocuments"),
  "GET /v1/documents/{name}": rule("ssm:GetDocument", document),
  "PUT /v1/documents/{name}": rule("ssm:UpdateDocument", document),
  "DELETE /v1/documents/{name}": rule("ssm:DeleteDocument", document),
  "POST /v1/commands": rule("ssm:SendCommand", sendCommand),
  "GET /v1/commands": rule("ssm:ListCommands"),
  "GET /v1/commands/{id}": rule("ssm:ListCommands"),
  "GET /v1/commands/{id}/invocations": rule("ssm:ListCommandInvocations"),
  "GET /v1/commands/{id}/invocations/{nodeId}": rule("ssm:GetCommandInvocation", invokedNode),
  "GET /v1/commands/{id}/invocations/{nodeId}/output": rule(
    "ssm:GetCommandInvocation",
    invokedNode,
  ),
  "POST /v1/commands/{id}/cancel": rule("ssm:CancelCommand", ({ body, arns }) =>
    bodyNodes(body, arns),
  ),
  // Links in notification emails (outside /v1): the link's signed token is the credential.
  "GET /links/approvals/{token}": { access: "public" },
  "POST /links/approvals/{token}": { access: "public" },
  "GET /links/subscriptions/confirm": { access: "public" },
  "POST /links/subscriptions/confirm": { access: "public" },
};

interface CompiledRule {
  method: string;
  template: string;
  names: string[];
  regex: RegExp;
  literals: number;
  rule: RouteRule;
}

/** Finds the rule of a request: the matching template with the most literal segments. */
export function ruleMatcher(rules: Record<string, RouteRule> = REST_RULES) {
  const compiled: CompiledRule[] = Object.entries(rules).map(([key, rule]) => {
    const [method, template] = key.split(" ");
    const names: string[] = [];
    const segments = template.split("/");
    const source = segments
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(param[1]);
        return "([^/]+)";
      })
      .join("/");
    const literals = segments.filter((s) => !s.startsWith("{")).length;
    return { method, template, names, regex: new RegExp(`^${source}$`), literals, rule };
  });
  compiled.sort((a, b) => b.literals - a.literals);
  return (
    method: string,
    path: string,
  ): { template: string; rule: RouteRule; params: Record<string, string> } | undefined => {
    for (const candidate of compiled) {
      if (candidate.method !== method) continue;
      const match = candidate.regex.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(match[i + 1]);
        } catch {
          params[name] = match[i + 1];
        }
      });
      return { template: candidate.template, rule: candidate.rule, params };
    }
    return undefined;
  };
}
