/**
 * Published messages and the notification delivery queue on PostgreSQL (see OpsStore). Any
 * node may send: a node claims due deliveries under a lease in the database (FOR UPDATE SKIP
 * LOCKED, so nodes claiming together take different rows); when it dies, the lease expires
 * and another node claims them again.
 */
import type {
  DeliveryFilter,
  MessageRecord,
  NewNotificationDelivery,
  NotificationDeliveryRecord,
  NotificationOutcome,
  OpsStore,
} from "../../ops-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, pageOf } from "../../paging.js";
import { deliveryOf, messageOf } from "../../rows/ops.js";
import type { PostgresDatabase, Sql } from "../database.js";

/** The message and delivery methods of OpsStore. */
export type DeliveryStore = Pick<
  OpsStore,
  | "publishMessage"
  | "claimNotificationDeliveries"
  | "settleNotificationDelivery"
  | "nextNotificationDeliveryAt"
  | "recoverNotificationLeases"
  | "listNotificationDeliveries"
>;

const isIdKey = (value: unknown): value is number => typeof value === "number";

/**
 * Queues a message's deliveries in the caller's transaction, pending and due at `now`, with
 * ids in the order given (approvals use it for their mails too).
 */
export async function enqueueNotificationsIn(
  tx: Sql,
  messageId: string,
  topicArn: string | undefined,
  deliveries: NewNotificationDelivery[],
  now: number,
): Promise<void> {
  if (deliveries.length === 0) return;
  await tx.run(
    `INSERT INTO notification_deliveries (message_id, topic_arn, subscription_id, protocol,
       endpoint, subject, body, status, next_attempt_at, created_at, updated_at)
     SELECT $1::text, $2::text, d.subscription_id, d.protocol, d.endpoint, d.subject, d.body, 'pending',
       $3::bigint, $3::bigint, $3::bigint
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS d (subscription_id, protocol, endpoint, subject, body, n)
     ORDER BY d.n`,
    [
      messageId,
      topicArn ?? null,
      now,
      deliveries.map((d) => d.subscriptionId ?? null),
      deliveries.map((d) => d.protocol),
      deliveries.map((d) => d.endpoint),
      deliveries.map((d) => d.subject ?? null),
      deliveries.map((d) => d.body),
    ],
  );
}

/** Messages and deliveries on `db`. */
export function postgresDeliveryStore(db: PostgresDatabase): DeliveryStore {
  return {
    publishMessage: (message: MessageRecord, deliveries: NewNotificationDelivery[]) =>
      db.transaction(async (tx) => {
        // The unique idempotency key decides between nodes publishing the same task's message
        // at once: the second insert waits for the first and then inserts nothing.
        const inserted = await tx.run(
          `INSERT INTO notification_messages (id, topic_arn, subject, message, structure,
             attributes, idempotency_key, published_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (idempotency_key) DO NOTHING`,
          [
            message.id,
            message.topicArn ?? null,
            message.subject ?? null,
            message.message,
            message.structure ?? null,
            message.attributes ?? null,
            message.idempotencyKey ?? null,
            message.publishedAt,
          ],
        );
        if (inserted === 0) {
          const existing = await tx.row(
            "SELECT * FROM notification_messages WHERE idempotency_key = $1",
            [message.idempotencyKey],
          );
          if (existing) return { message: messageOf(existing), created: false };
        }
        await enqueueNotificationsIn(
          tx,
          message.id,
          message.topicArn,
          deliveries,
          message.publishedAt,
        );
        return { message, created: true };
      }),
    async claimNotificationDeliveries(owner: string, now: number, leaseMs: number, limit: number) {
      const rows = await db.rows(
        `UPDATE notification_deliveries SET lease_until = $2, lease_owner = $4
         WHERE id IN (
           SELECT id FROM notification_deliveries
           WHERE status = 'pending' AND next_attempt_at <= $1
             AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, id LIMIT $3
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, now + leaseMs, limit, owner],
      );
      return rows.map(deliveryOf).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    },
    async settleNotificationDelivery(id: number, outcome: NotificationOutcome, now: number) {
      // Only a pending delivery changes: a settle arriving after another node ended it is void.
      await db.run(
        `UPDATE notification_deliveries SET status = $2, attempts = attempts + 1,
           next_attempt_at = $3, last_error = $4, lease_until = NULL, updated_at = $5
         WHERE id = $1 AND status = 'pending'`,
        [
          id,
          outcome.kind === "retry" ? "pending" : outcome.kind,
          outcome.kind === "retry" ? outcome.at : now,
          outcome.kind === "delivered" ? null : outcome.error,
          now,
        ],
      );
    },
    async nextNotificationDeliveryAt() {
      const row = await db.row<{ at: number | null }>(
        `SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS at
         FROM notification_deliveries WHERE status = 'pending'`,
      );
      return row?.at ?? undefined;
    },
    // Only this node's previous process's leases: other nodes hold live ones, and clearing
    // them would send their deliveries twice. Another dead node's leases expire instead.
    async recoverNotificationLeases(ownerPrefix: string) {
      await db.run(
        `UPDATE notification_deliveries SET lease_owner = NULL, lease_until = NULL
         WHERE lease_until IS NOT NULL AND starts_with(lease_owner, $1)`,
        [ownerPrefix],
      );
    },
    async listNotificationDeliveries(
      filter: DeliveryFilter,
      page: PageRequest,
    ): Promise<Page<NotificationDeliveryRecord>> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isIdKey) : 0;
      const rows = await db.rows(
        `SELECT * FROM notification_deliveries
         WHERE ($1::text IS NULL OR topic_arn = $1) AND ($2::text IS NULL OR message_id = $2)
           AND ($3::text IS NULL OR status = $3) AND id > $4
         ORDER BY id LIMIT $5`,
        [
          filter.topicArn ?? null,
          filter.messageId ?? null,
          filter.status ?? null,
          after,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(deliveryOf), page.limit, (last) => last.id);
    },
  };
}
