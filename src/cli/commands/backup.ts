import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { backupSqliteDatabase } from "../../store/sqlite/backup.js";
import { type Command, ExitCode, UsageError } from "../command.js";

/** `opsflow backup FILE`: an online copy of the embedded SQLite database. */
export const backupCommand: Command = {
  summary: "Copy the embedded SQLite database to a file while the server runs",
  usage: `Usage: opsflow backup FILE [--data-dir DIR] [--json]

Writes a consistent copy of DIR/opsflow.db to FILE (which must not exist) with SQLite's
online backup: the server may keep running. To restore, stop the server and copy FILE to
DIR/opsflow.db (remove DIR/opsflow.db-wal and DIR/opsflow.db-shm first); keep DIR/master.key
(or OPSFLOW_MASTER_KEY), without which stored secrets cannot be read.

On PostgreSQL (--database), use PostgreSQL's tools instead: pg_dump -Fc -f FILE URL, and
pg_restore -d URL FILE into an empty database.

Options:
  --data-dir DIR   the server's data directory [OPSFLOW_DATA_DIR] (.data)
  --json           print the result as one JSON object
  -h, --help       show this help
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        "data-dir": { type: "string", default: process.env.OPSFLOW_DATA_DIR ?? ".data" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("give one FILE to write the backup to");
    const source = join(resolve(values["data-dir"] ?? ".data"), "opsflow.db");
    const destination = resolve(positionals[0]);
    let result: { totalPages: number };
    try {
      result = await backupSqliteDatabase(source, destination, (progress) => {
        if (!values.json && progress.totalPages > 0)
          io.stderr(
            `\rcopied ${progress.totalPages - progress.remainingPages} of ${progress.totalPages} pages`,
          );
      });
    } catch (error) {
      io.stderr(`opsflow backup: ${(error as Error).message}\n`);
      return ExitCode.Failed;
    }
    if (values.json)
      io.stdout(`${JSON.stringify({ file: destination, pages: result.totalPages })}\n`);
    else io.stderr(`\nbacked up ${source} to ${destination}\n`);
    return ExitCode.Ok;
  },
};
