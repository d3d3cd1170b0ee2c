import { call, connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { deleteVerb, describeVerb, listVerb, verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

/** `opsflow api-destinations ...`: HTTP endpoints called through a connection. */
export const apiDestinationsCommand = nounCommand(
  "api-destinations",
  "API destinations (HTTP targets): create, list, describe, delete",
  {
    create: {
      summary: "Create an API destination",
      usage: `Usage: opsflow api-destinations create NAME --connection NAME|ARN --url URL
       [--method POST] [--rate-limit N] [--description TEXT]

Use its ARN as a rule target (opsflow targets put RULE --id ID --arn ARN).

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          connection: { type: "string" },
          url: { type: "string" },
          method: { type: "string", default: "POST" },
          "rate-limit": { type: "string" },
          description: { type: "string" },
        });
        const name = one(positionals, "API destination NAME");
        if (!values.connection || !values.url)
          throw new UsageError("--connection and --url are required");
        const rate = values["rate-limit"];
        if (rate !== undefined && !/^[1-9]\d*$/.test(rate))
          throw new UsageError("--rate-limit must be a whole number of calls per second");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "POST", "/v1/api-destinations", {
            name,
            connection: values.connection,
            endpoint: values.url,
            httpMethod: (values.method ?? "POST").toUpperCase(),
            ...(rate !== undefined && { rateLimitPerSecond: Number(rate) }),
            ...(values.description !== undefined && { description: values.description }),
          })) as { arn: string };
          return { result, human: result.arn };
        });
      },
    },
    list: listVerb("api-destinations", "/v1/api-destinations", [
      "name",
      "httpMethod",
      "endpoint",
      "arn",
    ]),
    describe: describeVerb("api-destinations", "an API destination", "/v1/api-destinations"),
    delete: deleteVerb("api-destinations", "an API destination", "/v1/api-destinations"),
  },
);
