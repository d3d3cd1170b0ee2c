import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { formatHostKey, matchesPinned, parseHostKey } from "../../../src/fleet/ssh/host-key.js";
import { CappedOutput, MarkerReader } from "../../../src/fleet/ssh/output-sink.js";
import { shellQuote } from "../../../src/fleet/ssh/remote-command.js";

const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

describe("host keys", () => {
  test("parses `type base64 comment` and checks the blob names the same type", () => {
    const pinned = parseHostKey(`${ED25519} root@host`);
    assert.deepEqual(pinned, { type: "ssh-ed25519", base64: ED25519.split(" ")[1] });
    assert.equal(parseHostKey(`ssh-rsa ${ED25519.split(" ")[1]}`), undefined);
    assert.equal(parseHostKey("ssh-ed25519"), undefined);
    assert.equal(parseHostKey("not a key at all"), undefined);
  });

  test("formats a presented blob back to the pinned form and matches it exactly", () => {
    const blob = Buffer.from(ED25519.split(" ")[1], "base64");
    assert.equal(formatHostKey(blob), ED25519);
    const pinned = parseHostKey(ED25519);
    assert.ok(pinned);
    assert.equal(matchesPinned(blob, pinned), true);
    const other = Buffer.from(blob);
    other[other.length - 1] ^= 1;
    assert.equal(matchesPinned(other, pinned), false);
  });
});

describe("output", () => {
  test("the marker line is found across chunk boundaries and stripped", async () => {
    const reader = new MarkerReader("opsflow-pgid:");
    assert.equal(reader.feed(Buffer.from("opsflow-pg")).length, 0);
    assert.equal(reader.feed(Buffer.from("id:42")).toString(), "");
    assert.equal(reader.feed(Buffer.from("\nhello\n")).toString(), "hello\n");
    assert.equal(reader.feed(Buffer.from("more")).toString(), "more");
    assert.equal(await reader.pgid, 42);
  });

  test("output without the marker is passed on whole and the group is unknown", async () => {
    const reader = new MarkerReader("opsflow-pgid:");
    assert.equal(reader.feed(Buffer.from("plain\nrest")).toString(), "plain\nrest");
    assert.equal(await reader.pgid, undefined);
    const early = new MarkerReader("opsflow-pgid:");
    early.feed(Buffer.from("opsf"));
    assert.equal(early.end().toString(), "opsf");
    assert.equal(await early.pgid, undefined);
  });

  test("the cap counts each stream apart and cuts the chunk that crosses it", () => {
    const passed: string[] = [];
    const sink = new CappedOutput((stream, chunk) => passed.push(`${stream}:${chunk}`), 5);
    sink.write("stdout", Buffer.from("abc"));
    assert.equal(sink.truncated, false);
    sink.write("stdout", Buffer.from("defg"));
    sink.write("stdout", Buffer.from("h"));
    sink.write("stderr", Buffer.from("12345"));
    assert.deepEqual(passed, ["stdout:abc", "stdout:de", "stderr:12345"]);
    assert.equal(sink.truncated, true);
  });
});

test("shellQuote survives the shell with quotes, spaces and dollars intact", () => {
  const value = `it's a $HOME "dir" \\ ${"`x`"}`;
  const echoed = execFileSync("sh", ["-c", `printf %s ${shellQuote(value)}`]).toString();
  assert.equal(echoed, value);
});
