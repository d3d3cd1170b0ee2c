/** Topics, subscriptions, messages and the notification delivery queue (see OpsStore). */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../../errors.js";
import type {
  DeliveryFilter,
  MessageRecord,
  NewNotificationDelivery,
  NotificationDeliveryRecord,
  NotificationOutcome,
  SubscriptionRecord,
  TopicRecord,
} from "../../ops-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, pageOf } from "../../paging.js";
import { deliveryOf, messageOf, subscriptionOf, topicOf } from "../../rows/ops.js";

type Row = Record<string, unknown>;

const isIdKey = (value: unknown): value is number => typeof value === "number";

/** The notification operations of the SQLite store. */
export function notificationQueries(db: Database.Database) {
  const insertTopic = db.prepare(
    "INSERT INTO topics (name, arn, display_name, created_at) VALUES (?, ?, ?, ?)",
  );
  const topicByName = db.prepare("SELECT * FROM topics WHERE name = ? OR arn = ?");
  const topics = db.prepare("SELECT * FROM topics ORDER BY name");
  const removeTopic = db.prepare("DELETE FROM topics WHERE name = ? RETURNING arn");
  const removeTopicSubscriptions = db.prepare("DELETE FROM subscriptions WHERE topic_arn = ?");
  const insertSubscription = db.prepare(
    `INSERT INTO subscriptions (id, arn, topic_arn, protocol, endpoint, status, sealed_secret,
       confirm_token_hash, created_at, confirmed_at)
     VALUES (@id, @arn, @topicArn, @protocol, @endpoint, @status, @sealedSecret,
       @confirmTokenHash, @createdAt, @confirmedAt)`,
  );
  const subscription = db.prepare("SELECT * FROM subscriptions WHERE id = ?");
  const subscriptions = db.prepare(
    "SELECT * FROM subscriptions WHERE topic_arn = ? ORDER BY created_at, id",
  );
  const removeSubscription = db.prepare("DELETE FROM subscriptions WHERE id = ?");
  const confirm = db.prepare(
    `UPDATE subscriptions SET status = 'confirmed', confirmed_at = ?, confirm_token_hash = NULL
     WHERE confirm_token_hash = ? AND status = 'pending' RETURNING *`,
  );
  const messageByKey = db.prepare("SELECT * FROM notification_messages WHERE idempotency_key = ?");
  const insertMessage = db.prepare(
    `INSERT INTO notification_messages (id, topic_arn, subject, message, structure, attributes,
       idempotency_key, published_at)
     VALUES (@id, @topicArn, @subject, @message, @structure, @attributes, @idempotencyKey, @publishedAt)`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO notification_deliveries (message_id, topic_arn, subscription_id, protocol, endpoint,
       subject, body, status, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
  );
  const due = db.prepare(
    `SELECT * FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
       AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at LIMIT ?`,
  );
  const lease = db.prepare("UPDATE notification_deliveries SET lease_until = ? WHERE id = ?");
  const settle = db.prepare(
    `UPDATE notification_deliveries SET status = @status, attempts = attempts + 1,
       next_attempt_at = @next, last_error = @error, lease_until = NULL, updated_at = @now
     WHERE id = @id AND status = 'pending'`,
  );
  const nextDue = db.prepare(
    `SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) AS at
     FROM notification_deliveries WHERE status = 'pending'`,
  );
  const recover = db.prepare(
    "UPDATE notification_deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL",
  );
  const list = db.prepare(
    `SELECT * FROM notification_deliveries
     WHERE (@topic IS NULL OR topic_arn = @topic) AND (@message IS NULL OR message_id = @message)
       AND (@status IS NULL OR status = @status) AND id > @after
     ORDER BY id LIMIT @limit`,
  );

  /** Inserts a message's deliveries (also used by approvals for their mails). */
  const enqueue = (
    messageId: string,
    topicArn: string | undefined,
    deliveries: NewNotificationDelivery[],
    now: number,
  ) => {
    for (const d of deliveries)
      insertDelivery.run(
        messageId,
        topicArn ?? null,
        d.subscriptionId ?? null,
        d.protocol,
        d.endpoint,
        d.subject ?? null,
        d.body,
        now,
        now,
        now,
      );
  };

  return {
    enqueueNotifications: enqueue,
    createTopic(record: TopicRecord) {
      if (topicByName.get(record.name, record.arn))
        throw new StoreConflictError("exists", `Topic ${record.name} already exists.`);
      insertTopic.run(record.name, record.arn, record.displayName ?? null, record.createdAt);
    },
    getTopic(nameOrArn: string) {
      const row = topicByName.get(nameOrArn, nameOrArn) as Row | undefined;
      return row && topicOf(row);
    },
    listTopics: () => (topics.all() as Row[]).map(topicOf),
    deleteTopic: db.transaction((name: string) => {
      const row = removeTopic.get(name) as { arn: string } | undefined;
      if (!row) return false;
      removeTopicSubscriptions.run(row.arn);
      return true;
    }),
    createSubscription(record: SubscriptionRecord) {
      insertSubscription.run({
        sealedSecret: null,
        confirmTokenHash: null,
        confirmedAt: null,
        ...record,
      });
    },
    getSubscription(id: string) {
      const row = subscription.get(id) as Row | undefined;
      return row && subscriptionOf(row);
    },
    listSubscriptions: (topicArn: string) =>
      (subscriptions.all(topicArn) as Row[]).map(subscriptionOf),
    deleteSubscription: (id: string) => removeSubscription.run(id).changes > 0,
    confirmSubscription(tokenHash: string, now: number) {
      const row = confirm.get(now, tokenHash) as Row | undefined;
      return row && subscriptionOf(row);
    },
    publishMessage: db.transaction(
      (message: MessageRecord, deliveries: NewNotificationDelivery[]) => {
        if (message.idempotencyKey !== undefined) {
          const existing = messageByKey.get(message.idempotencyKey) as Row | undefined;
          if (existing) return { message: messageOf(existing), created: false };
        }
        insertMessage.run({
          topicArn: null,
          subject: null,
          structure: null,
          attributes: null,
          idempotencyKey: null,
          ...message,
        });
        enqueue(message.id, message.topicArn, deliveries, message.publishedAt);
        return { message, created: true };
      },
    ),
    // One process per file: leases need no owner (all are forgotten at start-up).
    claimNotificationDeliveries: db.transaction(
      (_owner: string, now: number, leaseMs: number, limit: number) => {
        const rows = due.all(now, now, limit) as Row[];
        for (const row of rows) lease.run(now + leaseMs, row.id);
        return rows.map(deliveryOf);
      },
    ),
    settleNotificationDelivery(id: number, outcome: NotificationOutcome, now: number) {
      settle.run({
        id,
        now,
        status: outcome.kind === "retry" ? "pending" : outcome.kind,
        next: outcome.kind === "retry" ? outcome.at : now,
        error: outcome.kind === "delivered" ? null : outcome.error,
      });
    },
    nextNotificationDeliveryAt: () => (nextDue.get() as { at: number | null }).at ?? undefined,
    recoverNotificationLeases: () => {
      recover.run();
    },
    listNotificationDeliveries(
      filter: DeliveryFilter,
      page: PageRequest,
    ): Page<NotificationDeliveryRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isIdKey) : 0;
      const rows = list.all({
        topic: filter.topicArn ?? null,
        message: filter.messageId ?? null,
        status: filter.status ?? null,
        after,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(deliveryOf), page.limit, (last) => last.id);
    },
  };
}
