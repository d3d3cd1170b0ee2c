/**
 * Users, groups, role grants, inline policies and per-user credentials (SigV4 access keys,
 * bearer API tokens). Secrets are returned once, at creation, and stored sealed or hashed.
 * Changes to permissions go through the escalation check with the caller's grants.
 */

import { sealSecret } from "../kernel/secret-box.js";
import type { IdentityStore, PolicyRecord, PrincipalKind } from "../store/identity-port.js";
import type { Authorizer, Grants } from "./authorizer.js";
import { AuthError, inserting } from "./errors.js";
import { checkEscalation } from "./escalation.js";
import {
  generateAccessKeyId,
  generateApiToken,
  generateSecretAccessKey,
  hashApiToken,
} from "./key-hash.js";
import { hashPassword, passwordProblem } from "./passwords.js";
import { InvalidPolicyError, parsePolicy } from "./policy.js";
import type { Principal } from "./principal.js";
import { isRoleName, ROLE_NAMES } from "./roles.js";
import { generateTotpSecret, totpUri } from "./totp.js";

/** User and group names: IAM's characters, 1–64 long. */
export const NAME = /^[A-Za-z0-9_+=,.@-]{1,64}$/;
/** An email address as approval mails need it: one @, a dotted domain, no spaces. */
const EMAIL = /^[^\s@<>",;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** True for an email address approval mails can go to. */
export const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value);

/** Refuses what is not an email address (`null` clears it). */
function checkEmail(email: string | null | undefined): void {
  if (email !== null && email !== undefined && !isEmail(email))
    throw new AuthError("ValidationException", `'${email}' is not an email address.`);
}

/** Most credentials of each kind per user (AWS allows two access keys; tokens are cheaper). */
const MAX_KEYS = 2;
const MAX_TOKENS = 10;

const notFound = (what: string) => new AuthError("ResourceNotFound", `${what} does not exist.`);

/** A user as the API shows it. */
export interface UserView {
  name: string;
  hasPassword: boolean;
  totpEnabled: boolean;
  email?: string;
  roles: string[];
  groups: string[];
  policies: string[];
  createdAt: number;
}

/** The identity service. */
export class IdentityService {
  constructor(
    private readonly store: IdentityStore,
    private readonly authorizer: Authorizer,
    private readonly masterKey: Buffer,
    private readonly now: () => number,
    /** Told when a user is deleted (team memberships are cached elsewhere). */
    private readonly userDeleted: (name: string) => void = () => {},
  ) {}

  private async callerGrants(caller: Principal): Promise<Grants> {
    const grants = await this.authorizer.grantsOf(caller.user);
    if (!grants)
      throw new AuthError("AccessDeniedException", `User ${caller.user} does not exist.`);
    return grants;
  }

  private async needUser(name: string) {
    const user = await this.store.getUser(name);
    if (!user) throw notFound(`User ${name}`);
    return user;
  }

  private async needPrincipal(kind: PrincipalKind, name: string) {
    if (kind === "user") await this.needUser(name);
    else if (!(await this.store.getGroup(name))) throw notFound(`Group ${name}`);
  }

  /** Creates a user, with a password when given (for console login). */
  async createUser(name: string, password?: string, email?: string): Promise<UserView> {
    if (!NAME.test(name))
      throw new AuthError(
        "ValidationException",
        "The user name must be 1-64 of A-Z a-z 0-9 _+=,.@-",
      );
    const problem = password === undefined ? undefined : passwordProblem(password);
    if (problem) throw new AuthError("ValidationException", problem);
    checkEmail(email);
    const now = this.now();
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    await inserting(() =>
      this.store.createUser({
        name,
        ...(email !== undefined && { email }),
        ...(passwordHash !== undefined && { passwordHash }),
        createdAt: now,
        updatedAt: now,
      }),
    );
    return this.describeUser(name);
  }

  /** A user with its roles, groups and policy names. */
  async describeUser(name: string): Promise<UserView> {
    const user = await this.needUser(name);
    return {
      name,
      hasPassword: user.passwordHash !== undefined,
      totpEnabled: user.totpSealed !== undefined,
      ...(user.email !== undefined && { email: user.email }),
      roles: await this.store.rolesOf("user", name),
      groups: (await this.store.permissionsOf(name))?.groups ?? [],
      policies: (await this.store.policiesOf("user", name)).map((p) => p.name),
      createdAt: user.createdAt,
    };
  }

  /** Every user. */
  async listUsers(): Promise<UserView[]> {
    return Promise.all((await this.store.listUsers()).map((u) => this.describeUser(u.name)));
  }

  /** Deletes a user and everything it holds; nobody deletes themselves (no lock-out by typo). */
  async deleteUser(caller: Principal, name: string): Promise<void> {
    if (name === caller.user)
      throw new AuthError("ValidationException", "You cannot delete your own user.");
    if (!(await this.store.deleteUser(name))) throw notFound(`User ${name}`);
    this.userDeleted(name);
  }

