/**
 * OpenIncident (state OpenIncidentTicket) of seed 000: opens an opsflow incident for the
 * non-compliant resource (POST /v1/incidents) and answers `{statusCode: 200, ticketNumber}`
 * with the incident's id. The dedup key (Config rule + resource) makes the state's Retry safe:
 * a second attempt, or a second event while the incident is open, adds to that incident's
 * timeline instead of opening another.
 */
import { api } from "./opsflow-client.mjs";

export async function handler(state) {
  const { EvaluateRequestOutput: evaluation, ...event } = state;
  const { resourceId, resourceType, complianceType } = evaluation.body;
  const rule = event.detail?.configRuleName ?? "config-rule";
  const incident = await api("POST", "/v1/incidents", {
    title: `${rule}: ${resourceType} ${resourceId} is ${complianceType}`,
    severity: "high",
    dedupKey: `config/${rule}/${resourceId}`,
    sourceEvent: event,
    description: `AWS Config rule ${rule} found ${resourceId} ${complianceType}; remediation runs automatically.`,
  });
  return { statusCode: 200, ticketNumber: incident.id };
}
