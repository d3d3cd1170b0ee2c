import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { ExitCode, UsageError } from "../command.js";
import { busHelp, busOption, jsonText } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type PutResult = {
  failedEntryCount: number;
  entries: ({ eventId: string } | { errorCode: string; errorMessage: string })[];
};

/** `opsflow events put`: PutEvents through the REST API. */
export const eventsCommand = nounCommand("events", "Put events on an event bus", {
  put: {
    summary: "Put one event (answered once it is stored)",
    usage: `Usage: opsflow events put --source S --detail-type T --detail JSON|@FILE [--resources A,B] [--bus NAME]

Prints the event id. Exit 1 when the bus refused the entry (the reason is printed).

${busHelp}${connectionHelp}`,
    async run(args, io) {
      const { values } = parseArgs({
        args,
        options: {
          ...connectionOptions,
          ...busOption,
          source: { type: "string" },
          "detail-type": { type: "string" },
          detail: { type: "string", default: "{}" },
          resources: { type: "string" },
        },
      });
      if (!values.source || !values["detail-type"])
        throw new UsageError("--source and --detail-type are required");
      const detail = jsonText("--detail", values.detail ?? "{}");
      let refused = false;
      const code = await runVerb(io, values.json ?? false, async () => {
        const result = (await call(connectionFrom(values), "POST", "/v1/events", {
          entries: [
            {
              source: values.source,
              detailType: values["detail-type"],
              detail,
              ...(values.resources && { resources: values.resources.split(",") }),
              ...(values.bus && { eventBusName: values.bus }),
            },
          ],
        })) as PutResult;
        const [entry] = result.entries;
        if ("errorCode" in entry) {
          refused = true;
          return { result, human: `refused: ${entry.errorCode}: ${entry.errorMessage}` };
        }
        return { result, human: entry.eventId };
      });
      return refused && code === ExitCode.Ok ? ExitCode.Failed : code;
    },
  },
});
