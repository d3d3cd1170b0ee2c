/**
 * Every operation of the AWS-compatible endpoint mapped to its IAM action (`service:Operation`,
 * as AWS names them) and the resources it acts on, read from the request members the way
 * AWS's service authorization reference lists them. An operation missing here is denied to
 * everyone; the role × endpoint test walks the handler tables to catch one.
 */
import type { ResourceArns } from "../../auth/resources.js";
import { parseParameterArn } from "../../ops/parameters/arns.js";

/** How one operation is authorised and audited. */
export interface OperationRule {
  resources: (request: Record<string, unknown>, arns: ResourceArns) => string[];
  /** Reads nothing but state: successful calls are not audited (denials still are). */
  read?: boolean;
  /** The request member holding a task token: authorised on its execution (task-scope.ts). */
  taskToken?: string;
  /** Request members the audit log must not keep (their values are replaced by a marker). */
  withheld?: string[];
}

const str = (request: Record<string, unknown>, key: string): string | undefined => {
  const value = request[key];
  return typeof value === "string" && value !== "" ? value : undefined;
};
/** The member's value (an ARN) or `*` when absent: only an unscoped grant allows that. */
const arnIn = (key: string, read = false): OperationRule => ({
  resources: (request) => [str(request, key) ?? "*"],
  read,
});
const anything = (read = false): OperationRule => ({ resources: () => ["*"], read });
const named = (
  key: string,
  arn: (arns: ResourceArns, name: string) => string,
  read = false,
): OperationRule => ({
  resources: (request, arns) => {
    const name = str(request, key);
    return [name === undefined ? "*" : arn(arns, name)];
  },
  read,
});
const ruleOf = (key: string, read = false): OperationRule => ({
  resources: (request, arns) => {
    const name = str(request, key);
    return [name === undefined ? "*" : arns.rule(name, str(request, "EventBusName"))];
  },
  read,
});

/** Step Functions operations (signing name `states`). */
const states: Record<string, OperationRule> = {
  CreateStateMachine: named("name", (a, n) => a.stateMachine(n)),
  UpdateStateMachine: arnIn("stateMachineArn"),
  DeleteStateMachine: arnIn("stateMachineArn"),
  DescribeStateMachine: arnIn("stateMachineArn", true),
  ListStateMachines: anything(true),
  ValidateStateMachineDefinition: anything(true),
  PublishStateMachineVersion: arnIn("stateMachineArn"),
  ListStateMachineVersions: arnIn("stateMachineArn", true),
  DeleteStateMachineVersion: arnIn("stateMachineVersionArn"),
  CreateStateMachineAlias: {
    resources: (request) => {
      const name = str(request, "name");
      const routes = request.routingConfiguration;
      const versions = Array.isArray(routes)
        ? routes.map((r) => str(r as Record<string, unknown>, "stateMachineVersionArn"))
        : [];
      const machine = versions.find((v) => v !== undefined)?.replace(/:\d+$/, "");
      return [machine && name ? `${machine}:${name}` : "*"];
    },
  },
  UpdateStateMachineAlias: arnIn("stateMachineAliasArn"),
  DescribeStateMachineAlias: arnIn("stateMachineAliasArn", true),
  ListStateMachineAliases: arnIn("stateMachineArn", true),
  DeleteStateMachineAlias: arnIn("stateMachineAliasArn"),
  StartExecution: arnIn("stateMachineArn"),
  StartSyncExecution: arnIn("stateMachineArn"),
  DescribeExecution: arnIn("executionArn", true),
  DescribeStateMachineForExecution: arnIn("executionArn", true),
  ListExecutions: arnIn("stateMachineArn", true),
  GetExecutionHistory: arnIn("executionArn", true),
  StopExecution: arnIn("executionArn"),
  RedriveExecution: arnIn("executionArn"),
  SendTaskSuccess: { ...anything(), taskToken: "taskToken" },
  SendTaskFailure: { ...anything(), taskToken: "taskToken" },
  SendTaskHeartbeat: { ...anything(), taskToken: "taskToken" },
  CreateActivity: named("name", (a, n) => a.activity(n)),
  DeleteActivity: arnIn("activityArn"),
  DescribeActivity: arnIn("activityArn", true),
  ListActivities: anything(true),
  // Not read-only: it hands a task to the caller.
  GetActivityTask: arnIn("activityArn"),
  TagResource: arnIn("resourceArn"),
  UntagResource: arnIn("resourceArn"),
  ListTagsForResource: arnIn("resourceArn", true),
};

