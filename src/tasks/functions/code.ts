/**
 * Staging a function's code into a fresh directory: from a map of files or a copy of a source
 * directory, with a size limit checked before anything large is written and a content hash
 * that identifies the code (same files, same hash).
 */
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { CodeFile } from "./archive.js";
import { InvalidFunctionError } from "./errors.js";
import { validateRelativePath } from "./validate.js";

/** What staging produced. */
export interface StagedCode {
  /** Total bytes of all files. */
  readonly size: number;
  /** SHA-256 over the sorted file paths and contents, base64 (as Lambda's CodeSha256). */
  readonly sha256: string;
  /** The files written, in path order. */
  readonly files: readonly CodeFile[];
}

/** Writes `files` (relative path → content) under `target`. */
export async function stageFiles(
  target: string,
  files: Record<string, string | Buffer>,
  maxBytes: number,
): Promise<StagedCode> {
  const entries = Object.entries(files).map(([path, content]) => {
    const relativePath = validateRelativePath(`files["${path}"]`, path);
    if (typeof content !== "string" && !Buffer.isBuffer(content))
      throw new InvalidFunctionError(`files["${path}"]`, "content must be a string or a Buffer.");
    return [relativePath, Buffer.from(content)] as const;
  });
  if (entries.length === 0)
    throw new InvalidFunctionError("files", "no files given: include at least the handler file.");
  const seen = new Set<string>();
  for (const [path] of entries) {
    if (seen.has(path))
      throw new InvalidFunctionError("files", `two entries name the same file '${path}'.`);
    seen.add(path);
  }
  checkSize(
    entries.reduce((total, [, content]) => total + content.length, 0),
    maxBytes,
  );
  return writeCode(target, entries);
}

/** Copies the regular files of `sourceDir` (recursively) under `target`. */
export async function stageDirectory(
  target: string,
  sourceDir: string,
  maxBytes: number,
): Promise<StagedCode> {
  const info = await stat(sourceDir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new InvalidFunctionError("sourceDir", `'${sourceDir}' is not a readable directory.`);
  const paths = await walk(sourceDir, sourceDir);
  let total = 0;
  for (const path of paths) total += (await stat(join(sourceDir, path))).size;
  // Sizes are checked from metadata first so a huge directory is refused without reading it.
  checkSize(total, maxBytes);
  const entries: CodeFile[] = [];
  for (const path of paths) entries.push([path, await readFile(join(sourceDir, path))]);
  return writeCode(target, entries);
}

/**
 * The size, hash and files of the code in `dir` (as staging it again would give). Throws
 * InvalidFunctionError when the directory is missing or holds a directory symlink.
 */
export async function readCode(dir: string): Promise<StagedCode> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new InvalidFunctionError("code", `'${dir}' is not a readable directory.`);
  const files: CodeFile[] = [];
  for (const path of await walk(dir, dir)) files.push([path, await readFile(join(dir, path))]);
  return { ...digest(files), files: sorted(files) };
}

/** Relative paths (with '/') of the files under `dir`; file symlinks count as files. */
async function walk(root: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const relativePath = relative(root, path).split(sep).join("/");
    const info = entry.isSymbolicLink()
      ? await stat(path).catch(() => undefined)
      : await lstat(path);
    if (info?.isDirectory()) {
      // A directory symlink could loop or reach far outside the source tree.
      if (entry.isSymbolicLink())
        throw new InvalidFunctionError(
          "sourceDir",
          `'${relativePath}' is a symbolic link to a directory: replace it with a real directory.`,
        );
      found.push(...(await walk(root, path)));
    } else if (info?.isFile()) found.push(relativePath);
  }
  return found;
}

function checkSize(total: number, maxBytes: number): void {
  if (total > maxBytes)
    throw new InvalidFunctionError(
      "code",
      `the code takes ${total} bytes; the limit is ${maxBytes} bytes. Leave out what the handler does not need.`,
    );
}

/** Writes `files` under `target` (which may exist) and returns their size and hash. */
export async function writeCode(target: string, files: readonly CodeFile[]): Promise<StagedCode> {
  const inOrder = sorted(files);
  for (const [path, content] of inOrder) {
    const file = join(target, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return { ...digest(inOrder), files: inOrder };
}

function sorted(files: readonly CodeFile[]): CodeFile[] {
  return [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function digest(files: readonly CodeFile[]): { size: number; sha256: string } {
  const hash = createHash("sha256");
  let size = 0;
  for (const [path, content] of sorted(files)) {
    hash.update(`${path}\0${content.length}\0`).update(content);
    size += content.length;
  }
  return { size, sha256: hash.digest("base64") };
}

/** Where a handler's module lives in a staged directory, or undefined when it is missing. */
export async function findHandlerFile(
  dir: string,
  runtime: "nodejs" | "python",
  handler: string,
): Promise<string | undefined> {
  const module = handler.slice(0, handler.lastIndexOf("."));
  const candidates =
    runtime === "python"
      ? [`${module.replaceAll(".", "/")}.py`, `${module.replaceAll(".", "/")}/__init__.py`]
      : [".mjs", ".js", ".cjs"].map((extension) => `${module}${extension}`);
  for (const candidate of candidates) {
    if ((await stat(join(dir, candidate)).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}
