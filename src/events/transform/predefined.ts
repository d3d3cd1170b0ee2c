/**
 * The predefined variables of input transformers
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-predefined):
 * - `aws.events.rule-arn`, `aws.events.rule-name`;
 * - `aws.events.event.ingestion-time`: when EventBridge received the event (ISO 8601);
 * - `aws.events.event`: the original event as JSON without its `detail` field;
 * - `aws.events.event.json`: the full original event as JSON.
 * The last two "can only be used as the value of a JSON field, as [their] contents are not
 * escaped". Recorded against AWS (LocalStack snapshot test_input_transformer_predefined_variables),
 * `aws.events.event` names `detail-type` as `detailType` and lists id, account, detailType,
 * time, source, region, resources, version.
 */
import type { Json, JsonObject } from "../../asl/json.js";

/** Names of the predefined variables. */
export const PREDEFINED_VARIABLES = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
] as const;

/** A predefined variable name. */
export type PredefinedVariable = (typeof PREDEFINED_VARIABLES)[number];

/** Predefined variables whose value is a JSON object (value position only). */
export const JSON_ONLY_VARIABLES: ReadonlySet<string> = new Set([
  "aws.events.event",
  "aws.events.event.json",
]);

/** True for a predefined variable name. */
export function isPredefined(name: string): name is PredefinedVariable {
  return (PREDEFINED_VARIABLES as readonly string[]).includes(name);
}

/** What the delivering rule knows about the delivery. */
export interface RuleInfo {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** When the bus received the event. */
  readonly ingestionTime: Date;
}

const EVENT_KEY_ORDER = [
  "id",
  "account",
  "detailType",
  "time",
  "source",
  "region",
  "resources",
  "version",
];

/** The event without `detail`, `detail-type` renamed `detailType`. */
function eventWithoutDetail(event: Json): Json {
  if (event === null || typeof event !== "object" || Array.isArray(event)) return event;
  const renamed: JsonObject = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === "detail") continue;
    renamed[key === "detail-type" ? "detailType" : key] = value;
  }
  const out: JsonObject = {};
  for (const key of EVENT_KEY_ORDER) if (Object.hasOwn(renamed, key)) out[key] = renamed[key];
  for (const [key, value] of Object.entries(renamed))
    if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

/** ISO 8601 at second precision, as EventBridge writes event times. */
export function formatEventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The value of a predefined variable for one delivery. */
export function predefinedValue(name: PredefinedVariable, event: Json, rule: RuleInfo): Json {
  switch (name) {
    case "aws.events.rule-arn":
      return rule.ruleArn;
    case "aws.events.rule-name":
      return rule.ruleName;
    case "aws.events.event.ingestion-time":
      return formatEventTime(rule.ingestionTime);
    case "aws.events.event":
      return eventWithoutDetail(event);
    case "aws.events.event.json":
      return event;
  }
}
