/**
 * What the HTTP layer needs from the rest of opsflow: the services, and how to recognise a
 * caller. Built once by the composition root.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuditLog } from "../auth/audit.js";
import type { Authorizer } from "../auth/authorizer.js";
import type { IdentityService } from "../auth/identity.js";
import type { LoginThrottle } from "../auth/login-throttle.js";
import type { Principal } from "../auth/principal.js";
import type { TeamService } from "../auth/quotas.js";
import type { RateVerdict } from "../auth/rate-limit.js";
import type { ResourceArns } from "../auth/resources.js";
import type { SessionService } from "../auth/sessions.js";
import type { ConnectionService } from "../events/bus/connections.js";
import type { EventBusService } from "../events/bus/service.js";
import type { SourceService } from "../events/sources/service.js";
import type { DurableEngine } from "../runtime/durable/engine.js";
import type { ExecutionService } from "../runtime/durable/service/executions.js";
import type { StateMachineService } from "../runtime/durable/service/state-machines.js";
import type { TaskService } from "../runtime/durable/service/tasks.js";

export type { Principal } from "../auth/principal.js";

/** Recognises callers. */
export interface Authenticator {
  /** The principal of a bearer token, or undefined when it is not valid. */
  bearer(token: string): Promise<Principal | undefined>;
}

/** Deployed functions, as the API sees them. */
export interface FunctionsApi {
  deploy(request: {
    name: string;
    runtime: "nodejs" | "python";
    files: Record<string, string>;
    handler?: string;
    timeoutSeconds?: number;
    memoryMb?: number;
    environment?: Record<string, string>;
  }): Promise<unknown>;
  list(): Promise<unknown[]>;
  invoke(name: string, event: unknown): Promise<unknown>;
}

/** The event bus services the routes use. */
export interface EventsApi {
  bus: EventBusService;
  connections: ConnectionService;
  sources: SourceService;
}

/** Identity, authorisation and audit, as the HTTP layer uses them. */
export interface AuthApi {
  authorizer: Authorizer;
  identity: IdentityService;
  audit: AuditLog;
  sessions: SessionService;
  /** Teams, their quotas and usage. */
  teams: TeamService;
  arns: ResourceArns;
  /** The region credentials' last use is recorded in. */
  region: string;
  /** Failed sign-ins and lockouts. */
  loginThrottle: LoginThrottle;
  /** Takes one request from the credential's rate limit (rate-limit.ts). */
  rateLimit(principal: Principal): RateVerdict;
  /**
   * Counts a refused authentication attempt (bad signature, unknown key or token) against
   * the limit of its source address (rate-limit.ts); only failing attempts take from it.
   */
  rateLimitFailure(sourceIp: string | undefined): RateVerdict;
  /** The execution a task token belongs to, or undefined for an unknown token. */
  taskExecution(token: string): Promise<string | undefined>;
  /** Records that a credential was used (throttled by the caller). */
  touch(credential: Principal["credential"], service: string, region: string): Promise<void>;
}

/** Everything the routes use. */
export interface ApiContext {
  engine: DurableEngine;
  stateMachines: StateMachineService;
  executions: ExecutionService;
  tasks: TaskService;
  functions?: FunctionsApi;
  /** The event bus, when the server runs one. */
  events?: EventsApi;
  authenticator: Authenticator;
  /** Identity, authorisation and audit. */
  auth: AuthApi;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** True when the database answers and is migrated (`/ready`). */
  ready(): Promise<boolean>;
}

/** The Hono environment of every route: the authenticated principal. */
export type AppEnv = { Variables: { principal: Principal } };

/** The application type routes are registered on. */
export type App = OpenAPIHono<AppEnv>;
