/**
 * Decompression of backend state files: `.json.gz` through Node's zlib; `.json.zst` through a
 * `ZstdDecoder`. Node 20's zlib has no Zstandard (added in Node 22.15 / 23.8), so the decoder is
 * looked up at run time: Node's own when present, else the pure-JS `fzstd` package when it is
 * installed, else none, and reading a `.zst` file fails with a message saying so.
 */
import * as zlib from "node:zlib";
import { promisify } from "node:util";

/** Largest decompressed state file accepted (V8 strings stop at ~512 MiB anyway). */
export const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

export interface ZstdDecoder {
  /** Where the decoder comes from, for messages ("node:zlib", "fzstd"). */
  readonly name: string;
  readonly decompress: (data: Uint8Array) => Uint8Array;
}

const gunzip = promisify(zlib.gunzip);

export async function gunzipState(data: Uint8Array): Promise<Buffer> {
  return gunzip(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
}

let detected: ZstdDecoder | null | undefined;

/** The Zstandard decoder available in this process, or undefined. */
export function defaultZstdDecoder(): ZstdDecoder | undefined {
  if (detected !== undefined) return detected ?? undefined;
  detected = null;
  const native = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array, o?: object) => Buffer }).zstdDecompressSync;
  if (typeof native === "function") {
    detected = { name: "node:zlib", decompress: (data) => native(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) };
    return detected;
  }
  try {
    // Optional dependency: not in package.json yet. The name is a variable so bundlers and the
    // type checker don't insist on it.
    const name = "fzstd";
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(name) as { decompress?: (data: Uint8Array) => Uint8Array };
    if (typeof mod.decompress === "function") {
      const decompress = mod.decompress;
      detected = { name: "fzstd", decompress: (data) => decompress(data) };
    }
  } catch {
    // Not installed.
  }
  return detected ?? undefined;
}

export const ZSTD_UNAVAILABLE =
  "is Zstandard-compressed (.zst) and this Node.js has no Zstandard decoder (Node's zlib gained one in 22.15/23.8; on Node 20 install the pure-JS 'fzstd' package). Decompress it with `zstd -d` first, or run on a newer Node.js";

/** True for gzip (1f 8b) and Zstandard (28 b5 2f fd) magic bytes. */
export function compressionOf(data: Uint8Array, fileName: string): "gzip" | "zstd" | "none" {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return "gzip";
  if (data.length >= 4 && data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd) return "zstd";
  if (/\.gz$/i.test(fileName)) return "gzip";
  if (/\.zst$/i.test(fileName)) return "zstd";
  return "none";
}