  /** Sets (or, with null, clears) the address a user's approval requests are mailed to. */
  async setEmail(name: string, email: string | null): Promise<void> {
    checkEmail(email);
    await this.needUser(name);
    await this.store.updateUser(name, { email }, this.now());
  }

  /** Sets a user's password. */
  async setPassword(name: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new AuthError("ValidationException", problem);
    await this.needUser(name);
    await this.store.updateUser(name, { passwordHash: await hashPassword(password) }, this.now());
  }

  /** Turns on TOTP with a fresh secret; returns it (once) with its otpauth URI. */
  async enableTotp(name: string): Promise<{ secret: string; uri: string }> {
    await this.needUser(name);
    const secret = generateTotpSecret();
    await this.store.updateUser(
      name,
      { totpSealed: sealSecret(this.masterKey, secret, `totp:${name}`) },
      this.now(),
    );
    return { secret, uri: totpUri(secret, name) };
  }

  /** Turns TOTP off. */
  async disableTotp(name: string): Promise<void> {
    await this.needUser(name);
    await this.store.updateUser(name, { totpSealed: null }, this.now());
  }

  /** Grants a built-in role to a user or group (escalation-checked). */
  async grantRole(caller: Principal, kind: PrincipalKind, name: string, role: string) {
    if (!isRoleName(role))
      throw new AuthError(
        "ValidationException",
        `Unknown role ${role} (${ROLE_NAMES.join(", ")}).`,
      );
    await this.needPrincipal(kind, name);
    checkEscalation(await this.callerGrants(caller), { affects: { kind, name }, roles: [role] });
    await this.store.grantRole(kind, name, role);
  }

  /**
   * Revokes a role. Only the rule on one's own permissions applies: revoking a role can
   * uncover nothing, but nobody edits their own grants.
   */
  async revokeRole(caller: Principal, kind: PrincipalKind, name: string, role: string) {
    await this.needPrincipal(kind, name);
    checkEscalation(await this.callerGrants(caller), { affects: { kind, name } });
    if (!(await this.store.revokeRole(kind, name, role)))
      throw notFound(`Role ${role} of ${kind} ${name}`);
  }

  /** Creates or replaces an inline policy (escalation-checked). */
  async putPolicy(
    caller: Principal,
    kind: PrincipalKind,
    name: string,
    policyName: string,
    document: unknown,
  ): Promise<PolicyRecord> {
    if (!NAME.test(policyName))
      throw new AuthError(
        "ValidationException",
        "The policy name must be 1-64 of A-Z a-z 0-9 _+=,.@-",
      );
    let parsed: ReturnType<typeof parsePolicy>;
    try {
      parsed = parsePolicy(document);
    } catch (error) {
      if (error instanceof InvalidPolicyError)
        throw new AuthError("ValidationException", error.message);
      throw error;
    }
    await this.needPrincipal(kind, name);
    checkEscalation(await this.callerGrants(caller), {
      affects: { kind, name },
      policies: [parsed],
    });
    const record = {
      kind,
      principal: name,
      name: policyName,
      document: JSON.stringify(parsed),
      updatedAt: this.now(),
    };
    await this.store.putPolicy(record);
    return record;
  }

  /** Deletes an inline policy (not one's own: deleting a Deny would widen one's rights). */
  async deletePolicy(caller: Principal, kind: PrincipalKind, name: string, policyName: string) {
    await this.needPrincipal(kind, name);
    checkEscalation(await this.callerGrants(caller), { affects: { kind, name } });
    if (!(await this.store.deletePolicy(kind, name, policyName)))
      throw notFound(`Policy ${policyName} of ${kind} ${name}`);
  }

  /** A principal's inline policies. */
  async listPolicies(kind: PrincipalKind, name: string) {
    await this.needPrincipal(kind, name);
    return (await this.store.policiesOf(kind, name)).map((p) => ({
      name: p.name,
      document: JSON.parse(p.document) as unknown,
      updatedAt: p.updatedAt,
    }));
  }

  /** Creates a group. */
  async createGroup(name: string) {
    if (!NAME.test(name))
      throw new AuthError(
        "ValidationException",
        "The group name must be 1-64 of A-Z a-z 0-9 _+=,.@-",
      );
    await inserting(() => this.store.createGroup({ name, createdAt: this.now() }));
    return this.describeGroup(name);
  }

  /** A group with its members, roles and policy names. */
  async describeGroup(name: string) {
    const group = await this.store.getGroup(name);
    if (!group) throw notFound(`Group ${name}`);
    return {
      name,
      members: await this.store.membersOf(name),
      roles: await this.store.rolesOf("group", name),
      policies: (await this.store.policiesOf("group", name)).map((p) => p.name),
      createdAt: group.createdAt,
    };
  }

