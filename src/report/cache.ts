/**
 * The report cache (`carbonguard report --cache DIR`): one file per evaluated stack, named by a
 * hash of the state file's bytes and of everything else the stack's result depends on
 * (src/report/cache-key.ts). A daily report over a backend where few stacks changed then reads
 * and hashes each state file but parses and evaluates only the changed ones.
 *
 * Safe to share and to lose:
 * - entries are written to a private temporary file and renamed into place, so a reader sees a
 *   whole entry or none, and two reports writing the same entry at once each leave a whole one;
 * - each entry carries its key and a checksum of its body: a corrupt, truncated or foreign entry
 *   is a miss, and the stack is evaluated again and its entry rewritten;
 * - an entry holds the stack's `StackReport` (what the report itself prints) and its read
 *   warnings, never state bytes: secrets stay encrypted in state and are never in a report;
 * - `prune()` keeps the folder under a size limit, evicting the least recently used entries.
 *
 * v8 serialization like the spool (src/report/spool.ts): a cached stack comes back exactly as
 * it was built (undefined, NaN, -0), so a warm report is byte-identical to a cold one.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import * as path from "node:path";
import { deserialize, serialize } from "node:v8";
import { type StackDigest, digestOf } from "./digest";
import type { StackReport } from "./model";

/** Bumped whenever what an entry holds changes shape: older entries then never match. */
export const CACHE_FORMAT = 2; // 2: the digest carries the project and expected kWh (measured energy, issue 19)

const MAGIC = "carbonguard-report-cache";

/** Default size limit of the cache folder's entries. */
export const DEFAULT_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/** A writer's temporary file older than this was left by a killed run and is removed. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Longest header line read (magic, format, key, checksum). */
const MAX_HEADER = 256;

/** Largest stack tags file hashed (as read by `readStackTagsFile`). */
const MAX_TAGS_BYTES = 1024 * 1024;

/** The cache folder cannot be used: names it and why. */
export class CacheError extends Error {
  override readonly name = "CacheError";
}

/** What a hit gives: the stack as the spool stores it, and what the report keeps of it in memory. */
export interface CachedStack {
  /** The `StackReport`, v8-serialized (the spool's own encoding: appended as is). */
  readonly serialized: Buffer;
  /** `digestOf(report)`, and the findings' ids for a baseline: a hit needs no deserializing. */
  readonly digest: StackDigest;
  readonly findingIds: readonly string[];
  readonly warnings: readonly string[];
}

interface EntryMeta {
  readonly digest: StackDigest;
  readonly findingIds: readonly string[];
  readonly warnings: readonly string[];
}

/** What a worker thread needs to open the same cache. */
export interface CacheSettings {
  readonly dir: string;
  /** The run's key (src/report/cache-key.ts). */
  readonly runKey: string;
  readonly maxBytes?: number;
}

const ENTRY = /^[0-9a-f]{64}\.bin$/;

export class ReportCache {
  /** Where the entries are (`DIR/v<format>`). */
  private readonly entries: string;

