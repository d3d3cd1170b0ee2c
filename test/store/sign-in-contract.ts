/**
 * The sign-in throttle part of the store contract (SignInThrottleStore), through the port
 * only: `signInStoreContract(name, factory)` with a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { SignInFailureRecord, SignInThrottleStore } from "../../src/store/sign-in-port.js";
import { T0 } from "./fixtures.js";

/** A SignInThrottleStore that can be closed. */
export type ClosableSignInStore = SignInThrottleStore & { close(): Promise<void> };

/** One more failure, locking once there are three. */
const oneMore =
  (at: number) =>
  (current: SignInFailureRecord | undefined): SignInFailureRecord => {
    const failures = (current?.failures ?? 0) + 1;
    return {
      key: "ignored: the store keeps the key it was given",
      failures,
      lastAt: at,
      lockedUntil: failures >= 3 ? at + 1000 : 0,
      reported: false,
    };
  };

/** Runs the contract against the stores `factory` opens. */
export function signInStoreContract(
  name: string,
  factory: () => Promise<ClosableSignInStore>,
  options: { skip?: string | false } = {},
): void {
  describe(`sign-in throttle store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableSignInStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    test("counts failures from nothing, per key, and reads them back", async () => {
      assert.equal(await store.getSignInFailures("u:ann"), undefined);
      let seen: (SignInFailureRecord | undefined)[] = [];
      const first = await store.countSignInFailure("u:ann", (current) => {
        seen.push(current);
        return oneMore(T0)(current);
      });
      assert.deepEqual(seen, [undefined]);
      assert.deepEqual(first, {
        key: "u:ann",
        failures: 1,
        lastAt: T0,
        lockedUntil: 0,
        reported: false,
      });
      seen = [];
      await store.countSignInFailure("u:ann", (current) => {
        seen.push(current);
        return oneMore(T0 + 1)(current);
      });
      assert.deepEqual(seen, [first]);
      await store.countSignInFailure("a:10.0.0.1", oneMore(T0 + 2));
      assert.deepEqual(await store.getSignInFailures("u:ann"), {
        key: "u:ann",
        failures: 2,
        lastAt: T0 + 1,
        lockedUntil: 0,
        reported: false,
      });
      assert.equal((await store.getSignInFailures("a:10.0.0.1"))?.failures, 1);
    });

    test("a lockout is reported once: only the first report answers true", async () => {
      for (let i = 0; i < 3; i++) await store.countSignInFailure("u:bob", oneMore(T0));
      const locked = await store.getSignInFailures("u:bob");
      assert.equal(locked?.lockedUntil, T0 + 1000);
      assert.equal(await store.reportSignInLockout("u:bob", T0 + 999), false, "another lockout");
      assert.equal(await store.reportSignInLockout("u:bob", T0 + 1000), true);
      assert.equal(await store.reportSignInLockout("u:bob", T0 + 1000), false);
      assert.equal((await store.getSignInFailures("u:bob"))?.reported, true);
      assert.equal(await store.reportSignInLockout("u:nobody", T0), false);
    });

    test("deleting forgets one key; pruning forgets the quiet ones", async () => {
      await store.countSignInFailure("u:old", oneMore(T0));
      await store.countSignInFailure("u:new", oneMore(T0 + 500));
      await store.countSignInFailure("u:gone", oneMore(T0 + 500));
      await store.deleteSignInFailures("u:gone");
      assert.equal(await store.getSignInFailures("u:gone"), undefined);
      assert.equal(await store.pruneSignInFailures(T0 + 500), 1);
      assert.equal(await store.getSignInFailures("u:old"), undefined);
      assert.equal((await store.getSignInFailures("u:new"))?.failures, 1);
    });

    test("failures counted at the same time all count", async () => {
      await Promise.all(
        Array.from({ length: 20 }, () => store.countSignInFailure("u:race", oneMore(T0))),
      );
      assert.equal((await store.getSignInFailures("u:race"))?.failures, 20);
    });
  });
}
