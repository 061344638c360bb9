/**
 * Reads stacks from any mix of inputs, as a stream: `pulumi stack export` files, `pulumi preview
 * --json` files and self-managed backend folders (`.pulumi/stacks/<project>/<stack>.json[.gz|.zst]`,
 * the legacy `.pulumi/stacks/<stack>.json`, `meta.yaml`).
 *
 * One stack is read, parsed and yielded at a time, so memory stays flat however many stacks a
 * backend holds. A file that can't be read yields an `{kind: "error"}` item naming the file and
 * the problem, and the iteration goes on with the next one: one bad stack never stops the rest.
 * The iterator itself never throws.
 */
import { closeSync, fstatSync, openSync, promises as fsp, readFileSync, readSync, statSync } from "node:fs";
import * as path from "node:path";
import { isRecord, stringEntries } from "../engine/values";
import { MAX_DECOMPRESSED_BYTES, type ZstdDecoder, ZSTD_UNAVAILABLE, compressionOf, defaultZstdDecoder, gunzipState } from "./decompress";
import { parseStateText } from "./parse";
import { InputError, type InputItem } from "./types";

export interface ReadOptions {
  /** Zstandard decoder for `.json.zst`; default: Node's own, else `fzstd` when installed, else none. */
  readonly zstd?: ZstdDecoder | null;
  /**
   * Called as each input is opened with the number of stacks it will yield (1 for a file, the
   * number of state files for a backend folder), so a caller can show progress against a total.
   */
  readonly onPlan?: (stacks: number, input: string) => void;
}

/** Largest state file read (compressed size). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const STATE_FILE = /\.json(\.gz|\.zst)?$/i;

/** Largest `.pulumi-tags` file read. */
const MAX_TAGS_BYTES = 1024 * 1024;

/**
 * What a Zstandard decoder said about a file it could not decode: fzstd throws plain Errors with
 * fixed texts ("invalid zstd data", "unexpected EOF"), Node's zlib errors carry a code. Only a short
 * plain text is quoted (it describes the format, never content).
 */
function zstdProblem(decoder: ZstdDecoder, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown } | null)?.code;
  const said = /^[\w\s().,'>-]{1,80}$/.test(message) ? message : typeof code === "string" && /^[\w-]{1,60}$/.test(code) ? code : error instanceof Error ? error.name : "error";
  if (error instanceof RangeError && /memory|allocation|length/i.test(message)) return "decompresses to more than carbonguard reads";
  return `Zstandard data is corrupt or truncated (${decoder.name}: ${said})`;
}

function describe(error: unknown): string {
  if (error instanceof InputError) return error.problem;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  if (code === "ERR_STRING_TOO_LONG" || code === "ERR_BUFFER_TOO_LARGE") return "too large to read";
  if (error instanceof RangeError) return "too large to read";
  const name = error instanceof Error ? error.name : "error";
  return `could not be read (${name}${typeof code === "string" ? ` ${code}` : ""})`;
}

/**
 * One buffer reused for every state file read in this thread (grown as needed, up to
 * `REUSED_BUFFER_MAX`): reading a thousand files into fresh 100 KB–10 MB buffers churned the
 * allocator, whose freed blocks kept the process's RSS creeping up over a long report.
 */
let readBuffer: Buffer | undefined;
const REUSED_BUFFER_MAX = 64 * 1024 * 1024;

/**
 * A state file's bytes. Synchronous on purpose: stacks are read one at a time, and a thread-pool
 * round trip per file costs more than the read itself (measured: ~0.6 ms per stack in
 * bench/report). The result may be a view of the shared buffer: valid until the next call.
 */
