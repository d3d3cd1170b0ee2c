/**
 * The AWS SDK service integration `arn:aws:states:::aws-sdk:ssm:getParameter`: answers
 * GetParameter's shape from opsflow's parameters. A SecureString's Value is returned as the
 * reference `{{resolve:ssm-secure:NAME:VERSION}}`, never in clear (the task's output goes to
 * the history): pass it on to a task, which gets the clear value at dispatch. Errors are named
 * as Step Functions names SDK errors: `Ssm.ParameterNotFound`, `Ssm.ValidationException`...
 */
import type { Json, JsonObject } from "../../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../runtime/task-dispatcher.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import { ParameterError } from "./errors.js";
import type { ParameterService } from "./service.js";

const RESOURCE = /^arn:aws[\w-]*:states:::aws-sdk:ssm:getParameter$/;

/** The runner of `aws-sdk:ssm:getParameter`. */
export function ssmGetParameterRunner(parameters: ParameterService): ResourceRunner {
  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      const p = invocation.parameters as JsonObject | null;
      const name = typeof p === "object" && p !== null && !Array.isArray(p) ? p.Name : undefined;
      if (typeof name !== "string")
        throw new TaskFailure("Ssm.ValidationException", "Parameters.Name must be a string.");
      try {
        const view = await parameters.get(name, false);
        const value =
          view.type === "SecureString"
            ? `{{resolve:ssm-secure:${view.name}:${view.version}}}`
            : view.value;
        return {
          Parameter: {
            Name: view.name,
            Type: view.type,
            Value: value,
            Version: view.version,
            ...(view.selector !== undefined && { Selector: view.selector.slice(view.name.length) }),
            LastModifiedDate: new Date(view.lastModified).toISOString(),
            ARN: view.arn,
            DataType: view.dataType,
          },
        };
      } catch (error) {
        if (error instanceof ParameterError)
          throw new TaskFailure(`Ssm.${error.code}`, error.message);
        throw error;
      }
    },
  };
}
