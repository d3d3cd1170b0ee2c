/**
 * The agent endpoint (`/agent/v1`, fleet/protocol.ts): registration with an activation code,
 * then calls signed with the node's key. It is not under /v1 because agents are not users:
 * no bearer tokens or SigV4 here, and a node can only ever act on its own invocations.
 * Registrations and refused calls are audited; heartbeats and output are not (they are the
 * node's own state, and would drown the log).
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { FleetError } from "../../fleet/errors.js";
import type { Fleet } from "../../fleet/index.js";
import {
  AGENT_DATE_HEADER,
  AGENT_PATH,
  type FinishRequest,
  type PollRequest,
  type RegisterRequest,
} from "../../fleet/protocol.js";
import type { ManagedNodeRecord, NodeInfo } from "../../store/fleet-port.js";
import { originOf } from "../authz/origin.js";
import type { ApiContext, App, AppEnv } from "../context.js";
import { checkNodeInfo } from "./node-info.js";

const STATUS: Partial<Record<FleetError["code"], 400 | 401 | 403 | 409>> = {
  AgentUnauthorized: 401,
  AgentForbidden: 403,
  OutputGap: 409,
};

/** Mounts the agent endpoint over `fleet`. */
export function agentRoutes(fleet: Fleet) {
  return (app: App, api: ApiContext): void => {
    const fail = async (c: Context<AppEnv>, error: unknown, action: string) => {
      if (!(error instanceof FleetError)) throw error;
      if (error.code === "AgentUnauthorized" || error.code === "InvalidActivation")
        await api.auth.audit.record({
          service: "ssm",
          action,
          resources: [],
          ...originOf(c),
          outcome: "Denied",
          errorCode: error.code,
          errorMessage: error.message,
        });
      return c.json({ code: error.code, message: error.message }, STATUS[error.code] ?? 400);
    };

    app.post(`${AGENT_PATH}/register`, async (c) => {
      try {
        const request = (await jsonOf(c)) as Partial<RegisterRequest>;
        const fields = ["activationId", "activationCode", "publicKey"] as const;
        for (const field of fields)
          if (typeof request[field] !== "string" || request[field] === "")
            throw new FleetError("ValidationException", `register needs ${field} (a string).`);
        const info = checkNodeInfo(request.info);
        const registered = await fleet.activations.register({
          ...(request as RegisterRequest),
          info,
        });
        await api.auth.audit.record({
          user: registered.instanceId,
          service: "ssm",
          action: "ssm:RegisterManagedInstance",
          resources: [registered.instanceId],
          parameters: { activationId: request.activationId, computerName: info.computerName },
          ...originOf(c),
          outcome: "Success",
        });
        return c.json(registered);
      } catch (error) {
        return fail(c, error, "ssm:RegisterManagedInstance");
      }
    });

    /** A signed call: the node, and the body it signed. */
    const signed = async (
      c: Context<AppEnv>,
    ): Promise<{ node: ManagedNodeRecord; body: Uint8Array }> => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const node = await fleet.auth.authenticate({
        method: c.req.method,
        pathAndQuery: incoming?.url ?? new URL(c.req.url).pathname + new URL(c.req.url).search,
        authorization: c.req.header("authorization"),
        date: c.req.header(AGENT_DATE_HEADER),
        body,
      });
      return { node, body };
    };

    app.post(`${AGENT_PATH}/poll`, async (c) => {
      try {
        const { node, body } = await signed(c);
        const request = parseJson(body) as Partial<PollRequest>;
        const info: NodeInfo | undefined =
          request.info === undefined ? undefined : checkNodeInfo(request.info);
        const wait = typeof request.waitSeconds === "number" ? request.waitSeconds : 0;
        return c.json(await fleet.agentCalls.poll(node, wait, info, c.req.raw.signal));
      } catch (error) {
        return fail(c, error, "ssm:AgentPoll");
      }
    });

    app.post(`${AGENT_PATH}/invocations/:commandId/start`, async (c) => {
      try {
        const { node } = await signed(c);
        return c.json(await fleet.agentCalls.start(node, c.req.param("commandId")));
      } catch (error) {
        return fail(c, error, "ssm:AgentStart");
      }
    });

    app.post(`${AGENT_PATH}/invocations/:commandId/output`, async (c) => {
      try {
        const { node, body } = await signed(c);
        const stream = c.req.query("stream");
        if (stream !== "stdout" && stream !== "stderr")
          throw new FleetError("ValidationException", "stream must be stdout or stderr.");
        const offset = Number(c.req.query("offset"));
        return c.json(
          await fleet.agentCalls.output(node, c.req.param("commandId"), stream, offset, body),
        );
      } catch (error) {
        return fail(c, error, "ssm:AgentOutput");
      }
    });

    app.post(`${AGENT_PATH}/invocations/:commandId/finish`, async (c) => {
      try {
        const { node, body } = await signed(c);
        await fleet.agentCalls.finish(
          node,
          c.req.param("commandId"),
          parseJson(body) as FinishRequest,
        );
        return c.json({});
      } catch (error) {
        return fail(c, error, "ssm:AgentFinish");
      }
    });
  };
}

async function jsonOf(c: Context<AppEnv>): Promise<unknown> {
  return parseJson(new Uint8Array(await c.req.arrayBuffer()));
}

function parseJson(body: Uint8Array): unknown {
  try {
    const value = JSON.parse(Buffer.from(body).toString("utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new FleetError("ValidationException", "The body must be a JSON object.");
}
