/**
 * Property tests: any string anywhere in the model (names, messages, tags and their keys, waiver
 * reasons, sources, rule metadata…) never breaks the escaping of any format.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { createHtmlRenderer } from "../../src/report/renderers/html";
import { createJsonRenderer } from "../../src/report/renderers/json";
import { createJunitRenderer } from "../../src/report/renderers/junit";
import { createMarkdownRenderer } from "../../src/report/renderers/markdown";
import { createSarifRenderer } from "../../src/report/renderers/sarif";
import { createTableRenderer } from "../../src/report/renderers/table";
import { escapeHtml } from "../../src/report/renderers/util";
import { htmlProblems, htmlTags, loadFixture, validateSarif } from "./helpers";
import { parseJunit, xmlProblems } from "./xml";

const PAYLOADS = [
  "<script>window.__xss=1</script>",
  "<img src=x onerror=window.__xss=1>",
  '"><svg onload=window.__xss=1>',
  "' onmouseover='window.__xss=1",
  "javascript:window.__xss=1",
  "]]><x/>",
  "<!--",
  "-->",
  "</details><script>",
  "<details open>",
  "</style><style>",
  "&lt;script&gt;",
  "&#60;script&#62;",
  "| a | b |",
  "`code`",
  "**bold** _em_ ~~del~~",
  "[x](javascript:1)",
  "@everyone",
  "#1",
  "\u001b[31mred\u001b[0m",
  "\u202eevil",
  "__proto__",
  "constructor",
  "",
];

const UNIT = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("<", ">", "&", '"', "'", "`", "|", "*", "_", "[", "]", "(", ")", "\\", "@", "#", "!", "~", "=", "/", ":", " ", "\n", "\r", "\t", "a", "Z", "0", ";") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom("\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "😀", "\u0301") },
);

const text = fc.oneof(
  fc.string({ unit: UNIT, maxLength: 24 }),
  fc.constantFrom(...PAYLOADS),
  fc.tuple(fc.string({ unit: UNIT, maxLength: 6 }), fc.constantFrom(...PAYLOADS), fc.string({ unit: UNIT, maxLength: 6 })).map((p) => p.join("")),
);

/** Values that are enumerations in the model: kept, so the model stays well-typed. */
const ENUM_KEYS = new Set(["level", "severity", "kind", "status", "category", "grade", "defaultLevel", "failOn"]);

/** The fixture with every string (and every key of a free-form map) replaced from `pool`. */
function hostile(pool: readonly string[]): Report {
  let i = 0;
  const next = (): string => pool[i++ % pool.length]!;
  const FREE_FORM = new Set(["tags", "byRegion", "savingByPolicy", "suggestion"]);
  const walk = (value: unknown, key: string | undefined, freeForm: boolean): unknown => {
    if (typeof value === "string") return key !== undefined && ENUM_KEYS.has(key) ? value : next();
    if (Array.isArray(value)) return value.map((v) => walk(v, key, freeForm));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [freeForm ? next() : k, walk(v, freeForm ? undefined : k, FREE_FORM.has(k))]),
    );
  };
  return walk(loadFixture("full"), undefined, false) as Report;
}

const models = fc.array(text, { minLength: 1, maxLength: 80 }).map(hostile);
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) };

