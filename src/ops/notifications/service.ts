/**
 * Topics, subscriptions and publishing. A publish stores the message and one rendered delivery
 * per confirmed subscription in one transaction and wakes the delivery loop, so a publish that
 * returned is never lost. Email subscriptions start pending and are confirmed by a link mailed
 * to the address; webhook subscriptions get an HMAC secret, shown once.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sealSecret } from "../../kernel/secret-box.js";
import { StoreConflictError } from "../../store/errors.js";
import type {
  DeliveryFilter,
  NewNotificationDelivery,
  NotificationDeliveryRecord,
  OpsStore,
  SubscriptionProtocol,
  SubscriptionRecord,
  TopicRecord,
} from "../../store/ops-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { invalid, OpsError } from "../errors.js";
import { type ArnScope, subscriptionArn, TOPIC_NAME, topicArn, topicNameOf } from "./arns.js";
import { checkPublishInput, type PublishInput, render } from "./message.js";

/** What the service is built from. */
export interface NotificationDependencies {
  store: OpsStore;
  scope: ArnScope;
  masterKey: Buffer;
  now: () => number;
  /** The server's public base URL, for links in emails. */
  publicUrl: () => string;
  /** True when an SMTP server is configured. */
  emailEnabled: boolean;
  /** New deliveries were stored. */
  wake: () => void;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;
const PROTOCOLS: readonly SubscriptionProtocol[] = ["email", "http", "https", "slack"];

/** SHA-256 of a confirmation token, as stored. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A subscription as the API shows it (no secret, no token hash). */
export function subscriptionView(record: SubscriptionRecord) {
  return {
    id: record.id,
    arn: record.arn,
    topicArn: record.topicArn,
    protocol: record.protocol,
    endpoint: record.endpoint,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.confirmedAt !== undefined && {
      confirmedAt: new Date(record.confirmedAt).toISOString(),
    }),
  };
}

/** The notification service. */
export class NotificationService {
  constructor(private readonly deps: NotificationDependencies) {}

  /** Creates a topic; 409 when the name is taken. */
  async createTopic(name: string, displayName?: string): Promise<TopicRecord> {
    if (!TOPIC_NAME.test(name))
      throw invalid(
        `Invalid topic name '${name}': 1-256 letters, digits, hyphens and underscores.`,
      );
    if (displayName !== undefined && displayName.length > 100)
      throw invalid("displayName must be at most 100 characters.");
    const record: TopicRecord = {
      name,
      arn: topicArn(this.deps.scope, name),
      createdAt: this.deps.now(),
      ...(displayName !== undefined && { displayName }),
    };
    try {
      await this.deps.store.createTopic(record);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new OpsError("ResourceAlreadyExists", `Topic ${name} already exists.`);
      throw error;
    }
    return record;
  }

  /** The topic of a name or ARN; 404 when there is none. */
  async topic(nameOrArn: string): Promise<TopicRecord> {
    const name = topicNameOf(nameOrArn);
    const topic = name === undefined ? undefined : await this.deps.store.getTopic(name);
    if (!topic) throw new OpsError("ResourceNotFound", `Topic does not exist: '${nameOrArn}'.`);
    return topic;
  }

  listTopics(): Promise<TopicRecord[]> {
    return this.deps.store.listTopics();
  }

  async deleteTopic(name: string): Promise<void> {
    if (!(await this.deps.store.deleteTopic(name)))
      throw new OpsError("ResourceNotFound", `Topic does not exist: '${name}'.`);
  }

  /**
   * Subscribes an endpoint. Returns the subscription and, for webhooks, the HMAC secret (shown
   * only now). Email subscriptions are pending until the mailed link is used.
   */
  async subscribe(
    topicName: string,
    protocol: SubscriptionProtocol,
    endpoint: string,
  ): Promise<{ subscription: SubscriptionRecord; secret?: string }> {
    const topic = await this.topic(topicName);
    if (!PROTOCOLS.includes(protocol))
      throw invalid(`protocol must be one of ${PROTOCOLS.join(", ")}.`);
    checkEndpoint(protocol, endpoint);
    if (protocol === "email" && !this.deps.emailEnabled)
      throw invalid(
        "Email subscriptions need an SMTP server: start opsflow with OPSFLOW_SMTP_URL.",
      );
    const id = randomUUID();
    const now = this.deps.now();
    const base = {
      id,
      arn: subscriptionArn(topic.arn, id),
      topicArn: topic.arn,
      protocol,
      endpoint,
      createdAt: now,
    };
    if (protocol !== "email") {
      const secret = randomBytes(32).toString("base64url");
      const subscription: SubscriptionRecord = {
        ...base,
        status: "confirmed",
        confirmedAt: now,
        ...(protocol !== "slack" && { sealedSecret: sealSecret(this.deps.masterKey, secret, id) }),
      };
      await this.deps.store.createSubscription(subscription);
      return protocol === "slack" ? { subscription } : { subscription, secret };
    }
    const token = randomBytes(32).toString("base64url");
    const subscription: SubscriptionRecord = {
      ...base,
      status: "pending",
      confirmTokenHash: hashToken(token),
    };
    await this.deps.store.createSubscription(subscription);
    const link = `${this.deps.publicUrl()}/links/subscriptions/confirm?token=${token}`;
    const subject = `Confirm your subscription to ${topic.displayName ?? topic.name}`;
    await this.send(topic.arn, subject, [
      {
        protocol: "email",
        endpoint,
        subject,
        body: `You were subscribed to the opsflow topic ${topic.arn}.\n\nTo receive its messages, confirm here:\n${link}\n\nIf this was not you, ignore this message: nothing is sent until it is confirmed.\n`,
      },
    ]);
    return { subscription };
  }

