/**
 * The streamed report (`streamReport`): stacks go to a temporary spool as they are built and come
 * back one at a time, yet every format renders exactly what the in-memory report renders; the
 * spool round-trips any stack exactly and is removed on close; the baseline comparison does not
 * depend on the order stacks arrive in.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { generateBackend } from "../../bench/report/generate";
import { readInputs } from "../../src/inputs";
import { BaselineTracker, compareWithBaseline, parseBaseline } from "../../src/report/baseline";
import { buildReport, streamReport } from "../../src/report/build";
import type { StackReport } from "../../src/report/model";
import { FORMATS, renderer } from "../../src/report/renderers";
import { SpoolError, StackSpool } from "../../src/report/spool";
import { EXPORT_V4, NOW, PREVIEW, TEAM_BACKEND } from "./helpers";

const tmp = mkdtempSync(path.join(tmpdir(), "cg-report-stream-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("streamReport", () => {
  it("renders every format exactly as the in-memory report does, and removes its spool on close", async () => {
    const dir = path.join(tmp, "backend");
    generateBackend(dir, { stacks: 12, resourcesPerStack: 30 });
    const paths = [dir, TEAM_BACKEND, PREVIEW, EXPORT_V4];
    const options = { now: NOW, generatedAt: "2026-06-01T12:00:00Z", toolVersion: "test" } as const;
    const previous = await buildReport({ inputs: readInputs([TEAM_BACKEND]), ...options });
    const baseline = parseBaseline("prev.json", JSON.parse(JSON.stringify(previous)));
    const inMemory = await buildReport({ inputs: readInputs(paths), ...options, baseline });
    const spoolDir = path.join(tmp, "spool");
    mkdirSync(spoolDir);
    const streamed = await streamReport({ inputs: readInputs(paths), ...options, baseline, spoolDir });
    try {
      // The spool is unlinked as soon as it is open (POSIX): nothing shows in its folder even now.
      expect(readdirSync(spoolDir)).toEqual(process.platform === "win32" ? [expect.any(String)] : []);
      expect(streamed.digests.map((d) => d.id)).toEqual(inMemory.stacks.map((s) => s.id));
      expect(streamed.summary).toEqual(inMemory.summary);
      expect(streamed.groups).toEqual(inMemory.groups);
      expect(streamed.baseline).toEqual(inMemory.baseline);
      for (const format of FORMATS) {
        const r = renderer(format, { color: false, width: 100 });
        const chunks: string[] = [];
        r.write(streamed, (c) => chunks.push(c));
        expect(chunks.join(""), format).toBe(r.render(inMemory));
      }
      // Each pass reads the stacks back afresh: nothing is held between passes.
      const a = [...streamed.stacks()];
      const b = [...streamed.stacks()];
      expect(a).toEqual(b);
      expect(a[0]).not.toBe(b[0]);
    } finally {
      streamed.close();
    }
    expect(readdirSync(spoolDir)).toEqual([]);
  }, 60_000);
});

describe("StackSpool", () => {
  it("gives back exactly what went in, in any order, and cleans up", () => {
    const spool = new StackSpool(tmp);
    const odd = { id: "p/s", weird: [undefined, NaN, -0, Infinity, "\u0000\ud800", { "__proto__": 1 }] } as unknown as StackReport;
    const big = { id: "big", text: "x".repeat(3 << 20) } as unknown as StackReport;
    const refs = [spool.append(odd), spool.append(big), spool.append(odd)];
    expect(spool.read(refs[2]!)).toEqual(odd);
    expect(Object.is((spool.read(refs[0]!) as unknown as { weird: unknown[] }).weird[2], -0)).toBe(true);
    expect(spool.read(refs[1]!)).toEqual(big);
    // Unlinked while open (POSIX), so nothing can be left behind; removed on close elsewhere.
    const spools = () => readdirSync(tmp).filter((d) => d.startsWith("carbonguard-report-"));
    if (process.platform !== "win32") expect(spools()).toEqual([]);
    spool.close();
    spool.close();
    expect(() => spool.read(refs[0]!)).toThrow(/closed/);
    expect(spools()).toEqual([]);
  });
});

describe("the installed command", () => {
  const bin = path.join(__dirname, "..", "..", "bin", "carbonguard.js");
  const built = existsSync(path.join(__dirname, "..", "..", "dist", "src", "cli", "report-command.js")); // built by `npm test`

  /**
   * Resolves once the child has its spool open and unlinked: on Linux, /proc shows it `(deleted)`;
   * elsewhere, after a second (the run takes several).
   */
  async function spoolOpen(pid: number): Promise<void> {
    const fdDir = `/proc/${pid}/fd`;
    if (!existsSync("/proc/self/fd")) return new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 1000; i++) {
      try {
        for (const fd of readdirSync(fdDir)) {
          if (/carbonguard-report-[^/]*\.bin \(deleted\)$/.test(readlinkSync(path.join(fdDir, fd)))) return;
        }
      } catch {
        // the process is starting, or an fd closed while listing
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("the report never opened its spool");
  }

  it.skipIf(!built)("leaves no temporary file behind, whether the run ends normally or is stopped (SIGTERM, SIGKILL)", async () => {
    const temp = mkdtempSync(path.join(tmp, "TMPDIR-"));
    const env = { ...process.env, TMPDIR: temp };
    const ok = spawnSync(process.execPath, [bin, "report", EXPORT_V4, "--format", "json", "--out", path.join(tmp, "r.json"), "--format", "markdown"], { encoding: "utf8", env });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("carbonguard");
    expect(readdirSync(temp)).toEqual([]);

    const dir = path.join(tmp, "slow");
    generateBackend(dir, { stacks: 150, resourcesPerStack: 100 });
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      // 1,200 stacks: several seconds of work, so a prompt exit can only come from the signal.
      const out = path.join(tmp, `slow-${signal}.json`);
      const child = spawn(process.execPath, [bin, "report", ...Array.from({ length: 8 }, () => dir), "--format", "json", "--out", out, "--jobs", "1"], { env, stdio: "ignore" });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, sig) => resolve({ code, signal: sig })));
      // Stop it once its spool is open, mid-run.
      await spoolOpen(child.pid as number);
      const killedAt = Date.now();
      child.kill(signal);
      const end = await exited;
      if (signal === "SIGTERM") {
        expect(end.code).toBe(143);
        expect(Date.now() - killedAt).toBeLessThan(1500);
      } else {
        expect(end.signal).toBe("SIGKILL");
      }
      // Nothing left, even after SIGKILL: the spool is unlinked as soon as it is open (POSIX).
      expect(readdirSync(temp)).toEqual([]);
      // Stopped while reading, not after: the report was never written (the build lets signals in).
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});

