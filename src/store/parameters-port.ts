/**
 * The parameters part of the store port (Parameter Store's model): named parameters with
 * versions. `Store` extends it. The store never sees a SecureString in clear: the service
 * seals values before they reach it and opens them after.
 */
import type { Page, PageRequest } from "./paging.js";

/** The types of parameter, as SSM names them. */
export type ParameterType = "String" | "StringList" | "SecureString";

/** One version of a parameter, as stored. */
export interface ParameterRecord {
  name: string;
  version: number;
  type: ParameterType;
  /** Clear text for String and StringList; the sealed form for SecureString. */
  value: string;
  description?: string;
  allowedPattern?: string;
  /** The KeyId the caller named (recorded only: the master key seals). */
  keyId?: string;
  tier: "Standard" | "Advanced";
  dataType: string;
  modifiedAt: number;
  /** The user (or `workflow`) that wrote this version. */
  modifiedBy: string;
}

/** Which parameters a listing returns (current versions, by name). */
export interface ParameterFilter {
  /** Names under this path (`/a/b` lists `/a/b/...`); `/` lists the names that start with `/`. */
  path?: string;
  /** With a path: every level below it, not only the direct children. */
  recursive?: boolean;
  /** Names that begin with this text. */
  namePrefix?: string;
  /** Only these types. */
  types?: ParameterType[];
}

/** The parameter store. All methods are atomic. */
export interface ParameterStore {
  /**
   * Writes the next version of `name`, in one transaction: `decide` gets the current version
   * (undefined for a new parameter), the next version number and how many parameters exist,
   * and returns the record to write, or throws to refuse (nothing is written). Versions beyond
   * the newest `keepVersions` are deleted.
   */
  putParameter(
    name: string,
    decide: (current: ParameterRecord | undefined, next: number, count: number) => ParameterRecord,
    keepVersions: number,
  ): Promise<ParameterRecord>;
  /** The current version, or the given one. */
  getParameter(name: string, version?: number): Promise<ParameterRecord | undefined>;
  /** Current versions by name, in name order. */
  listParameters(filter: ParameterFilter, page: PageRequest): Promise<Page<ParameterRecord>>;
  /** Every kept version, oldest first. */
  parameterHistory(name: string, page: PageRequest): Promise<Page<ParameterRecord>>;
  /** Deletes the parameter and its versions; false when there was none. */
  deleteParameter(name: string): Promise<boolean>;
}
