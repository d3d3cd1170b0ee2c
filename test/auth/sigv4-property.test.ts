import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { SigV4Request } from "../../src/auth/sigv4.js";
import { SIGNED_AT, sign, verifierAt } from "./sigv4-helpers.js";

const verifier = verifierAt(SIGNED_AT);

// Names that would change the meaning of the request (auth parameters) are left out.
const queryKey = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 8 })
  .filter((k) => !k.toLowerCase().startsWith("x-amz-") && k !== "__proto__");
const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,10}$/).filter((n) => !n.startsWith("x-amz-"));
const headerValue = fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 20 }).map((v) =>
  // Printable ASCII only: what a header line can carry without a parse error.
  v.replace(/[^\x20-\x7e]/g, "a"),
);

const requestArb = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
  path: fc
    .array(fc.string({ unit: "grapheme", maxLength: 6 }), { maxLength: 4 })
    .map((segments) => `/${segments.map(encodeURIComponent).join("/")}`),
  query: fc.dictionary(queryKey, fc.string({ unit: "grapheme", maxLength: 8 }), { maxKeys: 4 }),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 100 }),
  ),
});

const bytesOf = (body: Uint8Array | string) =>
  typeof body === "string" ? new Uint8Array(Buffer.from(body, "utf8")) : body;

test("property: any request signed by smithy verifies", async () => {
  await fc.assert(
    fc.asyncProperty(requestArb, async (req) => {
      const result = await verifier.verify(await sign(req));
      assert.equal(result.ok, true, JSON.stringify(result));
    }),
    { numRuns: 200 },
  );
});

test("property: a single-byte change to the body never verifies", async () => {
  await fc.assert(
    fc.asyncProperty(
      requestArb,
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      async (req, at, flip) => {
        const signed = await sign(req);
        const bytes = bytesOf(signed.body);
        fc.pre(bytes.length > 0);
        const mutated = new Uint8Array(bytes);
        mutated[at % bytes.length]! ^= flip;
        const result = await verifier.verify({ ...signed, body: mutated });
        assert.equal(result.ok, false);
      },
    ),
    { numRuns: 200 },
  );
});

test("property: a single-character change to a signed header never verifies", async () => {
  // The replacement is never whitespace: AWS folds whitespace runs, so swapping one space
  // for a tab legitimately keeps the signature valid.
  const replacement = fc
    .string({ unit: "binary-ascii", minLength: 1, maxLength: 1 })
    .map((c) => c.replace(/[^\x21-\x7e]/, "Z"));
  await fc.assert(
    fc.asyncProperty(requestArb, fc.nat(), fc.nat(), replacement, async (req, which, at, char) => {
      const signed: SigV4Request = await sign(req);
      const authorization = String(signed.headers.authorization);
      const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
      const name = signedNames[which % signedNames.length]!;
      const value = String(signed.headers[name]);
      fc.pre(value.length > 0);
      const i = at % value.length;
      fc.pre(value[i] !== char);
      const mutated = value.slice(0, i) + char + value.slice(i + 1);
      const result = await verifier.verify({
        ...signed,
        headers: { ...signed.headers, [name]: mutated },
      });
      assert.equal(result.ok, false, `${name}: ${value} -> ${mutated}`);
    }),
    { numRuns: 300 },
  );
});
