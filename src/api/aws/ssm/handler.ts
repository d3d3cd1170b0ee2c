/**
 * Systems Manager's parameter and fleet APIs on the AWS endpoint: JSON 1.1,
 * `X-Amz-Target: AmazonSSM.<Operation>`, errors as bare `__type` codes (SSM sends no namespace),
 * all 400 as SSM answers them.
 */
import { FleetError } from "../../../fleet/errors.js";
import type { Fleet } from "../../../fleet/index.js";
import type { Clock } from "../../../kernel/clock.js";
import { ParameterError } from "../../../ops/parameters/errors.js";
import type { ParameterService } from "../../../ops/parameters/service.js";
import { ServiceError } from "../../../runtime/durable/errors.js";
import { InvalidPageTokenError } from "../../../store/paging.js";
import type { AwsServiceHandler } from "../../aws-endpoint.js";
import { AwsError, commonError } from "../errors.js";
import { SYSTEMS_MANAGER } from "../services.js";
import { fleetOperations } from "./fleet-operations.js";
import { ssmOperations } from "./operations.js";

/** Maps the parameter service's and the fleet's errors to SSM's. */
function toSsmError(error: unknown): AwsError | undefined {
  // The agent endpoint's own refusals (AgentUnauthorized, AgentForbidden) never reach here.
  if (error instanceof FleetError)
    return error.code === "AccessDeniedException"
      ? commonError("AccessDeniedException", error.message)
      : new AwsError(error.code, error.message);
  if (error instanceof ParameterError)
    return error.code === "AccessDeniedException"
      ? commonError("AccessDeniedException", error.message)
      : new AwsError(error.code, error.message);
  if (error instanceof InvalidPageTokenError)
    return new AwsError("InvalidNextToken", "The specified token isn't valid.");
  if (error instanceof ServiceError && error.code === "ValidationException")
    return new AwsError("ValidationException", error.message);
  return undefined;
}

/**
 * The SSM handler over a parameter service and the fleet; `account` names users in
 * LastModifiedUser and owns documents, `clock` says whether activations expired.
 */
export function ssmHandler(
  parameters: ParameterService,
  account: string,
  fleet: Fleet,
  clock: Clock,
): AwsServiceHandler {
  const operations: AwsServiceHandler["operations"] = {};
  for (const [name, operation] of Object.entries(ssmOperations))
    operations[name] = (request, api, principal) =>
      operation(request, parameters, { api, principal, account });
  const now = () => clock.now();
  for (const [name, operation] of Object.entries(fleetOperations))
    operations[name] = (request, api, principal) =>
      operation(request, { fleet, api, principal, now, account, region: api.auth.region });
  return { service: SYSTEMS_MANAGER, operations, toAwsError: toSsmError };
}
