/**
 * Where a streamed report keeps its stacks: a temporary file of serialized `StackReport`s, each
 * read back by position when a renderer reaches it. The report then holds only each stack's
 * digest, so memory stays flat however many stacks there are, and renderers can still read the
 * stacks in any order (by id, by attention) and more than once.
 *
 * v8 serialization, not JSON: it round-trips every value exactly (undefined, NaN, -0) and is
 * faster to read back.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { StackReport } from "./model";

export interface SpoolRef {
  readonly offset: number;
  readonly length: number;
}

/** Bytes gathered before one write to the file. */
const WRITE_CHUNK = 1 << 20;

/** A spool could not be created, written or read: names the folder and the system's reason. */
export class SpoolError extends Error {
  override readonly name = "SpoolError";
}

function failure(what: string, dir: string, error: unknown): SpoolError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new SpoolError(`cannot ${what} the report's temporary file in ${dir} (${code ?? (error instanceof Error ? error.name : "error")}); set TMPDIR to a folder with room`);
}

/** Spools not yet closed: removed when the process exits, however it exits normally. */
const open = new Set<StackSpool>();
let exitHooked = false;

function removeOnExit(spool: StackSpool): void {
  open.add(spool);
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const s of [...open]) s.close();
  });
}

/** Unlinks an open file; false where the system does not allow it (Windows: the file is then kept). */
function unlinkOpenFile(file: string): boolean {
  if (process.platform === "win32") return false;
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

export class StackSpool {
  /** The folder the file is in (named in errors). */
  private readonly dir: string;
  private readonly file: string;
  private fd: number | undefined;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Whether the file is already gone from the file system (only the fd holds it). */
  private readonly unlinked: boolean;

  /**
   * Creates the spool as a new private file (mode 0600, created exclusively: never an existing
   * file or a planted link) in `parent` (default: the OS temp folder), and unlinks it at once where
   * the system allows it (POSIX): the open file lives on until the process ends, however it ends.
   * Even killed with SIGKILL or by the out-of-memory killer, nothing is left behind; the one window
   * is between two back-to-back system calls. Elsewhere (Windows) the file is removed on close, on
   * exit and on SIGINT/SIGTERM.
   */
  constructor(parent: string = tmpdir()) {
    this.dir = parent;
    this.file = path.join(parent, `carbonguard-report-${randomBytes(9).toString("base64url")}.bin`);
    try {
      this.fd = openSync(this.file, "wx+", 0o600);
    } catch (error) {
      throw failure("create", parent, error);
    }
    this.unlinked = unlinkOpenFile(this.file);
    if (!this.unlinked) removeOnExit(this);
  }

  append(stack: StackReport): SpoolRef {
    return this.appendSerialized(serialize(stack));
  }

  /** A stack already serialized with `v8.serialize` (the report cache keeps stacks that way). */
  appendSerialized(bytes: Buffer): SpoolRef {
    const ref = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK) this.flush();
    return ref;
  }

  read(ref: SpoolRef): StackReport {
    if (this.pendingBytes > 0) this.flush();
    const buffer = Buffer.allocUnsafe(ref.length);
    const fd = this.openFd();
    let done = 0;
    try {
      while (done < ref.length) {
        const n = readSync(fd, buffer, done, ref.length - done, ref.offset + done);
        if (n === 0) throw new SpoolError(`the report's temporary file in ${this.dir} ended early (was it removed?)`);
        done += n;
      }
    } catch (error) {
      throw error instanceof SpoolError ? error : failure("read", this.dir, error);
    }
    return deserialize(buffer) as StackReport;
  }

  /** Closes the file and removes it (when not unlinked already). Safe to call twice. */
  close(): void {
    open.delete(this);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.unlinked) rmSync(this.file, { force: true });
  }

  private flush(): void {
    const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    const fd = this.openFd();
    const start = this.size - this.pendingBytes;
    try {
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, start + done);
    } catch (error) {
      throw failure("write", this.dir, error);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new SpoolError("the report's temporary file is closed");
    return this.fd;
  }
}
