/**
 * The AWS SDK service integrations `arn:aws:states:::aws-sdk:SERVICE:operationName` for the
 * services opsflow answers itself: the task's Parameters are the operation's request members
 * (PascalCase, as the SDK takes them) and its result is the operation's response, as Step
 * Functions passes them through. The operation runs in-process through `call` (the AWS
 * endpoint's own operation table, connected by the composition root). Errors are named as
 * Step Functions names SDK errors: `Ssm.InvalidInstanceId`, `Ssm.ValidationException`...
 */
import type { Json } from "../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../runtime/task-dispatcher.js";
import type { ResourceRunner } from "./chain.js";

/** Runs one operation of the service; rejects with an error carrying the AWS error code. */
export type AwsOperationCall = (
  operation: string,
  request: Record<string, unknown>,
) => Promise<unknown>;

/** An error from an operation: the AWS error code it answered with. */
export interface AwsOperationError {
  code: string;
  message: string;
}

/**
 * The runner of `aws-sdk:<service>:*`. `prefix` names the service in error names (`Ssm`),
 * and `codeOf` reads the AWS error code of a failure (undefined: not an AWS error, re-thrown).
 */
export function awsSdkRunner(options: {
  service: string;
  prefix: string;
  call: AwsOperationCall;
  codeOf: (error: unknown) => AwsOperationError | undefined;
}): ResourceRunner {
  const resource = new RegExp(
    `^arn:aws[\\w-]*:states:::aws-sdk:${options.service}:([a-z][A-Za-z0-9]*)$`,
  );
  return {
    handles: (r) => resource.test(r),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      const name = resource.exec(invocation.resource)?.[1] ?? "";
      const operation = name.charAt(0).toUpperCase() + name.slice(1);
      const p = invocation.parameters;
      const request = p === null || p === undefined ? {} : p;
      if (typeof request !== "object" || Array.isArray(request))
        throw new TaskFailure(
          `${options.prefix}.ValidationException`,
          `The parameters of ${operation} must be an object of its request members.`,
        );
      try {
        return JSON.parse(JSON.stringify((await options.call(operation, request)) ?? {})) as Json;
      } catch (error) {
        const aws = options.codeOf(error);
        if (!aws) throw error;
        throw new TaskFailure(`${options.prefix}.${aws.code}`, aws.message);
      }
    },
  };
}
