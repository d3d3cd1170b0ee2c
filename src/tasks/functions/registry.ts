/**
 * Deployed functions: the store holds every version, code included (FunctionStore), so every
 * node sharing the database runs what any of them deployed. The local directory is a cache:
 * a version's code is written to `<root>/<name>/<version>/` the first time this node uses it
 * (staged in `<root>/.staging`, checked against the version's hash, then renamed into place),
 * and a directory left by an earlier run is reused when its files still hash the same.
 * Versions are immutable, so a cached version never goes stale; settings are read from the
 * store (reused for at most a second), so a function deleted on one node stops being found on
 * the others within a second.
 *
 * A data directory written before the store held functions has `<root>/<name>/manifest.json`
 * files: `start` imports the versions they list that the store lacks, once.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { StoreConflictError } from "../../store/errors.js";
import type { FunctionRecord, FunctionStore } from "../../store/functions-port.js";
import { packCode, unpackCode } from "./archive.js";
import {
  findHandlerFile,
  readCode,
  type StagedCode,
  stageDirectory,
  stageFiles,
  writeCode,
} from "./code.js";
import { FunctionNotFoundError, InvalidFunctionError } from "./errors.js";
import {
  type FunctionRuntime,
  validateEnvironment,
  validateHandler,
  validateInteger,
  validateName,
  validateRuntime,
} from "./validate.js";

/** What `deploy` takes: the code comes from `sourceDir` or `files`, exactly one of them. */
export interface DeployRequest {
  readonly name: string;
  readonly runtime: FunctionRuntime;
  /** A directory whose files are copied. */
  readonly sourceDir?: string;
  /** Relative path → content. */
  readonly files?: Record<string, string | Buffer>;
  /** Node: `file.export`; Python: `module.function`. Default `index.handler`. */
  readonly handler?: string;
  /** 1 to 900, default 3 (as Lambda). */
  readonly timeoutSeconds?: number;
  /** 128 to 10240, default 128 (as Lambda). */
  readonly memoryMb?: number;
  readonly environment?: Record<string, string>;
}

/** One deployed version of a function. Versions are immutable. */
export interface FunctionVersion {
  readonly name: string;
  /** 1, 2, 3... in deployment order. */
  readonly version: number;
  readonly runtime: FunctionRuntime;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly codeSize: number;
  readonly codeSha256: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Absolute directory of the version's code (not stored: derived from the root). */
  readonly codeDir: string;
}

/** A version as a manifest of the on-disk registry listed it (imported by `start`). */
type LegacyVersion = Omit<FunctionVersion, "codeDir">;

/** Options of a registry. */
export interface RegistryOptions {
  /** Limit on a version's total code size; default 50 MB. */
  readonly maxCodeBytes?: number;
  /** How long settings read from the store are reused; default (and at most) 1000 ms. */
  readonly cacheMs?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Deployed functions in a store, cached under one directory (`<data-dir>/functions`). */
export class FunctionRegistry {
  readonly root: string;
  private readonly store: FunctionStore;
  private readonly maxCodeBytes: number;
  private readonly cacheMs: number;
  // Versions found, keyed `name` (the newest) or `name@version`, with when they were read: a
  // hot `find` is then not a round trip to the database. Misses are not kept, so a function
  // deployed on another node is found at once.
  private readonly found = new Map<string, { at: number; record: FunctionRecord }>();
  // `name/version` → the hash of the code this process wrote or checked in its directory.
  private readonly cached = new Map<string, string>();
  private readonly caching = new Map<string, Promise<boolean>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private starting: Promise<void> | undefined;

  constructor(root: string, store: FunctionStore, options: RegistryOptions = {}) {
    this.root = root;
    this.store = store;
    this.maxCodeBytes = options.maxCodeBytes ?? 50 * 1024 * 1024;
    this.cacheMs = Math.min(options.cacheMs ?? 1000, 1000);
  }

