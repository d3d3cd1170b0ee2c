/** Name-prefix filters in SQL. */

/** A `LIKE ... ESCAPE '\'` pattern matching names that start with `prefix` (wildcards escaped). */
export const likePrefix = (prefix: string | undefined) =>
  `${(prefix ?? "").replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
