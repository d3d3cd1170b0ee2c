/**
 * Systems Manager's parameter API on the AWS endpoint: JSON 1.1,
 * `X-Amz-Target: AmazonSSM.<Operation>`, errors as bare `__type` codes (SSM sends no namespace),
 * all 400 as SSM answers them.
 */
import { ParameterError } from "../../../ops/parameters/errors.js";
import type { ParameterService } from "../../../ops/parameters/service.js";
import { ServiceError } from "../../../runtime/durable/errors.js";
import { InvalidPageTokenError } from "../../../store/paging.js";
import type { AwsServiceHandler } from "../../aws-endpoint.js";
import { AwsError, commonError } from "../errors.js";
import { SYSTEMS_MANAGER } from "../services.js";
import { ssmOperations } from "./operations.js";

/** Maps the parameter service's errors to SSM's. */
function toSsmError(error: unknown): AwsError | undefined {
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

/** The SSM handler over a parameter service; `account` names users in LastModifiedUser. */
export function ssmHandler(parameters: ParameterService, account: string): AwsServiceHandler {
  const operations: AwsServiceHandler["operations"] = {};
  for (const [name, operation] of Object.entries(ssmOperations))
    operations[name] = (request, api, principal) =>
      operation(request, parameters, { api, principal, account });
  return { service: SYSTEMS_MANAGER, operations, toAwsError: toSsmError };
}
