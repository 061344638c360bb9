/** expectGolden can fail: a missing golden fails (it is not written and passed), and so does a difference. */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectGolden } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "carbonguard-golden-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("expectGolden", () => {
  it("fails when the golden file is missing, and does not write one", () => {
    if (process.env.UPDATE_GOLDEN === "1") return; // the one mode that writes goldens
    expect(() => expectGolden("missing.txt", "anything", dir)).toThrow(/golden file missing\.txt is missing/);
    expect(existsSync(join(dir, "missing.txt"))).toBe(false);
  });

  it("fails on any difference and passes on an exact match", () => {
    writeFileSync(join(dir, "present.txt"), "a\nb\n");
    expect(() => expectGolden("present.txt", "a\nc\n", dir)).toThrow();
    expect(() => expectGolden("present.txt", "a\nb\n", dir)).not.toThrow();
  });
});
