import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { createTableRenderer } from "../../src/report/renderers/table";
import { FIXTURE_NAMES, expectGolden, generatedReport, loadFixture, probeStreaming } from "./helpers";

const ANSI = /\x1b\[[0-9;]*m/g;

describe("table renderer", () => {
  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name} (no colour, 100 columns)`, () => {
      expectGolden(`${name}.table.txt`, createTableRenderer({ color: false, width: 100 }).render(loadFixture(name)));
    });
  }

  it("matches the golden output with colour at 80 columns", () => {
    expectGolden("full.table-color-80.txt", createTableRenderer({ color: true, width: 80 }).render(loadFixture("full")));
  });

  it("puts the summary first and emits no escape codes without colour", () => {
    const out = createTableRenderer({ color: false, width: 100 }).render(loadFixture("full"));
    expect(out).not.toMatch(/\x1b/);
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^carbonguard report · 5 stacks · 89 resources/);
    expect(lines[2]).toMatch(/^Result +✗ Failed: 3 mandatory findings \(--fail-on mandatory\); 2 inputs could not be read$/);
    expect(out.indexOf("Emissions")).toBeLessThan(out.indexOf("Stacks\n"));
  });

  it("colours only when asked, and the colours strip to the plain output", () => {
    const model = loadFixture("full");
    const plain = createTableRenderer({ color: false, width: 100 }).render(model);
    const coloured = createTableRenderer({ color: true, width: 100 }).render(model);
    expect(coloured).toMatch(/\x1b\[31m/);
    expect(coloured.replace(ANSI, "")).toBe(plain);
  });

  it("keeps every line within the width", () => {
    for (const width of [40, 60, 80, 120]) {
      for (const model of [loadFixture("full"), generatedReport(20, 4)]) {
        const out = createTableRenderer({ color: true, width }).render(model);
        for (const line of out.split("\n")) expect(Array.from(line.replace(ANSI, "")).length, line).toBeLessThanOrEqual(width);
      }
    }
  });

  it("shows terminal control characters from the model as text, never raw", () => {
    const model = loadFixture("full") as Report & { stacks: { findings: { message: string; name: string }[] }[] };
    const evil = structuredClone(model) as typeof model;
    evil.stacks[0]!.findings[0]!.message = "clear\x1b[2J\x1b]0;pwned\x07 screen\u202eevil";
    evil.stacks[0]!.findings[0]!.name = "bell\x07\x9b31m";
    const out = createTableRenderer({ color: false, width: 100 }).render(evil as Report);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(out).toContain("clear\\u001B[2J\\u001B]0;pwned\\u0007 screen\\u202Eevil");
  });

  it("streams: at most two passes over the stacks, each stack's lines written before the next stack is read", () => {
    const table = createTableRenderer({ color: true, width: 80 });
    for (const model of [loadFixture("full"), generatedReport(50, 3)]) {
      const probe = probeStreaming(table, model);
      expect(probe.output).toBe(table.render(model));
      expect(probe.passes).toBeLessThanOrEqual(2);
      expect(probe.reads).toBeLessThanOrEqual(probe.passes * model.stacks.length);
      expect(probe.chunks.length).toBeGreaterThan(model.stacks.length);
      // Something was written between one stack and the next, and after the last: no stack waits for the others.
      probe.writtenAtRead.forEach((n, i) => expect(n).toBeLessThan(probe.writtenAtRead[i + 1] ?? probe.chunks.length));
    }
  });
});
