/** `opsflow groups ...`: groups of users, their members, roles and inline policies. */
import { UsageError } from "../command.js";
import { apiVerb, seg, table } from "./identity-verbs.js";
import { documentOf } from "./users.js";
import { nounCommand } from "./verbs.js";

type Group = { name: string; members: string[]; roles: string[]; policies: string[] };
const v = (name: string, spec: Parameters<typeof apiVerb>[2]) => apiVerb("groups", name, spec);

/** `opsflow groups ...` */
export const groupsCommand = nounCommand("groups", "Groups: members, roles and policies", {
  create: v("create", {
    summary: "Create a group",
    args: ["NAME"],
    request: ([name]) => ({ method: "POST", path: "/v1/groups", body: { name } }),
    human: (r) => `created group ${(r as Group).name}`,
  }),
  list: v("list", {
    summary: "List groups (name, roles, members)",
    args: [],
    request: () => ({ method: "GET", path: "/v1/groups" }),
    human: (r) =>
      table(
        (r as { items: Group[] }).items.map((g) => [
          g.name,
          g.roles.join(",") || "-",
          g.members.join(",") || "-",
        ]),
      ),
  }),
  describe: v("describe", {
    summary: "Show a group",
    args: ["NAME"],
    request: ([name]) => ({ method: "GET", path: `/v1/groups/${seg(name)}` }),
    human: (r) => JSON.stringify(r, null, 2),
  }),
  delete: v("delete", {
    summary: "Delete a group (its members stay, without what it gave them)",
    args: ["NAME"],
    request: ([name]) => ({ method: "DELETE", path: `/v1/groups/${seg(name)}` }),
    human: (_, [name]) => `deleted group ${name}`,
  }),
  "add-member": v("add-member", {
    summary: "Add a user to the group",
    args: ["NAME", "USER"],
    request: ([name, user]) => ({
      method: "PUT",
      path: `/v1/groups/${seg(name)}/members/${seg(user)}`,
    }),
    human: (_, [name, user]) => `added ${user} to ${name}`,
  }),
  "remove-member": v("remove-member", {
    summary: "Remove a user from the group",
    args: ["NAME", "USER"],
    request: ([name, user]) => ({
      method: "DELETE",
      path: `/v1/groups/${seg(name)}/members/${seg(user)}`,
    }),
    human: (_, [name, user]) => `removed ${user} from ${name}`,
  }),
  "grant-role": v("grant-role", {
    summary: "Grant a role to the group's members (admin, operator, approver, viewer)",
    args: ["NAME", "ROLE"],
    request: ([name, role]) => ({
      method: "PUT",
      path: `/v1/groups/${seg(name)}/roles/${seg(role)}`,
    }),
    human: (_, [name, role]) => `granted ${role} to group ${name}`,
  }),
  "attach-policy": v("attach-policy", {
    summary: "Create or replace an inline policy of the group (IAM-shaped JSON)",
    args: ["NAME", "POLICY"],
    options: { document: "the policy: JSON text or @file" },
    request: ([name, policy], o) => {
      if (!o.document) throw new UsageError("--document JSON|@file is required");
      return {
        method: "PUT",
        path: `/v1/groups/${seg(name)}/policies/${seg(policy)}`,
        body: { document: documentOf(o.document) },
      };
    },
    human: (_, [name, policy]) => `policy ${policy} of group ${name} set`,
  }),
  "detach-policy": v("detach-policy", {
    summary: "Delete an inline policy of the group",
    args: ["NAME", "POLICY"],
    request: ([name, policy]) => ({
      method: "DELETE",
      path: `/v1/groups/${seg(name)}/policies/${seg(policy)}`,
    }),
    human: (_, [name, policy]) => `deleted policy ${policy} of group ${name}`,
  }),
});
