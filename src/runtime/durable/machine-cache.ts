import type { MachineDefinition } from "../../asl/definition.js";
import { parseDefinitionText } from "../../asl/parse.js";
import { type CompiledMachine, compileMachine } from "../../evaluator/index.js";

/**
 * Compiled machines by definition text: executions of the same revision share one compiled
 * machine. Bounded, least recently used out first.
 */
export class MachineCache {
  private readonly machines = new Map<string, CompiledMachine>();

  constructor(private readonly capacity = 500) {}

  /** The compiled machine of a stored (already validated) definition. */
  get(definition: string): CompiledMachine {
    let machine = this.machines.get(definition);
    if (machine) {
      this.machines.delete(definition);
    } else {
      machine = compileMachine(parseDefinitionText(definition) as MachineDefinition);
      if (this.machines.size >= this.capacity) {
        const oldest = this.machines.keys().next().value;
        if (oldest !== undefined) this.machines.delete(oldest);
      }
    }
    this.machines.set(definition, machine);
    return machine;
  }
}
