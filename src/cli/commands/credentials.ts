/** `opsflow access-keys ...` and `opsflow tokens ...`: a user's credentials. */
import { apiVerb, seg, table } from "./identity-verbs.js";
import { nounCommand } from "./verbs.js";

type Item = {
  status: string;
  createdAt: string;
  lastUsedAt?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
};

function credentialCommand(noun: "access-keys" | "tokens", what: string) {
  const v = (name: string, spec: Parameters<typeof apiVerb>[2]) => apiVerb(noun, name, spec);
  const base = (user: string) => `/v1/users/${seg(user)}/${noun}`;
  const idOf = (item: Item) =>
    (item as Item & { accessKeyId?: string; id?: string }).accessKeyId ??
    (item as { id?: string }).id;
  const status = (verb: "activate" | "deactivate") =>
    v(verb, {
      summary: `${verb === "activate" ? "Activate" : "Deactivate"} an ${what}`,
      args: ["USER", "ID"],
      request: ([user, id]) => ({ method: "POST", path: `${base(user)}/${seg(id)}/${verb}` }),
      human: (_, [, id]) => `${id} ${verb}d`,
    });
  return nounCommand(noun, `A user's ${what}s: create, list, activate, deactivate, delete`, {
    create: v("create", {
      summary: `Create an ${what} for a user (the secret is printed only now)`,
      args: ["USER"],
      ...(noun === "tokens" && { options: { description: "what the token is for" } }),
      request: ([user], o) => ({
        method: "POST",
        path: base(user),
        ...(noun === "tokens" && { body: o.description ? { description: o.description } : {} }),
      }),
      human: (r) => {
        const c = r as {
          accessKeyId?: string;
          secretAccessKey?: string;
          id?: string;
          token?: string;
        };
        return noun === "tokens"
          ? `id:    ${c.id}\ntoken: ${c.token}\n(shown only now)`
          : `access key id:     ${c.accessKeyId}\nsecret access key: ${c.secretAccessKey}\n(shown only now)`;
      },
    }),
    list: v("list", {
      summary: `List a user's ${what}s with status and last use`,
      args: ["USER"],
      request: ([user]) => ({ method: "GET", path: base(user) }),
      human: (r) =>
        table(
          (r as { items: Item[] }).items.map((i) => [
            idOf(i),
            i.status,
            i.createdAt,
            i.lastUsedAt,
            i.lastUsedService,
            i.lastUsedRegion,
          ]),
        ),
    }),
    activate: status("activate"),
    deactivate: status("deactivate"),
    delete: v("delete", {
      summary: `Delete an ${what}`,
      args: ["USER", "ID"],
      request: ([user, id]) => ({ method: "DELETE", path: `${base(user)}/${seg(id)}` }),
      human: (_, [, id]) => `deleted ${id}`,
    }),
  });
}

/** `opsflow access-keys ...` */
export const accessKeysCommand = credentialCommand("access-keys", "access key");
/** `opsflow tokens ...` */
export const tokensCommand = credentialCommand("tokens", "API token");
