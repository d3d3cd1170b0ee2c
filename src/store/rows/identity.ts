/** Row → record mapping of the identity domain, shared by both adapters. */
import type {
  AccessKeyRecord,
  ApiTokenRecord,
  GroupRecord,
  PolicyRecord,
  PrincipalKind,
  SessionRecord,
  UserRecord,
} from "../identity-port.js";
import type { Row } from "./common.js";

/** A `users` row as the port's record. */
export const userFromRow = (row: Row): UserRecord => ({
  name: row.name as string,
  ...(row.password_hash !== null && { passwordHash: row.password_hash as string }),
  ...(row.totp_sealed !== null && { totpSealed: row.totp_sealed as string }),
  ...(row.email !== null && { email: row.email as string }),
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});

/** A `groups` row as the port's record. */
export const groupFromRow = (row: Row): GroupRecord => ({
  name: row.name as string,
  createdAt: row.created_at as number,
});

/** An inline policy row as the port's record. */
export const policyFromRow = (row: Row): PolicyRecord => ({
  kind: row.principal_kind as PrincipalKind,
  principal: row.principal_name as string,
  name: row.name as string,
  document: row.document as string,
  updatedAt: row.updated_at as number,
});

/** A `sessions` row as the port's record. */
export const sessionFromRow = (row: Row): SessionRecord => ({
  idHash: row.id_hash as string,
  user: row.user_name as string,
  csrfHash: row.csrf_hash as string,
  createdAt: row.created_at as number,
  expiresAt: row.expires_at as number,
});

/** An `access_keys` row as the port's record (last use only once used). */
export const keyFromRow = (row: Row): AccessKeyRecord => {
  const record: AccessKeyRecord = {
    id: row.id as string,
    sealedSecret: row.sealed_secret as string,
    user: row.user_name as string,
    status: row.status as AccessKeyRecord["status"],
    createdAt: row.created_at as number,
  };
  if (row.last_used_at !== null) record.lastUsedAt = row.last_used_at as number;
  if (row.last_used_service !== null) record.lastUsedService = row.last_used_service as string;
  if (row.last_used_region !== null) record.lastUsedRegion = row.last_used_region as string;
  return record;
};

/** An `api_tokens` row as the port's record (last use only once used). */
export const tokenFromRow = (row: Row): ApiTokenRecord => {
  const record: ApiTokenRecord = {
    id: row.id as string,
    tokenHash: row.token_hash as string,
    user: row.user_name as string,
    status: row.status as ApiTokenRecord["status"],
    createdAt: row.created_at as number,
  };
  if (row.description !== null) record.description = row.description as string;
  if (row.last_used_at !== null) record.lastUsedAt = row.last_used_at as number;
  if (row.last_used_service != null) record.lastUsedService = row.last_used_service as string;
  if (row.last_used_region != null) record.lastUsedRegion = row.last_used_region as string;
  return record;
};
