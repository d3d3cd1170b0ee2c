/**
 * Prometheus Alertmanager webhooks (payload version 4) as bus events: one event per alert.
 *
 * Shape: source `opsflow.alertmanager`, detail-type `Alertmanager Alert`, resources
 * `[generatorURL]` when present, detail
 * `{ source, receiver, status, groupKey, externalURL, groupLabels, commonLabels,
 *    commonAnnotations, alert: { status, labels, annotations, startsAt, endsAt,
 *    generatorURL, fingerprint } }` where `source` is the opsflow source's name. Rules match
 * e.g. `{"source":["opsflow.alertmanager"],"detail":{"alert":{"labels":{"alertname":["HighCPU"]}}}}`.
 */
import type { PutEventsRequestEntry } from "../envelope.js";
import { SourcePayloadError } from "./errors.js";

export const ALERTMANAGER_SOURCE = "opsflow.alertmanager";
export const ALERTMANAGER_DETAIL_TYPE = "Alertmanager Alert";

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The entries for one webhook payload; throws SourcePayloadError when it is not one. */
export function alertmanagerEntries(
  payload: unknown,
  sourceName: string,
  busName: string,
): PutEventsRequestEntry[] {
  if (!isObject(payload)) throw new SourcePayloadError("The body must be a JSON object.");
  if (!Array.isArray(payload.alerts))
    throw new SourcePayloadError("Not an Alertmanager webhook: 'alerts' must be an array.");
  const group = {
    source: sourceName,
    receiver: payload.receiver ?? null,
    status: payload.status ?? null,
    groupKey: payload.groupKey ?? null,
    externalURL: payload.externalURL ?? null,
    groupLabels: payload.groupLabels ?? {},
    commonLabels: payload.commonLabels ?? {},
    commonAnnotations: payload.commonAnnotations ?? {},
  };
  return payload.alerts.map((alert, index) => {
    if (!isObject(alert)) throw new SourcePayloadError(`alerts[${index}] must be an object.`);
    const detail = {
      ...group,
      alert: {
        status: alert.status ?? null,
        labels: alert.labels ?? {},
        annotations: alert.annotations ?? {},
        startsAt: alert.startsAt ?? null,
        endsAt: alert.endsAt ?? null,
        generatorURL: alert.generatorURL ?? null,
        fingerprint: alert.fingerprint ?? null,
      },
    };
    return {
      Source: ALERTMANAGER_SOURCE,
      DetailType: ALERTMANAGER_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
      Resources: typeof alert.generatorURL === "string" ? [alert.generatorURL] : [],
      EventBusName: busName,
    };
  });
}
