/**
 * The `arn:aws:states:::sns:publish` task (and `.waitForTaskToken`): publishes to an opsflow
 * topic with SNS's Publish parameters (TopicArn, Message, Subject, MessageStructure,
 * MessageAttributes) and returns what Step Functions returns for SNS:
 * `{ MessageId, SdkHttpMetadata: { AllHttpHeaders, HttpHeaders, HttpStatusCode },
 * SdkResponseMetadata: { RequestId } }`. A Message that is not a string is sent as its JSON
 * text, as Step Functions does. Failures: `SNS.NotFoundException` (no such topic) and
 * `SNS.InvalidParameterException` (bad parameters), which Retry/Catch can name.
 */
import { randomUUID } from "node:crypto";
import type { Json, JsonObject } from "../../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../runtime/task-dispatcher.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import { OpsError } from "../errors.js";
import type { NotificationService } from "./service.js";

const RESOURCE = /^arn:aws[\w-]*:states:::sns:publish(\.waitForTaskToken)?$/;

/** The result shape of Step Functions' SNS integration. */
export function snsResult(messageId: string, requestId: string, date: Date): JsonObject {
  const headers = {
    "Content-Length": "294",
    "Content-Type": "text/xml",
    Date: date.toUTCString(),
    "x-amzn-RequestId": requestId,
  };
  return {
    MessageId: messageId,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** The runner of `arn:aws:states:::sns:publish`. */
export function snsPublishRunner(
  notifications: NotificationService,
  now: () => number,
): ResourceRunner {
  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      const parameters = invocation.parameters;
      if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
        throw new TaskFailure("SNS.InvalidParameterException", "Parameters must be an object.");
      const p = parameters as JsonObject;
      if (p.TargetArn !== undefined || p.PhoneNumber !== undefined)
        throw new TaskFailure(
          "SNS.InvalidParameterException",
          "opsflow publishes to topics only: give TopicArn (TargetArn and PhoneNumber are not supported).",
        );
      if (typeof p.TopicArn !== "string")
        throw new TaskFailure("SNS.InvalidParameterException", "TopicArn is required.");
      const message =
        typeof p.Message === "string" || p.Message === undefined
          ? p.Message
          : JSON.stringify(p.Message);
      try {
        const id = await notifications.publish(
          p.TopicArn,
          {
            Message: message,
            Subject: p.Subject,
            MessageStructure: p.MessageStructure,
            MessageAttributes: p.MessageAttributes,
          },
          invocation.idempotencyKey,
        );
        return snsResult(id, randomUUID(), new Date(now()));
      } catch (error) {
        if (error instanceof OpsError)
          throw new TaskFailure(
            error.code === "ResourceNotFound"
              ? "SNS.NotFoundException"
              : "SNS.InvalidParameterException",
            error.message,
          );
        throw error;
      }
    },
  };
}
