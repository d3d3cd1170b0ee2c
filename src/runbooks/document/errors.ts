/**
 * Typed errors of the document core. Each carries the SSM error code the API answers with,
 * so nothing above has to parse messages.
 */
import type { Platform } from "./types.js";

/** Why a document was refused. */
export type DocumentErrorCode = "InvalidDocumentContent" | "InvalidDocumentSchemaVersion";

/** A document that cannot be stored or run, located by a JSON Pointer. */
export class DocumentError extends Error {
  readonly code: DocumentErrorCode;
  /** JSON Pointer (RFC 6901) of the offending value; "" for the whole document. */
  readonly pointer: string;
  /** What was expected there, in words. */
  readonly expected: string;
  /** 1-based line and column in the text, for syntax errors. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: DocumentErrorCode,
    pointer: string,
    expected: string,
    position?: { line: number; column: number },
  ) {
    const where = position
      ? `line ${position.line}, column ${position.column}`
      : pointer === ""
        ? "the document"
        : pointer;
    super(`${code} at ${where}: ${expected}`);
    this.name = "DocumentError";
    this.code = code;
    this.pointer = pointer;
    this.expected = expected;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Parameter values a document does not accept (SSM's `InvalidParameters`). */
export class InvalidParametersError extends Error {
  readonly code = "InvalidParameters";
  /** The parameter at fault. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super(message);
    this.name = "InvalidParametersError";
    this.parameter = parameter;
  }
}

/** No step of the document applies to the node's platform (SSM's `Invalid Platform`). */
export class InvalidPlatformError extends Error {
  readonly code = "InvalidPlatform";
  readonly platform: Platform;

  constructor(platform: Platform, supported: readonly Platform[]) {
    super(
      supported.length === 0
        ? `The document has no step for platform ${platform}`
        : `The document has no step for platform ${platform}; its steps run on ${supported.join(", ")}`,
    );
    this.name = "InvalidPlatformError";
    this.platform = platform;
  }
}
