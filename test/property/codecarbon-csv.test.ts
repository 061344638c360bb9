/**
 * Property tests for the CSV reader (src/inputs/csv.ts) and the CodeCarbon reader on top of it:
 * any table written the way Python's csv module / pandas write it reads back field for field,
 * whatever the line ends, quotes, commas, line breaks or BOM; any text at all never throws; every
 * problem names `file:line`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCodeCarbonCsv } from "../../src/inputs/codecarbon";
import { parseCsv } from "../../src/inputs/csv";

const RUNS = { numRuns: 300 };

/** A field as a CSV writer quotes it: when it holds a comma, quote, line break or starts with a quote. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

const fieldChars = fc.constantFrom("a", "Z", "0", " ", ",", '"', "\n", "\r\n", "é", "🚀", "-", ".", "\t");
const field = fc.array(fieldChars, { maxLength: 8 }).map((parts) => parts.join(""));
const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }));
/** A record that is one empty field looks like a blank line, which readers skip: keep it out. */
const nonBlank = (rows: string[][]) => rows.filter((r) => !(r.length === 1 && r[0] === ""));

describe("parseCsv", () => {
  it("reads back what a CSV writer wrote, with LF or CRLF, with or without a BOM and a final line end", () => {
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.boolean(), fc.boolean(), (rows, eol, bom, finalEol) => {
        const kept = nonBlank(rows);
        const text = (bom ? "\ufeff" : "") + kept.map((r) => r.map(quote).join(",")).join(eol) + (finalEol ? eol : "");
        const records = [...parseCsv(text)];
        expect(records.map((r) => r.fields)).toEqual(kept);
        expect(records.every((r) => r.problem === undefined)).toBe(true);
      }),
      RUNS,
    );
  });

  it("says on which line each record starts, counting line breaks inside quotes", () => {
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), (rows, eol) => {
        const kept = nonBlank(rows);
        const text = kept.map((r) => r.map(quote).join(",")).join(eol);
        let line = 1;
        const expected = kept.map((r) => {
          const at = line;
          line += 1 + r.reduce((n, f) => n + (f.replace(/\r\n/g, "\n").match(/\n/g) ?? []).length, 0);
          return at;
        });
        expect([...parseCsv(text)].map((r) => r.line)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("never throws on any text, and an unclosed quote is a problem, not a crash", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", "\ufeff", "x") }), (text) => {
        for (const r of parseCsv(text)) expect(r.line).toBeGreaterThanOrEqual(1);
      }),
      RUNS,
    );
    expect([...parseCsv('a,"b\nc')]).toEqual([{ line: 1, fields: ["a", "b\nc"], problem: "a quoted field opened on line 1 is never closed" }]);
  });

  it("can fail: a quote in the middle of a field is text, not the start of a quoted field", () => {
    expect([...parseCsv('a,b"c,d\n')][0]?.fields).toEqual(["a", 'b"c', "d"]);
    expect([...parseCsv("a\r\rb")].map((r) => r.fields)).toEqual([["a"], ["b"]]);
  });
});

const HEADER = ["timestamp", "project_name", "run_id", "duration", "emissions", "energy_consumed", "on_cloud", "cloud_provider", "cloud_region", "country_iso_code", "pue"];
const goodRow = fc.record({
  timestamp: fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)),
  project_name: field,
  run_id: fc.uuid(),
  duration: fc.double({ min: 0, max: 1e6, noNaN: true }).map(String),
  emissions: fc.oneof(fc.constant(""), fc.double({ min: 0, max: 1e4, noNaN: true }).map(String)),
  energy_consumed: fc.double({ min: 0, max: 1e5, noNaN: true }).map(String),
  on_cloud: fc.constantFrom("Y", "N", ""),
  cloud_provider: fc.constantFrom("aws", "gcp", "azure", ""),
  cloud_region: fc.constantFrom("us-east-1", "europe-north1", ""),
  country_iso_code: fc.constantFrom("USA", "DEU", "SWE", ""),
  pue: fc.constantFrom("1.0", "1.2", ""),
});
/** A field that is never a valid value for the numeric columns or the timestamp. */
const garbage = fc.constantFrom("abc", "1,5", "-3", "NaN?", "2024-13-45T99:00:00", "1e", "yesterday");

describe("parseCodeCarbonCsv", () => {
  it("counts every good row (each with a distinct run id) and reports each bad one at its file:line; the rest still count", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(goodRow.map((r) => ({ ok: true as const, r })), fc.tuple(goodRow, fc.constantFrom("timestamp", "duration", "energy_consumed"), garbage).map(([r, col, bad]) => ({ ok: false as const, r: { ...r, [col]: bad } }))), { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), (rows, eol) => {
        const unique = rows.filter((row, i) => rows.findIndex((o) => o.r.run_id === row.r.run_id) === i);
        const text = [HEADER.join(","), ...unique.map(({ r }) => HEADER.map((h) => quote((r as Record<string, string>)[h] ?? "")).join(","))].join(eol) + eol;
        const read = parseCodeCarbonCsv("runs/emissions.csv", text);
        expect(read.runs.length).toBe(unique.filter((u) => u.ok).length);
        expect(read.problems.length).toBe(unique.length - read.runs.length);
        for (const p of read.problems) expect(p.input).toMatch(/^runs\/emissions\.csv:\d+$/);
        for (const run of read.runs) {
          expect(run.kwh).toBeGreaterThanOrEqual(0);
          expect(run.end - run.start).toBeCloseTo(run.durationSeconds * 1000, 0);
          expect(run.pue).toBeGreaterThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const read = parseCodeCarbonCsv("x.csv", `timestamp,duration,energy_consumed\n${text}`);
        expect(read.runs.length + read.problems.length).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });
});
