/**
 * The incidents part of the store contract (IncidentStore), through the port only, so every
 * adapter runs it: `incidentStoreContract(name, factory)` with a fresh, empty store per test.
 * An adapter whose stores can share one database as several nodes also passes `nodes`, which
 * runs the cases that only hold if the database decides.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type {
  IncidentRecord,
  IncidentStore,
  IncidentVerdict,
  NewTimelineEntry,
} from "../../src/store/incidents-port.js";
import { InvalidPageTokenError } from "../../src/store/paging.js";
import { drain, T0 } from "./fixtures.js";

/** Options of the suite. */
export interface IncidentContractOptions {
  /** Why the suite is skipped, if it is. */
  skip?: string | false;
  /** Stores on one shared database, as separate nodes; `close` closes them all. */
  nodes?: () => Promise<{ stores: IncidentStore[]; close(): Promise<void> }>;
}

function incident(
  id: string,
  overrides: Partial<Omit<IncidentRecord, "timeline">> = {},
): Omit<IncidentRecord, "timeline"> {
  return {
    id,
    title: `Incident ${id}`,
    severity: "high",
    status: "open",
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const OPENED: NewTimelineEntry = { kind: "opened", actor: "ann", text: "disk full" };
const DUPLICATE: NewTimelineEntry = { kind: "event", actor: "event", data: '{"host":"db1"}' };

const note = (text: string, actor = "ann"): NewTimelineEntry => ({ kind: "note", actor, text });

/** Acknowledges an open incident; anything else is a conflict. */
function acknowledge(by: string): (incident: IncidentRecord) => IncidentVerdict {
  return (incident) =>
    incident.status === "open"
      ? {
          kind: "apply",
          patch: { status: "acknowledged", assignee: by },
          entries: [
            { kind: "status", actor: by, data: '{"from":"open","to":"acknowledged"}' },
            { kind: "assigned", actor: by, text: by },
          ],
        }
      : { kind: "refuse", code: "conflict", reason: `Incident is ${incident.status}.` };
}

const apply =
  (...entries: NewTimelineEntry[]) =>
  (): IncidentVerdict => ({
    kind: "apply",
    patch: {},
    entries,
  });

/** Runs the incident store contract against the stores `factory` opens. */
export function incidentStoreContract(
  name: string,
  factory: () => Promise<IncidentStore & { close(): Promise<void> }>,
  options: IncidentContractOptions = {},
): void {
  describe(`incident store contract: ${name}`, { skip: options.skip }, () => {
    let store: IncidentStore & { close(): Promise<void> };
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    test("an incident opens with its first entry; every field round-trips", async () => {
      const full = incident("i1", {
        dedupKey: "disk:db1",
        sourceEvent: '{"detail":{"host":"db1"}}',
        assignee: "bob",
        resolution: "none yet",
        severity: "critical",
        createdAt: T0 + 5,
        updatedAt: T0 + 5,
      });
      const opening = await store.openIncident(full, OPENED, DUPLICATE);
      const expected: IncidentRecord = {
        ...full,
        timeline: [{ ...OPENED, seq: 1, at: T0 + 5 }],
      };
      assert.deepEqual(opening, { incident: expected, outcome: "created" });
      assert.deepEqual(await store.getIncident("i1"), expected);
      const bare = await store.openIncident(
        incident("i2"),
        { kind: "opened", actor: "x" },
        DUPLICATE,
      );
      assert.deepEqual(bare.incident, {
        ...incident("i2"),
        timeline: [{ kind: "opened", actor: "x", seq: 1, at: T0 }],
      });
      assert.equal(await store.getIncident("nope"), undefined);
    });

    test("an open or acknowledged incident with the dedup key takes the event; a resolved one does not", async () => {
      await store.openIncident(incident("first", { dedupKey: "k" }), OPENED, DUPLICATE);
      const again = await store.openIncident(
        incident("second", { dedupKey: "k", createdAt: T0 + 10, updatedAt: T0 + 10 }),
        OPENED,
        DUPLICATE,
      );
      assert.equal(again.outcome, "deduplicated");
      assert.equal(again.incident.id, "first");
      assert.deepEqual(again.incident.timeline, [
        { ...OPENED, seq: 1, at: T0 },
        { ...DUPLICATE, seq: 2, at: T0 + 10 },
      ]);
      assert.equal(again.incident.updatedAt, T0 + 10);
      assert.equal(await store.getIncident("second"), undefined);
      // Another key is another incident.
      assert.equal(
        (await store.openIncident(incident("other", { dedupKey: "k2" }), OPENED, DUPLICATE))
          .outcome,
        "created",
      );
      await store.changeIncident("first", acknowledge("bob"), T0 + 20);
      const acknowledged = await store.openIncident(
        incident("third", { dedupKey: "k", createdAt: T0 + 30 }),
        OPENED,
        DUPLICATE,
      );
      assert.deepEqual(
        [acknowledged.outcome, acknowledged.incident.id, acknowledged.incident.timeline.length],
        ["deduplicated", "first", 5],
      );
      await store.changeIncident(
        "first",
        () => ({
          kind: "apply",
          patch: { status: "resolved", resolution: "freed space" },
          entries: [],
        }),
        T0 + 40,
      );
      const fresh = await store.openIncident(
        incident("fourth", { dedupKey: "k", createdAt: T0 + 50, updatedAt: T0 + 50 }),
        OPENED,
        DUPLICATE,
      );
      assert.deepEqual([fresh.outcome, fresh.incident.id], ["created", "fourth"]);
      assert.equal((await store.getIncident("first"))?.timeline.length, 5);
    });

    test("a seen idempotency key returns its incident instead of opening or changing again", async () => {
      const first = await store.openIncident(incident("a"), OPENED, DUPLICATE, "task-1");
      const repeated = await store.openIncident(incident("b"), OPENED, DUPLICATE, "task-1");
      assert.deepEqual(repeated, { incident: first.incident, outcome: "repeated" });
      assert.equal(await store.getIncident("b"), undefined);
      // A deduplicated opening is found again too.
      await store.openIncident(incident("d", { dedupKey: "k" }), OPENED, DUPLICATE);
      const folded = await store.openIncident(
        incident("e", { dedupKey: "k" }),
        OPENED,
        DUPLICATE,
        "task-2",
      );
      assert.equal(folded.outcome, "deduplicated");
      const refolded = await store.openIncident(
        incident("f", { dedupKey: "k" }),
        OPENED,
        DUPLICATE,
        "task-2",
      );
      assert.deepEqual([refolded.outcome, refolded.incident.timeline.length], ["repeated", 2]);

      let calls = 0;
      const counting = (entry: NewTimelineEntry) => (): IncidentVerdict => {
        calls++;
        return { kind: "apply", patch: { title: "renamed" }, entries: [entry, note("second")] };
      };
      const changed = await store.changeIncident("a", counting(note("once")), T0 + 1, "task-3");
      assert.ok(changed.kind === "changed" && !changed.repeated);
      const again = await store.changeIncident("a", counting(note("twice")), T0 + 2, "task-3");
      assert.ok(again.kind === "changed" && again.repeated);
      assert.equal(calls, 1, "a repeated change is not decided again");
      assert.deepEqual(again.incident, changed.incident);
      assert.deepEqual(
        (await store.getIncident("a"))?.timeline.map((e) => e.text),
        ["disk full", "once", "second"],
      );
    });

    test("a change applies the verdict's patch and entries to the incident as stored", async () => {
      await store.openIncident(incident("c"), OPENED, DUPLICATE);
      let seen: IncidentRecord | undefined;
      const result = await store.changeIncident(
        "c",
        (stored) => {
          seen = stored;
          return acknowledge("bob")(stored);
        },
        T0 + 7,
      );
      assert.deepEqual(seen, { ...incident("c"), timeline: [{ ...OPENED, seq: 1, at: T0 }] });
      assert.equal(result.kind, "changed");
      const changed = await store.getIncident("c");
      assert.deepEqual(result.kind === "changed" && result.incident, changed);
      assert.deepEqual(
        [changed?.status, changed?.assignee, changed?.updatedAt, changed?.createdAt],
        ["acknowledged", "bob", T0 + 7, T0],
      );
      assert.deepEqual(changed?.timeline.slice(1), [
        {
          kind: "status",
          actor: "bob",
          data: '{"from":"open","to":"acknowledged"}',
          seq: 2,
          at: T0 + 7,
        },
        { kind: "assigned", actor: "bob", text: "bob", seq: 3, at: T0 + 7 },
      ]);
      await store.changeIncident(
        "c",
        () => ({
          kind: "apply",
          patch: {
            title: "Disk full on db1",
            severity: "low",
            resolution: "cleaned",
            assignee: "carol",
          },
          entries: [{ kind: "updated", actor: "carol" }],
        }),
        T0 + 8,
      );
      const updated = await store.getIncident("c");
      assert.deepEqual(
        [
          updated?.title,
          updated?.severity,
          updated?.resolution,
          updated?.assignee,
          updated?.status,
        ],
        ["Disk full on db1", "low", "cleaned", "carol", "acknowledged"],
      );
      assert.deepEqual(updated?.timeline.at(-1), {
        kind: "updated",
        actor: "carol",
        seq: 4,
        at: T0 + 8,
      });
      // A patch without entries still counts as a change.
      await store.changeIncident(
        "c",
        () => ({ kind: "apply", patch: { severity: "medium" }, entries: [] }),
        T0 + 9,
      );
      const quiet = await store.getIncident("c");
      assert.deepEqual(
        [quiet?.severity, quiet?.updatedAt, quiet?.timeline.length],
        ["medium", T0 + 9, 4],
      );
    });

    test("a refused change and an unknown incident change nothing", async () => {
      await store.openIncident(incident("r", { status: "resolved" }), OPENED, DUPLICATE);
      const before = await store.getIncident("r");
      const refused = await store.changeIncident("r", acknowledge("bob"), T0 + 1, "task-r");
      assert.deepEqual(refused, {
        kind: "refused",
        code: "conflict",
        reason: "Incident is resolved.",
      });
      const invalid = await store.changeIncident(
        "r",
        () => ({ kind: "refuse", code: "invalid", reason: "bad severity" }),
        T0 + 1,
      );
      assert.equal(invalid.kind === "refused" && invalid.code, "invalid");
      assert.deepEqual(await store.getIncident("r"), before);
      const missing = await store.changeIncident("nope", apply(note("x")), T0 + 1);
      assert.equal(missing.kind === "refused" && missing.code, "not-found");
      // The refused change's key was not used up.
      const later = await store.changeIncident("r", apply(note("ok")), T0 + 2, "task-r");
      assert.ok(later.kind === "changed" && !later.repeated);
    });

    test("the listing filters by status, severity, assignee and dedup key, and pages by creation, then id", async () => {
      const rows: [string, number, Partial<IncidentRecord>][] = [
        ["c", T0 + 1, { severity: "low" }],
        ["b", T0 + 1, { assignee: "bob" }],
        ["z", T0, { dedupKey: "k1", severity: "critical" }],
        ["a", T0 + 2, { status: "resolved", assignee: "bob" }],
        ["y", T0 + 2, { dedupKey: "k2" }],
      ];
      for (const [id, at, extra] of rows)
        await store.openIncident(
          incident(id, { createdAt: at, updatedAt: at, ...extra }),
          OPENED,
          DUPLICATE,
        );
      const all = await drain((page) => store.listIncidents({}, page), 2);
      assert.deepEqual(
        all.items.map((i) => i.id),
        ["z", "b", "c", "a", "y"],
      );
      assert.equal(all.pages, 3);
      assert.deepEqual(all.items[0].timeline, [{ ...OPENED, seq: 1, at: T0 }]);
      const ids = async (filter: Parameters<IncidentStore["listIncidents"]>[0]) =>
        (await drain((page) => store.listIncidents(filter, page), 1)).items.map((i) => i.id);
      assert.deepEqual(await ids({ status: "open" }), ["z", "b", "c", "y"]);
      assert.deepEqual(await ids({ status: "resolved" }), ["a"]);
      assert.deepEqual(await ids({ severity: "high" }), ["b", "a", "y"]);
      assert.deepEqual(await ids({ assignee: "bob" }), ["b", "a"]);
      assert.deepEqual(await ids({ assignee: "bob", status: "open" }), ["b"]);
      assert.deepEqual(await ids({ dedupKey: "k2" }), ["y"]);
      assert.deepEqual(await ids({ severity: "medium" }), []);
      await assert.rejects(
        store.listIncidents({}, { limit: 1, nextToken: Buffer.from("[1]").toString("base64url") }),
        InvalidPageTokenError,
      );
    });

    const nodes = options.nodes;
    describe("several nodes on one database", { skip: nodes ? false : "one process only" }, () => {
      let stores: IncidentStore[];
      let closeNodes: () => Promise<void>;
      beforeEach(async () => {
        if (!nodes) return;
        ({ stores, close: closeNodes } = await nodes());
      });
      afterEach(async () => {
        await closeNodes?.();
      });

      test("nodes opening one dedup key at once open one incident and fold the rest into it", async () => {
        const openings = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            stores[i % 2].openIncident(incident(`n${i}`, { dedupKey: "same" }), OPENED, DUPLICATE),
          ),
        );
        assert.deepEqual(openings.map((o) => o.outcome).sort(), [
          "created",
          "deduplicated",
          "deduplicated",
          "deduplicated",
          "deduplicated",
          "deduplicated",
        ]);
        const only = (await stores[0].listIncidents({ dedupKey: "same" }, { limit: 10 })).items;
        assert.equal(only.length, 1);
        assert.deepEqual(
          only[0].timeline.map((e) => [e.seq, e.kind]),
          [
            [1, "opened"],
            [2, "event"],
            [3, "event"],
            [4, "event"],
            [5, "event"],
            [6, "event"],
          ],
        );
      });

      test("nodes repeating one idempotency key at once apply it once", async () => {
        await stores[0].openIncident(incident("i"), OPENED, DUPLICATE);
        const changes = await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            stores[i % 2].changeIncident("i", apply(note(`from ${i}`)), T0 + 1, "task-key"),
          ),
        );
        assert.deepEqual(changes.map((c) => c.kind === "changed" && c.repeated).sort(), [
          false,
          true,
          true,
          true,
        ]);
        assert.equal((await stores[1].getIncident("i"))?.timeline.length, 2);
        const openings = await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            stores[i % 2].openIncident(incident(`o${i}`), OPENED, DUPLICATE, "open-key"),
          ),
        );
        assert.deepEqual(openings.map((o) => o.outcome).sort(), [
          "created",
          "repeated",
          "repeated",
          "repeated",
        ]);
      });

      test("concurrent changes take turns: one transition wins, the timeline has no gaps", async () => {
        await stores[0].openIncident(incident("t"), OPENED, DUPLICATE);
        const acks = await Promise.all([
          stores[0].changeIncident("t", acknowledge("bob"), T0 + 1),
          stores[1].changeIncident("t", acknowledge("carol"), T0 + 1),
        ]);
        assert.deepEqual(acks.map((c) => c.kind).sort(), ["changed", "refused"]);
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            stores[i % 2].changeIncident("t", apply(note(`n${i}`)), T0 + 2),
          ),
        );
        const timeline = (await stores[0].getIncident("t"))?.timeline ?? [];
        assert.deepEqual(
          timeline.map((e) => e.seq),
          Array.from({ length: 11 }, (_, i) => i + 1),
        );
      });
    });
  });
}
