import { call, connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { describeVerb, listVerb, verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Replay = { name: string; arn: string; state: string };

/** An ISO 8601 time flag. */
function time(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be an ISO 8601 time, not '${value}'`);
  return new Date(ms).toISOString();
}

/** `opsflow replays ...`: replays of archived events to a bus's rules. */
export const replaysCommand = nounCommand("replays", "Replays of archived events", {
  start: {
    summary: "Replay an archive's events of a time window to its bus's rules",
    usage: `Usage: opsflow replays start NAME --archive NAME --from TIME --to TIME [--rules R1,R2] [--description TEXT]

TIME is ISO 8601 (2030-01-01T00:00:00Z). --rules limits the replay to those rules of the
archive's bus. Replayed events carry "replay-name": NAME.

${connectionHelp}`,
    async run(argv, io) {
      const { values, positionals } = verbArgs(argv, {
        archive: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        rules: { type: "string" },
        description: { type: "string" },
      });
      const name = one(positionals, "replay NAME");
      if (!values.archive) throw new UsageError("--archive is required");
      const body = {
        name,
        archiveName: values.archive,
        startTime: time("--from", values.from),
        endTime: time("--to", values.to),
        ...(values.rules && { ruleNames: values.rules.split(",") }),
        ...(values.description !== undefined && { description: values.description }),
      };
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(connectionFrom(values), "POST", "/v1/replays", body)) as Replay;
        return { result, human: `${result.arn}\t${result.state}` };
      });
    },
  },
  list: listVerb("replays", "/v1/replays", ["name", "archiveName", "state", "lastReplayedTime"]),
  describe: describeVerb("replays", "a replay (state and progress)", "/v1/replays"),
  cancel: {
    summary: "Cancel a running replay",
    usage: `Usage: opsflow replays cancel NAME\n\n${connectionHelp}`,
    async run(argv, io) {
      const { values, positionals } = verbArgs(argv, {});
      const name = one(positionals, "replay NAME");
      return runVerb(io, values.json ?? false, async () => {
        const result = (await call(
          connectionFrom(values),
          "POST",
          `/v1/replays/${encodeURIComponent(name)}/cancel`,
        )) as Replay;
        return { result, human: result.state };
      });
    },
  },
});
