/**
 * Deployed functions on disk: `<root>/<name>/manifest.json` lists the versions and
 * `<root>/<name>/<version>/` holds each version's code. Code is staged in `<root>/.staging`
 * and renamed into place, and manifests are replaced by rename, so a reader never sees a
 * half-written version. Deployments of one function are serialised within the process.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findHandlerFile, type StagedCode, stageDirectory, stageFiles } from "./code.js";
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

type StoredVersion = Omit<FunctionVersion, "codeDir">;

interface Manifest {
  readonly name: string;
  readonly versions: StoredVersion[];
}

/** Options of a registry. */
export interface RegistryOptions {
  /** Limit on a version's total code size; default 50 MB. */
  readonly maxCodeBytes?: number;
}

/** How often a cached manifest is compared with its file. */
const MANIFEST_CHECK_MS = 1000;

/** Deployed functions under one directory (the server's `<data-dir>/functions`). */
export class FunctionRegistry {
  readonly root: string;
  private readonly maxCodeBytes: number;
  // Manifests keyed by name with the file's mtime. Only this registry writes them (and drops
  // its entry when it does), so the file is looked at again at most once per MANIFEST_CHECK_MS,
  // for hand edits: a hot `get` is then neither a read nor a stat.
  private readonly cache = new Map<
    string,
    { mtimeMs: number; checkedAt: number; manifest: Manifest }
  >();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(root: string, options: RegistryOptions = {}) {
    this.root = root;
    this.maxCodeBytes = options.maxCodeBytes ?? 50 * 1024 * 1024;
  }

  /** Validates, stores the code as a new version and returns it. */
  async deploy(request: DeployRequest): Promise<FunctionVersion> {
    const name = validateName(request.name);
    return this.locked(name, () => this.deployLocked(name, request));
  }

  /** The latest version of `name`, or the given version. Throws FunctionNotFoundError. */
  async get(name: string, version?: number): Promise<FunctionVersion> {
    const found = await this.find(name, version);
    if (!found) throw new FunctionNotFoundError(name, version);
    return found;
  }

  /** Like `get`, but undefined when there is no such function or version. */
  async find(name: string, version?: number): Promise<FunctionVersion | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) return undefined;
    const manifest = await this.manifest(name);
    if (!manifest) return undefined;
    const stored =
      version === undefined
        ? manifest.versions.at(-1)
        : manifest.versions.find((entry) => entry.version === version);
    return stored && this.withDir(stored);
  }

  /** Every version of `name`, oldest first. Throws FunctionNotFoundError. */
  async versions(name: string): Promise<FunctionVersion[]> {
    const manifest = await this.manifest(name);
    if (!manifest) throw new FunctionNotFoundError(name);
    return manifest.versions.map((entry) => this.withDir(entry));
  }

  /** The latest version of every function, by name. */
  async list(): Promise<FunctionVersion[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const found: FunctionVersion[] = [];
    for (const name of names.sort()) {
      const latest = await this.find(name);
      if (latest) found.push(latest);
    }
    return found;
  }

  /** Removes the function and all its versions. Throws FunctionNotFoundError. */
  delete(name: string): Promise<void> {
    return this.locked(name, async () => {
      if (!(await this.find(name))) throw new FunctionNotFoundError(name);
      // Rename first so the function disappears at once, then remove at leisure.
      const trash = join(this.root, ".staging", `deleted-${randomUUID()}`);
      await mkdir(join(this.root, ".staging"), { recursive: true });
      await rename(join(this.root, name), trash);
      this.cache.delete(name);
      await rm(trash, { recursive: true, force: true });
    });
  }

  private async deployLocked(name: string, request: DeployRequest): Promise<FunctionVersion> {
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
      const manifest = (await this.manifest(name)) ?? { name, versions: [] };
      const stored: StoredVersion = {
        name,
        version: (manifest.versions.at(-1)?.version ?? 0) + 1,
        runtime,
        handler,
        timeoutSeconds,
        memoryMb,
        environment,
        codeSize: code.size,
        codeSha256: code.sha256,
        createdAt: new Date().toISOString(),
      };
      await mkdir(join(this.root, name), { recursive: true });
      await rename(staging, join(this.root, name, String(stored.version)));
      await this.writeManifest({ name, versions: [...manifest.versions, stored] });
      return this.withDir(stored);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async manifest(name: string): Promise<Manifest | undefined> {
    const cached = this.cache.get(name);
    const now = performance.now();
    if (cached && now - cached.checkedAt < MANIFEST_CHECK_MS) return cached.manifest;
    const file = join(this.root, name, "manifest.json");
    const info = await stat(file).catch(() => undefined);
    if (!info) {
      this.cache.delete(name);
      return undefined;
    }
    if (cached && cached.mtimeMs === info.mtimeMs) {
      cached.checkedAt = now;
      return cached.manifest;
    }
    const manifest = JSON.parse(await readFile(file, "utf8")) as Manifest;
    this.cache.set(name, { mtimeMs: info.mtimeMs, checkedAt: now, manifest });
    return manifest;
  }

  private async writeManifest(manifest: Manifest): Promise<void> {
    const file = join(this.root, manifest.name, "manifest.json");
    const temporary = `${file}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temporary, file);
    this.cache.delete(manifest.name);
  }

  private withDir(stored: StoredVersion): FunctionVersion {
    return { ...stored, codeDir: join(this.root, stored.name, String(stored.version)) };
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
