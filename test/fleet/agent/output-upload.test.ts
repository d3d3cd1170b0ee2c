/**
 * Output upload by offset against the real server's agent endpoint (signed calls as the node):
 * chunks of at most 256 KiB, resumed from the size the server holds after a refused gap (the
 * server restored from a backup), a new uploader skipping what the server holds, and no more
 * calls once the server holds its cap.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  OUTPUT_CHUNK_BYTES,
  OutputUploader,
  type SendOutput,
} from "../../../src/fleet/agent/output-upload.js";
import { nodeClient, registeredNode } from "./agent-harness.js";
import { TestServer } from "./real-server.js";

/**
 * A server with a node and a command sent to it (not run: nothing polls), and the node's
 * signed output call with every call it made.
 */
async function setUp(
  t: { after(fn: () => Promise<void> | void): void },
  outputLimitBytes?: number,
) {
  const server = await TestServer.start({ ...(outputLimitBytes && { outputLimitBytes }) });
  const node = await registeredNode(server);
  const commandId = await server.send(node.instanceId, ["true"]);
  const { client, close } = nodeClient(node.stateDir);
  t.after(async () => {
    close();
    await server.down();
  });
  const calls: { stream: string; offset: number; length: number; size: number }[] = [];
  const send: SendOutput = async (id, stream, offset, data) => {
    const answer = await client.output(id, stream, offset, data);
    calls.push({ stream, offset, length: data.byteLength, size: answer.size });
    return answer;
  };
  const held = async () => server.invocation(commandId, node.instanceId);
  return { server, commandId, send, calls, held };
}

const spoolFolder = () => mkdtempSync(join(tmpdir(), "opsflow-upload-"));

describe("OutputUploader against the real server", () => {
  test("sends the spool in chunks of at most 256 KiB, each at its offset", async (t) => {
    const { commandId, send, calls, held } = await setUp(t);
    const folder = spoolFolder();
    const content = Buffer.alloc(600 * 1024, "a");
    writeFileSync(join(folder, "stdout"), content);
    writeFileSync(join(folder, "stderr"), "err");
    await new OutputUploader(send, commandId, folder).flush();
    const stored = await held();
    assert.equal(stored.stdoutBytes, content.length);
    assert.equal(stored.stderrBytes, 3);
    assert.equal(stored.standardErrorContent, "err");
    const stdoutCalls = calls.filter((c) => c.stream === "stdout");
    assert.deepEqual(
      stdoutCalls.map((c) => c.offset),
      [0, OUTPUT_CHUNK_BYTES, 2 * OUTPUT_CHUNK_BYTES],
    );
    assert.ok(stdoutCalls.every((c) => c.length <= OUTPUT_CHUNK_BYTES));
  });

  test("a gap refused by a server restored from a backup resumes from its size; a new uploader skips what it holds", async (t) => {
    const { server, commandId, send, calls, held } = await setUp(t);
    const folder = spoolFolder();
    const spool = join(folder, "stdout");
    const uploader = new OutputUploader(send, commandId, folder);
    writeFileSync(spool, "01234");
    await uploader.flush();
    await server.down();
    const backup = server.backup();
    await server.up();
    writeFileSync(spool, "0123456789");
    await uploader.flush();
    assert.equal((await held()).stdoutBytes, 10);

    // Restored from the backup, the server holds 5 bytes: the next chunk (at 10) leaves a gap.
    await server.down();
    await server.up(backup);
    writeFileSync(spool, "0123456789abc");
    calls.length = 0;
    await uploader.flush();
    assert.deepEqual(
      calls.map((c) => [c.offset, c.size]),
      [
        [10, 5],
        [5, 13],
      ],
    );
    assert.equal((await held()).standardOutputContent, "0123456789abc");

    // A restarted agent starts at 0; the server skips what it has and answers its size.
    writeFileSync(spool, "0123456789abcdef");
    calls.length = 0;
    await new OutputUploader(send, commandId, folder).flush();
    assert.deepEqual(
      calls.map((c) => [c.offset, c.size]),
      [[0, 16]],
    );
    assert.equal((await held()).standardOutputContent, "0123456789abcdef");
  });

  test("stops asking once the server holds its cap", async (t) => {
    const { commandId, send, calls, held } = await setUp(t, 100);
    const folder = spoolFolder();
    writeFileSync(join(folder, "stdout"), Buffer.alloc(1000, "x"));
    const uploader = new OutputUploader(send, commandId, folder);
    await uploader.flush();
    await uploader.flush();
    const stored = await held();
    assert.equal(stored.stdoutBytes, 100);
    assert.equal(stored.outputTruncated, true);
    assert.equal(calls.filter((c) => c.stream === "stdout").length, 2);
  });
});
