/** Notification topics and their subscriptions on PostgreSQL (see OpsStore). */
import { StoreConflictError } from "../../errors.js";
import type { OpsStore, SubscriptionRecord, TopicRecord } from "../../ops-port.js";
import { subscriptionOf, topicOf } from "../../rows/ops.js";
import type { PostgresDatabase, Row } from "../database.js";

/** The topic and subscription methods of OpsStore. */
export type TopicStore = Pick<
  OpsStore,
  | "createTopic"
  | "getTopic"
  | "listTopics"
  | "deleteTopic"
  | "createSubscription"
  | "getSubscription"
  | "listSubscriptions"
  | "deleteSubscription"
  | "confirmSubscription"
>;

/** Topics and subscriptions on `db`. */
export function postgresTopicStore(db: PostgresDatabase): TopicStore {
  return {
    async createTopic(record: TopicRecord) {
      // The name and the ARN are both unique: one statement decides, whichever node asks.
      const created = await db.run(
        `INSERT INTO topics (name, arn, display_name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [record.name, record.arn, record.displayName ?? null, record.createdAt],
      );
      if (created === 0)
        throw new StoreConflictError("exists", `Topic ${record.name} already exists.`);
    },
    async getTopic(nameOrArn: string) {
      const row = await db.row("SELECT * FROM topics WHERE name = $1 OR arn = $1", [nameOrArn]);
      return row && topicOf(row);
    },
    async listTopics() {
      return (await db.rows("SELECT * FROM topics ORDER BY name")).map(topicOf);
    },
    deleteTopic: (name: string) =>
      db.transaction(async (tx) => {
        const row = await tx.row<{ arn: string }>(
          "DELETE FROM topics WHERE name = $1 RETURNING arn",
          [name],
        );
        if (!row) return false;
        await tx.run("DELETE FROM subscriptions WHERE topic_arn = $1", [row.arn]);
        return true;
      }),
    async createSubscription(record: SubscriptionRecord) {
      await db.run(
        `INSERT INTO subscriptions (id, arn, topic_arn, protocol, endpoint, status, sealed_secret,
           confirm_token_hash, created_at, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          record.id,
          record.arn,
          record.topicArn,
          record.protocol,
          record.endpoint,
          record.status,
          record.sealedSecret ?? null,
          record.confirmTokenHash ?? null,
          record.createdAt,
          record.confirmedAt ?? null,
        ],
      );
    },
    async getSubscription(id: string) {
      const row = await db.row("SELECT * FROM subscriptions WHERE id = $1", [id]);
      return row && subscriptionOf(row);
    },
    async listSubscriptions(topicArn: string) {
      const rows = await db.rows(
        "SELECT * FROM subscriptions WHERE topic_arn = $1 ORDER BY created_at, id",
        [topicArn],
      );
      return rows.map(subscriptionOf);
    },
    async deleteSubscription(id: string) {
      return (await db.run("DELETE FROM subscriptions WHERE id = $1", [id])) > 0;
    },
    async confirmSubscription(tokenHash: string, now: number) {
      // A conditional update: of two nodes confirming with the same link, one gets the row.
      const row = await db.row<Row>(
        `UPDATE subscriptions SET status = 'confirmed', confirmed_at = $1, confirm_token_hash = NULL
         WHERE confirm_token_hash = $2 AND status = 'pending' RETURNING *`,
        [now, tokenHash],
      );
      return row && subscriptionOf(row);
    },
  };
}
