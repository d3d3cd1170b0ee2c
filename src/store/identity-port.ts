/**
 * The identity port: users, groups, role grants, inline policies, console sessions, access
 * keys and API tokens.
 */

/** A user. The password hash is argon2's PHC string; the TOTP secret is sealed. */
export interface UserRecord {
  name: string;
  passwordHash?: string;
  totpSealed?: string;
  /** Where approval requests for this user are mailed. */
  email?: string;
  createdAt: number;
  updatedAt: number;
}

/** A group of users. */
export interface GroupRecord {
  name: string;
  createdAt: number;
}

/** Who a role or policy is attached to. */
export type PrincipalKind = "user" | "group";

/** An inline policy of a user or group. */
export interface PolicyRecord {
  kind: PrincipalKind;
  principal: string;
  name: string;
  /** The policy document, JSON text. */
  document: string;
  updatedAt: number;
}

/** Everything that decides what a user may do. */
export interface UserPermissions {
  groups: string[];
  /** Built-in role names, the user's own and those of its groups. */
  roles: string[];
  /** Policy documents (JSON text), the user's own and those of its groups. */
  policies: string[];
}

/** A console session; only hashes of the cookie and CSRF token are kept. */
export interface SessionRecord {
  idHash: string;
  user: string;
  csrfHash: string;
  createdAt: number;
  expiresAt: number;
}

/** A SigV4 access key; the secret is sealed with the server's master key. */
export interface AccessKeyRecord {
  id: string;
  sealedSecret: string;
  user: string;
  status: "Active" | "Inactive";
  createdAt: number;
  lastUsedAt?: number;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

/** A bearer API token; only its hash is stored. */
export interface ApiTokenRecord {
  id: string;
  tokenHash: string;
  user: string;
  description?: string;
  status: "Active" | "Inactive";
  createdAt: number;
  lastUsedAt?: number;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

/** Identity persistence. */
export interface IdentityStore {
  createAccessKey(record: AccessKeyRecord): Promise<void>;
  getAccessKey(id: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(user?: string): Promise<AccessKeyRecord[]>;
  touchAccessKey(id: string, at: number, service: string, region: string): Promise<void>;
  createApiToken(record: ApiTokenRecord): Promise<void>;
  findApiToken(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  listApiTokens(user?: string): Promise<ApiTokenRecord[]>;

  /** @throws StoreConflictError `exists` */
  createUser(record: UserRecord): Promise<void>;
  getUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** Sets (string) or clears (null) the password hash or TOTP secret; false when no user. */
  updateUser(
    name: string,
    patch: { passwordHash?: string | null; totpSealed?: string | null; email?: string | null },
    now: number,
  ): Promise<boolean>;
  /** Deletes the user with its memberships, grants, policies, credentials and sessions. */
  deleteUser(name: string): Promise<boolean>;

  /** @throws StoreConflictError `exists` */
  createGroup(record: GroupRecord): Promise<void>;
  getGroup(name: string): Promise<GroupRecord | undefined>;
  listGroups(): Promise<GroupRecord[]>;
  /** Deletes the group with its memberships, grants and policies. */
  deleteGroup(name: string): Promise<boolean>;
  addMember(group: string, user: string): Promise<void>;
  removeMember(group: string, user: string): Promise<boolean>;
  membersOf(group: string): Promise<string[]>;

  grantRole(kind: PrincipalKind, principal: string, role: string): Promise<void>;
  revokeRole(kind: PrincipalKind, principal: string, role: string): Promise<boolean>;
  rolesOf(kind: PrincipalKind, principal: string): Promise<string[]>;
  putPolicy(record: PolicyRecord): Promise<void>;
  deletePolicy(kind: PrincipalKind, principal: string, name: string): Promise<boolean>;
  policiesOf(kind: PrincipalKind, principal: string): Promise<PolicyRecord[]>;
  /** The user's effective grants, or undefined when there is no such user. */
  permissionsOf(user: string): Promise<UserPermissions | undefined>;

  setAccessKeyStatus(id: string, status: "Active" | "Inactive"): Promise<boolean>;
  deleteAccessKey(id: string): Promise<boolean>;
  setApiTokenStatus(id: string, status: "Active" | "Inactive"): Promise<boolean>;
  deleteApiToken(id: string): Promise<boolean>;
  touchApiToken(id: string, at: number, service: string, region: string): Promise<void>;

  /**
   * Records that the user signed in with the TOTP code of `step`; false (nothing changed) when
   * that step or a later one was already used: the code is a replay.
   */
  useTotpStep(user: string, step: number): Promise<boolean>;
  createSession(record: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<boolean>;
}
