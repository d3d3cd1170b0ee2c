/**
 * What the HTTP layer needs from the rest of opsflow: the services, and how to recognise a
 * caller. Built once by the composition root.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ConnectionService } from "../events/bus/connections.js";
import type { EventBusService } from "../events/bus/service.js";
import type { SourceService } from "../events/sources/service.js";
import type { DurableEngine } from "../runtime/durable/engine.js";
import type { ExecutionService } from "../runtime/durable/service/executions.js";
import type { StateMachineService } from "../runtime/durable/service/state-machines.js";
import type { TaskService } from "../runtime/durable/service/tasks.js";

/** Who is calling. */
export interface Principal {
  /** The user (or service account) name. */
  user: string;
  /** How they authenticated. */
  credential: { kind: "token" | "access-key" | "session"; id: string };
}

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
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

/** The Hono environment of every route: the authenticated principal. */
export type AppEnv = { Variables: { principal: Principal } };

/** The application type routes are registered on. */
export type App = OpenAPIHono<AppEnv>;
