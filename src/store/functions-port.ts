/**
 * The functions part of the store port: deployed functions and their immutable versions,
 * code included, so every node sharing the database can run a function deployed through any
 * of them. `Store` extends it.
 *
 * The code of a version is opaque bytes to the store: the function registry's archive of the
 * deployed files (its format is defined in src/tasks/functions/archive.ts).
 */

/** The runtimes a function can have. */
export type FunctionRuntimeName = "nodejs" | "python";

/** One version of a function, as stored (without its code). */
export interface FunctionRecord {
  name: string;
  /** 1, 2, 3... in deployment order; assigned by the store. */
  version: number;
  runtime: FunctionRuntimeName;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** Total bytes of the deployed files (not of the archive). */
  codeSize: number;
  /** SHA-256 over the files' sorted paths and contents, base64. */
  codeSha256: string;
  /** Epoch ms. */
  createdAt: number;
}

/** What a deployment writes: a record without its version, and the code. */
export interface NewFunctionVersion extends Omit<FunctionRecord, "version"> {
  code: Uint8Array;
}

/** Function persistence. Every method is atomic. */
export interface FunctionStore {
  /**
   * Stores the next version of `fn.name`: its number is the name's newest version plus one
   * (1 for a new name, or one deleted), decided in the inserting transaction, so deployments
   * of one name from several nodes at once get distinct, consecutive versions.
   */
  putFunctionVersion(fn: NewFunctionVersion): Promise<FunctionRecord>;
  /**
   * Stores a version under the number it already has (importing functions deployed before the
   * store held them). Later deployments of the name continue after the highest version.
   * @throws StoreConflictError `exists` when the name already has that version.
   */
  importFunctionVersion(record: FunctionRecord, code: Uint8Array): Promise<void>;
  /** The newest version of `name`, or the given version; undefined when there is none. */
  getFunction(name: string, version?: number): Promise<FunctionRecord | undefined>;
  /** The code of one version; undefined when there is no such version. */
  getFunctionCode(name: string, version: number): Promise<Uint8Array | undefined>;
  /** The newest version of every function, in name order. */
  listFunctions(): Promise<FunctionRecord[]>;
  /** Every version of `name`, oldest first (empty when there is no such function). */
  listFunctionVersions(name: string): Promise<FunctionRecord[]>;
  /** Deletes the function and all its versions; false when there was none. */
  deleteFunction(name: string): Promise<boolean>;
}
