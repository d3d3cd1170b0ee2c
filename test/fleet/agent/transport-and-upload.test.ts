/**
 * HTTPS with an added CA (a self-signed server certificate made with openssl), and output
 * upload by offset: chunks of at most 256 KiB, resumed from the size the server holds after a
 * refused gap, stopped at the server's cap.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { AgentError } from "../../../src/fleet/agent/errors.js";
import { HttpTransport } from "../../../src/fleet/agent/http-transport.js";
import {
  OUTPUT_CHUNK_BYTES,
  OutputUploader,
  type SendOutput,
} from "../../../src/fleet/agent/output-upload.js";

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "opsflow-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
  };
}

describe("HttpTransport over HTTPS", () => {
  test("a self-signed server is refused without --ca and reached with it", async (t) => {
    const { key, cert } = selfSignedCertificate();
    const server = createServer({ key, cert }, (_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    t.after(() => server.close());
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const request = {
      method: "POST",
      pathAndQuery: "/agent/v1/poll",
      headers: {},
      body: Buffer.alloc(0),
      timeoutMs: 5000,
    };

    const untrusting = new HttpTransport(url);
    await assert.rejects(
      untrusting.send(request),
      (error) => error instanceof AgentError && error.code === "Unreachable",
    );
    untrusting.close();

    const trusting = new HttpTransport(url, cert);
    const response = await trusting.send(request);
    trusting.close();
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), '{"ok":true}');
  });
});

/** A server side holding bytes by offset as FleetStore.appendOutput does, with a cap. */
function holder(capBytes = Number.POSITIVE_INFINITY) {
  const held = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  const calls: { stream: string; offset: number; length: number }[] = [];
  const send: SendOutput = async (_id, stream, offset, data) => {
    calls.push({ stream, offset, length: data.byteLength });
    const current = held[stream];
    if (offset > current.length) return { size: current.length, truncated: false };
    const next = Buffer.concat([current, Buffer.from(data).subarray(current.length - offset)]);
    held[stream] = next.subarray(0, Math.min(next.length, capBytes));
    return { size: held[stream].length, truncated: next.length > capBytes };
  };
  return { held, calls, send };
}

describe("OutputUploader", () => {
  test("sends the spool in chunks of at most 256 KiB, each at its offset", async () => {
    const folder = mkdtempSync(join(tmpdir(), "opsflow-upload-"));
    const content = Buffer.alloc(600 * 1024, "a");
    writeFileSync(join(folder, "stdout"), content);
    writeFileSync(join(folder, "stderr"), "err");
    const server = holder();
    await new OutputUploader(server.send, "c", folder).flush();
    assert.deepEqual(server.held.stdout, content);
    assert.equal(server.held.stderr.toString(), "err");
    const stdoutCalls = server.calls.filter((c) => c.stream === "stdout");
    assert.deepEqual(
      stdoutCalls.map((c) => c.offset),
      [0, OUTPUT_CHUNK_BYTES, 2 * OUTPUT_CHUNK_BYTES],
    );
    assert.ok(stdoutCalls.every((c) => c.length <= OUTPUT_CHUNK_BYTES));
  });

  test("a refused gap resumes from the size the server holds; a new uploader skips what it holds", async () => {
    const folder = mkdtempSync(join(tmpdir(), "opsflow-upload-"));
    writeFileSync(join(folder, "stdout"), "0123456789");
    const server = holder();
    const uploader = new OutputUploader(server.send, "c", folder);
    await uploader.flush();
    // The server lost the tail (restored from a backup): the next chunk leaves a gap.
    server.held.stdout = Buffer.from("01234");
    writeFileSync(join(folder, "stdout"), "0123456789abc");
    await uploader.flush();
    assert.equal(server.held.stdout.toString(), "0123456789abc");

    // A restarted agent starts at 0; the server skips what it has and answers its size.
    writeFileSync(join(folder, "stdout"), "0123456789abcdef");
    server.calls.length = 0;
    await new OutputUploader(server.send, "c", folder).flush();
    assert.equal(server.held.stdout.toString(), "0123456789abcdef");
  });

  test("stops asking once the server holds its cap", async () => {
    const folder = mkdtempSync(join(tmpdir(), "opsflow-upload-"));
    writeFileSync(join(folder, "stdout"), Buffer.alloc(1000, "x"));
    const server = holder(100);
    const uploader = new OutputUploader(server.send, "c", folder);
    await uploader.flush();
    await uploader.flush();
    assert.equal(server.held.stdout.length, 100);
    assert.equal(server.calls.filter((c) => c.stream === "stdout").length, 2);
  });
});
