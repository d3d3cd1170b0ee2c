/**
 * NotifySecurity of seed 001: publishes to the security topic (TOPIC_ARN, an opsflow topic,
 * through POST /v1/topics/{name}/messages). With `error-info` (the Catch path) it sends the
 * fixed "could not delete" alert; otherwise the summary: who, which key, when, then the
 * tab-indented `name: count` lists. Returns null, as upstream.
 */
import { api, ConfigurationError } from "./opsflow-client.mjs";

function topicName() {
  const arn = process.env.TOPIC_ARN ?? "";
  const match = /^arn:aws[\w-]*:sns:[^:]*:[^:]*:([A-Za-z0-9_-]{1,256})$/.exec(arn);
  if (!match) throw new ConfigurationError(`TOPIC_ARN '${arn}' is not a topic ARN.`);
  return match[1];
}

const list = (pairs) => pairs.map(([name, count]) => `\t${name}: ${count}`).join("\n");

/** Subject and text of the notice for `event`. */
export function notice(event) {
  if (event["error-info"] !== undefined) {
    const key = event.detail?.affectedEntities?.[0]?.entityValue ?? "(unknown)";
    return {
      subject: "Security Alert: Exposed IAM Key - Error Deleting Key",
      message: [
        `An access key (${key}) was reported as exposed, and it could not be deleted automatically.`,
        "Check the Personal Health Dashboard (here: the event on the opsflow bus) and the",
        "access keys in opsflow, and delete or deactivate the key by hand if it still exists.",
        "",
        `Error: ${event["error-info"].Error}`,
      ].join("\n"),
    };
  }
  return {
    subject: `Security Alert: Exposed IAM Key For User ${event.username} On Account ${event.account_id}`,
    message: [
      `At ${event.time_discovered} the access key ${event.deleted_key} of user ${event.username}`,
      `on account ${event.account_id} was reported as exposed. It has been deleted.`,
      "",
      `What the key did between ${event.window_start} and ${event.window_end}` +
        ` (${event.events_examined} audit events${event.events_truncated ? ", truncated" : ""}):`,
      "",
      "Actions:",
      list(event.event_names),
      "Resource Names:",
      list(event.resource_names),
      "Resource Types:",
      list(event.resource_types),
    ].join("\n"),
  };
}

export async function handler(event) {
  const { subject, message } = notice(event);
  // SNS (and opsflow) take subjects of at most 100 characters; long user names are cut.
  await api("POST", `/v1/topics/${topicName()}/messages`, {
    subject: subject.length > 100 ? `${subject.slice(0, 99)}…` : subject,
    message,
  });
  return null;
}
