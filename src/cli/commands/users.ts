/** `opsflow users ...`: users, their roles, passwords, second factors and policies. */
import { readFileSync } from "node:fs";
import { UsageError } from "../command.js";
import { apiVerb, seg, table } from "./identity-verbs.js";
import { nounCommand } from "./verbs.js";

type User = {
  name: string;
  roles: string[];
  groups: string[];
  hasPassword: boolean;
  totpEnabled: boolean;
};
const row = (u: User) => [
  u.name,
  u.roles.join(",") || "-",
  u.groups.join(",") || "-",
  u.totpEnabled ? "totp" : "",
];
const v = (name: string, spec: Parameters<typeof apiVerb>[2]) => apiVerb("users", name, spec);

/** A policy document from `--document JSON` or `--document @file`. */
export function documentOf(value: string | undefined): unknown {
  if (!value) throw new UsageError("--document JSON|@file is required");
  const text = value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--document is not JSON: ${(error as Error).message}`);
  }
}

/** `opsflow users ...` */
export const usersCommand = nounCommand("users", "Users, roles, passwords, TOTP and policies", {
  create: v("create", {
    summary: "Create a user (--password for console login, --email for approval mails)",
    args: ["NAME"],
    options: {
      password: "a console password (10+ characters)",
      email: "where approval requests for the user are mailed",
    },
    request: ([name], o) => ({
      method: "POST",
      path: "/v1/users",
      body: {
        name,
        ...(o.password && { password: o.password }),
        ...(o.email && { email: o.email }),
      },
    }),
    human: (r) => `created user ${(r as User).name}`,
  }),
  list: v("list", {
    summary: "List users (name, roles, groups)",
    args: [],
    request: () => ({ method: "GET", path: "/v1/users" }),
    human: (r) => table((r as { items: User[] }).items.map(row)),
  }),
  describe: v("describe", {
    summary: "Show a user",
    args: ["NAME"],
    request: ([name]) => ({ method: "GET", path: `/v1/users/${seg(name)}` }),
    human: (r) => JSON.stringify(r, null, 2),
  }),
  delete: v("delete", {
    summary: "Delete a user and its credentials",
    args: ["NAME"],
    request: ([name]) => ({ method: "DELETE", path: `/v1/users/${seg(name)}` }),
    human: (_, [name]) => `deleted user ${name}`,
  }),
  "set-password": v("set-password", {
    summary: "Set a user's console password",
    args: ["NAME"],
    options: { password: "the new password" },
    request: ([name], o) => {
      if (!o.password) throw new UsageError("--password is required");
      return {
        method: "PUT",
        path: `/v1/users/${seg(name)}/password`,
        body: { password: o.password },
      };
    },
    human: (_, [name]) => `password of ${name} set`,
  }),
  "set-email": v("set-email", {
    summary: "Set the address a user's approval requests are mailed to",
    args: ["NAME", "EMAIL"],
    request: ([name, email]) => ({
      method: "PUT",
      path: `/v1/users/${seg(name)}/email`,
      body: { email },
    }),
    human: (_, [name]) => `email of ${name} set`,
  }),
  "clear-email": v("clear-email", {
    summary: "Remove a user's email address",
    args: ["NAME"],
    request: ([name]) => ({
      method: "PUT",
      path: `/v1/users/${seg(name)}/email`,
      body: { email: null },
    }),
    human: (_, [name]) => `email of ${name} cleared`,
  }),
  "enable-totp": v("enable-totp", {
    summary: "Turn on a TOTP second factor (prints the secret and otpauth URI once)",
    args: ["NAME"],
    request: ([name]) => ({ method: "POST", path: `/v1/users/${seg(name)}/totp` }),
    human: (r) => {
      const t = r as { secret: string; uri: string };
      return `secret: ${t.secret}\nuri:    ${t.uri}\n(shown only now)`;
    },
  }),
  "disable-totp": v("disable-totp", {
    summary: "Turn off the TOTP second factor",
    args: ["NAME"],
    request: ([name]) => ({ method: "DELETE", path: `/v1/users/${seg(name)}/totp` }),
    human: (_, [name]) => `TOTP of ${name} off`,
  }),
  "grant-role": v("grant-role", {
    summary: "Grant a role (admin, operator, approver, viewer)",
    args: ["NAME", "ROLE"],
    request: ([name, role]) => ({
      method: "PUT",
      path: `/v1/users/${seg(name)}/roles/${seg(role)}`,
    }),
    human: (_, [name, role]) => `granted ${role} to ${name}`,
  }),
  "revoke-role": v("revoke-role", {
    summary: "Revoke a role",
    args: ["NAME", "ROLE"],
    request: ([name, role]) => ({
      method: "DELETE",
      path: `/v1/users/${seg(name)}/roles/${seg(role)}`,
    }),
    human: (_, [name, role]) => `revoked ${role} from ${name}`,
  }),
  "put-policy": v("put-policy", {
    summary: "Create or replace an inline policy (IAM-shaped JSON)",
    args: ["NAME", "POLICY"],
    options: { document: "the policy: JSON text or @file" },
    request: ([name, policy], o) => ({
      method: "PUT",
      path: `/v1/users/${seg(name)}/policies/${seg(policy)}`,
      body: { document: documentOf(o.document) },
    }),
    human: (_, [name, policy]) => `policy ${policy} of ${name} set`,
  }),
  "delete-policy": v("delete-policy", {
    summary: "Delete an inline policy",
    args: ["NAME", "POLICY"],
    request: ([name, policy]) => ({
      method: "DELETE",
      path: `/v1/users/${seg(name)}/policies/${seg(policy)}`,
    }),
    human: (_, [name, policy]) => `deleted policy ${policy} of ${name}`,
  }),
});
