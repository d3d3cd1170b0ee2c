/**
 * The fleet on the native REST API: managed nodes, activations, documents and Run Command,
 * mounted by the composition root as one route set.
 */
import type { Fleet } from "../../fleet/index.js";
import type { RouteSet } from "../app.js";
import { fleetActivationRoutes } from "./fleet-activations.js";
import { fleetCommandRoutes } from "./fleet-commands.js";
import { fleetDocumentRoutes } from "./fleet-documents.js";
import { fleetNodeRoutes } from "./fleet-nodes.js";

/** Every fleet route over `fleet`. */
export function fleetRoutes(fleet: Fleet): RouteSet {
  const sets = [
    fleetNodeRoutes(fleet),
    fleetActivationRoutes(fleet),
    fleetDocumentRoutes(fleet),
    fleetCommandRoutes(fleet),
  ];
  return (app, api) => {
    for (const set of sets) set(app, api);
  };
}