  /**
   * Opens (creating) the cache folder, private to this user. Throws `CacheError` when it cannot
   * be created, or when its entries folder belongs to someone else or others may write to it:
   * whoever can write an entry decides what the report says about that stack.
   */
  constructor(readonly settings: CacheSettings) {
    this.entries = path.join(settings.dir, `v${CACHE_FORMAT}`);
    let stat;
    try {
      mkdirSync(this.entries, { recursive: true, mode: 0o700 });
      stat = statSync(this.entries);
    } catch (error) {
      throw new CacheError(`cannot use the cache folder ${settings.dir} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (process.platform !== "win32" && (stat.mode & 0o022) !== 0)) {
      throw new CacheError(`cannot use the cache folder ${settings.dir}: ${this.entries} must be a folder of this user that others cannot write to`);
    }
    tagCacheDir(settings.dir);
  }

  /**
   * The entry key of one state file: the run's key, where the file was read (its path is in
   * the report), whether it is in a backend (which reads `.pulumi-tags`), the tags file's bytes
   * and the state file's bytes. Length-prefixed, so no two inputs hash the same bytes.
   */
  keyOf(source: string, inBackend: boolean, state: Buffer, tags: Buffer | undefined): string {
    const h = createHash("sha256");
    const field = (b: Buffer | string) => {
      const bytes = typeof b === "string" ? Buffer.from(b, "utf8") : b;
      h.update(`${bytes.length}:`);
      h.update(bytes);
    };
    field(this.settings.runKey);
    field(source);
    field(inBackend ? "backend" : "file");
    field(tags === undefined ? "no-tags" : "tags");
    if (tags !== undefined) field(tags);
    field(state);
    return h.digest("hex");
  }

  /** The cached stack, or undefined when absent, corrupt, truncated or for another key. Never throws. */
  get(key: string): CachedStack | undefined {
    const file = this.file(key);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return undefined;
    }
    const value = decodeEntry(key, data);
    if (value === undefined) return undefined;
    // Recently used entries are the last to be evicted.
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // evicted by another run meanwhile: the value read is still whole
    }
    return value;
  }

  /** Stores a stack atomically (temporary file, then rename). Never throws: a cache that cannot be written is only slower. */
  put(key: string, report: StackReport, warnings: readonly string[]): void {
    const temp = path.join(this.entries, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      const meta = serialize({ digest: digestOf(report), findingIds: report.findings.map((f) => f.id), warnings } satisfies EntryMeta);
      const body = serialize(report);
      const sum = createHash("sha256").update(meta).update(body).digest("hex");
      const header = Buffer.from(`${MAGIC} ${CACHE_FORMAT} ${key} ${sum} ${meta.length} ${body.length}\n`, "latin1");
      const fd = openSync(temp, "wx", 0o600);
      try {
        writeAll(fd, header);
        writeAll(fd, meta);
        writeAll(fd, body);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file(key));
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // never created
      }
    }
  }

  /**
   * Keeps the entries under the size limit: least recently used (oldest modification time,
   * refreshed on every hit) go first. Also removes temporary files of killed runs. Never throws;
   * runs sharing the cache may prune at once (an entry removed twice is simply gone).
   */
  prune(now: number = Date.now()): { readonly entries: number; readonly bytes: number; readonly removed: number } {
    const max = this.settings.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    let names: string[];
    try {
      names = readdirSync(this.entries);
    } catch {
      return { entries: 0, bytes: 0, removed: 0 };
    }
    const kept: { file: string; size: number; mtime: number }[] = [];
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.entries, name);
      let stat;
      try {
        stat = statSync(file);
      } catch {
        continue;
      }
      if (name.startsWith(".tmp-")) {
        if (now - stat.mtimeMs > STALE_TEMP_MS && remove(file)) removed++;
        continue;
      }
      if (ENTRY.test(name) && stat.isFile()) kept.push({ file, size: stat.size, mtime: stat.mtimeMs });
    }
    let bytes = kept.reduce((t, e) => t + e.size, 0);
    kept.sort((a, b) => a.mtime - b.mtime || (a.file < b.file ? -1 : 1));
    let i = 0;
    while (bytes > max && i < kept.length) {
      const e = kept[i++] as (typeof kept)[number];
      if (remove(e.file)) removed++;
      bytes -= e.size;
    }
    return { entries: kept.length - i, bytes, removed };
  }

  private file(key: string): string {
    return path.join(this.entries, `${key}.bin`);
  }
}

/**
 * An entry's value, or undefined unless its header names `key` and the rest matches the header's
 * lengths and checksum. Only the small meta part is deserialized; the report's bytes go to the
 * spool as they are.
 */
function decodeEntry(key: string, data: Buffer): CachedStack | undefined {
  const newline = data.indexOf(10);
  if (newline < 0 || newline > MAX_HEADER) return undefined;
  const [magic, format, entryKey, sum, metaLength, bodyLength] = data.toString("latin1", 0, newline).split(" ");
  if (magic !== MAGIC || format !== String(CACHE_FORMAT) || entryKey !== key) return undefined;
  const metaBytes = Number(metaLength);
  const rest = data.subarray(newline + 1);
  if (!Number.isSafeInteger(metaBytes) || metaBytes < 0 || rest.length !== metaBytes + Number(bodyLength)) return undefined;
  if (createHash("sha256").update(rest).digest("hex") !== sum) return undefined;
  let meta: Partial<EntryMeta> | null;
  try {
    meta = deserialize(rest.subarray(0, metaBytes)) as Partial<EntryMeta> | null;
  } catch {
    return undefined;
  }
  if (typeof meta !== "object" || meta === null || typeof meta.digest?.id !== "string" || !Array.isArray(meta.findingIds) || !Array.isArray(meta.warnings)) return undefined;
  return { serialized: rest.subarray(metaBytes), digest: meta.digest, findingIds: meta.findingIds, warnings: meta.warnings };
}

function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

function remove(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Marks the folder as a cache (https://bford.info/cachedir/) so backup tools skip it. Created
 * exclusively: an existing tag (or anything planted in its place) is left alone.
 */
function tagCacheDir(dir: string): void {
  try {
    writeFileSync(path.join(dir, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n# carbonguard report cache: safe to delete.\n", { flag: "wx", mode: 0o600 });
  } catch {
    // already tagged, or read-only: entries still work or fail on their own
  }
}

/**
 * A backend stack's `.pulumi-tags` bytes for the key: undefined when there is none, null when it
 * cannot be hashed (unreadable or too large: the stack is then evaluated without the cache).
 */
export function tagsFileBytes(file: string): Buffer | undefined | null {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    // Not a file: read as no tags (`readStackTagsFile`).
    if (!stat?.isFile()) return undefined;
    if (stat.size > MAX_TAGS_BYTES) return null;
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return code === "ENOTDIR" ? undefined : null;
  }
}