  /** Every group. */
  async listGroups() {
    return Promise.all((await this.store.listGroups()).map((g) => this.describeGroup(g.name)));
  }

  /** Deletes a group (its members stay, without what the group gave them). */
  async deleteGroup(name: string) {
    if (!(await this.store.deleteGroup(name))) throw notFound(`Group ${name}`);
  }

  /** Adds a user to a group: escalation-checked against what the group grants. */
  async addMember(caller: Principal, group: string, user: string) {
    await this.needPrincipal("group", group);
    await this.needUser(user);
    const policies = (await this.store.policiesOf("group", group)).map((p) =>
      parsePolicy(p.document),
    );
    checkEscalation(await this.callerGrants(caller), {
      affects: { kind: "user", name: user },
      roles: await this.store.rolesOf("group", group),
      policies,
    });
    await this.store.addMember(group, user);
  }

  /** Removes a user from a group (not oneself: the group may carry a Deny). */
  async removeMember(caller: Principal, group: string, user: string) {
    checkEscalation(await this.callerGrants(caller), { affects: { kind: "user", name: user } });
    if (!(await this.store.removeMember(group, user)))
      throw notFound(`Member ${user} of group ${group}`);
  }

  /** Creates an access key pair for a user; the secret is in this answer only. */
  async createAccessKey(user: string) {
    await this.needUser(user);
    if ((await this.store.listAccessKeys(user)).length >= MAX_KEYS)
      throw new AuthError(
        "ConflictException",
        `User ${user} already has ${MAX_KEYS} access keys (delete one first).`,
      );
    const id = generateAccessKeyId();
    const secret = generateSecretAccessKey();
    const createdAt = this.now();
    await this.store.createAccessKey({
      id,
      sealedSecret: sealSecret(this.masterKey, secret, id),
      user,
      status: "Active",
      createdAt,
    });
    return { accessKeyId: id, secretAccessKey: secret, user, status: "Active", createdAt };
  }

  /** A user's access keys, without secrets, with their last use. */
  async listAccessKeys(user: string) {
    await this.needUser(user);
    return (await this.store.listAccessKeys(user)).map(({ sealedSecret: _, id, ...key }) => ({
      accessKeyId: id,
      ...key,
    }));
  }

  /**
   * One access key by id alone, with its user and last use (IAM's GetAccessKeyLastUsed):
   * what a responder to a leaked key id needs to learn whose key it is.
   */
  async describeAccessKey(id: string) {
    const key = await this.store.getAccessKey(id);
    if (!key) throw notFound(`Access key ${id}`);
    const { sealedSecret: _, id: accessKeyId, ...rest } = key;
    return { accessKeyId, ...rest };
  }

  /** Activates or deactivates one of the user's access keys. */
  async setAccessKeyStatus(user: string, id: string, status: "Active" | "Inactive") {
    await this.ownKey(user, id);
    await this.store.setAccessKeyStatus(id, status);
  }

  /** Deletes one of the user's access keys. */
  async deleteAccessKey(user: string, id: string) {
    await this.ownKey(user, id);
    await this.store.deleteAccessKey(id);
  }

  private async ownKey(user: string, id: string) {
    const key = await this.store.getAccessKey(id);
    // Another user's key is "not found" here: the path names whose keys are managed.
    if (key?.user !== user) throw notFound(`Access key ${id} of user ${user}`);
  }

  /** Creates an API token for a user; the token is in this answer only. */
  async createApiToken(user: string, description?: string) {
    await this.needUser(user);
    if ((await this.store.listApiTokens(user)).length >= MAX_TOKENS)
      throw new AuthError(
        "ConflictException",
        `User ${user} already has ${MAX_TOKENS} API tokens (delete one first).`,
      );
    const token = generateApiToken();
    const record = {
      id: crypto.randomUUID(),
      tokenHash: hashApiToken(token),
      user,
      status: "Active" as const,
      createdAt: this.now(),
      ...(description !== undefined && { description }),
    };
    await this.store.createApiToken(record);
    const { tokenHash: _, ...view } = record;
    return { ...view, token };
  }

  /** A user's API tokens, without the tokens. */
  async listApiTokens(user: string) {
    await this.needUser(user);
    return (await this.store.listApiTokens(user)).map(({ tokenHash: _, ...token }) => token);
  }

  /** Activates or deactivates one of the user's API tokens. */
  async setApiTokenStatus(user: string, id: string, status: "Active" | "Inactive") {
    await this.ownToken(user, id);
    await this.store.setApiTokenStatus(id, status);
  }

  /** Deletes one of the user's API tokens. */
  async deleteApiToken(user: string, id: string) {
    await this.ownToken(user, id);
    await this.store.deleteApiToken(id);
  }

  private async ownToken(user: string, id: string) {
    if (!(await this.store.listApiTokens(user)).some((t) => t.id === id))
      throw notFound(`API token ${id} of user ${user}`);
  }
}