export function readStateBytes(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(file, "is a folder, not a state file");
    if (stat.size > MAX_FILE_BYTES) throw new InputError(file, `is ${Math.round(stat.size / 1048576)} MiB, larger than carbonguard reads (${MAX_FILE_BYTES / 1048576} MiB)`);
    // Not a regular file (a pipe, /dev/stdin) or empty per stat: its size is not known up front.
    if (!stat.isFile() || stat.size === 0) return readFileSync(fd);
    const size = stat.size;
    let buffer: Buffer;
    if (size + 1 > REUSED_BUFFER_MAX) buffer = Buffer.allocUnsafe(size + 1);
    else {
      if (readBuffer === undefined || readBuffer.length < size + 1) readBuffer = Buffer.allocUnsafe(Math.min(REUSED_BUFFER_MAX, Math.max(size + 1, 2 * (readBuffer?.length ?? 0), 1024 * 1024)));
      buffer = readBuffer;
    }
    // One byte beyond the size: a file that grew since fstat is read whole (it ends up a copy).
    let n = 0;
    for (;;) {
      const got = readSync(fd, buffer, n, buffer.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buffer.length) return Buffer.concat([buffer, readFileSync(fd)]);
    }
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses one state file. Throws only `InputError`. `bytes`: the file's bytes when the
 * caller has read them already (the report cache hashes them first), so the file is read once.
 */
export async function readStateFile(file: string, options: ReadOptions = {}, bytes?: Buffer) {
  let data: Buffer;
  try {
    data = bytes ?? readStateBytes(file);
  } catch (error) {
    throw error instanceof InputError ? error : new InputError(file, describe(error));
  }
  let text: string;
  try {
    const kind = compressionOf(data, file);
    // `data` may be the shared read buffer: decoded before any await, copied for the async path.
    if (kind === "gzip") {
      text = (await gunzipState(Buffer.from(data))).toString("utf8");
    } else if (kind === "zstd") {
      const decoder = options.zstd === undefined ? defaultZstdDecoder() : (options.zstd ?? undefined);
      if (!decoder) throw new InputError(file, ZSTD_UNAVAILABLE);
      let out: Uint8Array;
      try {
        out = decoder.decompress(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (error) {
        throw new InputError(file, zstdProblem(decoder, error));
      }
      if (out.byteLength > MAX_DECOMPRESSED_BYTES) throw new InputError(file, "decompresses to more than carbonguard reads");
      text = Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString("utf8");
    } else {
      text = data.toString("utf8");
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    throw new InputError(file, code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR" ? "compressed data is corrupt or truncated" : `could not be decompressed (${describe(error)})`);
  }
  return parseStateText(file, text);
}

/** The `.pulumi` folder of a backend given as `DIR` (holding `.pulumi`) or as `DIR/.pulumi` itself. */
async function backendRoot(dir: string): Promise<string | undefined> {
  for (const candidate of [path.join(dir, ".pulumi"), dir]) {
    try {
      if ((await fsp.stat(path.join(candidate, "stacks"))).isDirectory()) return candidate;
    } catch {
      // try the next
    }
  }
  return undefined;
}

async function listDir(dir: string): Promise<{ name: string; isDir: boolean }[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The state files of a backend, project-scoped (`stacks/<project>/<stack>.json*`) and legacy
 * (`stacks/<stack>.json*`), sorted; `.bak` copies and other files are skipped. When a stack has
 * several encodings (`dev.json` and `dev.json.gz`), the uncompressed one is read, as Pulumi does.
 */
export async function backendStateFiles(root: string): Promise<{ files: string[]; problems: InputError[] }> {
  const stacksDir = path.join(root, "stacks");
  const files: string[] = [];
  const problems: InputError[] = [];
  const pick = (dir: string, names: string[]) => {
    const byStack = new Map<string, string[]>();
    for (const n of names) {
      const stack = n.replace(STATE_FILE, "");
      byStack.set(stack, [...(byStack.get(stack) ?? []), n]);
    }
    for (const [, variants] of [...byStack.entries()].sort()) {
      const rank = (n: string) => (/\.json$/i.test(n) ? 0 : /\.gz$/i.test(n) ? 1 : 2);
      const best = [...variants].sort((a, b) => rank(a) - rank(b))[0];
      if (best) files.push(path.join(dir, best));
    }
  };
  let top: { name: string; isDir: boolean }[];
  try {
    top = await listDir(stacksDir);
  } catch (error) {
    problems.push(new InputError(stacksDir, describe(error)));
    return { files, problems };
  }
  pick(stacksDir, top.filter((e) => !e.isDir && STATE_FILE.test(e.name)).map((e) => e.name));
  for (const project of top.filter((e) => e.isDir)) {
    const dir = path.join(stacksDir, project.name);
    try {
      pick(dir, (await listDir(dir)).filter((e) => !e.isDir && STATE_FILE.test(e.name)).map((e) => e.name));
    } catch (error) {
      problems.push(new InputError(dir, describe(error)));
    }
  }
  return { files, problems };
}

/** `meta.yaml` `version: 1` means project-scoped stacks; absent or 0 means the legacy layout. */
export async function backendMetaVersion(root: string): Promise<number | undefined> {
  try {
    const text = await fsp.readFile(path.join(root, "meta.yaml"), "utf8");
    const m = /^\s*version:\s*(\d+)\s*$/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A state file to read (from `listInputs`): `inBackend` files also get their `.pulumi-tags`. */
export interface InputFile {
  readonly kind: "file";
  readonly file: string;
  readonly inBackend: boolean;
}

/**
 * The state files in `inputs` (files and backend folders), without reading them: lets a caller
 * read them elsewhere (e.g. worker threads). Errors are items, never exceptions.
 */
export async function* listInputs(inputs: readonly string[], options: Pick<ReadOptions, "onPlan"> = {}): AsyncGenerator<InputFile | Extract<InputItem, { kind: "error" }>, void, undefined> {
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = (await fsp.stat(input)).isDirectory();
    } catch (error) {
      yield { kind: "error", error: new InputError(input, describe(error)) };
      continue;
    }
    if (!isDir) {
      options.onPlan?.(1, input);
      yield { kind: "file", file: input, inBackend: false };
      continue;
    }
    const root = await backendRoot(input);
    if (!root) {
      yield { kind: "error", error: new InputError(input, "is a folder but not a self-managed Pulumi backend (no .pulumi/stacks inside)") };
      continue;
    }
    const { files, problems } = await backendStateFiles(root);
    options.onPlan?.(files.length, input);
    for (const problem of problems) yield { kind: "error", error: problem };
    for (const file of files) yield { kind: "file", file, inBackend: true };
  }
}

/**
 * Every stack in `inputs` (files and backend folders), one at a time. Errors are items, never
 * exceptions.
 */
export async function* readInputs(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<InputItem, void, undefined> {
  for await (const item of listInputs(inputs, options)) {
    yield item.kind === "file" ? await readInputFile(item, options) : item;
  }
}

/**
 * Reads one listed state file (and, in a backend, its stack tags). Never throws. `bytes`: the
 * state file's bytes when already read (`readStateBytes`).
 */
export async function readInputFile(input: InputFile, options: ReadOptions = {}, bytes?: Buffer): Promise<InputItem> {
  const file = input.file;
  try {
    const snapshot = await readStateFile(file, options, bytes);
    if (!input.inBackend) return { kind: "stack", snapshot };
    const tags = await readStackTagsFile(stackTagsPath(file));
    if (tags === undefined) return { kind: "stack", snapshot };
    if (typeof tags === "string") return { kind: "stack", snapshot: { ...snapshot, warnings: [...snapshot.warnings, tags] } };
    return { kind: "stack", snapshot: { ...snapshot, stackTags: { ...tags, ...(snapshot.stackTags ?? {}) } } };
  } catch (error) {
    return { kind: "error", error: error instanceof InputError ? error : new InputError(file, describe(error)) };
  }
}

/**
 * Where a self-managed backend keeps a stack's tags (Pulumi 3.18x+ `pulumi stack tag set` on a
 * DIY backend): beside the state file, `<stack>.pulumi-tags`, holding `{"version": 1, "tags": {…}}`
 * (pulumi/pulumi pkg/backend/diy/stack_tags.go).
 */
export function stackTagsPath(stateFile: string): string {
  return stateFile.replace(STATE_FILE, "") + ".pulumi-tags";
}

/**
 * A stack's tags from its `.pulumi-tags` file: the tags, undefined when there is no file, or a
 * warning (string) when the file is unreadable or not the documented shape. Never throws.
 */
export async function readStackTagsFile(file: string): Promise<Readonly<Record<string, string>> | string | undefined> {
  let text: string;
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    if (stat.size > MAX_TAGS_BYTES) return `${path.basename(file)}: stack tags file too large; tags ignored`;
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === "ENOENT" || code === "ENOTDIR" ? undefined : `${path.basename(file)}: ${describe(error)}; stack tags ignored`;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return `${path.basename(file)}: stack tags file is not valid JSON; tags ignored`;
  }
  if (!isRecord(doc) || doc["version"] !== 1 || !isRecord(doc["tags"])) return `${path.basename(file)}: not a version 1 stack tags file; tags ignored`;
  return stringEntries(doc["tags"]);
}
