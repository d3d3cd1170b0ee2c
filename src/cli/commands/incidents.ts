import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Entry = { at: string; kind: string; actor: string; text?: string; data?: unknown };
type Incident = {
  id: string;
  title: string;
  severity: string;
  status: string;
  assignee?: string;
  dedupKey?: string;
  resolution?: string;
  timeline: Entry[];
};

const line = (i: Incident) =>
  `${i.id}\t${i.status}\t${i.severity}\t${i.assignee ?? "-"}\t${i.title}`;

/** A verb that POSTs to `/v1/incidents/ID/<path>` with a body built from `--text`-like options. */
function act(
  path: string,
  summary: string,
  usage: string,
  option: string | undefined,
  body: (value: string | undefined) => Record<string, string>,
) {
  return {
    summary,
    usage: `Usage: opsflow incidents ${usage}\n\n${connectionHelp}`,
    async run(argv: string[], io: Parameters<typeof runVerb>[0]) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { ...connectionOptions, ...(option && { [option]: { type: "string" as const } }) },
      });
      const id = one(positionals, "incident ID");
      const value = option
        ? ((values as Record<string, unknown>)[option] as string | undefined)
        : undefined;
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(
          connectionFrom(values),
          "POST",
          `/v1/incidents/${encodeURIComponent(id)}/${path}`,
          body(value),
        )) as Incident;
        return { result, human: line(result) };
      });
    },
  };
}

const optional = (key: string) => (value: string | undefined) =>
  value === undefined ? {} : { [key]: value };
const required = (key: string) => (value: string | undefined) => ({ [key]: value ?? "" });

/** `opsflow incidents ...`: incidents opened by workflows or by hand. */
export const incidentsCommand = nounCommand(
  "incidents",
  "Incidents: list, show, acknowledge, resolve, close, add notes",
  {
    list: {
      summary: "List incidents (filters: --status, --severity, --assignee)",
      usage: `Usage: opsflow incidents list [--status open|acknowledged|resolved|closed] [--severity critical|high|medium|low] [--assignee USER]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = parseArgs({
          args: argv,
          options: {
            ...connectionOptions,
            status: { type: "string" },
            severity: { type: "string" },
            assignee: { type: "string" },
          },
        });
        const query = new URLSearchParams({
          ...(values.status && { status: values.status }),
          ...(values.severity && { severity: values.severity }),
          ...(values.assignee && { assignee: values.assignee }),
        }).toString();
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/incidents${query ? `?${query}` : ""}`,
          )) as { items: Incident[] };
          return { result, human: result.items.map(line).join("\n") };
        });
      },
    },
    show: {
      summary: "Show an incident with its timeline",
      usage: `Usage: opsflow incidents show ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = parseArgs({
          args: argv,
          allowPositionals: true,
          options: connectionOptions,
        });
        const id = one(positionals, "incident ID");
        return runVerb(io, values.json ?? false, async () => {
          const i = (await call(
            connectionFrom(values),
            "GET",
            `/v1/incidents/${encodeURIComponent(id)}`,
          )) as Incident;
          const lines = [
            line(i),
            ...(i.dedupKey ? [`dedup key: ${i.dedupKey}`] : []),
            ...(i.resolution ? [`resolution: ${i.resolution}`] : []),
            ...i.timeline.map(
              (e) =>
                `${e.at}\t${e.kind}\t${e.actor}${e.text ? `\t${e.text}` : ""}${
                  e.data !== undefined ? `\t${JSON.stringify(e.data)}` : ""
                }`,
            ),
          ];
          return { result: i, human: lines.join("\n") };
        });
      },
    },
    ack: act(
      "acknowledge",
      "Acknowledge an open incident",
      "ack ID [--note TEXT]",
      "note",
      optional("note"),
    ),
    resolve: act(
      "resolve",
      "Resolve an incident",
      "resolve ID --resolution TEXT",
      "resolution",
      required("resolution"),
    ),
    close: act(
      "close",
      "Close a resolved incident",
      "close ID [--note TEXT]",
      "note",
      optional("note"),
    ),
    note: act(
      "notes",
      "Add a note to the timeline",
      "note ID --text TEXT",
      "text",
      required("text"),
    ),
    assign: act("assign", "Assign to a user", "assign ID --to USER", "to", (v) => ({
      assignee: v ?? "",
    })),
  },
);
