/**
 * A stand-in for the cloud's security-group API, at its HTTP boundary: EC2's operation names
 * and shapes (DescribeSecurityGroups, RevokeSecurityGroupIngress) as JSON over
 * `POST /` with `{"Action": ..., ...}`, over security groups kept in memory. Errors answer
 * 400 `{"Error": {"Code", "Message"}}` with EC2's codes (InvalidGroup.NotFound,
 * InvalidPermission.NotFound, InvalidAction). It stands in for the third-party cloud only, in
 * tests and demos; a deployment points CLOUD_API_URL at an adapter for its real firewall.
 *
 * Run it alone: node --import tsx examples/seed-000/fake-ec2.ts  (prints its URL)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

/** An IPv4 range of a rule. */
export interface IpRange {
  CidrIp: string;
  Description?: string;
}

/** One ingress permission, as EC2 describes it. */
export interface IpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: IpRange[];
  Ipv6Ranges?: { CidrIpv6: string }[];
}

/** A security group, as EC2 describes it. */
export interface SecurityGroup {
  GroupId: string;
  GroupName: string;
  IpPermissions: IpPermission[];
}

/** A running fake: its URL, its groups (live, for assertions) and every call it answered. */
export interface FakeEc2 {
  url: string;
  groups: Map<string, SecurityGroup>;
  calls: { Action: string; [key: string]: unknown }[];
  close(): Promise<void>;
}

class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "Ec2Error";
  }
}

const sameRule = (a: IpPermission, b: IpPermission) =>
  a.IpProtocol === b.IpProtocol && a.FromPort === b.FromPort && a.ToPort === b.ToPort;

function describe(groups: Map<string, SecurityGroup>, request: Record<string, unknown>) {
  const ids = Array.isArray(request.GroupIds) ? (request.GroupIds as string[]) : [...groups.keys()];
  const found = ids.map((id) => {
    const group = groups.get(id);
    if (!group)
      throw new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
    return structuredClone(group);
  });
  return { SecurityGroups: found };
}

/** Removes exactly the given ranges of the matching rule, as EC2 does; a rule left empty goes. */
function revoke(groups: Map<string, SecurityGroup>, request: Record<string, unknown>) {
  const id = String(request.GroupId);
  const group = groups.get(id);
  if (!group)
    throw new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
  for (const wanted of (request.IpPermissions ?? []) as IpPermission[]) {
    const rule = group.IpPermissions.find((p) => sameRule(p, wanted));
    const cidrs = new Set(wanted.IpRanges.map((r) => r.CidrIp));
    if (!rule?.IpRanges.some((r) => cidrs.has(r.CidrIp)))
      throw new Ec2Error(
        "InvalidPermission.NotFound",
        "The specified rule does not exist in this security group.",
      );
    rule.IpRanges = rule.IpRanges.filter((r) => !cidrs.has(r.CidrIp));
  }
  group.IpPermissions = group.IpPermissions.filter(
    (p) => p.IpRanges.length > 0 || (p.Ipv6Ranges ?? []).length > 0,
  );
  return { Return: true };
}

/** Starts the fake on 127.0.0.1 with `groups` (copied). */
export async function startFakeEc2(groups: SecurityGroup[]): Promise<FakeEc2> {
  const state = new Map(groups.map((g) => [g.GroupId, structuredClone(g)]));
  const calls: FakeEc2["calls"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      try {
        const request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<
          string,
          unknown
        >;
        calls.push({ ...request, Action: String(request.Action) });
        const answer =
          request.Action === "DescribeSecurityGroups"
            ? describe(state, request)
            : request.Action === "RevokeSecurityGroupIngress"
              ? revoke(state, request)
              : (() => {
                  throw new Ec2Error(
                    "InvalidAction",
                    `The action ${String(request.Action)} is not valid`,
                  );
                })();
        res.end(JSON.stringify(answer));
      } catch (error) {
        res.statusCode = 400;
        const code = error instanceof Ec2Error ? error.code : "MalformedRequest";
        res.end(
          JSON.stringify({ Error: { Code: code, Message: String((error as Error).message) } }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    groups: state,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The group of the seed's example event: SSH open to the world, HTTPS too, SSH from the office. */
export const EXAMPLE_GROUP: SecurityGroup = {
  GroupId: "sg-0123456789abcdef0",
  GroupName: "web",
  IpPermissions: [
    {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "203.0.113.0/24", Description: "office" }],
    },
    { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
  ],
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeEc2([EXAMPLE_GROUP]);
  console.log(`fake EC2 security-group API listening on ${fake.url}`);
}
