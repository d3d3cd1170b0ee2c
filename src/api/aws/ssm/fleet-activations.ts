/**
 * Hybrid activations on the AWS endpoint: CreateActivation, DescribeActivations,
 * DeleteActivation. The activation code is in CreateActivation's answer only (the audit log
 * keeps requests, never answers).
 */

import { FleetError } from "../../../fleet/errors.js";
import type { ActivationFilter } from "../../../store/fleet-port.js";
import { int, optional, required, str, structures } from "../sfn/members.js";
import { fromAwsTimestamp } from "../timestamp.js";
import { type FleetOperation, nextToken, pageOf, strings, tagsOf } from "./fleet-members.js";
import { activationShape } from "./fleet-shapes.js";

const ACTIVATION_FILTERS: Record<string, keyof ActivationFilter> = {
  ActivationIds: "ids",
  DefaultInstanceName: "defaultInstanceNames",
  IamRole: "iamRoles",
};

/** Operation name → implementation. */
export const activationOperations: Record<string, FleetOperation> = {
  async CreateActivation(request, { fleet }) {
    const expiration = optional(request, "ExpirationDate", (m, n) => m[n]);
    const expiresAt =
      expiration === undefined ? undefined : fromAwsTimestamp(expiration)?.getTime();
    if (expiration !== undefined && expiresAt === undefined)
      throw new FleetError("InvalidParameters", "ExpirationDate is not a timestamp.");
    const description = optional(request, "Description", (m, n) => str(m, n, { max: 256 }));
    const defaultInstanceName = optional(request, "DefaultInstanceName", (m, n) =>
      str(m, n, { max: 256 }),
    );
    const registrationLimit = optional(request, "RegistrationLimit", (m, n) =>
      int(m, n, { min: 1, max: 1000 }),
    );
    const tags = tagsOf(request);
    const created = await fleet.activations.create({
      iamRole: required(request, "IamRole", (m, n) => str(m, n, { max: 64 })),
      ...(description !== undefined && { description }),
      ...(defaultInstanceName !== undefined && { defaultInstanceName }),
      ...(registrationLimit !== undefined && { registrationLimit }),
      ...(expiresAt !== undefined && { expiresAt }),
      ...(tags !== undefined && { tags }),
    });
    return { ActivationId: created.id, ActivationCode: created.code };
  },

  async DescribeActivations(request, { fleet, now }) {
    const filter: ActivationFilter = {};
    for (const f of optional(request, "Filters", structures) ?? []) {
      const key = optional(f, "FilterKey", str);
      const field = key === undefined ? undefined : ACTIVATION_FILTERS[key];
      if (!field)
        throw new FleetError(
          "InvalidFilter",
          `FilterKey ${key} is not one of ${Object.keys(ACTIVATION_FILTERS).join(", ")}.`,
        );
      const values = strings(f, "FilterValues") ?? [];
      filter[field] = [...(filter[field] ?? []), ...values];
    }
    const found = await fleet.activations.list(filter, pageOf(request, 50));
    const at = now();
    return {
      ActivationList: found.items.map((a) => activationShape(a, at)),
      ...nextToken(found.nextToken),
    };
  },

  async DeleteActivation(request, { fleet }) {
    await fleet.activations.delete(required(request, "ActivationId", str));
    return {};
  },
};
