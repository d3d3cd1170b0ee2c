/** Several task runners behind one dispatcher: the first that handles a resource runs it. */
import type { Json } from "../asl/json.js";
import {
  type TaskDispatcher,
  TaskFailure,
  type TaskInvocation,
} from "../runtime/task-dispatcher.js";

/** A runner that says which resources it serves. */
export interface ResourceRunner extends TaskDispatcher {
  handles(resource: string): boolean;
}

/** Dispatches each task to the first runner that handles its resource. */
export function chainRunners(runners: ResourceRunner[]): TaskDispatcher {
  return {
    invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json> {
      const runner = runners.find((candidate) => candidate.handles(invocation.resource));
      if (!runner) {
        return Promise.reject(
          new TaskFailure(
            "States.Runtime",
            `opsflow has no runner for the resource '${invocation.resource}'. Supported: opsflow functions (Lambda ARNs, arn:aws:states:::lambda:invoke), arn:aws:states:::http:invoke, activities, arn:aws:states:::states:startExecution, arn:aws:states:::aws-sdk:ssm:* and the opsflow:* integrations.`,
          ),
        );
      }
      return runner.invoke(invocation, signal);
    },
  };
}
