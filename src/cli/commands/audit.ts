/** `opsflow audit lookup`: the audit trail, like CloudTrail's LookupEvents. */
import { apiVerb, table } from "./identity-verbs.js";
import { nounCommand } from "./verbs.js";

type Event = {
  time: string;
  user?: string;
  credentialId?: string;
  action: string;
  outcome: string;
  errorCode?: string;
  resources: string[];
  sourceIp?: string;
};

const FILTERS = [
  "user",
  "access-key-id",
  "action",
  "resource",
  "start-time",
  "end-time",
  "limit",
  "next-token",
];
const camel = (option: string) => option.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** `opsflow audit ...` */
export const auditCommand = nounCommand("audit", "The audit trail (append-only)", {
  lookup: apiVerb("audit", "lookup", {
    summary: "Look up audit events, newest first",
    args: [],
    options: {
      user: "only this user's events",
      "access-key-id": "only this credential's (access key or token id)",
      action: "e.g. states:StartExecution",
      resource: "an ARN",
      "start-time": "ISO 8601, inclusive",
      "end-time": "ISO 8601, inclusive",
      limit: "events per page (1-1000, 50)",
      "next-token": "the next page (printed after a full page)",
    },
    request: (_, o) => {
      const query = new URLSearchParams();
      for (const option of FILTERS) {
        const value = o[option];
        if (value !== undefined)
          query.set(option === "access-key-id" ? "accessKeyId" : camel(option), value);
      }
      const text = query.toString();
      return { method: "GET", path: `/v1/audit/events${text ? `?${text}` : ""}` };
    },
    human: (r) => {
      const page = r as { items: Event[]; nextToken?: string };
      const rows = table(
        page.items.map((e) => [
          e.time,
          e.user,
          e.credentialId,
          e.action,
          e.errorCode ? `${e.outcome}:${e.errorCode}` : e.outcome,
          e.resources.join(",") || "-",
          e.sourceIp,
        ]),
      );
      return page.nextToken ? `${rows}\nnext token: ${page.nextToken}` : rows;
    },
  }),
});
