#!/usr/bin/env node
// The npm registry reachable here lacks Biome's non-Linux platform packages, so `npm install`
// writes a lock that lists optional dependencies it could not record, and `npm ci` then refuses
// the lock. This drops the optional dependencies that have no entry of their own. Run it after
// `npm install` changes package-lock.json.
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!lock.packages[`node_modules/${name}`]) {
      delete entry.optionalDependencies[name];
      pruned++;
    }
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`pruned ${pruned} optional dependencies missing from the lock`);
