/**
 * How a notification reaches its recipient: email over SMTP (nodemailer, the server from
 * OPSFLOW_SMTP_URL), HTTP(S) webhooks signed with HMAC-SHA256 over the body, and Slack
 * incoming webhooks. Failures say whether trying again can help.
 */
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { NotificationDeliveryRecord } from "../../store/ops-port.js";

/** The header carrying `sha256=<hex HMAC-SHA256 of the body under the subscription's secret>`. */
export const SIGNATURE_HEADER = "x-opsflow-signature";

/** A failed attempt. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "SendError";
  }
}

/** Sends one delivery; `secret` is the webhook's HMAC key. Throws SendError. */
export interface Sender {
  send(delivery: NotificationDeliveryRecord, secret?: string): Promise<void>;
  close(): Promise<void>;
}

/** Email settings. */
export interface MailSettings {
  /** `smtp://user:pass@host:port` or `smtps://...`; undefined: email is not configured. */
  smtpUrl?: string;
  from?: string;
}

/** The signature header value for a body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Builds the sender of every protocol. */
export function createSender(mail: MailSettings, timeoutMs = 10_000): Sender {
  const transport = mail.smtpUrl ? nodemailer.createTransport(mail.smtpUrl) : undefined;
  const from = mail.from ?? "opsflow <opsflow@localhost>";
  return {
    async send(delivery, secret) {
      if (delivery.protocol === "email") {
        if (!transport)
          throw new SendError("No SMTP server is configured (set OPSFLOW_SMTP_URL).", false);
        try {
          await transport.sendMail({
            from,
            to: delivery.endpoint,
            subject: delivery.subject ?? "opsflow notification",
            text: delivery.body,
            headers: { "X-Opsflow-Message-Id": delivery.messageId },
          });
        } catch (error) {
          const code = (error as { responseCode?: number }).responseCode;
          // SMTP 5xx replies are permanent (unknown mailbox, refused); the rest may pass later.
          throw new SendError(
            `SMTP: ${(error as Error).message}`,
            !(code !== undefined && code >= 500),
          );
        }
        return;
      }
      const headers: Record<string, string> = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "opsflow-notifications",
        "x-opsflow-message-id": delivery.messageId,
      };
      if (delivery.protocol !== "slack") {
        headers["x-amz-sns-message-type"] = "Notification";
        if (delivery.topicArn) headers["x-amz-sns-topic-arn"] = delivery.topicArn;
        if (secret !== undefined) headers[SIGNATURE_HEADER] = signBody(secret, delivery.body);
      }
      let response: Response;
      try {
        response = await fetch(delivery.endpoint, {
          method: "POST",
          headers,
          body: delivery.body,
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error).cause ?? (error as Error).message;
        throw new SendError(`POST ${delivery.endpoint}: ${reason}`, true);
      }
      await response.body?.cancel();
      if (response.ok) return;
      throw new SendError(
        `POST ${delivery.endpoint} answered ${response.status}`,
        response.status >= 500 || response.status === 429 || response.status === 408,
      );
    },
    async close() {
      transport?.close();
    },
  };
}
