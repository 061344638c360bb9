/**
 * Property tests for the state readers: arbitrary or corrupt input never throws out of the
 * iterator, every error names its input, and nothing decrypted or quoted from the file leaks into
 * an error message.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, type InputItem, parseStateDocument, parseStateText, readInputs, snapshotStackView, snapshotToResourceInputs } from "../../src/inputs";
import { PLANTED_SECRET, SECRET_SIG, hostileValue } from "./arbitraries";

/** Stands for a secret's ciphertext: must never reach a view. */
const CIPHERTEXT = "v1:CIPHERTEXT-marker-never-in-a-view";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cg-inputs-prop-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function collect(inputs: string[]): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readInputs(inputs, { zstd: null })) items.push(item);
  return items;
}

const urn = fc.oneof(
  fc.constantFrom("urn:pulumi:dev::p::aws:ec2/instance:Instance::a", "urn:pulumi:dev::p::pulumi:providers:aws::default", "urn:pulumi:s::p::gcp:container/nodePool:NodePool::pool"),
  fc.string(),
);

/** Documents shaped like Pulumi state, with hostile values everywhere. */
const resourceEntry = fc.oneof(
  hostileValue,
  fc.record(
    {
      urn,
      type: fc.oneof(fc.constantFrom("aws:ec2/instance:Instance", "pulumi:providers:aws", "gcp:container/nodePool:NodePool"), hostileValue),
      custom: fc.oneof(fc.boolean(), hostileValue),
      id: fc.oneof(fc.string(), hostileValue),
      inputs: hostileValue,
      outputs: fc.oneof(hostileValue, fc.constant({ secret: { ...SECRET_SIG, ciphertext: CIPHERTEXT } })),
      parent: fc.oneof(urn, hostileValue),
      dependencies: fc.oneof(fc.array(urn, { maxLength: 3 }), hostileValue),
      propertyDependencies: hostileValue,
      provider: fc.oneof(fc.constant("urn:pulumi:dev::p::pulumi:providers:aws::default::id-1"), fc.string(), hostileValue),
      delete: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
);

const stateDocument = fc.oneof(
  fc.record({ version: fc.oneof(fc.constantFrom(1, 2, 3, 4, 5), hostileValue), deployment: fc.oneof(fc.record({ resources: fc.oneof(fc.array(resourceEntry, { maxLength: 6 }), hostileValue) }), hostileValue) }, { requiredKeys: [] }),
  fc.record({ version: fc.constant(3), checkpoint: fc.oneof(fc.record({ stack: fc.oneof(fc.string(), hostileValue), config: hostileValue, latest: fc.oneof(fc.record({ resources: fc.array(resourceEntry, { maxLength: 6 }) }), hostileValue) }, { requiredKeys: [] }), hostileValue) }, { requiredKeys: [] }),
  fc.record({ config: hostileValue, steps: fc.oneof(fc.array(fc.oneof(fc.record({ op: fc.constantFrom("create", "same", "delete", "replace", "update"), urn, provider: fc.string(), newState: fc.oneof(resourceEntry, hostileValue) }, { requiredKeys: [] }), hostileValue), { maxLength: 6 }), hostileValue) }, { requiredKeys: [] }),
  hostileValue,
);

describe("state parsing on arbitrary documents", () => {
  it("throws nothing but an InputError naming the source, and never leaks secrets into errors", () => {
    fc.assert(
      fc.property(stateDocument, (doc) => {
        try {
          const s = parseStateDocument("input.json", doc);
          for (const r of s.resources) {
            expect(typeof r.urn).toBe("string");
            expect(typeof r.type).toBe("string");
            expect(Array.isArray(r.dependencies)).toBe(true);
          }
          // The engine view of any snapshot builds, and secrets stay opaque.
          const view = snapshotStackView(s);
          expect(JSON.stringify(view.resources.map((r) => r.props))).not.toContain(CIPHERTEXT);
          snapshotToResourceInputs(s);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).source).toBe("input.json");
          expect((error as Error).message.startsWith("input.json: ")).toBe(true);
          expect((error as Error).message).not.toContain(PLANTED_SECRET);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("arbitrary text, including truncated JSON of a real export, never throws anything else", () => {
    const real = fs.readFileSync(path.resolve(__dirname, "../fixtures/inputs/stack-export-v3.json"), "utf8");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.nat(real.length).map((n) => real.slice(0, n)), fc.constant(`${"[".repeat(100_000)}`)), (text) => {
        try {
          parseStateText("t.json", text);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message).toMatch(/^t\.json: /);
          expect((error as Error).message).not.toContain("PLANTED");
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("readInputs on corrupt files", () => {
  it("never throws out of the iterator; one item per file, errors name the file", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map((b) => ({ ext: ".json", data: Buffer.from(b) })),
            fc.uint8Array({ maxLength: 300 }).map((b) => ({ ext: ".json.gz", data: Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(b)]) })),
            fc.uint8Array({ maxLength: 300 }).map((b) => ({ ext: ".json.zst", data: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(b)]) })),
            stateDocument.map((d) => ({ ext: ".json", data: Buffer.from(JSON.stringify(d) ?? "null") })),
            stateDocument.map((d) => ({ ext: ".json.gz", data: zlib.gzipSync(JSON.stringify(d) ?? "null") })),
            stateDocument.map((d) => {
              const gz = zlib.gzipSync(JSON.stringify(d) ?? "null");
              return { ext: ".json.gz", data: gz.subarray(0, Math.max(1, gz.length - 5)) };
            }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (files) => {
          const dir = fs.mkdtempSync(path.join(tmp, "case-"));
          const paths = files.map((f, i) => {
            const p = path.join(dir, `s${i}${f.ext}`);
            fs.writeFileSync(p, f.data);
            return p;
          });
          const items = await collect([...paths, path.join(dir, "missing.json")]);
          expect(items).toHaveLength(paths.length + 1);
          items.forEach((item, i) => {
            const expected = i < paths.length ? paths[i]! : path.join(dir, "missing.json");
            if (item.kind === "error") {
              expect(item.error.source).toBe(expected);
              expect(item.error.message.startsWith(`${expected}: `)).toBe(true);
              expect(item.error.message).not.toContain(PLANTED_SECRET);
            } else {
              expect(item.snapshot.source).toBe(expected);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
