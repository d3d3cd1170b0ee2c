/** What the tests of the AWS SDK clients against a server share. */
import assert from "node:assert/strict";
import * as sfn from "@aws-sdk/client-sfn";

/** Asserts that `promise` rejects with an SDK error named `name` (and a message matching). */
export function rejectsWith(promise: Promise<unknown>, name: string, message?: RegExp) {
  return assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Creates a state machine of one Pass state named `name`; returns its ARN. */
export async function passMachine(states: sfn.SFNClient, name: string): Promise<string> {
  const { stateMachineArn } = await states.send(
    new sfn.CreateStateMachineCommand({
      name,
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
    }),
  );
  return stateMachineArn as string;
}
