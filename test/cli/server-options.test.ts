/** `opsflow server` refuses a bad event retention setting before it starts anything. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "./helpers.js";

const dataDir = mkdtempSync(join(tmpdir(), "opsflow-server-options-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("OPSFLOW_EVENT_RETENTION_SECONDS must be whole seconds; the server does not start", () => {
  const result = runCli(["server", "--data-dir", dataDir, "--port", "0"], {
    OPSFLOW_EVENT_RETENTION_SECONDS: "1d",
  });
  assert.notEqual(result.code, 0);
  assert.match(
    result.stderr,
    /OPSFLOW_EVENT_RETENTION_SECONDS must be a whole number of seconds ≥ 0, not '1d'/,
  );
  assert.deepEqual(readdirSync(dataDir), [], "nothing was created");
});
