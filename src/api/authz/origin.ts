/** Where a request came from, for the audit log. */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** The peer address and user agent of a request. */
export function originOf(c: Context): { sourceIp?: string; userAgent?: string } {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const ip = incoming?.socket?.remoteAddress;
  const agent = c.req.header("user-agent");
  return {
    ...(ip && { sourceIp: ip.replace(/^::ffff:/, "") }),
    ...(agent && { userAgent: agent }),
  };
}
