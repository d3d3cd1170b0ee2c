/**
 * The event bus's topic targets publish through the notification service: a topic that does
 * not exist or a message SNS would refuse is a permanent failure (dead letter), anything else
 * is retried by the bus.
 */

import type { NotificationPublisher } from "../../events/bus/deliver.js";
import { DeliveryError } from "../../events/bus/errors.js";
import { OpsError } from "../errors.js";
import type { NotificationService } from "./service.js";

/** The bus's publisher over the notification service. */
export function busPublisher(notifications: NotificationService): NotificationPublisher {
  return {
    async publish(topicArn, message, subject) {
      try {
        await notifications.publish(topicArn, { Message: message, Subject: subject });
      } catch (error) {
        if (error instanceof OpsError)
          throw new DeliveryError(
            error.code === "ResourceNotFound" ? "RESOURCE_NOT_FOUND" : "INVALID_INPUT",
            error.message,
            false,
          );
        throw error;
      }
    },
  };
}
