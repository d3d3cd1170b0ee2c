/**
 * SNS Publish input, checked as SNS does (Message, Subject, MessageStructure, MessageAttributes)
 * and rendered for each protocol: with MessageStructure=json each protocol gets its own text
 * (`email`, `http`, `https`, `slack`), falling back to `default`.
 */
import type { SubscriptionProtocol } from "../../store/ops-port.js";
import { invalid } from "../errors.js";

/** SNS's limit on a message with its attributes: 256 KiB. */
export const MAX_MESSAGE_BYTES = 262_144;

/** One message attribute, as SNS takes it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** A checked publish request. */
export interface PublishInput {
  message: string;
  subject?: string;
  structure?: "json";
  attributes?: Record<string, MessageAttribute>;
}

const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$|^String\.Array$/;

/** Checks SNS Publish parameters (as given in a workflow or the API); throws OpsError. */
export function checkPublishInput(raw: {
  Message?: unknown;
  Subject?: unknown;
  MessageStructure?: unknown;
  MessageAttributes?: unknown;
}): PublishInput {
  const message = raw.Message;
  if (typeof message !== "string" || message.length === 0)
    throw invalid("Invalid parameter: Message must be a non-empty string.");
  const input: PublishInput = { message };
  if (raw.Subject !== undefined && raw.Subject !== null) {
    const subject = raw.Subject;
    // SNS: ASCII text starting with a letter, number or punctuation, no line breaks, ≤100 chars.
    if (
      typeof subject !== "string" ||
      subject.length === 0 ||
      subject.length > 100 ||
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
      /[\u0000-\u001f\u007f]/.test(subject)
    )
      throw invalid(
        "Invalid parameter: Subject must be 1-100 characters without line breaks or control characters.",
      );
    input.subject = subject;
  }
  if (raw.MessageStructure !== undefined && raw.MessageStructure !== null) {
    if (raw.MessageStructure !== "json")
      throw invalid("Invalid parameter: MessageStructure must be 'json' when given.");
    checkStructure(message);
    input.structure = "json";
  }
  if (raw.MessageAttributes !== undefined && raw.MessageAttributes !== null)
    input.attributes = checkAttributes(raw.MessageAttributes);
  const size =
    Buffer.byteLength(message) +
    Buffer.byteLength(JSON.stringify(input.attributes ?? {})) +
    Buffer.byteLength(input.subject ?? "");
  if (size > MAX_MESSAGE_BYTES)
    throw invalid(
      `Invalid parameter: Message too long: ${size} bytes with its attributes, the limit is ${MAX_MESSAGE_BYTES}.`,
    );
  return input;
}

function checkStructure(message: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch (error) {
    throw invalid(
      `Invalid parameter: Message Structure - JSON message body failed to parse (${(error as Error).message}).`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw invalid("Invalid parameter: Message Structure - the JSON message must be an object.");
  const entries = Object.entries(parsed);
  if (typeof (parsed as Record<string, unknown>).default !== "string")
    throw invalid("Invalid parameter: Message Structure - No default entry in JSON message body.");
  for (const [key, value] of entries)
    if (typeof value !== "string")
      throw invalid(
        `Invalid parameter: Message Structure - the entry '${key}' must be a string (each protocol's message is text).`,
      );
}

function checkAttributes(raw: unknown): Record<string, MessageAttribute> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid("Invalid parameter: MessageAttributes must be a map of name to attribute.");
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 10)
    throw invalid(`Invalid parameter: at most 10 MessageAttributes, got ${entries.length}.`);
  const out: Record<string, MessageAttribute> = {};
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name))
      throw invalid(`Invalid parameter: message attribute name '${name}' is not allowed.`);
    const attribute = value as Record<string, unknown>;
    if (typeof attribute !== "object" || attribute === null)
      throw invalid(`Invalid parameter: message attribute '${name}' must be an object.`);
    const type = attribute.DataType;
    if (typeof type !== "string" || !DATA_TYPE.test(type))
      throw invalid(
        `Invalid parameter: message attribute '${name}' needs a DataType of String, Number, Binary or String.Array.`,
      );
    if (type.startsWith("Binary")) {
      if (typeof attribute.BinaryValue !== "string")
        throw invalid(`Invalid parameter: message attribute '${name}' needs a BinaryValue.`);
      out[name] = { DataType: type, BinaryValue: attribute.BinaryValue };
      continue;
    }
    const text = attribute.StringValue;
    if (typeof text !== "string" || text.length === 0)
      throw invalid(`Invalid parameter: message attribute '${name}' needs a StringValue.`);
    if (type.startsWith("Number") && !Number.isFinite(Number(text)))
      throw invalid(`Invalid parameter: message attribute '${name}' is not a number: '${text}'.`);
    if (type === "String.Array") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed))
        throw invalid(
          `Invalid parameter: message attribute '${name}' (String.Array) must be a JSON array.`,
        );
    }
    out[name] = { DataType: type, StringValue: text };
  }
  return out;
}

/** The text a protocol receives. */
export function textFor(input: PublishInput, protocol: SubscriptionProtocol): string {
  if (input.structure !== "json") return input.message;
  const texts = JSON.parse(input.message) as Record<string, string>;
  return texts[protocol] ?? texts.default;
}

/** What rendering needs besides the input. */
export interface RenderContext {
  messageId: string;
  topicArn: string;
  timestamp: number;
  /** The topic's display name: the default email subject. */
  displayName?: string;
}

/** The body a protocol's subscriber receives, and the subject (email). */
export function render(
  input: PublishInput,
  protocol: SubscriptionProtocol,
  context: RenderContext,
): { body: string; subject?: string } {
  const text = textFor(input, protocol);
  if (protocol === "email")
    return { body: text, subject: input.subject ?? context.displayName ?? "opsflow notification" };
  if (protocol === "slack")
    // Slack incoming webhooks take `text` with mrkdwn: the subject goes first, in bold.
    return { body: JSON.stringify({ text: input.subject ? `*${input.subject}*\n${text}` : text }) };
  // HTTP(S) subscribers get SNS's notification document.
  const attributes = Object.fromEntries(
    Object.entries(input.attributes ?? {}).map(([name, a]) => [
      name,
      { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue },
    ]),
  );
  return {
    body: JSON.stringify({
      Type: "Notification",
      MessageId: context.messageId,
      TopicArn: context.topicArn,
      ...(input.subject !== undefined && { Subject: input.subject }),
      Message: text,
      Timestamp: new Date(context.timestamp).toISOString(),
      ...(input.attributes && { MessageAttributes: attributes }),
    }),
  };
}