/** EventBridge operations (signing name `events`). */
const events: Record<string, OperationRule> = {
  PutEvents: {
    resources: (request, arns) => {
      const entries = request.Entries;
      if (!Array.isArray(entries) || entries.length === 0) return [arns.bus()];
      return entries.map((e) => arns.bus(str(e as Record<string, unknown>, "EventBusName")));
    },
  },
  PutRule: ruleOf("Name"),
  DescribeRule: ruleOf("Name", true),
  ListRules: { resources: (request, arns) => [arns.bus(str(request, "EventBusName"))], read: true },
  DeleteRule: ruleOf("Name"),
  EnableRule: ruleOf("Name"),
  DisableRule: ruleOf("Name"),
  PutTargets: ruleOf("Rule"),
  RemoveTargets: ruleOf("Rule"),
  ListTargetsByRule: ruleOf("Rule", true),
  TestEventPattern: anything(true),
  CreateEventBus: named("Name", (a, n) => a.bus(n)),
  DescribeEventBus: {
    resources: (request, arns) => [arns.bus(str(request, "Name"))],
    read: true,
  },
  ListEventBuses: anything(true),
  DeleteEventBus: named("Name", (a, n) => a.bus(n)),
  CreateConnection: named("Name", (a, n) => a.connection(n)),
  DescribeConnection: named("Name", (a, n) => a.connection(n), true),
  ListConnections: anything(true),
  UpdateConnection: named("Name", (a, n) => a.connection(n)),
  DeleteConnection: named("Name", (a, n) => a.connection(n)),
  CreateApiDestination: named("Name", (a, n) => a.apiDestination(n)),
  DescribeApiDestination: named("Name", (a, n) => a.apiDestination(n), true),
  ListApiDestinations: anything(true),
  UpdateApiDestination: named("Name", (a, n) => a.apiDestination(n)),
  DeleteApiDestination: named("Name", (a, n) => a.apiDestination(n)),
  CreateArchive: named("ArchiveName", (a, n) => a.archive(n)),
  DescribeArchive: named("ArchiveName", (a, n) => a.archive(n), true),
  ListArchives: anything(true),
  UpdateArchive: named("ArchiveName", (a, n) => a.archive(n)),
  DeleteArchive: named("ArchiveName", (a, n) => a.archive(n)),
  StartReplay: named("ReplayName", (a, n) => a.replay(n)),
  DescribeReplay: named("ReplayName", (a, n) => a.replay(n), true),
  ListReplays: anything(true),
  CancelReplay: named("ReplayName", (a, n) => a.replay(n)),
};

/**
 * The ARN of the parameter a selector names (`/a/b:3` → the ARN of `/a/b`; a parameter ARN,
 * which the reads take, → that ARN without its version), or `*` when absent. An ARN is
 * checked as the parameter it names, never as a name, so a Deny on a path holds either way.
 */
const parameterArn = (arns: ResourceArns, selector: string | undefined) => {
  if (selector === undefined) return "*";
  return parseParameterArn(selector)?.resource ?? arns.parameter(selector.replace(/:[^:/]*$/, ""));
};
const parameter = (read = false): OperationRule => ({
  resources: (request, arns) => [parameterArn(arns, str(request, "Name"))],
  read,
});
const parameters = (read = false): OperationRule => ({
  resources: (request, arns) => {
    const names = Array.isArray(request.Names) ? request.Names : [];
    const arnsOf = names.map((n) => parameterArn(arns, typeof n === "string" ? n : undefined));
    return arnsOf.length > 0 ? arnsOf : ["*"];
  },
  read,
});

