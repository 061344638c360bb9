/**
 * `carbonguard report --cache DIR`: a warm report is byte-identical to a cold one in every format;
 * the key follows everything that changes a stack's result (the file, the policy config, the
 * waivers and where now falls for them, the grouping, the utilization); corrupt or truncated
 * entries are rebuilt; two processes sharing a cache never corrupt it; entries hold no secret;
 * the folder stays under its size limit, least recently used out first.
 */
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deserialize } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBackend } from "../../bench/report/generate";
import { CACHE_FORMAT, ReportCache } from "../../src/report/cache";
import { waiverEpoch } from "../../src/report/cache-key";
import type { StackReport } from "../../src/report/model";
import { FORMATS } from "../../src/report/renderers";
import { waiverSetFromEntries } from "../../src/waivers";
import { EXPORT_V4, PLANTED, PREVIEW, ROOT, TEAM_BACKEND, runReport } from "./helpers";

const tmp = mkdtempSync(path.join(tmpdir(), "cg-report-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";
/** A `--show-secrets` plaintext planted in a stack the rules read. */
const PLAINTEXT = "SECRET-PLAINTEXT-workload-value";

const backend = path.join(tmp, "backend");
const generated = path.join(tmp, "generated");
const waiversFile = path.join(tmp, "waivers.yaml");
let counter = 0;

/** Every format to its own file in `dir`; returns the files' contents by format. */
async function report(extra: readonly string[], io: Parameters<typeof runReport>[1] = {}): Promise<{ code: number; files: Record<string, string>; err: string }> {
  const dir = path.join(tmp, `out-${counter++}`);
  mkdirSync(dir);
  const argv = [backend, generated, TEAM_BACKEND, PREVIEW, EXPORT_V4, "--waivers", waiversFile, ...extra];
  for (const format of FORMATS) argv.push("--format", format, "--out", path.join(dir, format));
  const r = await runReport(argv, io);
  const files: Record<string, string> = {};
  for (const format of FORMATS) files[format] = readFileSync(path.join(dir, format), "utf8");
  return { code: r.code, files, err: r.err };
}

function entryFiles(cache: string): string[] {
  const dir = path.join(cache, `v${CACHE_FORMAT}`);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".bin")).map((n) => path.join(dir, n)) : [];
}

/** Each entry of the cache folder, decoded (undefined when it would be a miss). */
function decoded(cache: string) {
  const c = new ReportCache({ dir: cache, runKey: "" });
  return entryFiles(cache).map((f) => c.get(path.basename(f, ".bin")));
}

function writeWaivers(expires: string, reason = "Migration planned."): void {
  writeFileSync(waiversFile, `version: 1\nwaivers:\n  - policy: '*'\n    match: { stack: prod }\n    reason: ${reason}\n    expires: ${expires}\n    approvedBy: jane\n`);
}

