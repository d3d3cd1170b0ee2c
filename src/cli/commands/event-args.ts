/** Argument helpers shared by the event bus commands. */
export { jsonText, one } from "../args.js";

/** `?eventBusName=...` when a bus is given. */
export function busQuery(bus: string | undefined, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...(bus && { eventBusName: bus }), ...extra }).toString();
  return query ? `?${query}` : "";
}

export const busOption = { bus: { type: "string" as const } };
export const busHelp = "  --bus NAME       the event bus (default: default)\n";
