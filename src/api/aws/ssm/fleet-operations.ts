/**
 * The Systems Manager fleet operations of the AWS endpoint, in one table: activations,
 * managed nodes, tags, documents and Run Command. Each reads its request members, calls the
 * fleet and returns the wire shape of botocore's ssm model.
 */
import { activationOperations } from "./fleet-activations.js";
import { commandOperations } from "./fleet-commands.js";
import { documentOperations } from "./fleet-documents.js";
import type { FleetOperation } from "./fleet-members.js";
import { nodeOperations } from "./fleet-nodes.js";
import { tagOperations } from "./fleet-tags.js";

/** Operation name → implementation. */
export const fleetOperations: Record<string, FleetOperation> = {
  ...activationOperations,
  ...nodeOperations,
  ...tagOperations,
  ...documentOperations,
  ...commandOperations,
};
