/**
 * ARNs of the resources permissions are checked on, in AWS's shapes (so policies written for
 * AWS read the same here). Event bus names may be given as ARNs, as EventBridge allows.
 */

/** Builds resource ARNs for one region and account. */
export interface ResourceArns {
  stateMachine(name: string): string;
  activity(name: string): string;
  function(name: string): string;
  bus(nameOrArn?: string): string;
  rule(name: string, bus?: string): string;
  connection(name: string): string;
  apiDestination(name: string): string;
  archive(name: string): string;
  replay(name: string): string;
  source(kind: string, name: string): string;
  user(name: string): string;
  group(name: string): string;
  /** A notification topic, shaped like an SNS topic. */
  topic(name: string): string;
  /** An approval request. */
  approval(id: string): string;
  /** An incident. */
  incident(id: string): string;
  /** A parameter (`/a/b` or `a`), shaped as SSM's: `...:parameter/a/b`. */
  parameter(name: string): string;
  /** A team (business unit with quotas). */
  team(name: string): string;
  /** A managed node, `...:managed-instance/mi-...`. */
  managedInstance(id: string): string;
  /**
   * An SSM document. AWS-owned ones (names starting AWS-, Amazon or AMZN, which nobody else may
   * take) have no account, as in AWS: `arn:aws:ssm:REGION::document/AWS-RunShellScript`.
   */
  document(name: string): string;
}

const AWS_OWNED_DOCUMENT = /^(aws-|amazon|amzn)/i;

const busName = (nameOrArn: string | undefined) => {
  if (!nameOrArn) return "default";
  const at = nameOrArn.indexOf(":event-bus/");
  return at >= 0 ? nameOrArn.slice(at + ":event-bus/".length) : nameOrArn;
};

/** The ARN builder for `region` and `account`. */
export function resourceArns(region: string, account: string): ResourceArns {
  const states = `arn:aws:states:${region}:${account}`;
  const events = `arn:aws:events:${region}:${account}`;
  const iam = `arn:aws:iam::${account}`;
  return {
    stateMachine: (name) => `${states}:stateMachine:${name}`,
    activity: (name) => `${states}:activity:${name}`,
    function: (name) => `arn:aws:lambda:${region}:${account}:function:${name}`,
    bus: (nameOrArn) => `${events}:event-bus/${busName(nameOrArn)}`,
    rule: (name, bus) => {
      const b = busName(bus);
      return b === "default" ? `${events}:rule/${name}` : `${events}:rule/${b}/${name}`;
    },
    connection: (name) => `${events}:connection/${name}`,
    apiDestination: (name) => `${events}:api-destination/${name}`,
    archive: (name) => `${events}:archive/${name}`,
    replay: (name) => `${events}:replay/${name}`,
    source: (kind, name) => `${events}:source/${kind}/${name}`,
    user: (name) => `${iam}:user/${name}`,
    group: (name) => `${iam}:group/${name}`,
    topic: (name) => `arn:aws:sns:${region}:${account}:${name}`,
    approval: (id) => `arn:aws:opsflow:${region}:${account}:approval/${id}`,
    incident: (id) => `arn:aws:opsflow:${region}:${account}:incident/${id}`,
    parameter: (name) =>
      `arn:aws:ssm:${region}:${account}:parameter/${name.startsWith("/") ? name.slice(1) : name}`,
    team: (name) => `arn:aws:opsflow:${region}:${account}:team/${name}`,
    managedInstance: (id) => `arn:aws:ssm:${region}:${account}:managed-instance/${id}`,
    document: (name) =>
      `arn:aws:ssm:${region}:${AWS_OWNED_DOCUMENT.test(name) ? "" : account}:document/${name}`,
  };
}
