/**
 * ResolveIncident (state ResolveIssue) of seed 000: removes SSH from the world on the
 * security group, then resolves the incident with what it did.
 *
 * Remediation, as upstream: DescribeSecurityGroups(GroupIds=[id]); for every ingress
 * permission with IpProtocol "tcp" and FromPort 22, one RevokeSecurityGroupIngress for tcp
 * 22-22 with that permission's IPv4 ranges. IPv6 ranges, prefix lists, group-to-group rules,
 * ranges that merely include 22 and all-traffic rules are left alone.
 *
 * The cloud is reached at CLOUD_API_URL with EC2's operation names and shapes as JSON
 * (`POST {"Action": "DescribeSecurityGroups", ...}`); an error answer
 * (`{"Error": {"Code", "Message"}}`) throws ClientError, as botocore would, which the
 * state's Catch (HandledError) does not match, as upstream.
 */
import { api, ClientError, ConfigurationError } from "./opsflow-client.mjs";

async function cloud(action, parameters) {
  const url = process.env.CLOUD_API_URL;
  if (!url) throw new ConfigurationError("The function's environment lacks CLOUD_API_URL.");
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Action: action, ...parameters }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ClientError(action, 0, "EndpointUnreachable", String(error?.message ?? error));
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new ClientError(
      action,
      response.status,
      body.Error?.Code ?? `HTTP${response.status}`,
      body.Error?.Message ?? "",
    );
  return body;
}

/** The revocations upstream makes for a group: tcp 22-22 with each SSH rule's IPv4 ranges. */
export function sshRevocations(group) {
  return (group.IpPermissions ?? [])
    .filter((p) => p.IpProtocol === "tcp" && p.FromPort === 22 && (p.IpRanges ?? []).length > 0)
    .map((p) => ({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: p.IpRanges }));
}

export async function handler(state) {
  const groupId = state.EvaluateRequestOutput.body.resourceId;
  const incidentId = state.TicketCreationResponse.ticketNumber;
  const described = await cloud("DescribeSecurityGroups", { GroupIds: [groupId] });
  const revoked = [];
  for (const group of described.SecurityGroups ?? [])
    for (const permission of sshRevocations(group)) {
      await cloud("RevokeSecurityGroupIngress", {
        GroupId: group.GroupId,
        IpPermissions: [permission],
      });
      revoked.push(...permission.IpRanges.map((r) => r.CidrIp));
    }
  const what =
    revoked.length > 0
      ? `Revoked SSH (tcp/22) ingress on ${groupId} from ${revoked.join(", ")}.`
      : `No SSH (tcp/22) ingress rule on ${groupId}: nothing to revoke.`;
  await api("POST", `/v1/incidents/${encodeURIComponent(incidentId)}/resolve`, {
    resolution: what,
    note: "Resolved automatically by the incident auto-remediation workflow (seed 000).",
  });
  return { statusCode: 200, body: JSON.stringify("Security Group rule deleted successfully") };
}
