import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { ExitCode, UsageError } from "../command.js";
import { busHelp, busOption, busQuery, jsonText, one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Rule = {
  name: string;
  arn: string;
  state: string;
  eventBusName: string;
  eventPattern?: string;
  scheduleExpression?: string;
  nextFireTime?: string;
  description?: string;
};

const line = (r: Rule) => `${r.name}\t${r.state}\t${r.eventPattern ?? r.scheduleExpression ?? ""}`;
const path = (name: string) => `/v1/rules/${encodeURIComponent(name)}`;

/** `opsflow rules ...` */
export const rulesCommand = nounCommand(
  "rules",
  "Event rules: put, list, describe, delete; test a pattern against an event",
  {
    put: {
      summary: "Create or update a rule with an event pattern and/or a schedule",
      usage: `Usage: opsflow rules put NAME [--pattern JSON|@FILE] [--schedule EXPR] [--disabled] [--description D] [--bus NAME]

EXPR: rate(5 minutes), cron(0 12 * * ? *) or at(2030-01-01T00:00:00).

${busHelp}${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            ...busOption,
            pattern: { type: "string" },
            schedule: { type: "string" },
            disabled: { type: "boolean", default: false },
            description: { type: "string" },
          },
        });
        const name = one(positionals, "rule NAME");
        if (values.pattern === undefined && values.schedule === undefined)
          throw new UsageError("--pattern or --schedule is needed");
        const body = {
          ...(values.bus && { eventBusName: values.bus }),
          ...(values.pattern !== undefined && {
            eventPattern: jsonText("--pattern", values.pattern),
          }),
          ...(values.schedule !== undefined && { scheduleExpression: values.schedule }),
          state: values.disabled ? "DISABLED" : "ENABLED",
          ...(values.description !== undefined && { description: values.description }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "PUT", path(name), body)) as Rule;
          return { result, human: result.arn };
        });
      },
    },
    list: {
      summary: "List the rules of a bus",
      usage: `Usage: opsflow rules list [--prefix P] [--bus NAME]\n\n${busHelp}${connectionHelp}`,
      async run(args, io) {
        const { values } = parseArgs({
          args,
          options: { ...connectionOptions, ...busOption, prefix: { type: "string" } },
        });
        return runVerb(io, values.json ?? false, async () => {
          const query = busQuery(values.bus, values.prefix ? { prefix: values.prefix } : {});
          const result = (await call(connectionFrom(values), "GET", `/v1/rules${query}`)) as {
            items: Rule[];
          };
          return { result, human: result.items.map(line).join("\n") };
        });
      },
    },
    describe: {
      summary: "Show a rule",
      usage: `Usage: opsflow rules describe NAME [--bus NAME]\n\n${busHelp}${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { ...connectionOptions, ...busOption },
        });
        const name = one(positionals, "rule NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `${path(name)}${busQuery(values.bus)}`,
          )) as Rule;
          const lines = [line(result), result.arn];
          if (result.nextFireTime) lines.push(`next fire: ${result.nextFireTime}`);
          return { result, human: lines.join("\n") };
        });
      },
    },
    delete: {
      summary: "Delete a rule (--force: with its targets)",
      usage: `Usage: opsflow rules delete NAME [--force] [--bus NAME]\n\n${busHelp}${connectionHelp}`,
      async run(args, io) {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...connectionOptions,
            ...busOption,
            force: { type: "boolean", default: false },
          },
        });
        const name = one(positionals, "rule NAME");
        return runVerb(io, values.json ?? false, async () => {
          const query = busQuery(values.bus, values.force ? { force: "true" } : {});
          await call(connectionFrom(values), "DELETE", `${path(name)}${query}`);
          return { result: { deleted: name }, human: "" };
        });
      },
    },
    "test-pattern": {
      summary: "Test an event pattern against an event (exit 0 match, 1 no match)",
      usage: `Usage: opsflow rules test-pattern --pattern JSON|@FILE --event JSON|@FILE\n\n${connectionHelp}`,
      async run(args, io) {
        const { values } = parseArgs({
          args,
          options: { ...connectionOptions, pattern: { type: "string" }, event: { type: "string" } },
        });
        if (values.pattern === undefined || values.event === undefined)
          throw new UsageError("--pattern and --event are required");
        const body = {
          eventPattern: jsonText("--pattern", values.pattern),
          event: jsonText("--event", values.event),
        };
        let noMatch = false;
        const code = await runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            "/v1/rules/test-pattern",
            body,
          )) as { result: boolean };
          noMatch = !result.result;
          return { result, human: result.result ? "match" : "no match" };
        });
        return noMatch && code === ExitCode.Ok ? ExitCode.Failed : code;
      },
    },
  },
);
