/**
 * The archive a function version's code is stored as (FunctionStore's `code`): its files,
 * paths and bytes exactly, in one buffer. The format, all integers unsigned 32-bit big-endian:
 *
 *     "OFA1"                            4 bytes, the format's magic and version
 *     count                             the number of files
 *     count times:
 *       pathLength, path                the relative path, '/'-separated, UTF-8
 *       contentLength, content          the file's bytes
 *
 * Files are in path order (as the code's hash takes them). A file above 4 GiB cannot be
 * written, far beyond the registry's code size limit.
 */
import { InvalidFunctionError } from "./errors.js";
import { validateRelativePath } from "./validate.js";

const MAGIC = Buffer.from("OFA1", "latin1");

/** One file of the code: relative path and bytes. */
export type CodeFile = readonly [path: string, content: Buffer];

/** The archive of `files`. */
export function packCode(files: readonly CodeFile[]): Buffer {
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: Buffer[] = [MAGIC, uint32(sorted.length)];
  for (const [path, content] of sorted) {
    const pathBytes = Buffer.from(path, "utf8");
    parts.push(uint32(pathBytes.length), pathBytes, uint32(content.length), content);
  }
  return Buffer.concat(parts);
}

/**
 * The files of an archive. Throws InvalidFunctionError (field `code`) on an archive that is
 * cut short, has bytes left over, or names a path outside the function's directory.
 */
export function unpackCode(archive: Uint8Array): CodeFile[] {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  let at = 0;
  const take = (length: number): Buffer => {
    if (at + length > bytes.length) throw corrupt("it is cut short");
    const part = bytes.subarray(at, at + length);
    at += length;
    return part;
  };
  const readUint32 = () => take(4).readUInt32BE(0);
  if (!take(4).equals(MAGIC)) throw corrupt("it does not start with OFA1");
  const count = readUint32();
  const files: CodeFile[] = [];
  for (let i = 0; i < count; i++) {
    const path = take(readUint32()).toString("utf8");
    validateRelativePath("code", path);
    files.push([path, take(readUint32())]);
  }
  if (at !== bytes.length) throw corrupt("bytes follow its last file");
  return files;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value, 0);
  return buffer;
}

function corrupt(why: string): InvalidFunctionError {
  return new InvalidFunctionError("code", `the stored code archive is not valid: ${why}.`);
}
