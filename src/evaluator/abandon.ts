import type { HistorySink } from "./history.js";
import type { CompiledMachine } from "./machine.js";
import type { Frame } from "./types.js";

/**
 * Records that a frame stopped in the middle of a state because the execution ended, or a
 * sibling branch (or, for Parallel, the branch itself) failed: AWS's *StateAborted events.
 */
export function recordAbandoned(
  machine: CompiledMachine,
  frame: Frame,
  history: HistorySink,
): void {
  if (frame.phase !== "active") return;
  const state = machine.states.get(frame.state);
  if (state?.type === "Task" || state?.type === "Map" || state?.type === "Parallel") {
    history.record(`${state.type}StateAborted`, { name: state.name });
  }
}
