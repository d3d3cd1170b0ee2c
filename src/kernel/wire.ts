/**
 * A call between two parts that use each other once running but cannot both be built first:
 * an approval's decision wakes the engine that runs the approval task, and an incident task's
 * changes are published on the bus whose rules start the executions that run it. The
 * composition root makes the wire before either part, gives `send` to the part built first and
 * connects the other end right after building it, so every part is complete when constructed
 * and nothing refers to a part not built yet. Nothing sends before the server starts; a send
 * with no end connected fails loudly rather than being lost.
 */
export class Wire<A extends unknown[], R> {
  private receiver: ((...args: A) => R) | undefined;

  /** `name` says what the wire carries, in errors. */
  constructor(private readonly name: string) {}

  /** Calls the connected end. */
  readonly send = (...args: A): R => {
    if (!this.receiver) throw new Error(`Nothing is connected to "${this.name}" yet.`);
    return this.receiver(...args);
  };

  /** Connects the receiving end, once. */
  connect(receiver: (...args: A) => R): void {
    if (this.receiver) throw new Error(`"${this.name}" is connected already.`);
    this.receiver = receiver;
  }
}
