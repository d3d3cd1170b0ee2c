/**
 * The PostgreSQL connection of the networked store: a pool, transactions, and the numbered
 * migrations in `migrations/postgres/`, applied once under an advisory lock so nodes that
 * start together do not race. Query modules take a `Sql` (the pool, or one transaction) and
 * never see `pg` itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** `migrations/postgres` at the package root, from src/ (tsx) or dist/ (compiled) alike. */
const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "../../../migrations/postgres");

/** The advisory lock key every node takes while it migrates (any constant, the same for all). */
const MIGRATION_LOCK = 7_402_193_114;

/** One row as `pg` returns it. */
export type Row = Record<string, unknown>;

/** Where statements run: the pool (each statement its own transaction) or one transaction. */
export interface Sql {
  /** The rows of one statement; `$1, $2, ...` take `values`. */
  rows<R extends object = Row>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  row<R extends object = Row>(text: string, values?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement; returns how many rows it touched. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
}

/** Options of a PostgreSQL connection. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** The schema the store's tables live in (default `public`); tests use one per store. */
  schema?: string;
  /** Most connections this process opens. */
  maxConnections?: number;
}

/** The database is from a newer opsflow: its migrations are unknown to this one. */
export class SchemaTooNewError extends Error {
  override readonly name = "SchemaTooNewError";
  constructor(
    readonly applied: number,
    readonly known: number,
  ) {
    super(
      `The database holds migration ${applied}, but this opsflow knows migrations up to ${known}: ` +
        "it was written by a newer opsflow. Run that version (or newer) against it.",
    );
  }
}

/** The database could not be reached or used; the message says what to check. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

const SERIALIZATION_FAILURE = "40001";
const DEADLOCK = "40P01";

/**
 * "cached plan must not change result type": a table changed under a statement this
 * connection prepared (another node applied a migration). The connection is discarded and the
 * work runs again on a fresh one, which prepares its statements against the new tables.
 */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: string }).code === "0A000";
}

/**
 * Statements run as named prepared statements: each connection parses and plans a statement
 * text once, then only binds and executes it (measured: 40 % less database CPU per execution).
 * The modules' statements are fixed texts (values go in parameters), so each connection holds
 * a bounded set.
 */