/**
 * Systems Manager parameter operations (signing name `ssm`). WithDecryption on a SecureString
 * also needs `ssm:DecryptParameter` on it, checked by the operation (see api/aws/ssm).
 */
const ssm: Record<string, OperationRule> = {
  GetParameter: parameter(true),
  GetParameters: parameters(true),
  GetParametersByPath: {
    resources: (request, arns) => [parameterArn(arns, str(request, "Path"))],
    read: true,
  },
  GetParameterHistory: parameter(true),
  DescribeParameters: anything(true),
  // Like CloudTrail, the audit log never keeps a parameter's value, whatever its type.
  PutParameter: { ...parameter(), withheld: ["Value"] },
  DeleteParameter: parameter(),
  DeleteParameters: parameters(),
};

/** A document name's ARN; an ARN given is checked as given (the operation refuses foreign ones). */
const documentArn = (arns: ResourceArns, nameOrArn: string) =>
  nameOrArn.startsWith("arn:") ? nameOrArn : arns.document(nameOrArn);
const nodeArn = (arns: ResourceArns, id: string) => arns.managedInstance(id);
const documentIn = (key: string, read = false): OperationRule => named(key, documentArn, read);
const nodeIn = (key: string, read = false): OperationRule => named(key, nodeArn, read);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
const tagged = (read = false): OperationRule => ({
  resources: (request, arns) => {
    const id = str(request, "ResourceId");
    const type = str(request, "ResourceType");
    if (id === undefined) return ["*"];
    if (type === "ManagedInstance") return [nodeArn(arns, id)];
    if (type === "Document") return [documentArn(arns, id)];
    return ["*"];
  },
  read,
});

/**
 * SendCommand acts on its document and on every node it targets. Nodes named by InstanceIds
 * (or a Targets key InstanceIds) are checked here; nodes chosen by tag are known only once the
 * command resolves them, and the operation checks each of them then, before anything is stored.
 */
const sendCommand: OperationRule = {
  resources: (request, arns) => {
    const name = str(request, "DocumentName");
    const resources = [name === undefined ? "*" : documentArn(arns, name)];
    for (const id of strings(request.InstanceIds)) resources.push(nodeArn(arns, id));
    const targets = Array.isArray(request.Targets)
      ? (request.Targets as Record<string, unknown>[])
      : [];
    for (const target of targets) {
      if (target?.Key === "InstanceIds")
        for (const id of strings(target.Values)) resources.push(nodeArn(arns, id));
    }
    return [...new Set(resources)];
  },
};

/** Systems Manager fleet operations: activations, managed nodes, documents, Run Command. */
const ssmFleet: Record<string, OperationRule> = {
  // The activation code is only in the answer, which the audit log never keeps.
  CreateActivation: anything(),
  DescribeActivations: anything(true),
  DeleteActivation: anything(),
  DescribeInstanceInformation: anything(true),
  DeregisterManagedInstance: nodeIn("InstanceId"),
  AddTagsToResource: tagged(),
  RemoveTagsFromResource: tagged(),
  ListTagsForResource: tagged(true),
  CreateDocument: documentIn("Name"),
  GetDocument: documentIn("Name", true),
  DescribeDocument: documentIn("Name", true),
  ListDocuments: anything(true),
  ListDocumentVersions: documentIn("Name", true),
  UpdateDocument: documentIn("Name"),
  UpdateDocumentDefaultVersion: documentIn("Name"),
  DeleteDocument: documentIn("Name"),
  // Parameters may hold {{ssm-secure:...}} references: the names are kept, values never exist here.
  SendCommand: sendCommand,
  ListCommands: anything(true),
  ListCommandInvocations: anything(true),
  GetCommandInvocation: nodeIn("InstanceId", true),
  CancelCommand: anything(),
};

/** Signing name → operation → rule. */
export const AWS_RULES: Record<string, Record<string, OperationRule>> = {
  states,
  events,
  ssm: { ...ssm, ...ssmFleet },
};
