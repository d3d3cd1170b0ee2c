/**
 * ARN shapes checked at the API boundary. The services look resources up by any string, so a
 * malformed ARN came back as *DoesNotExist (or, for a delete, as success; and a state machine
 * ARN given to ListExecutions was cut to its first seven parts); AWS answers InvalidArn for
 * all of them. (Better placed in the services; kept here while src/runtime is being edited.)
 */
import { ServiceError } from "../runtime/durable/errors.js";

const PREFIX = "^arn:aws[\\w-]*:states:[^:]*:[^:]*:";
const EXECUTION = new RegExp(`${PREFIX}(execution|express):[^:]+:[^:]+(:[^:]+)?$`);
const STATE_MACHINE = new RegExp(`${PREFIX}stateMachine:[^:]+(:[^:]+)?$`);
const VERSION = new RegExp(`${PREFIX}stateMachine:[^:]+:\\d+$`);
const ALIAS = new RegExp(`${PREFIX}stateMachine:[^:]+:[^:]+$`);
const ACTIVITY = new RegExp(`${PREFIX}activity:[^:]+$`);

/** `arn` when it matches `shape`; otherwise InvalidArn, as Step Functions answers. */
function checked(shape: RegExp, arn: string): string {
  if (arn.length > 2048 || !shape.test(arn))
    throw new ServiceError("InvalidArn", `Invalid Arn: '${arn.slice(0, 256)}'`);
  return arn;
}

/** The ARN when it has an execution's shape; otherwise InvalidArn. */
export const executionArn = (arn: string): string => checked(EXECUTION, arn);

/** The ARN when it has a state machine's (version's, alias's) shape; otherwise InvalidArn. */
export const stateMachineArn = (arn: string): string => checked(STATE_MACHINE, arn);

/** The ARN when it has a state machine version's shape (`…:stateMachine:NAME:3`). */
export const versionArn = (arn: string): string => checked(VERSION, arn);

/** The ARN when it has a state machine alias's shape (`…:stateMachine:NAME:ALIAS`). */
export const aliasArn = (arn: string): string => checked(ALIAS, arn);

/** The ARN when it has an activity's shape (`…:activity:NAME`); otherwise InvalidArn. */
export const activityArn = (arn: string): string => checked(ACTIVITY, arn);
