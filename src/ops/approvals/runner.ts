/**
 * The approval task: `arn:aws:states:::opsflow:approval.waitForTaskToken` opens an approval
 * request (see parameters.ts) and the execution waits; the decision settles the task with the
 * decision document as its result, or fails it with `Approval.Rejected` or `Approval.Expired`
 * (the document as the cause), which Catch can handle. Bad parameters fail the task with
 * `Approval.InvalidRequest` and open nothing.
 */
import type { Json } from "../../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../runtime/task-dispatcher.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import { OpsError } from "../errors.js";
import type { ApprovalService } from "./service.js";

/** The resource of the approval task. */
export const APPROVAL_RESOURCE = "arn:aws:states:::opsflow:approval.waitForTaskToken";

const RESOURCE = /^arn:aws[\w-]*:states:::opsflow:approval(\.waitForTaskToken)?$/;

/** The runner of the approval task. */
export function approvalRunner(approvals: ApprovalService): ResourceRunner {
  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      try {
        const approval = await approvals.open(invocation);
        return { ApprovalId: approval.id };
      } catch (error) {
        if (error instanceof OpsError)
          throw new TaskFailure("Approval.InvalidRequest", error.message);
        throw error;
      }
    },
  };
}