describe("escaping holds for arbitrary strings anywhere in the model", () => {
  it("html: only the renderer's own tags and attributes, no script, every stack id shown escaped", () => {
    const html = createHtmlRenderer();
    fc.assert(
      fc.property(models, (model) => {
        const out = html.render(model);
        expect(htmlProblems(out)).toEqual([]);
        // "onerror=" may appear as (escaped) text, never as an attribute of a tag.
        expect(out).not.toMatch(/<script/i);
        for (const tag of htmlTags(out)) for (const a of tag.attributes) expect(a.name.startsWith("on"), tag.raw).toBe(false);
        for (const stack of model.stacks) expect(out).toContain(`<span class="stack-id">${escapeHtml(stack.id)}</span>`);
      }),
      RUNS,
    );
  });

  it("sarif: valid SARIF 2.1.0 whose texts read back as the model's", () => {
    const sarif = createSarifRenderer();
    fc.assert(
      fc.property(models, (model) => {
        const log = JSON.parse(sarif.render(model)) as { runs: { results: { message: { text: string }; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] };
        expect(validateSarif(log)).toEqual([]);
        const findings = model.stacks.flatMap((s) => s.findings);
        // Policy findings first, then one result per measured comparison that is a finding.
        const measuredOff = model.measured ? [...model.measured.groups, ...model.measured.stacks].filter((c) => c.finding) : [];
        expect(log.runs[0]!.results.length).toBe(findings.length + measuredOff.length);
        log.runs[0]!.results.slice(0, findings.length).forEach((r, i) => {
          const f = findings[i]!;
          expect(r.message.text).toBe(f.message !== "" ? f.message : `${f.policy}: ${f.name}`);
          expect(r.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe(f.urn);
        });
      }),
      RUNS,
    );
  });

  it("junit: well-formed XML with one suite per stack and one case per stack × policy", () => {
    const junit = createJunitRenderer();
    fc.assert(
      fc.property(models, (model) => {
        const out = junit.render(model);
        expect(xmlProblems(out)).toEqual([]);
        const suites = parseJunit(out).testsuites.testsuite ?? [];
        const measuredOff = model.measured ? [...model.measured.groups, ...model.measured.stacks].filter((c) => c.finding).length : 0;
        expect(suites.length).toBe(model.stacks.length + (model.unreadable.length > 0 ? 1 : 0) + (measuredOff > 0 ? 1 : 0));
        model.stacks.forEach((stack, i) => {
          const policies = new Set([...stack.policies.map((p) => p.policy), ...stack.findings.map((f) => f.policy)]);
          expect(suites[i]!.testcase?.length ?? 0).toBe(stack.policies.length + [...policies].filter((p) => !stack.policies.some((o) => o.policy === p)).length);
        });
      }),
      RUNS,
    );
  });

  it("markdown: no foreign HTML, table rows intact, details balanced, within the limit", () => {
    const markdown = createMarkdownRenderer();
    fc.assert(
      fc.property(models, (model) => {
        const out = markdown.render(model);
        expect(Buffer.byteLength(out, "utf8")).toBeLessThanOrEqual(65_000);
        const foreign = [...out.matchAll(/<\/?[A-Za-z][^>]*>/g)].map((m) => m[0]).filter((t) => !/^<\/?(details|summary|code|sub|br)>$/.test(t));
        expect(foreign).toEqual([]);
        expect(out.match(/<details>/g)?.length).toBe(out.match(/<\/details>/g)?.length);
        let header: number | undefined;
        for (const line of out.split("\n")) {
          expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
          if (!line.startsWith("|")) {
            header = undefined;
            continue;
          }
          expect(line.endsWith(" |"), line).toBe(true);
          const cells = line.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 2;
          header ??= cells;
          expect(cells, line).toBe(header);
        }
      }),
      RUNS,
    );
  });

  it("table: no control characters reach the terminal but the renderer's own colours", () => {
    fc.assert(
      fc.property(models, fc.boolean(), (model, color) => {
        const out = createTableRenderer({ color, width: 100 }).render(model);
        const withoutColours = out.replace(/\x1b\[[0-9;]*m/g, "");
        expect(withoutColours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        if (!color) expect(out).toBe(withoutColours);
      }),
      RUNS,
    );
  });

  it("json: parses back to the model exactly", () => {
    const json = createJsonRenderer();
    fc.assert(
      fc.property(models, (model) => {
        expect(JSON.parse(json.render(model))).toEqual(JSON.parse(JSON.stringify(model)));
      }),
      RUNS,
    );
  });
});
