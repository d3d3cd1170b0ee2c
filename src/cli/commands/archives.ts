import { call, connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { jsonText, one } from "../args.js";
import { UsageError } from "../command.js";
import { busHelp } from "./event-args.js";
import { deleteVerb, describeVerb, listVerb, verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

/** `opsflow archives ...`: archives of a bus's events. */
export const archivesCommand = nounCommand(
  "archives",
  "Event archives: create, list, describe, delete",
  {
    create: {
      summary: "Create an archive of a bus's events (those matching --pattern, or all)",
      usage: `Usage: opsflow archives create NAME [--pattern JSON|@FILE] [--retention-days N] [--description TEXT] [--bus NAME]

--retention-days 0 (the default) keeps events forever.

${busHelp}${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          bus: { type: "string" },
          pattern: { type: "string" },
          "retention-days": { type: "string" },
          description: { type: "string" },
        });
        const name = one(positionals, "archive NAME");
        const days = values["retention-days"];
        if (days !== undefined && !/^\d+$/.test(days))
          throw new UsageError("--retention-days must be a whole number of days");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "POST", "/v1/archives", {
            name,
            ...(values.bus && { eventBusName: values.bus }),
            ...(values.pattern !== undefined && {
              eventPattern: jsonText("--pattern", values.pattern),
            }),
            ...(days !== undefined && { retentionDays: Number(days) }),
            ...(values.description !== undefined && { description: values.description }),
          })) as { arn: string };
          return { result, human: result.arn };
        });
      },
    },
    list: listVerb("archives", "/v1/archives", [
      "name",
      "eventBusName",
      "state",
      "eventCount",
      "retentionDays",
    ]),
    describe: describeVerb("archives", "an archive", "/v1/archives"),
    delete: deleteVerb("archives", "an archive and its events", "/v1/archives"),
  },
);
