import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Vote = { user: string; decision: string; comment?: string; at: string };
type Approval = {
  id: string;
  title: string;
  status: string;
  approvers: string[];
  quorum: number;
  deadline?: string;
  description?: string;
  data?: unknown;
  votes: Vote[];
};

const line = (a: Approval) => `${a.id}\t${a.status}\t${a.title}`;

/** Exactly one id; the connection options and `--comment`. */
function parse(argv: string[], withComment = false) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...connectionOptions, ...(withComment && { comment: { type: "string" as const } }) },
  });
}

function decide(decision: "approve" | "reject") {
  return {
    summary: `${decision === "approve" ? "Approve" : "Reject"} a request (one vote per person)`,
    usage: `Usage: opsflow approvals ${decision} ID [--comment TEXT]\n\n${connectionHelp}`,
    async run(argv: string[], io: Parameters<typeof runVerb>[0]) {
      const { values, positionals } = parse(argv, true);
      const id = one(positionals, "approval ID");
      const comment = (values as { comment?: string }).comment;
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(
          connectionFrom(values),
          "POST",
          `/v1/approvals/${encodeURIComponent(id)}/${decision}`,
          comment === undefined ? {} : { comment },
        )) as Approval;
        return { result, human: line(result) };
      });
    },
  };
}

/** `opsflow approvals ...`: the approval requests workflows open. */
export const approvalsCommand = nounCommand(
  "approvals",
  "Approval requests: list yours, show, approve, reject",
  {
    list: {
      summary: "List the pending requests you can vote on (--all: every request)",
      usage: `Usage: opsflow approvals list [--all] [--status PENDING|APPROVED|REJECTED|EXPIRED|CANCELLED]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = parseArgs({
          args: argv,
          options: {
            ...connectionOptions,
            all: { type: "boolean", default: false },
            status: { type: "string" },
          },
        });
        const query = new URLSearchParams({
          ...(values.all ? {} : { mine: "true", status: "PENDING" }),
          ...(values.status && { status: values.status.toUpperCase() }),
        }).toString();
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/approvals${query ? `?${query}` : ""}`,
          )) as { items: Approval[] };
          return { result, human: result.items.map(line).join("\n") };
        });
      },
    },
    show: {
      summary: "Show a request with its data and votes",
      usage: `Usage: opsflow approvals show ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parse(argv);
        const id = one(positionals, "approval ID");
        return runVerb(io, values.json ?? false, async () => {
          const a = (await call(
            connectionFrom(values),
            "GET",
            `/v1/approvals/${encodeURIComponent(id)}`,
          )) as Approval;
          const lines = [
            line(a),
            ...(a.description ? [a.description] : []),
            `approvers: ${a.approvers.join(", ")} (quorum ${a.quorum})`,
            ...(a.deadline ? [`deadline: ${a.deadline}`] : []),
            ...(a.data !== undefined ? [`data: ${JSON.stringify(a.data, null, 2)}`] : []),
            ...a.votes.map(
              (v) => `${v.at}\t${v.user}\t${v.decision}${v.comment ? `\t${v.comment}` : ""}`,
            ),
          ];
          return { result: a, human: lines.join("\n") };
        });
      },
    },
    approve: decide("approve"),
    reject: decide("reject"),
  },
);
