/**
 * Webhook sources: each (kind, name) has its own token, shown once at creation and kept only
 * as a hash (like API tokens), and posts its payloads to one bus.
 */
import { generateApiToken, hashApiToken, verifyApiToken } from "../../auth/key-hash.js";
import { StoreConflictError } from "../../store/errors.js";
import type { EventSourceKind, EventSourceRecord, EventStore } from "../../store/events-port.js";
import { EventBusError } from "../bus/errors.js";

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
export const SOURCE_KINDS: readonly EventSourceKind[] = ["alertmanager", "cloudevents"];

/** Source management and token checks. */
export class SourceService {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => number,
  ) {}

  /** Creates a source; returns it with its token (the only time the token is shown). */
  async create(kind: EventSourceKind, name: string, eventBusName = "default") {
    if (!NAME.test(name))
      throw new EventBusError("ValidationException", `Source name '${name}' is not valid.`);
    if (!(await this.store.getEventBus(eventBusName)))
      throw new EventBusError(
        "ResourceNotFoundException",
        `Event bus ${eventBusName} does not exist.`,
      );
    const token = generateApiToken();
    const record: EventSourceRecord = {
      kind,
      name,
      tokenHash: hashApiToken(token),
      eventBusName,
      createdAt: this.now(),
    };
    try {
      await this.store.createEventSource(record);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new EventBusError(
          "ResourceAlreadyExistsException",
          `Source ${kind}/${name} already exists.`,
        );
      throw error;
    }
    return { kind, name, eventBusName, createdAt: record.createdAt, token };
  }

  async list() {
    return (await this.store.listEventSources()).map(({ tokenHash: _, ...rest }) => rest);
  }

  async delete(kind: EventSourceKind, name: string): Promise<boolean> {
    return this.store.deleteEventSource(kind, name);
  }

  /** The source when `token` is its token; undefined otherwise (unknown source included). */
  async authenticate(kind: EventSourceKind, name: string, token: string | undefined) {
    if (token === undefined) return undefined;
    const record = await this.store.getEventSource(kind, name);
    return record && verifyApiToken(token, record.tokenHash) ? record : undefined;
  }
}
