/**
 * State files are read into one reused buffer (src/inputs/read.ts): whatever the order and sizes
 * of the files (each smaller or larger than the buffer so far, gzip interleaved, empty files,
 * a FIFO), every read gives that file's own stack, never bytes of the one before.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readInputs, readStateFile } from "../../src/inputs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cg-readbuf-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stack export whose stack name is `name`, padded with a resource property of `padding` bytes. */
function exportDoc(name: string, padding: number): string {
  const urn = `urn:pulumi:${name}::proj::aws:s3/bucket:Bucket::b`;
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [{ urn, custom: true, type: "aws:s3/bucket:Bucket", inputs: { pad: "x".repeat(padding) } }] } });
}

describe("the reused read buffer", () => {
  it("gives each file its own content, in any order of sizes (property)", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ padding: fc.oneof(fc.nat(2_000), fc.integer({ min: 900_000, max: 3_000_000 })), gzip: fc.boolean() }), { minLength: 1, maxLength: 6 }), async (files) => {
        const written = files.map((f, i) => {
          const name = `s${n++}-${i}`;
          const text = exportDoc(name, f.padding);
          const file = path.join(tmp, `${name}.json${f.gzip ? ".gz" : ""}`);
          fs.writeFileSync(file, f.gzip ? gzipSync(text) : text);
          return { name, file, padding: f.padding };
        });
        for (const w of written) {
          const s = await readStateFile(w.file);
          expect(s.stack).toBe(w.name);
          expect(((s.resources[0]?.inputs as { pad: string }).pad ?? "").length).toBe(w.padding);
        }
        for (const w of written) fs.rmSync(w.file);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it("reads an empty file as empty (an error naming it), and a FIFO whole", async () => {
    const empty = path.join(tmp, "empty.json");
    fs.writeFileSync(empty, "");
    await expect(readStateFile(empty)).rejects.toThrow(/empty\.json: empty file/);
    const fifo = path.join(tmp, "pipe.json");
    execFileSync("mkfifo", [fifo]);
    // Another process writes it (this thread reads synchronously, so it cannot be the writer).
    const source = path.join(tmp, "pipe-source.json");
    fs.writeFileSync(source, exportDoc("from-a-pipe", 200_000));
    const writer = spawn("sh", ["-c", 'cat "$0" > "$1"', source, fifo], { stdio: "ignore" });
    const done = new Promise((resolve) => writer.on("exit", resolve));
    const items = [];
    for await (const item of readInputs([fifo])) items.push(item);
    await done;
    expect(items).toHaveLength(1);
    expect(items[0]?.kind === "stack" ? items[0].snapshot.stack : items[0]).toBe("from-a-pipe");
  });
});
