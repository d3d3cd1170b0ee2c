/** Systems Manager wire shapes of activations and managed nodes (InstanceInformation). */
import { agentVersion } from "../../../fleet/agent/version.js";
import type { NodeView } from "../../../fleet/nodes.js";
import type { ActivationRecord } from "../../../store/fleet-port.js";
import { toAwsTimestamp } from "../timestamp.js";

/** Epoch ms as the AWS JSON protocols send timestamps. */
export const ts = (ms: number) => toAwsTimestamp(new Date(ms));

/** DescribeActivations' `Activation`. */
export function activationShape(activation: ActivationRecord, now: number) {
  return {
    ActivationId: activation.id,
    ...(activation.description !== undefined && { Description: activation.description }),
    ...(activation.defaultInstanceName !== undefined && {
      DefaultInstanceName: activation.defaultInstanceName,
    }),
    IamRole: activation.iamRole,
    RegistrationLimit: activation.registrationLimit,
    RegistrationsCount: activation.registrationsCount,
    ExpirationDate: ts(activation.expiresAt),
    Expired: activation.expiresAt <= now,
    CreatedDate: ts(activation.createdAt),
    Tags: activation.tags,
  };
}

/**
 * DescribeInstanceInformation's `InstanceInformation`. `iamRole` is the role of the
 * activation the node registered with (absent for SSH hosts and deleted activations). A node
 * whose agent has not reported yet has no platform fields.
 */
export function instanceInformationShape(node: NodeView, iamRole: string | undefined) {
  const info = node.info;
  return {
    InstanceId: node.id,
    PingStatus: node.pingStatus,
    ...(node.lastPingAt !== undefined && { LastPingDateTime: ts(node.lastPingAt) }),
    ...(info && {
      AgentVersion: info.agentVersion,
      IsLatestVersion: info.agentVersion === agentVersion(),
      PlatformType: info.platformType,
      PlatformName: info.platformName,
      PlatformVersion: info.platformVersion,
      IPAddress: info.ipAddress,
      ComputerName: info.computerName,
    }),
    ...(node.activationId !== undefined && { ActivationId: node.activationId }),
    ...(iamRole !== undefined && { IamRole: iamRole }),
    RegistrationDate: ts(node.registeredAt),
    ResourceType: "ManagedInstance",
    ...(node.name !== undefined && { Name: node.name }),
    SourceId: node.id,
    SourceType: "AWS::SSM::ManagedInstance",
  };
}
