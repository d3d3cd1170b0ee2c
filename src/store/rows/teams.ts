/** Row → record mapping of the team domain, shared by both adapters. */
import type { TeamQuotas, TeamRecord } from "../teams-port.js";
import type { Row } from "./common.js";

/** A `teams` row as the port's record. */
export const teamFromRow = (row: Row): TeamRecord => ({
  name: row.name as string,
  ...(row.description !== null && { description: row.description as string }),
  quotas: JSON.parse(row.quotas as string) as TeamQuotas,
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});
