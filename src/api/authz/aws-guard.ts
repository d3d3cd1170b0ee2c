/**
 * Authorisation and audit on the AWS-compatible endpoint: every operation is checked against
 * its rule (AWS_RULES) before it runs, refusals answer AccessDeniedException, and rejected
 * signatures, refusals and every non-read operation are recorded in the audit log.
 */
import type { AuditEntry } from "../../auth/audit.js";
import { denialMessage } from "../../auth/authorizer.js";
import type { RateVerdict } from "../../auth/rate-limit.js";
import { type AwsError, type AwsJsonService, commonError } from "../aws/index.js";
import type { AuthApi, Principal } from "../context.js";
import { AWS_RULES } from "./aws-rules.js";
import { decideOnTask } from "./task-scope.js";

/** One call on the endpoint, as far as it is known. */
export interface AwsCall {
  service: AwsJsonService;
  operation: string;
  request?: Record<string, unknown>;
  principal?: Principal;
  /** The key the request claimed (known even when its signature is refused). */
  accessKeyId?: string;
  region?: string;
  sourceIp?: string;
  userAgent?: string;
  /** The resources once resolved (a task token's execution), for the audit of the outcome. */
  resources?: string[];
}

/** The hooks the endpoint calls. */
export interface AwsGuard {
  /**
   * Records a request whose signature or key was refused; the error to answer: `error`, or
   * ThrottlingException once the request's source address is over its limit of refused
   * attempts (audited once per throttling episode, like a credential's throttling).
   */
  rejected(call: AwsCall, error: AwsError): Promise<AwsError>;
  /** Checks the permission; the error to answer when refused. */
  authorize(call: AwsCall): Promise<AwsError | undefined>;
  /** Records the outcome of an operation that ran. */
  completed(call: AwsCall, error: unknown): Promise<void>;
}

/** The access key id a request names, from its Authorization header or presigned query. */
export function claimedAccessKey(
  authorization: string | undefined,
  query: string,
): string | undefined {
  const header = /Credential=([A-Za-z0-9]{1,128})\//.exec(authorization ?? "")?.[1];
  if (header) return header;
  const presigned = /(?:^|&)X-Amz-Credential=([A-Za-z0-9]{1,128})(?:%2F|\/)/.exec(query)?.[1];
  return presigned;
}

/** Builds the guard. `keyOwner` names the user of a key (for refusals of known keys). */
export function awsGuard(
  auth: AuthApi,
  keyOwner: (id: string) => Promise<string | undefined>,
): AwsGuard {
  const touched = new Map<string, number>();
  const actionOf = (call: AwsCall) => `${call.service.signingName}:${call.operation}`;
  const resourcesOf = (call: AwsCall) =>
    call.resources ??
    AWS_RULES[call.service.signingName]?.[call.operation]?.resources(
      call.request ?? {},
      auth.arns,
    ) ??
    [];
  /** Records `call`'s audit event: `entry` adds to what every event of a call has. */
  const record = (
    call: AwsCall,
    entry: Omit<AuditEntry, "service" | "action" | "sourceIp" | "userAgent">,
  ) =>
    auth.audit.record({
      service: call.service.signingName,
      action: actionOf(call),
      sourceIp: call.sourceIp,
      userAgent: call.userAgent,
      ...entry,
    });
  /** The request as the audit log keeps it: without the members its rule withholds. */
  const audited = (call: AwsCall) => {
    const withheld = AWS_RULES[call.service.signingName]?.[call.operation]?.withheld ?? [];
    if (!call.request || withheld.length === 0) return call.request;
    const copy = { ...call.request };
    for (const member of withheld) if (member in copy) copy[member] = "***";
    return copy;
  };
  /**
   * The answer to a throttled request. One audit event per throttling episode, not per
   * refused request (see rate-limit.ts): a flood must not become a flood of audit rows.
   */
  const throttled = async (
    call: AwsCall,
    who: Pick<AuditEntry, "principal" | "user" | "credential">,
    rate: Extract<RateVerdict, { ok: false }>,
    message: string,
  ): Promise<AwsError> => {
    if (rate.firstRefusal)
      await record(call, {
        ...who,
        resources: [],
        outcome: "Denied",
        errorCode: "ThrottlingException",
        errorMessage: message,
      });
    return commonError("ThrottlingException", message);
  };
  return {
    async rejected(call, error) {
      const id = call.accessKeyId;
      const who = {
        user: id ? await keyOwner(id) : undefined,
        credential: id ? { kind: "access-key", id } : undefined,
      };
      // A request that presents no credential guesses nothing; the others count per address.
      if (error.code !== "MissingAuthenticationTokenException") {
        const rate = auth.rateLimitFailure(call.sourceIp);
        if (!rate.ok)
          return throttled(
            call,
            who,
            rate,
            `Rate exceeded for refused authentication attempts from ${call.sourceIp ?? "this address"}.`,
          );
      }
      await record(call, {
        ...who,
        resources: [],
        outcome: "Failure",
        errorCode: error.code,
        errorMessage: error.message.split("\n")[0],
      });
      return error;
    },
    async authorize(call) {
      const principal = call.principal as Principal;
      const rate = auth.rateLimit(principal);
      if (!rate.ok)
        return throttled(
          call,
          { principal },
          rate,
          `Rate exceeded for access key ${principal.credential.id}.`,
        );
      const now = Date.now();
      if (now - (touched.get(principal.credential.id) ?? 0) > 60_000) {
        touched.set(principal.credential.id, now);
        await auth.touch(
          principal.credential,
          call.service.signingName,
          call.region ?? auth.region,
        );
      }
      const action = actionOf(call);
      const rule = AWS_RULES[call.service.signingName]?.[call.operation];
      const scoped = rule?.taskToken
        ? await decideOnTask(auth, principal.user, action, call.request?.[rule.taskToken])
        : undefined;
      if (scoped) call.resources = scoped.resources;
      const resources = resourcesOf(call);
      const decision = scoped
        ? scoped.decision
        : rule
          ? await auth.authorizer.decide(principal.user, action, resources, {
              ...(call.sourceIp !== undefined && { sourceIp: call.sourceIp }),
            })
          : ({ effect: "deny", reason: "implicit-deny", resource: "*" } as const);
      if (decision.effect === "allow") return undefined;
      const message = rule
        ? denialMessage(principal.user, action, decision)
        : `No permission rule covers ${action}; it is refused to everyone.`;
      await record(call, {
        principal,
        resources,
        parameters: audited(call),
        outcome: "Denied",
        errorCode: "AccessDeniedException",
        errorMessage: message,
      });
      return commonError("AccessDeniedException", message);
    },
    async completed(call, error) {
      const rule = AWS_RULES[call.service.signingName]?.[call.operation];
      if (rule?.read && error === undefined) return;
      const aws = error as Partial<AwsError> | undefined;
      await record(call, {
        principal: call.principal,
        resources: resourcesOf(call),
        parameters: audited(call),
        outcome: error === undefined ? "Success" : "Failure",
        errorCode: error === undefined ? undefined : (aws?.code ?? "InternalFailure"),
        errorMessage: error === undefined ? undefined : aws?.message,
      });
    },
  };
}
