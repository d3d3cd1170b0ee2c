/**
 * The `X-Amz-Target` header of AWS JSON requests: `<TargetPrefix>.<Operation>`, e.g.
 * `AWSStepFunctions.StartExecution`, which selects service and operation (the path is `/`).
 */
import { AwsError, commonError } from "./errors.js";
import { AWS_JSON_SERVICES, type AwsJsonService } from "./services.js";

/** A parsed target: the service and the operation name. */
export interface AwsTarget {
  service: AwsJsonService;
  operation: string;
}

/**
 * Resolves the target header against the known services. A missing, malformed or unknown
 * target is `UnknownOperationException` (400), as AWS answers.
 */
export function parseAwsTarget(
  header: string | undefined,
  services: ReadonlyMap<string, AwsJsonService> = AWS_JSON_SERVICES,
): AwsTarget | AwsError {
  const value = header?.trim();
  if (!value) return commonError("UnknownOperationException", "Missing X-Amz-Target header.");
  const dot = value.lastIndexOf(".");
  const prefix = dot === -1 ? "" : value.slice(0, dot);
  const operation = dot === -1 ? value : value.slice(dot + 1);
  const service = services.get(prefix);
  if (!service || !/^[A-Z][A-Za-z0-9]*$/.test(operation)) {
    return commonError("UnknownOperationException", `Unknown operation ${value}.`);
  }
  return { service, operation };
}

/** True when the value is a parsed target (not an error). */
export function isAwsTarget(value: AwsTarget | AwsError): value is AwsTarget {
  return !(value instanceof AwsError);
}