const statementNames = new Map<string, string>();
function prepared(text: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `s${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

function sqlOf(client: { query: pg.Pool["query"] }): Sql {
  return {
    async rows<R extends object>(text: string, values?: readonly unknown[]) {
      return (await client.query(prepared(text, values))).rows as R[];
    },
    async row<R extends object>(text: string, values?: readonly unknown[]) {
      return (await client.query(prepared(text, values))).rows[0] as R | undefined;
    },
    async run(text: string, values?: readonly unknown[]) {
      return (await client.query(prepared(text, values))).rowCount ?? 0;
    },
  };
}

/** A pool of connections to one database and schema. */
export class PostgresDatabase implements Sql {
  readonly rows: Sql["rows"];
  readonly row: Sql["row"];
  readonly run: Sql["run"];
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private listenClient: pg.Client | undefined;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly options: PostgresOptions,
  ) {
    this.rows = (text, values) => this.onConnection((sql) => sql.rows(text, values));
    this.row = (text, values) => this.onConnection((sql) => sql.row(text, values));
    this.run = (text, values) => this.onConnection((sql) => sql.run(text, values));
  }

  /** Runs one statement outside a transaction, on a fresh connection if the plan went stale. */
  private async onConnection<T>(use: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.checkOut();
      let broken: Error | undefined;
      try {
        return await use(sqlOf(client));
      } catch (error) {
        if (isStalePlan(error)) {
          broken = error as Error;
          if (attempt < 3) continue;
        }
        throw error;
      } finally {
        this.checkIn(client, broken);
      }
    }
  }

  /** Connects, creates the schema if needed and applies the migrations this database lacks. */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 16,
      types: { getTypeParser: typeParser },
      options: sessionSettings(options.schema),
    });
    // An idle connection that the server drops (a restart) must not crash the process; the
    // pool opens a new one on the next query.
    pool.on("error", () => undefined);
    const db = new PostgresDatabase(pool, options);
    try {
      await db.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw explainConnectionError(error, options.url);
    }
    return db;
  }

  /**
   * Runs `body` in one transaction (READ COMMITTED; rows that must not change under it are
   * locked with FOR UPDATE). A serialization failure or deadlock retries the whole body.
   */
  async transaction<T>(body: (tx: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.checkOut();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await body(sqlOf(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        if (isStalePlan(error)) broken ??= error as Error;
        const code = (error as { code?: string }).code;
        const again = code === SERIALIZATION_FAILURE || code === DEADLOCK || isStalePlan(error);
        if (again && attempt < 5) continue;
        throw error;
      } finally {
        // A connection that could not roll back, or whose plans went stale, is discarded.
        this.checkIn(client, broken);
      }
    }
  }

  /**
   * Calls `listener` with the payload of every NOTIFY on `channel` (from any node). One
   * connection listens for the whole process; it reconnects after the server restarts.
   */
  async listen(channel: string, listener: (payload: string) => void): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      if (this.listenClient) await this.listenClient.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    set.add(listener);
    if (!this.listenClient) await this.connectListener();
    return () => set.delete(listener);
  }

  private async connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on("notification", (message) => {
      for (const listener of this.listeners.get(message.channel) ?? [])
        listener(message.payload ?? "");
    });
    client.on("error", () => {
      if (this.listenClient === client) this.listenClient = undefined;
      client.end().catch(() => undefined);
      this.reconnectListener();
    });
    await client.connect();
    for (const channel of this.listeners.keys())
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    this.listenClient = client;
  }

  private reconnectListener(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed || this.listenClient) return;
      this.connectListener().catch(() => this.reconnectListener());
    }, 500).unref();
  }

  /**
   * A connection of the pool for a transaction. While it is out, the server dropping it (a
   * restart, an administrator) is an 'error' event on it that nobody else listens to, which
   * would end the process: the query in flight fails instead, and the caller sees that.
   */
  private async checkOut(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    client.on("error", ignoreDroppedConnection);
    return client;
  }

  private checkIn(client: pg.PoolClient, broken?: Error): void {
    client.off("error", ignoreDroppedConnection);
    client.release(broken);
  }

  /** True when the database answers and holds every migration this opsflow knows. */
  async ready(): Promise<boolean> {
    try {
      const row = await this.row<{ version: number | null }>(
        "SELECT max(version) AS version FROM schema_migrations",
      );
      return row?.version === latestMigration();
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listenClient?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async migrate(): Promise<void> {
    const client = await this.checkOut();
    try {
      if (this.options.schema)
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.options.schema)}`);
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await client.query(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
        );
        const applied = new Set(
          (
            await client.query<{ version: number }>("SELECT version FROM schema_migrations")
          ).rows.map((row) => row.version),
        );
        const files = migrationFiles();
        const known = files.at(-1)?.version ?? 0;
        const newest = Math.max(0, ...applied);
        if (newest > known) throw new SchemaTooNewError(newest, known);
        for (const { version, path } of files) {
          if (applied.has(version)) continue;
          // Each migration in its own transaction: a failure leaves the ones before it applied
          // and nothing of itself.
          await client.query("BEGIN");
          try {
            await client.query(readFileSync(path, "utf8"));
            await client.query(
              "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
              [version, Date.now()],
            );
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK").catch(() => undefined);
            throw error;
          }
        }
      } finally {
        await client
          .query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK])
          .catch(() => undefined);
      }
    } finally {
      this.checkIn(client);
    }
  }
}

function ignoreDroppedConnection(): void {}

function migrationFiles(): { version: number; path: string }[] {
  return readdirSync(MIGRATIONS)
    .filter((file) => /^\d+_.*\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number.parseInt(file, 10), path: join(MIGRATIONS, file) }));
}

function latestMigration(): number {
  return migrationFiles().at(-1)?.version ?? 0;
}

/** How long a transaction may sit idle (its node stopped mid-transaction) before PostgreSQL
 * ends it: its row locks would otherwise keep other nodes from the rows it holds. */
const IDLE_IN_TRANSACTION_MS = 10_000;

/** The settings of every connection: the schema, and the idle-transaction limit. */
function sessionSettings(schema: string | undefined): string {
  const settings = [`-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`];
  if (schema) settings.push(`-c search_path=${quoteIdentifier(schema)}`);
  return settings.join(" ");
}

/** `"name"`, with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// BIGINT (int8) columns hold milliseconds and counters, all below 2^53: numbers, not strings.
// NUMERIC stays a string.
const INT8 = 20;
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as "text");
}

/** A connection failure as the operator can act on it: what was tried and what to check. */
function explainConnectionError(error: unknown, url: string): unknown {
  if (error instanceof SchemaTooNewError) return error;
  const code = (error as { code?: string }).code;
  let where = url;
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? "***" : "";
    where = parsed.toString();
  } catch {
    return new DatabaseUnavailableError(
      "The database URL is not valid: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE.",
    );
  }
  const reason = (error as Error).message;
  const advice: Record<string, string> = {
    ECONNREFUSED: "nothing listens there: is PostgreSQL running, and are the host and port right?",
    ENOTFOUND: "the host name does not resolve.",
    "28P01": "the password was refused.",
    "28000": "the server refused this user or address (pg_hba.conf).",
    "3D000": "the database does not exist: create it first (createdb).",
    "42501": "the user lacks a permission the migrations need (CREATE on the database or schema).",
  };
  return new DatabaseUnavailableError(
    `Cannot use the database at ${where}: ${code && advice[code] ? advice[code] : reason}`,
  );
}
