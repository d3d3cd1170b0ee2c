/** Reading Step Functions ARNs. */

/**
 * The state machine an ARN belongs to: the machine itself (also for a version or alias
 * ARN) or the machine of an execution (standard or Express). Undefined for anything else.
 */
export function stateMachineArnOf(arn: string): string | undefined {
  const [prefix, partition, service, region, account, kind, machine] = arn.split(":");
  if (prefix !== "arn" || service !== "states" || machine === undefined) return undefined;
  if (kind !== "stateMachine" && kind !== "execution" && kind !== "express") return undefined;
  return `arn:${partition}:states:${region}:${account}:stateMachine:${machine}`;
}