describe("a spool that cannot be created", () => {
  it("fails with an error naming the folder and the reason, and streamReport passes it on", async () => {
    const missing = path.join(tmp, "no", "such", "folder");
    expect(() => new StackSpool(missing)).toThrow(SpoolError);
    expect(() => new StackSpool(missing)).toThrow(`cannot create the report's temporary file in ${missing} (ENOENT); set TMPDIR to a folder with room`);
    await expect(streamReport({ inputs: readInputs([EXPORT_V4]), now: NOW, spoolDir: missing })).rejects.toThrow(SpoolError);
  });
});

describe("BaselineTracker", () => {
  const id = fc.constantFrom("a", "b", "c", "d", "e", "f");
  const stackId = fc.constantFrom("p/one", "p/two", "p/three", "q/one");
  const findings = fc.dictionary(stackId, fc.array(id, { maxLength: 5 }));
  it("compares the same whatever order stacks arrive in", () => {
    fc.assert(
      fc.property(findings, findings, fc.boolean(), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (before, now, everyRead, floor) => {
        const baseline = { source: "b.json", findingsByStack: new Map(Object.entries(before)), floorKgCo2ePerMonth: 10 };
        const expected = compareWithBaseline(baseline, new Map(Object.entries(now)), floor, everyRead);
        const tracker = new BaselineTracker(baseline);
        for (const [s, ids] of Object.entries(now).reverse()) tracker.add(s, [...ids].reverse());
        expect(tracker.result(floor, everyRead)).toEqual(expected);
        // And by definition: new = now − before, fixed ⊆ before − now, unchanged = |now ∩ before|.
        const b = new Set<string>(Object.values(before).flat());
        const n = new Set<string>(Object.values(now).flat());
        expect(expected.newFindings).toEqual([...n].filter((x) => !b.has(x)).sort());
        expect(expected.unchangedFindings).toBe([...n].filter((x) => b.has(x)).length);
        for (const f of expected.fixedFindings) expect(b.has(f) && !n.has(f)).toBe(true);
        if (everyRead) expect(expected.fixedFindings).toEqual([...b].filter((x) => !n.has(x)).sort());
      }),
      { numRuns: 300 },
    );
  });
});
