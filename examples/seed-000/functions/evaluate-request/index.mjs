/**
 * EvaluateRequest of seed 000: reads the AWS Config compliance-change event and answers
 * `{statusCode: 200, body: {resourceId, resourceType, complianceType}}` for the Choice state.
 * A missing field throws KeyError (the error name the Python original gives), which nothing
 * catches. No I/O.
 */

/** A field the event lacks; named like Python's exception so the error name is upstream's. */
export class KeyError extends Error {
  constructor(path) {
    super(`'${path}'`);
    this.name = "KeyError";
  }
}

function field(event, path) {
  let value = event;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || !(key in value)) throw new KeyError(key);
    value = value[key];
  }
  return value;
}

export async function handler(event) {
  return {
    statusCode: 200,
    body: {
      resourceId: field(event, "detail.resourceId"),
      resourceType: field(event, "detail.resourceType"),
      complianceType: field(event, "detail.newEvaluationResult.complianceType"),
    },
  };
}
