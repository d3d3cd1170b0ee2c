/**
 * The workflow task `arn:aws:states:::opsflow:runCommand.sync`: sends a command (SendCommand's
 * parameters) and waits, durably and without polling, until it ends; the task's result is
 * every node's status and output (command-waiters.ts). It fails with Fleet.MaxErrorsExceeded
 * when more nodes failed than MaxErrors allows, Fleet.CommandTimedOut, Fleet.CommandCancelled
 * or Fleet.NoInstancesInTag; bad parameters fail it with Fleet.InvalidRequest and send nothing.
 * The command's id derives from the task's idempotency key, so a task re-run after a crash
 * finds the command it already sent instead of sending another.
 */
import { createHash } from "node:crypto";
import type { Json } from "../../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../runtime/task-dispatcher.js";
import { StoreConflictError } from "../../store/errors.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import type { CommandService } from "../commands.js";
import { FleetError } from "../errors.js";
import { sendCommandRequest } from "./send-command-request.js";

/** The resource of the waiting task. */
export const RUN_COMMAND_RESOURCE = "arn:aws:states:::opsflow:runCommand.sync";

const RESOURCE = /^arn:aws[\w-]*:states:::opsflow:runCommand\.sync$/;

/** A UUID derived from the task's idempotency key (stable across re-runs of the task). */
function commandIdOf(idempotencyKey: string): string {
  const hex = createHash("sha256").update(`runCommand:${idempotencyKey}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The runner of the waiting task. */
export function runCommandRunner(commands: CommandService): ResourceRunner {
  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      if (invocation.taskToken === undefined)
        throw new TaskFailure(
          "Fleet.InvalidRequest",
          "opsflow:runCommand.sync waits for the command: the runtime gave it no task token.",
        );
      const commandId = commandIdOf(invocation.idempotencyKey);
      try {
        const request = sendCommandRequest(invocation.parameters, "Fleet.InvalidRequest");
        await commands.send(
          { ...request, commandId, taskToken: invocation.taskToken },
          `workflow:${invocation.executionArn}`,
        );
      } catch (error) {
        if (error instanceof StoreConflictError && error.reason === "exists")
          return { CommandId: commandId };
        if (error instanceof FleetError)
          throw new TaskFailure("Fleet.InvalidRequest", `${error.code}: ${error.message}`);
        throw error;
      }
      return { CommandId: commandId };
    },
  };
}
