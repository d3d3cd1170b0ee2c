/**
 * PutEvents entries: AWS's per-entry error codes and messages, size accounting as AWS
 * documents it ("Calculating PutEvents event entry size"), request limits, and the delivered
 * envelope with injected id generator, clock, account and region.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  buildEventEnvelope,
  type EnvelopeContext,
  PUT_EVENTS_LIMITS,
  type PutEventsRequestEntry,
  PutEventsRequestError,
  putEventsEntrySize,
  validatePutEventsEntry,
  validatePutEventsRequest,
} from "../../src/events/envelope.js";

const NOW = new Date("2024-05-01T12:34:56.789Z");
function context(): EnvelopeContext {
  let n = 0;
  return {
    newId: () => `id-${++n}`,
    now: () => NOW,
    account: "123456789012",
    region: "eu-west-1",
  };
}
const ENTRY: PutEventsRequestEntry = {
  Source: "com.example.orders",
  DetailType: "Order Placed",
  Detail: '{"orderId":"o-1","amount":12.5}',
};

function failure(entry: PutEventsRequestEntry, code: string, message: string) {
  const result = validatePutEventsEntry(entry);
  assert.equal(result.ok, false, JSON.stringify(entry));
  if (!result.ok) assert.deepEqual(result.failure, { ErrorCode: code, ErrorMessage: message });
}

describe("per-entry validation", () => {
  test("required Source, DetailType, Detail (AWS wording, AWS order)", () => {
    failure(
      { ...ENTRY, Source: undefined },
      "InvalidArgument",
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    failure(
      { ...ENTRY, Source: "" },
      "InvalidArgument",
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    failure(
      { ...ENTRY, DetailType: undefined },
      "InvalidArgument",
      "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    );
    failure(
      { ...ENTRY, Detail: undefined },
      "InvalidArgument",
      "Parameter Detail is not valid. Reason: Detail is a required argument.",
    );
    failure(
      {},
      "InvalidArgument",
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    failure(
      { Source: "a" },
      "InvalidArgument",
      "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    );
  });

  test("Detail must be a JSON object", () => {
    for (const detail of ["not json", "{", "[1,2,3]", '"text"', "42", "null", "true", "{} {}"]) {
      failure({ ...ENTRY, Detail: detail }, "MalformedDetail", "Detail is malformed.");
    }
    assert.equal(validatePutEventsEntry({ ...ENTRY, Detail: "{}" }).ok, true);
    assert.equal(validatePutEventsEntry({ ...ENTRY, Detail: ' { "a" : [ {} ] } ' }).ok, true);
    // Absurd nesting cannot crash anything.
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const deepResult = validatePutEventsEntry({ ...ENTRY, Detail: deep });
    assert.ok(deepResult.ok || deepResult.failure.ErrorCode === "MalformedDetail");
  });

  test("lengths: Source 256, DetailType 128", () => {
    assert.equal(validatePutEventsEntry({ ...ENTRY, Source: "s".repeat(256) }).ok, true);
    failure(
      { ...ENTRY, Source: "s".repeat(257) },
      "InvalidArgument",
      "Parameter Source is not valid. Reason: Source is longer than 256 characters.",
    );
    assert.equal(validatePutEventsEntry({ ...ENTRY, DetailType: "d".repeat(128) }).ok, true);
    failure(
      { ...ENTRY, DetailType: "d".repeat(129) },
      "InvalidArgument",
      "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters.",
    );
  });

  test("aws. sources are reserved unless allowed", () => {
    failure(
      { ...ENTRY, Source: "aws.ec2" },
      "NotAuthorizedForSourceException",
      "Not authorized for the source.",
    );
    assert.equal(
      validatePutEventsEntry({ ...ENTRY, Source: "aws.ec2" }, { allowReservedSources: true }).ok,
      true,
    );
    assert.equal(validatePutEventsEntry({ ...ENTRY, Source: "awsome" }).ok, true);
  });

  test("Resources, Time, EventBusName, TraceHeader", () => {
    assert.equal(validatePutEventsEntry({ ...ENTRY, Resources: ["arn:aws:ec2:x", ""] }).ok, true);
    failure(
      { ...ENTRY, Resources: [1] as unknown as string[] },
      "InvalidArgument",
      "Parameter Resources is not valid. Reason: Resources must be a list of strings.",
    );
    failure(
      { ...ENTRY, Time: "yesterday" },
      "InvalidArgument",
      "Parameter Time is not valid. Reason: Time is not a valid timestamp.",
    );
    for (const name of [
      "default",
      "my-bus_1.x",
      "arn:aws:events:us-east-1:123456789012:event-bus/my-bus",
    ]) {
      assert.equal(validatePutEventsEntry({ ...ENTRY, EventBusName: name }).ok, true, name);
    }
    for (const name of ["", "bad name", "x".repeat(1601)]) {
      assert.equal(validatePutEventsEntry({ ...ENTRY, EventBusName: name }).ok, false, name);
    }
    assert.equal(
      validatePutEventsEntry({ ...ENTRY, TraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793" })
        .ok,
      true,
    );
    assert.equal(validatePutEventsEntry({ ...ENTRY, TraceHeader: "" }).ok, false);
    assert.equal(validatePutEventsEntry({ ...ENTRY, TraceHeader: "t".repeat(501) }).ok, false);
  });
});

describe("size accounting and request limits", () => {
  test("Time counts 14 bytes; strings count UTF-8 bytes", () => {
    assert.equal(putEventsEntrySize({ Source: "ab", DetailType: "c", Detail: "{}" }), 5);
    assert.equal(
      putEventsEntrySize({ Source: "ab", DetailType: "c", Detail: "{}", Time: new Date() }),
      19,
    );
    assert.equal(
      putEventsEntrySize({ Source: "é", DetailType: "€", Detail: '{"a":"😀"}' }),
      2 + 3 + 12,
    );
    assert.equal(putEventsEntrySize({ Source: "s", DetailType: "d", Resources: ["ab", "cde"] }), 7);
    // EventBusName and TraceHeader do not count.
    assert.equal(
      putEventsEntrySize({ Source: "s", DetailType: "d", EventBusName: "bus", TraceHeader: "t" }),
      2,
    );
  });

  test("1-10 entries", () => {
    assert.throws(() => validatePutEventsRequest([]), PutEventsRequestError);
    validatePutEventsRequest(Array(10).fill(ENTRY));
    assert.throws(
      () => validatePutEventsRequest(Array(11).fill(ENTRY)),
      /less than or equal to 10/,
    );
  });

  test("the total must stay under 256 KB", () => {
    const fixed = putEventsEntrySize({ ...ENTRY, Detail: "" });
    const detailFor = (bytes: number) => `{"p":"${"x".repeat(bytes - 8)}"}`;
    const fits = { ...ENTRY, Detail: detailFor(PUT_EVENTS_LIMITS.maxRequestSizeBytes - 1 - fixed) };
    assert.equal(putEventsEntrySize(fits), PUT_EVENTS_LIMITS.maxRequestSizeBytes - 1);
    validatePutEventsRequest([fits]);
    const over = { ...ENTRY, Detail: detailFor(PUT_EVENTS_LIMITS.maxRequestSizeBytes - fixed) };
    assert.throws(() => validatePutEventsRequest([over]), {
      code: "ValidationException",
      message: "Total size of the entries in the request is over the limit.",
    });
    const half = { ...ENTRY, Detail: detailFor(140_000) };
    assert.throws(() => validatePutEventsRequest([half, half]), PutEventsRequestError);
  });
});

describe("the delivered envelope", () => {
  test("shape, injected id/clock/account/region, time at second precision", () => {
    const result = buildEventEnvelope(ENTRY, context());
    assert.ok(result.ok);
    assert.deepEqual(result.ingested.event, {
      version: "0",
      id: "id-1",
      "detail-type": "Order Placed",
      source: "com.example.orders",
      account: "123456789012",
      time: "2024-05-01T12:34:56Z",
      region: "eu-west-1",
      resources: [],
      detail: { orderId: "o-1", amount: 12.5 },
    });
    assert.deepEqual(Object.keys(result.ingested.event), [
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    assert.equal(result.ingested.ingestionTime, NOW);
    assert.equal(result.ingested.eventBusName, "default");
    assert.equal(result.ingested.traceHeader, undefined);
  });

  test("the entry's Time, in each accepted form", () => {
    const ctx = context();
    for (const time of [
      new Date("2020-01-02T03:04:05.600Z"),
      1577934245.6,
      "2020-01-02T03:04:05.6Z",
      "2020-01-02T04:04:05+01:00",
    ]) {
      const result = buildEventEnvelope({ ...ENTRY, Time: time }, ctx);
      assert.ok(result.ok);
      assert.equal(result.ingested.event.time, "2020-01-02T03:04:05Z", String(time));
      assert.equal(result.ingested.ingestionTime, NOW);
    }
  });

  test("resources, bus and trace header carried; ids from the generator", () => {
    const ctx = context();
    const a = buildEventEnvelope(
      { ...ENTRY, Resources: ["r1"], EventBusName: "ops", TraceHeader: "Root=1" },
      ctx,
    );
    const b = buildEventEnvelope(ENTRY, ctx);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.ingested.event.resources, ["r1"]);
    assert.equal(a.ingested.eventBusName, "ops");
    assert.equal(a.ingested.traceHeader, "Root=1");
    assert.equal(a.ingested.event.id, "id-1");
    assert.equal(b.ingested.event.id, "id-2");
  });

  test("a failing entry consumes no id and reports its failure", () => {
    const ctx = context();
    const bad = buildEventEnvelope({ ...ENTRY, Detail: "[]" }, ctx);
    assert.deepEqual(bad, {
      ok: false,
      failure: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
    });
    const good = buildEventEnvelope(ENTRY, ctx);
    assert.ok(good.ok && good.ingested.event.id === "id-1");
  });

  test("property: any JSON object detail round-trips; nothing but typed results", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.string(),
        fc.string(),
        (detail, source, type) => {
          const result = buildEventEnvelope(
            { Source: source, DetailType: type, Detail: JSON.stringify(detail) },
            context(),
            {
              allowReservedSources: true,
            },
          );
          if (source === "" || type === "" || source.length > 256 || type.length > 128) {
            assert.equal(result.ok, false);
            return;
          }
          assert.ok(result.ok);
          assert.deepEqual(result.ingested.event.detail, JSON.parse(JSON.stringify(detail)));
        },
      ),
    );
  });
});
