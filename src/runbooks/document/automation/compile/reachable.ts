/**
 * ASL refuses states no path reaches, while Automation accepts steps nothing leads to (after
 * an `isEnd`, say): such states are left out.
 */
import type { StateDefinition } from "../../../../asl/definition.js";

/** The states reachable from `start`, in their original order. */
export function reachableStates(
  start: string,
  states: Record<string, StateDefinition>,
): Record<string, StateDefinition> {
  const reached = new Set<string>();
  const pending = [start];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reached.has(name) || !Object.hasOwn(states, name)) continue;
    reached.add(name);
    pending.push(...targetsOf(states[name]));
  }
  return Object.fromEntries(Object.entries(states).filter(([name]) => reached.has(name)));
}

function targetsOf(state: StateDefinition): string[] {
  const targets: string[] = [];
  if (state.Next !== undefined) targets.push(state.Next);
  if (state.Type === "Choice") {
    targets.push(...state.Choices.flatMap((rule) => (rule.Next === undefined ? [] : [rule.Next])));
    if (state.Default !== undefined) targets.push(state.Default);
  }
  if (state.Type === "Task") targets.push(...(state.Catch ?? []).map((c) => c.Next));
  return targets;
}
