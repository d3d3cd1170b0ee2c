import { parseArgs } from "node:util";
import { call, connectionFrom, connectionHelp, connectionOptions, runVerb } from "../api-client.js";
import { UsageError } from "../command.js";
import { jsonText, one } from "./event-args.js";
import { nounCommand } from "./verbs.js";

type Topic = { name: string; arn: string; displayName?: string };
type Subscription = {
  id: string;
  protocol: string;
  endpoint: string;
  status: string;
  secret?: string;
};
type Delivery = {
  id: number;
  protocol: string;
  endpoint: string;
  status: string;
  attempts: number;
  lastError?: string;
};

const topicPath = (name: string) => `/v1/topics/${encodeURIComponent(name)}`;

/** Parses a verb's flags (connection options included) and positionals. */
function args<T extends Record<string, { type: "string" | "boolean"; default?: string | boolean }>>(
  argv: string[],
  options: T,
) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...connectionOptions, ...options },
  });
}

/** `opsflow topics ...`: notification topics, subscriptions, publishing and deliveries. */
export const topicsCommand = nounCommand(
  "topics",
  "Notification topics: create, list, delete, subscribe, publish, deliveries",
  {
    create: {
      summary: "Create a topic",
      usage: `Usage: opsflow topics create NAME [--display-name TEXT]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, { "display-name": { type: "string" } });
        const name = one(positionals, "topic NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "POST", "/v1/topics", {
            name,
            ...(values["display-name"] !== undefined && { displayName: values["display-name"] }),
          })) as Topic;
          return { result, human: result.arn };
        });
      },
    },
    list: {
      summary: "List topics",
      usage: `Usage: opsflow topics list\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = args(argv, {});
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(connectionFrom(values), "GET", "/v1/topics")) as {
            items: Topic[];
          };
          return { result, human: result.items.map((t) => `${t.name}\t${t.arn}`).join("\n") };
        });
      },
    },
    delete: {
      summary: "Delete a topic and its subscriptions",
      usage: `Usage: opsflow topics delete NAME\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, {});
        const name = one(positionals, "topic NAME");
        return runVerb(io, values.json ?? false, async () => {
          await call(connectionFrom(values), "DELETE", topicPath(name));
          return { result: { deleted: name }, human: "" };
        });
      },
    },
    subscribe: {
      summary: "Subscribe an email address or a webhook (http, https, slack)",
      usage: `Usage: opsflow topics subscribe NAME --protocol email|http|https|slack --to ADDRESS_OR_URL

Email subscriptions are pending until the mailed link is used. Webhook subscriptions print
their HMAC secret once: requests carry X-Opsflow-Signature: sha256=HMAC(secret, body).

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, {
          protocol: { type: "string" },
          // Not --endpoint: that flag names the opsflow server.
          to: { type: "string" },
        });
        const name = one(positionals, "topic NAME");
        if (!values.protocol || !values.to) throw new UsageError("--protocol and --to are needed");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            `${topicPath(name)}/subscriptions`,
            {
              protocol: values.protocol,
              endpoint: values.to,
            },
          )) as Subscription;
          const lines = [`${result.id}\t${result.status}`];
          if (result.secret) lines.push(`secret (shown only now): ${result.secret}`);
          return { result, human: lines.join("\n") };
        });
      },
    },
    subscriptions: {
      summary: "List a topic's subscriptions",
      usage: `Usage: opsflow topics subscriptions NAME\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, {});
        const name = one(positionals, "topic NAME");
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `${topicPath(name)}/subscriptions`,
          )) as {
            items: Subscription[];
          };
          return {
            result,
            human: result.items
              .map((s) => `${s.id}\t${s.protocol}\t${s.status}\t${s.endpoint}`)
              .join("\n"),
          };
        });
      },
    },
    unsubscribe: {
      summary: "Delete a subscription",
      usage: `Usage: opsflow topics unsubscribe SUBSCRIPTION_ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, {});
        const id = one(positionals, "SUBSCRIPTION_ID");
        return runVerb(io, values.json ?? false, async () => {
          await call(
            connectionFrom(values),
            "DELETE",
            `/v1/subscriptions/${encodeURIComponent(id)}`,
          );
          return { result: { deleted: id }, human: "" };
        });
      },
    },
    publish: {
      summary: "Publish a message (SNS Publish parameters)",
      usage: `Usage: opsflow topics publish NAME --message TEXT [--subject S] [--structure json] [--attributes JSON|@FILE]

--structure json: the message is a JSON object of texts per protocol (default, email, http,
https, slack). --attributes: SNS MessageAttributes ({"name":{"DataType":"String","StringValue":"v"}}).

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = args(argv, {
          message: { type: "string" },
          subject: { type: "string" },
          structure: { type: "string" },
          attributes: { type: "string" },
        });
        const name = one(positionals, "topic NAME");
        if (values.message === undefined) throw new UsageError("--message is needed");
        const body = {
          message: values.message,
          ...(values.subject !== undefined && { subject: values.subject }),
          ...(values.structure !== undefined && { messageStructure: values.structure }),
          ...(values.attributes !== undefined && {
            messageAttributes: JSON.parse(jsonText("--attributes", values.attributes)),
          }),
        };
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "POST",
            `${topicPath(name)}/messages`,
            body,
          )) as {
            messageId: string;
          };
          return { result, human: result.messageId };
        });
      },
    },
    deliveries: {
      summary: "Show deliveries: delivered, failed (and why), attempts",
      usage: `Usage: opsflow topics deliveries [--topic NAME] [--status pending|delivered|failed] [--message-id ID]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = args(argv, {
          topic: { type: "string" },
          status: { type: "string" },
          "message-id": { type: "string" },
        });
        const query = new URLSearchParams({
          ...(values.topic && { topic: values.topic }),
          ...(values.status && { status: values.status }),
          ...(values["message-id"] && { messageId: values["message-id"] }),
        }).toString();
        return runVerb(io, values.json ?? false, async () => {
          const result = (await call(
            connectionFrom(values),
            "GET",
            `/v1/notification-deliveries${query ? `?${query}` : ""}`,
          )) as { items: Delivery[] };
          return {
            result,
            human: result.items
              .map(
                (d) =>
                  `${d.id}\t${d.status}\t${d.attempts}\t${d.protocol}\t${d.endpoint}${d.lastError ? `\t${d.lastError}` : ""}`,
              )
              .join("\n"),
          };
        });
      },
    },
  },
);