  /**
   * Prepares the directory (once; every other method waits for it): clears what a crash left
   * in staging, imports the versions of an older data directory's manifests that the store
   * lacks, and removes the cached code of functions the store no longer has.
   */
  start(): Promise<void> {
    // A failure (the database down at start) is retried by the next call.
    this.starting ??= this.prepare().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Validates, stores the code as a new version and returns it. */
  async deploy(request: DeployRequest): Promise<FunctionVersion> {
    await this.start();
    const name = validateName(request.name);
    const runtime = validateRuntime(request.runtime);
    const handler = validateHandler(runtime, request.handler ?? "index.handler");
    const timeoutSeconds = validateInteger("timeoutSeconds", request.timeoutSeconds, 3, 1, 900);
    const memoryMb = validateInteger("memoryMb", request.memoryMb, 128, 128, 10240);
    const environment = validateEnvironment(request.environment);
    if ((request.sourceDir === undefined) === (request.files === undefined))
      throw new InvalidFunctionError("code", "give exactly one of 'sourceDir' or 'files'.");

    const staging = join(this.root, ".staging", randomUUID());
    await mkdir(staging, { recursive: true });
    try {
      const code: StagedCode =
        request.files !== undefined
          ? await stageFiles(staging, request.files, this.maxCodeBytes)
          : await stageDirectory(staging, request.sourceDir as string, this.maxCodeBytes);
      if (!(await findHandlerFile(staging, runtime, handler)))
        throw new InvalidFunctionError(
          "handler",
          `'${handler}' names a module that is not in the code: ${expectedFile(runtime, handler)}.`,
        );
      const record = await this.store.putFunctionVersion({
        name,
        runtime,
        handler,
        timeoutSeconds,
        memoryMb,
        environment,
        codeSize: code.size,
        codeSha256: code.sha256,
        createdAt: Date.now(),
        code: packCode(code.files),
      });
      this.forget(name);
      await this.install(staging, record);
      return this.withDir(record);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** The latest version of `name`, or the given version. Throws FunctionNotFoundError. */
  async get(name: string, version?: number): Promise<FunctionVersion> {
    const found = await this.find(name, version);
    if (!found) throw new FunctionNotFoundError(name, version);
    return found;
  }

  /**
   * Like `get`, but undefined when there is no such function or version. The version's code
   * is in its `codeDir` when this resolves.
   */
  async find(name: string, version?: number): Promise<FunctionVersion | undefined> {
    if (!NAME.test(name)) return undefined;
    await this.start();
    const record = await this.lookup(name, version);
    if (!record) return undefined;
    try {
      // The code is gone when the function was deleted since its settings were read.
      if (!(await this.materialise(record))) {
        this.forget(name, true);
        return undefined;
      }
    } catch (error) {
      this.forget(name, true);
      throw error;
    }
    return this.withDir(record);
  }

  /**
   * Every version of `name`, oldest first. Throws FunctionNotFoundError. Their code is written
   * to `codeDir` only when `get` or `find` returns them.
   */
  async versions(name: string): Promise<FunctionVersion[]> {
    await this.start();
    const records = NAME.test(name) ? await this.store.listFunctionVersions(name) : [];
    if (records.length === 0) throw new FunctionNotFoundError(name);
    return records.map((record) => this.withDir(record));
  }

  /** The latest version of every function, by name (code as with `versions`). */
  async list(): Promise<FunctionVersion[]> {
    await this.start();
    return (await this.store.listFunctions()).map((record) => this.withDir(record));
  }

  /** Removes the function and all its versions. Throws FunctionNotFoundError. */
  async delete(name: string): Promise<void> {
    await this.start();
    if (!NAME.test(name) || !(await this.store.deleteFunction(name)))
      throw new FunctionNotFoundError(name);
    this.forget(name, true);
    await this.locked(name, () => this.discard(join(this.root, name)));
  }

  /** The version's settings, from the store or read less than `cacheMs` ago. */
  private async lookup(name: string, version?: number): Promise<FunctionRecord | undefined> {
    const key = version === undefined ? name : `${name}@${version}`;
    const now = performance.now();
    const hit = this.found.get(key);
    if (hit && now - hit.at < this.cacheMs) return hit.record;
    const record = await this.store.getFunction(name, version);
    // Entries are dropped only when read again: an occasional sweep bounds the map.
    if (this.found.size > 10_000) this.found.clear();
    if (record) this.found.set(key, { at: now, record });
    else this.found.delete(key);
    return record;
  }

  /**
   * Forgets the settings read of `name` (after a deploy), and with `code` which of its
   * directories hold which code (after a delete, or when the code could not be written).
   */
  private forget(name: string, code = false): void {
    for (const key of this.found.keys())
      if (key === name || key.startsWith(`${name}@`)) this.found.delete(key);
    if (code)
      for (const key of this.cached.keys()) if (key.startsWith(`${name}/`)) this.cached.delete(key);
  }

  /**
   * Makes sure the version's code is in its directory; false when the store has no code for
   * it (deleted meanwhile). Concurrent calls for one version share the work.
   */
  private materialise(record: FunctionRecord): Promise<boolean> {
    const key = `${record.name}/${record.version}`;
    if (this.cached.get(key) === record.codeSha256) return Promise.resolve(true);
    const pendingKey = `${key}/${record.codeSha256}`;
    let pending = this.caching.get(pendingKey);
    if (!pending) {
      pending = this.fetchCode(record).finally(() => this.caching.delete(pendingKey));
      this.caching.set(pendingKey, pending);
    }
    return pending;
  }

  private async fetchCode(record: FunctionRecord): Promise<boolean> {
    const key = `${record.name}/${record.version}`;
    // A directory from an earlier run (or from before a restart) is reused if it still holds
    // exactly this code: the name may have been deleted and deployed again meanwhile.
    const existing = await readCode(this.dirOf(record)).catch(() => undefined);
    if (existing?.sha256 === record.codeSha256) {
      this.cached.set(key, record.codeSha256);
      return true;
    }
    const archive = await this.store.getFunctionCode(record.name, record.version);
    if (!archive) return false;
    const staging = join(this.root, ".staging", randomUUID());
    await mkdir(staging, { recursive: true });
    try {
      const written = await writeCode(staging, unpackCode(archive));
      if (written.sha256 !== record.codeSha256)
        throw new Error(
          `The stored code of function ${record.name} version ${record.version} does not match its hash ` +
            `(${written.sha256}, expected ${record.codeSha256}): deploy the function again.`,
        );
      await this.install(staging, record);
      return true;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Renames a staged directory into the version's place, replacing what was there. */
  private install(staging: string, record: FunctionRecord): Promise<void> {
    return this.locked(record.name, async () => {
      const target = this.dirOf(record);
      await mkdir(join(this.root, record.name), { recursive: true });
      await this.discard(target);
      await rename(staging, target);
      this.cached.set(`${record.name}/${record.version}`, record.codeSha256);
    });
  }

  /** Removes a directory (renamed away first, so it disappears at once), if it exists. */
  private async discard(dir: string): Promise<void> {
    const trash = join(this.root, ".staging", `discarded-${randomUUID()}`);
    await mkdir(join(this.root, ".staging"), { recursive: true });
    try {
      await rename(dir, trash);
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return;
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
  }

  private async prepare(): Promise<void> {
    await rm(join(this.root, ".staging"), { recursive: true, force: true });
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const names = entries.filter((entry) => entry.isDirectory() && NAME.test(entry.name));
    const kept = new Set<string>();
    for (const { name } of names) if (!(await this.importManifest(name))) kept.add(name);
    const known = new Set((await this.store.listFunctions()).map((record) => record.name));
    for (const { name } of names)
      if (!known.has(name) && !kept.has(name)) await this.discard(join(this.root, name));
  }

  /**
   * Imports the versions `<root>/<name>/manifest.json` lists that the store lacks, each with
   * the files its directory holds (a version whose directory is gone is left out), then
   * renames the manifest so it is imported once: a function deleted later is not brought
   * back. False when the manifest is not readable JSON: it stays, for the operator to see.
   */
  private async importManifest(name: string): Promise<boolean> {
    const file = join(this.root, name, "manifest.json");
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) return true;
    let versions: LegacyVersion[];
    try {
      versions = (JSON.parse(text) as { versions: LegacyVersion[] }).versions;
    } catch {
      return false;
    }
    if (!Array.isArray(versions)) return false;
    for (const stored of versions) {
      if (await this.store.getFunction(name, stored.version)) continue;
      const code = await readCode(this.dirOf({ name, version: stored.version })).catch(
        () => undefined,
      );
      if (!code) continue;
      try {
        await this.store.importFunctionVersion(
          {
            name,
            version: stored.version,
            runtime: stored.runtime,
            handler: stored.handler,
            timeoutSeconds: stored.timeoutSeconds,
            memoryMb: stored.memoryMb,
            environment: { ...stored.environment },
            // What the directory holds is what the version ran: a handler may have written
            // beside its code since it was deployed.
            codeSize: code.size,
            codeSha256: code.sha256,
            createdAt: Number.isFinite(Date.parse(stored.createdAt))
              ? Date.parse(stored.createdAt)
              : Date.now(),
          },
          packCode(code.files),
        );
      } catch (error) {
        // Another node imported or deployed the same version meanwhile: the store's is kept.
        if (!(error instanceof StoreConflictError)) throw error;
      }
    }
    await rename(file, `${file}.imported`);
    return true;
  }

  private dirOf(record: { name: string; version: number }): string {
    return join(this.root, record.name, String(record.version));
  }

  private withDir(record: FunctionRecord): FunctionVersion {
    return {
      ...record,
      createdAt: new Date(record.createdAt).toISOString(),
      codeDir: this.dirOf(record),
    };
  }

  private locked<T>(name: string, body: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.then(body, body);
    const settled = next.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return next;
  }
}

function expectedFile(runtime: FunctionRuntime, handler: string): string {
  const module = handler.slice(0, handler.lastIndexOf("."));
  return runtime === "python"
    ? `expected ${module.replaceAll(".", "/")}.py`
    : `expected ${module}.mjs, ${module}.js or ${module}.cjs`;
}