beforeAll(() => {
  cpSync(TEAM_BACKEND, backend, { recursive: true });
  // A stack whose ML tags are secrets shown in plaintext (`pulumi stack export --show-secrets`).
  const prod = readFileSync(path.join(backend, ".pulumi", "stacks", "llm-serving", "prod.json"), "utf8");
  const secret = prod.replaceAll(`"ml-workload": "inference"`, `"ml-workload": {"${SIG}": "${SECRET_MARK}", "plaintext": "\\"${PLAINTEXT}\\""}`);
  expect(secret).toContain(PLAINTEXT);
  writeFileSync(path.join(backend, ".pulumi", "stacks", "llm-serving", "secret.json"), secret.replace(/"stack": "[^"]*"/, `"stack": "organization/llm-serving/secret"`));
  generateBackend(generated, { stacks: 6, resourcesPerStack: 30 });
  writeWaivers("2026-07-01");
});

describe("report --cache", () => {
  it("is byte-identical to a report without it, cold and warm, in every format, and changed files are re-evaluated", async () => {
    const cache = path.join(tmp, "cache-identical");
    const plain = await report([]);
    const cold = await report(["--cache", cache]);
    expect(entryFiles(cache).length).toBeGreaterThan(8);
    const warm = await report(["--cache", cache]);
    for (const format of FORMATS) {
      expect(cold.files[format], format).toBe(plain.files[format]);
      expect(warm.files[format], format).toBe(plain.files[format]);
    }
    expect([cold.code, warm.code]).toEqual([plain.code, plain.code]);
    expect(warm.err).toBe(plain.err);
    // With a baseline: cached stacks bring their finding ids for the comparison.
    const baseline = path.join(tmp, "baseline.json");
    await runReport([TEAM_BACKEND, "--format", "json", "--out", baseline]);
    const plainVs = await report(["--baseline", baseline]);
    const warmVs = await report(["--cache", cache, "--baseline", baseline]);
    const comparison = (JSON.parse(plainVs.files["json"] as string) as { baseline?: { newFindings: unknown[]; unchangedFindings: number } }).baseline;
    expect(comparison?.newFindings.length).toBeGreaterThan(0);
    expect(comparison?.unchangedFindings).toBeGreaterThan(0);
    for (const format of FORMATS) expect(warmVs.files[format], `baseline ${format}`).toBe(plainVs.files[format]);

    // One stack changes: its new result shows, every other comes from the cache.
    const file = path.join(backend, ".pulumi", "stacks", "llm-serving", "prod.json");
    const before = readFileSync(file, "utf8");
    try {
      writeFileSync(file, before.replace(`"aws:region": "us-east-1"`, `"aws:region": "eu-north-1"`).replaceAll(`"us-east-1"`, `"eu-north-1"`));
      const changedPlain = await report([]);
      const changedWarm = await report(["--cache", cache]);
      expect(changedPlain.files["json"]).not.toBe(plain.files["json"]);
      for (const format of FORMATS) expect(changedWarm.files[format], format).toBe(changedPlain.files[format]);
    } finally {
      writeFileSync(file, before);
    }
  }, 120_000);

  it("uses the entries it finds (a doctored entry shows in the report)", async () => {
    const cache = path.join(tmp, "cache-used");
    await report(["--cache", cache]);
    const c = new ReportCache({ dir: cache, runKey: "" });
    for (const f of entryFiles(cache)) {
      const key = path.basename(f, ".bin");
      const hit = c.get(key);
      expect(hit).toBeDefined();
      const stack = deserialize(hit!.serialized) as StackReport;
      c.put(key, { ...stack, group: "DOCTORED" }, hit!.warnings);
    }
    const warm = await report(["--cache", cache]);
    expect(warm.files["json"]).toContain('"group": "DOCTORED"');
  }, 60_000);

  it("follows the waivers' contents, their expiry, the policy config, the grouping, the utilization and the expected figure's assumption", async () => {
    const cache = path.join(tmp, "cache-key");
    const variants: { args: string[]; now?: Date; before?: () => void }[] = [
      { args: [] },
      { args: [], before: () => writeWaivers("2026-07-01", "Another reason.") },
      // The waiver expires between these two runs: the second must not reuse the first's verdict.
      { args: [], now: new Date("2026-06-30T23:59:59Z"), before: () => writeWaivers("2026-07-01") },
      { args: [], now: new Date("2026-07-01T00:00:00Z") },
      { args: ["--group-by", "project"] },
      { args: ["--utilization", "0.9"] },
      { args: ["--expected-utilization", "0.1"] },
      { args: ["--policy-config", path.join(tmp, "config.json")], before: () => writeFileSync(path.join(tmp, "config.json"), JSON.stringify({ all: "advisory" })) },
      { args: ["--policy-config", path.join(tmp, "config.json")], before: () => writeFileSync(path.join(tmp, "config.json"), JSON.stringify({ all: "mandatory" })) },
    ];
    const seen = new Set<string>();
    try {
      for (const v of variants) {
        v.before?.();
        const io = v.now ? { now: v.now } : {};
        const warmed = await report(["--cache", cache, ...v.args], io); // fills (or reuses) the entries
        const plain = await report(v.args, io);
        const warm = await report(["--cache", cache, ...v.args], io);
        for (const format of FORMATS) {
          expect(warmed.files[format], `${v.args.join(" ")} ${format}`).toBe(plain.files[format]);
          expect(warm.files[format], `${v.args.join(" ")} ${format}`).toBe(plain.files[format]);
        }
        seen.add(plain.files["json"] as string);
      }
    } finally {
      writeWaivers("2026-07-01");
    }
    // Each variant did change the report: a cache that ignored it would have failed above.
    expect(seen.size).toBe(variants.length);
  }, 180_000);

  it("ignores and rebuilds corrupt, truncated and foreign entries", async () => {
    const cache = path.join(tmp, "cache-corrupt");
    const plain = await report([]);
    await report(["--cache", cache]);
    const files = entryFiles(cache).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const [a, b, c, d] = files as [string, string, string, string];
    const bytes = readFileSync(a);
    writeFileSync(a, bytes.subarray(0, bytes.length >> 1)); // truncated
    const flipped = Buffer.from(readFileSync(b));
    flipped[flipped.length - 10]! ^= 0xff; // one byte of the body
    writeFileSync(b, flipped);
    writeFileSync(c, "not an entry at all");
    writeFileSync(d, readFileSync(files[4] ?? a)); // another key's entry under this name
    expect(decoded(cache).filter((e) => e === undefined).length).toBeGreaterThanOrEqual(3);
    const warm = await report(["--cache", cache]);
    for (const format of FORMATS) expect(warm.files[format], format).toBe(plain.files[format]);
    expect(decoded(cache).every((e) => e !== undefined)).toBe(true);
  }, 60_000);

  it("holds no secret: no ciphertext, no plaintext secret, no secure config value", async () => {
    const cache = path.join(tmp, "cache-secrets");
    const r = await report(["--cache", cache]);
    expect(r.files["json"]).toContain("llm-serving/secret");
    const all = readdirSync(cache, { recursive: true }).map((n) => path.join(cache, String(n))).filter((f) => statSync(f).isFile());
    expect(all.length).toBeGreaterThan(8);
    for (const f of all) {
      const text = readFileSync(f).toString("latin1");
      for (const secret of [PLANTED, PLAINTEXT, "hunter2"]) expect(text, f).not.toContain(secret);
    }
  }, 60_000);

  it("stays under --cache-max-mib, least recently used entries out first", async () => {
    const cache = path.join(tmp, "cache-bounded");
    const big = path.join(tmp, "big");
    generateBackend(big, { stacks: 80, resourcesPerStack: 100 });
    const r = await runReport([big, "--cache", cache, "--cache-max-mib", "1", "--format", "json", "--out", path.join(tmp, "bounded.json")]);
    expect(r.code).not.toBe(2);
    const sizes = entryFiles(cache).map((f) => statSync(f).size);
    expect(sizes.reduce((t, s) => t + s, 0)).toBeLessThanOrEqual(1048576);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.length).toBeLessThan(80);
  }, 60_000);

  it("refuses a cache folder others can write to (exit 2), and an empty --cache", async () => {
    if (process.platform === "win32") return;
    const cache = path.join(tmp, "cache-open");
    mkdirSync(path.join(cache, `v${CACHE_FORMAT}`), { recursive: true });
    chmodSync(path.join(cache, `v${CACHE_FORMAT}`), 0o777);
    const r = await runReport([EXPORT_V4, "--cache", cache, "--format", "json", "--out", path.join(tmp, "open.json")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/others cannot write/);
    expect(existsSync(path.join(tmp, "open.json"))).toBe(false);
    await expect(runReport([EXPORT_V4, "--cache", " "])).rejects.toThrow(/--cache needs a folder/);
    await expect(runReport([EXPORT_V4, "--cache-max-mib", "5"])).rejects.toThrow(/is for --cache/);
  });
});

describe("ReportCache", () => {
  const stack = (id: string, pad = 0) => ({ id, project: "p", stack: id, source: "s", group: "g", tags: {}, resourceCount: 0, findings: [], policies: [], estimate: { floorKgCo2ePerMonth: 0, ceilingKgCo2ePerMonth: 0, floorKwhPerMonth: 0, expectedKwhPerMonth: 0, expectedKgCo2ePerMonth: 0, regions: {}, ceilingKwhPerMonth: 0, embodiedKgCo2ePerMonth: 0, acceleratorHoursPerMonth: 0, unknown: [], topResources: [], byRegion: {} }, grade: { grade: "n/a", basis: "x".repeat(pad) } }) as StackReport;

  it("prunes the least recently used entries past the limit, refreshes an entry on a hit, removes stale temporary files", () => {
    const dir = path.join(tmp, "prune");
    const c = new ReportCache({ dir, runKey: "k", maxBytes: 25_000 });
    const keys = ["a", "b", "c", "d"].map((k) => c.keyOf(k, false, Buffer.from(k), undefined));
    keys.forEach((k, i) => c.put(k, stack(`s${i}`, 10_000), []));
    const file = (k: string) => path.join(dir, `v${CACHE_FORMAT}`, `${k}.bin`);
    // Written long ago in order a, b, c, d; then `a` is used again (a hit refreshes it).
    keys.forEach((k, i) => utimesSync(file(k), 1_000 + i, 1_000 + i));
    expect(c.get(keys[0]!)).toBeDefined();
    const staleTemp = path.join(dir, `v${CACHE_FORMAT}`, ".tmp-1-stale");
    const freshTemp = path.join(dir, `v${CACHE_FORMAT}`, ".tmp-2-fresh");
    writeFileSync(staleTemp, "x");
    utimesSync(staleTemp, 1, 1);
    writeFileSync(freshTemp, "x");
    const result = c.prune();
    expect(result.bytes).toBeLessThanOrEqual(25_000);
    expect(keys.map((k) => existsSync(file(k)))).toEqual([true, false, false, true]);
    expect([existsSync(staleTemp), existsSync(freshTemp)]).toEqual([false, true]);
  });

  it("keys on every byte of the state and tags files, the path and the run", () => {
    const dir = path.join(tmp, "keys");
    const c = new ReportCache({ dir, runKey: "run" });
    const other = new ReportCache({ dir, runKey: "run2" });
    const k = c.keyOf("f", true, Buffer.from("{}"), undefined);
    expect(new Set([k, c.keyOf("f", true, Buffer.from("{} "), undefined), c.keyOf("g", true, Buffer.from("{}"), undefined), c.keyOf("f", false, Buffer.from("{}"), undefined), c.keyOf("f", true, Buffer.from("{}"), Buffer.from("")), other.keyOf("f", true, Buffer.from("{}"), undefined)]).size).toBe(6);
  });

  it("waiverEpoch changes exactly when a waiver's verdict can: at its expiry and when it enters the horizon", () => {
    const set = waiverSetFromEntries([{ policy: "*", match: { stack: "prod" }, reason: "r", expires: "2026-07-01", approvedBy: "j" }], "inline", { maxHorizonDays: 10 });
    const at = (iso: string) => waiverEpoch(set, new Date(iso));
    expect(at("2026-06-10T00:00:00Z")).toBe(at("2026-06-20T23:59:59Z")); // beyond the horizon throughout
    expect(at("2026-06-21T00:00:01Z")).not.toBe(at("2026-06-20T23:59:59Z")); // within 10 days now
    expect(at("2026-06-21T00:00:01Z")).toBe(at("2026-06-30T23:59:59Z"));
    expect(at("2026-07-01T00:00:00Z")).not.toBe(at("2026-06-30T23:59:59Z")); // expired
    const tags = waiverSetFromEntries([], "inline", { allowTagWaivers: true });
    expect(waiverEpoch(tags, new Date("2026-06-01T01:00:00Z"))).toBe(waiverEpoch(tags, new Date("2026-06-01T23:00:00Z")));
    expect(waiverEpoch(tags, new Date("2026-06-02T00:00:00Z"))).not.toBe(waiverEpoch(tags, new Date("2026-06-01T23:00:00Z")));
  });
});

describe("two processes sharing one cache", () => {
  const bin = path.join(ROOT, "bin", "carbonguard.js");
  const built = existsSync(path.join(ROOT, "dist", "src", "report", "cache.js")); // built by `npm test`

  function run(args: readonly string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, "report", ...args, "--quiet"], { stdio: "ignore" });
      child.on("error", reject);
      child.on("exit", (code) => resolve(code));
    });
  }

  it.skipIf(!built)("never corrupt it: both reports and a warm one after are what a report without the cache gives", async () => {
    const dir = path.join(tmp, "shared-backend");
    generateBackend(dir, { stacks: 120, resourcesPerStack: 60 });
    const cache = path.join(tmp, "cache-shared");
    const out = (name: string) => path.join(tmp, `shared-${name}.json`);
    // Same `generatedAt` for all: the output is compared byte for byte.
    const common = [dir, "--format", "json", "--fail-on", "never"];
    expect(await run([...common, "--out", out("plain")])).toBe(0);
    const strip = (f: string) => readFileSync(f, "utf8").replace(/"generatedAt": "[^"]*"/, "");
    for (let round = 0; round < 2; round++) {
      // Round 0: both cold, writing the same entries at once; round 1: one reads while the other rewrites after a cut.
      if (round === 1) for (const f of entryFiles(cache).slice(0, 40)) writeFileSync(f, readFileSync(f).subarray(0, 100));
      const codes = await Promise.all([run([...common, "--cache", cache, "--jobs", "2", "--out", out(`a${round}`)]), run([...common, "--cache", cache, "--jobs", "1", "--out", out(`b${round}`)])]);
      expect(codes).toEqual([0, 0]);
      expect(strip(out(`a${round}`))).toBe(strip(out("plain")));
      expect(strip(out(`b${round}`))).toBe(strip(out("plain")));
    }
    const entries = decoded(cache);
    expect(entries).toHaveLength(120);
    expect(entries.every((e) => e !== undefined)).toBe(true);
    expect(readdirSync(path.join(cache, `v${CACHE_FORMAT}`)).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    expect(await run([...common, "--cache", cache, "--out", out("warm")])).toBe(0);
    expect(strip(out("warm"))).toBe(strip(out("plain")));
  }, 240_000);
});
