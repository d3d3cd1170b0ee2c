import { call, connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { jsonValue, one } from "../args.js";
import { UsageError } from "../command.js";
import { deleteVerb, describeVerb, listVerb, verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Connection = { name: string; arn: string; state: string };

const TYPES = ["BASIC", "API_KEY", "OAUTH_CLIENT_CREDENTIALS"];

/** AuthParameters from the shorthand flags, or --auth-parameters as given. */
function authParameters(values: Record<string, string | boolean | undefined>, type: string) {
  const given = values["auth-parameters"];
  if (typeof given === "string") return jsonValue("--auth-parameters", given);
  const need = (flag: string) => {
    const value = values[flag];
    if (typeof value !== "string" || value === "")
      throw new UsageError(`--${flag} is required for ${type} (or give --auth-parameters)`);
    return value;
  };
  if (type === "BASIC")
    return { BasicAuthParameters: { Username: need("username"), Password: need("password") } };
  if (type === "API_KEY")
    return {
      ApiKeyAuthParameters: {
        ApiKeyName: need("api-key-name"),
        ApiKeyValue: need("api-key-value"),
      },
    };
  return {
    OAuthParameters: {
      AuthorizationEndpoint: need("authorization-endpoint"),
      HttpMethod: typeof values["oauth-method"] === "string" ? values["oauth-method"] : "POST",
      ClientParameters: { ClientID: need("client-id"), ClientSecret: need("client-secret") },
    },
  };
}

/** `opsflow connections ...`: the authorization of API destinations. */
export const connectionsCommand = nounCommand(
  "connections",
  "Connections (API destination authorization): create, list, describe, delete",
  {
    create: {
      summary: "Create a connection",
      usage: `Usage: opsflow connections create NAME --type BASIC|API_KEY|OAUTH_CLIENT_CREDENTIALS
       [--username U --password P]                         (BASIC)
       [--api-key-name HEADER --api-key-value KEY]         (API_KEY)
       [--authorization-endpoint URL --client-id ID --client-secret S [--oauth-method POST]]
       [--auth-parameters JSON|@FILE]   EventBridge AuthParameters, instead of the flags above
       [--description TEXT]

Secrets are sealed at rest and never shown again.

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          type: { type: "string" },
          username: { type: "string" },
          password: { type: "string" },
          "api-key-name": { type: "string" },
          "api-key-value": { type: "string" },
          "authorization-endpoint": { type: "string" },
          "client-id": { type: "string" },
          "client-secret": { type: "string" },
          "oauth-method": { type: "string" },
          "auth-parameters": { type: "string" },
          description: { type: "string" },
        });
        const name = one(positionals, "connection NAME");
        const type = values.type;
        if (!type || !TYPES.includes(type))
          throw new UsageError(`--type must be one of ${TYPES.join(", ")}`);
        const body = {
          name,
          authorizationType: type,
          authParameters: authParameters(values, type),
          ...(values.description !== undefined && { description: values.description }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            "/v1/connections",
            body,
          )) as Connection;
          return { result, human: result.arn };
        });
      },
    },
    list: listVerb("connections", "/v1/connections", ["name", "authorizationType", "state", "arn"]),
    describe: describeVerb("connections", "a connection (without its secrets)", "/v1/connections"),
    delete: deleteVerb("connections", "a connection no API destination uses", "/v1/connections"),
  },
);
