/**
 * The built-in roles, as policy statements. Custom policies attached to users and groups add
 * to them (and can deny what a role allows: explicit deny wins).
 */
import { type PolicyStatement, USERNAME_VARIABLE } from "./policy.js";

/** The names of the built-in roles. */
export const ROLE_NAMES = ["admin", "operator", "approver", "viewer"] as const;

/** A built-in role. */
export type RoleName = (typeof ROLE_NAMES)[number];

/** True when `name` is a built-in role. */
export const isRoleName = (name: string): name is RoleName =>
  (ROLE_NAMES as readonly string[]).includes(name);

const allow = (actions: string[], resources = ["*"]): PolicyStatement => ({
  Effect: "Allow",
  Action: actions,
  Resource: resources,
});

/** Reading everything except identities and the audit trail. */
const READ = allow([
  "states:Describe*",
  "states:List*",
  "states:GetExecutionHistory",
  "states:ValidateStateMachineDefinition",
  "events:Describe*",
  "events:List*",
  "events:TestEventPattern",
  "lambda:ListFunctions",
  "lambda:GetFunction",
  "incidents:Get*",
  // Parameter values (SecureStrings stay ciphertext: decrypting is ssm:DecryptParameter).
  "ssm:Describe*",
  "ssm:Get*",
  // Documents, commands and their output, node tags.
  "ssm:List*",
  "incidents:List*",
  "incidents:Describe*",
  "approvals:Get*",
  "approvals:List*",
  "sns:List*",
  "sns:Get*",
  "iam:ListRoles",
]);

/**
 * What every signed-in user may do to their own user: see it, set their password and second
 * factor, and manage their own credentials. Not their roles, groups or policies.
 */
export const SELF_SERVICE: PolicyStatement = allow(
  [
    "iam:GetUser",
    "iam:UpdateLoginProfile",
    "iam:EnableMFADevice",
    "iam:DeactivateMFADevice",
    "iam:CreateAccessKey",
    "iam:ListAccessKeys",
    "iam:UpdateAccessKey",
    "iam:DeleteAccessKey",
    "iam:CreateApiToken",
    "iam:ListApiTokens",
    "iam:UpdateApiToken",
    "iam:DeleteApiToken",
  ],
  [`arn:aws:iam::*:user/${USERNAME_VARIABLE}`],
);

/** Role name → its statements (SELF_SERVICE is added for every user, whatever the role). */
export const ROLES: Record<RoleName, { description: string; statements: PolicyStatement[] }> = {
  admin: { description: "Everything", statements: [allow(["*"])] },
  operator: {
    description:
      "Read everything; start, stop and redrive executions, send task results, put events, invoke functions, act on incidents, send and cancel commands on managed nodes",
    statements: [
      READ,
      allow([
        "states:StartExecution",
        "states:StartSyncExecution",
        "states:StopExecution",
        "states:RedriveExecution",
        "states:SendTaskSuccess",
        "states:SendTaskFailure",
        "states:SendTaskHeartbeat",
        "states:GetActivityTask",
        "events:PutEvents",
        "lambda:InvokeFunction",
        "incidents:*",
        "sns:Publish",
        "ssm:SendCommand",
        "ssm:CancelCommand",
      ]),
    ],
  },
  approver: {
    description: "Read everything; decide approvals (and the task tokens they wait on)",
    statements: [READ, allow(["approvals:*", "states:SendTaskSuccess", "states:SendTaskFailure"])],
  },
  viewer: { description: "Read everything except users and the audit trail", statements: [READ] },
};