  async subscriptions(topicName: string): Promise<SubscriptionRecord[]> {
    return this.deps.store.listSubscriptions((await this.topic(topicName)).arn);
  }

  async unsubscribe(id: string): Promise<void> {
    if (!(await this.deps.store.deleteSubscription(id)))
      throw new OpsError("ResourceNotFound", `Subscription does not exist: '${id}'.`);
  }

  /** Confirms an email subscription by its link's token. */
  async confirm(token: string): Promise<SubscriptionRecord> {
    const confirmed = await this.deps.store.confirmSubscription(hashToken(token), this.deps.now());
    if (!confirmed)
      throw new OpsError(
        "ResourceNotFound",
        "This confirmation link is not valid (unknown, or already used).",
      );
    return confirmed;
  }

  /**
   * Publishes SNS Publish parameters to a topic; returns the message id. The same
   * idempotency key (a workflow task's) returns the first publish's id without sending again.
   */
  async publish(
    topicNameOrArn: string,
    raw: Parameters<typeof checkPublishInput>[0],
    idempotencyKey?: string,
  ): Promise<string> {
    const input = checkPublishInput(raw);
    const topic = await this.topic(topicNameOrArn);
    return this.publishChecked(topic, input, idempotencyKey);
  }

  private async publishChecked(
    topic: TopicRecord,
    input: PublishInput,
    idempotencyKey?: string,
  ): Promise<string> {
    const id = randomUUID();
    const now = this.deps.now();
    const recipients = (await this.deps.store.listSubscriptions(topic.arn)).filter(
      (s) => s.status === "confirmed",
    );
    const context = {
      messageId: id,
      topicArn: topic.arn,
      timestamp: now,
      ...(topic.displayName !== undefined && { displayName: topic.displayName }),
    };
    const deliveries: NewNotificationDelivery[] = recipients.map((s) => ({
      subscriptionId: s.id,
      protocol: s.protocol,
      endpoint: s.endpoint,
      ...render(input, s.protocol, context),
    }));
    const { message } = await this.deps.store.publishMessage(
      {
        id,
        topicArn: topic.arn,
        message: input.message,
        publishedAt: now,
        ...(input.subject !== undefined && { subject: input.subject }),
        ...(input.structure && { structure: input.structure }),
        ...(input.attributes && { attributes: JSON.stringify(input.attributes) }),
        ...(idempotencyKey !== undefined && { idempotencyKey }),
      },
      deliveries,
    );
    if (deliveries.length > 0) this.deps.wake();
    return message.id;
  }

  /** Deliveries, newest state of each. */
  deliveries(filter: DeliveryFilter, page: PageRequest): Promise<Page<NotificationDeliveryRecord>> {
    return this.deps.store.listNotificationDeliveries(filter, page);
  }

  /** Sends mails that belong to no subscription (confirmations). */
  private async send(
    topic: string | undefined,
    subject: string,
    deliveries: NewNotificationDelivery[],
  ): Promise<void> {
    await this.deps.store.publishMessage(
      {
        id: randomUUID(),
        message: deliveries[0]?.body ?? "",
        subject,
        publishedAt: this.deps.now(),
        ...(topic !== undefined && { topicArn: topic }),
      },
      deliveries,
    );
    this.deps.wake();
  }
}

function checkEndpoint(protocol: SubscriptionProtocol, endpoint: string): void {
  if (protocol === "email") {
    if (!EMAIL.test(endpoint) || endpoint.length > 320)
      throw invalid(`'${endpoint}' is not an email address.`);
    return;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(`'${endpoint}' is not a URL.`);
  }
  const schemes = protocol === "slack" ? ["http:", "https:"] : [`${protocol}:`];
  if (!schemes.includes(url.protocol))
    throw invalid(
      `A ${protocol} subscription needs a ${schemes.join(" or ")} URL, not '${endpoint}'.`,
    );
}
