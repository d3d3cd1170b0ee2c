/**
 * ARN shapes checked at the API boundary. The execution service looks executions up by any
 * string, so a malformed ARN came back as ExecutionDoesNotExist (and a state machine ARN
 * given to ListExecutions was cut to its first seven parts); AWS answers InvalidArn for
 * both. (Better placed in ExecutionService; kept here while src/runtime is being edited.)
 */
import { ServiceError } from "../runtime/durable/errors.js";

const EXECUTION = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(execution|express):[^:]+:[^:]+(:[^:]+)?$/;
const STATE_MACHINE = /^arn:aws[\w-]*:states:[^:]*:[^:]*:stateMachine:[^:]+(:[^:]+)?$/;

/** The ARN when it has an execution's shape; otherwise InvalidArn. */
export function executionArn(arn: string): string {
  if (arn.length > 2048 || !EXECUTION.test(arn))
    throw new ServiceError("InvalidArn", `Invalid Arn: '${arn.slice(0, 256)}'`);
  return arn;
}

/** The ARN when it has a state machine's (version's, alias's) shape; otherwise InvalidArn. */
export function stateMachineArn(arn: string): string {
  if (arn.length > 2048 || !STATE_MACHINE.test(arn))
    throw new ServiceError("InvalidArn", `Invalid Arn: '${arn.slice(0, 256)}'`);
  return arn;
}
