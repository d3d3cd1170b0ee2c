/**
 * CloudEvents 1.0 over HTTP (binary and structured content modes) as bus events.
 *
 * Shape: source `opsflow.cloudevents`, detail-type = the CloudEvent's `type`, resources
 * `[<CloudEvent source>]`, detail `{ opsflowSource, specversion, id, source, type, subject?,
 * time?, datacontenttype?, dataschema?, extensions: {...}, data }`. JSON data (a JSON media
 * type, or structured mode's `data`) is kept as JSON; other data as text, or `data_base64`
 * for binary content. Batched mode (`application/cloudevents-batch+json`) is not supported.
 */
import type { PutEventsRequestEntry } from "../envelope.js";
import { SourcePayloadError } from "./errors.js";

export const CLOUDEVENTS_SOURCE = "opsflow.cloudevents";

type Obj = Record<string, unknown>;
const CONTEXT = [
  "specversion",
  "id",
  "source",
  "type",
  "subject",
  "time",
  "datacontenttype",
  "dataschema",
];
const JSON_MEDIA = /^application\/([\w.-]+\+)?json\b|^text\/json\b/i;

/** One HTTP request as received. */
export interface CloudEventRequest {
  headers: Headers;
  body: Uint8Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function entryOf(
  attributes: Obj,
  data: Obj,
  sourceName: string,
  busName: string,
): PutEventsRequestEntry {
  for (const name of ["specversion", "id", "source", "type"])
    if (typeof attributes[name] !== "string" || attributes[name] === "")
      throw new SourcePayloadError(`The CloudEvent has no '${name}' attribute.`);
  if (attributes.specversion !== "1.0")
    throw new SourcePayloadError(
      `CloudEvents specversion ${attributes.specversion} is not supported (1.0 is).`,
    );
  const detail: Obj = { opsflowSource: sourceName, extensions: {} };
  for (const [key, value] of Object.entries(attributes)) {
    if (CONTEXT.includes(key)) detail[key] = value;
    else (detail.extensions as Obj)[key] = value;
  }
  Object.assign(detail, data);
  return {
    Source: CLOUDEVENTS_SOURCE,
    DetailType: String(attributes.type).slice(0, 128),
    Detail: JSON.stringify(detail),
    Resources: [String(attributes.source)],
    EventBusName: busName,
  };
}

/** The entry for a CloudEvents HTTP request; throws SourcePayloadError when it is not one. */
export function cloudEventEntry(
  request: CloudEventRequest,
  sourceName: string,
  busName: string,
): PutEventsRequestEntry {
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/cloudevents-batch\+json/i.test(type))
    throw new SourcePayloadError(
      "Batched CloudEvents are not supported; send one event per request.",
    );
  if (/^application\/cloudevents\+json/i.test(type)) {
    let event: unknown;
    try {
      event = JSON.parse(utf8.decode(request.body));
    } catch (error) {
      throw new SourcePayloadError(
        `The structured CloudEvent is not JSON: ${(error as Error).message}`,
      );
    }
    if (typeof event !== "object" || event === null || Array.isArray(event))
      throw new SourcePayloadError("A structured CloudEvent must be a JSON object.");
    const { data, data_base64, ...attributes } = event as Obj;
    const payload: Obj = {};
    if (data !== undefined) payload.data = data;
    if (data_base64 !== undefined) payload.data_base64 = data_base64;
    return entryOf(attributes, payload, sourceName, busName);
  }
  // Binary mode: attributes in ce-* headers, the body is the data.
  const attributes: Obj = {};
  request.headers.forEach((value, key) => {
    if (key.toLowerCase().startsWith("ce-")) attributes[key.slice(3).toLowerCase()] = value;
  });
  if (type !== "") attributes.datacontenttype = type;
  const payload: Obj = {};
  if (request.body.length > 0) {
    if (JSON_MEDIA.test(type)) {
      try {
        payload.data = JSON.parse(utf8.decode(request.body));
      } catch (error) {
        throw new SourcePayloadError(`The event data is not JSON: ${(error as Error).message}`);
      }
    } else {
      try {
        payload.data = utf8.decode(request.body);
      } catch {
        payload.data_base64 = Buffer.from(request.body).toString("base64");
      }
    }
  }
  return entryOf(attributes, payload, sourceName, busName);
}
