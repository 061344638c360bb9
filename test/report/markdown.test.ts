import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { GITHUB_COMMENT_LIMIT, createMarkdownRenderer, mdHtml, mdText } from "../../src/report/renderers/markdown";
import { FIXTURE_NAMES, expectGolden, generatedReport, loadFixture, probeStreaming } from "./helpers";

const markdown = createMarkdownRenderer();

/** Raw HTML tags in the output other than the ones the renderer writes itself. */
function foreignTags(md: string): string[] {
  return [...md.matchAll(/<\/?([A-Za-z][^\s>/]*)[^>]*>/g)].map((m) => m[0]).filter((t) => !/^<\/?(details|summary|code|sub|br)>$/.test(t));
}

/** Unescaped pipes in a table row. */
function cells(line: string): number {
  return line.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 2;
}

/** Checks that every table has the same number of cells in each row as in its header. */
function tableProblems(md: string): string[] {
  const problems: string[] = [];
  let expected: number | undefined;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      expected = undefined;
      continue;
    }
    const n = cells(line);
    if (expected === undefined) expected = n;
    else if (n !== expected) problems.push(`${n} cells instead of ${expected}: ${line.slice(0, 120)}`);
  }
  return problems;
}

describe("markdown renderer", () => {
  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name}`, () => {
      expectGolden(`${name}.md`, markdown.render(loadFixture(name)));
    });
  }

  it("starts with the summary, then collapsible details per stack", () => {
    const out = markdown.render(loadFixture("full"));
    expect(out.startsWith("## ❌ carbonguard report: failed\n")).toBe(true);
    expect(out.indexOf("**Emissions**")).toBeLessThan(out.indexOf("<details>"));
    expect(out.match(/<details>/g)?.length).toBe(out.match(/<\/details>/g)?.length);
    // Stacks with mandatory findings come first.
    expect(out.indexOf("training/research-gpu")).toBeLessThan(out.indexOf("vision/staging"));
    expect(out).not.toContain("Truncated");
  });

  it("escapes model text: no raw HTML, no broken tables, no mentions", () => {
    const out = markdown.render(loadFixture("full"));
    expect(foreignTags(out)).toEqual([]);
    expect(tableProblems(out)).toEqual([]);
    expect(out).not.toMatch(/<img|<script|<svg/);
    expect(out).not.toMatch(/@security-team/);
    expect(out).toContain("<code>ml-sandbox/&lt;img src=x onerror=alert(1)&gt;</code>");
  });

  it("mdText and mdHtml neutralise what they must", () => {
    expect(mdText("a|b *c* <d> & `e` [f](g) @h #1\nnext")).toBe("a\\|b \\*c\\* &lt;d&gt; &amp; \\`e\\` \\[f\\](g) @\u200bh #\u200b1 next");
    expect(mdHtml(`<b>"x" & 'y'</b>`)).toBe("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    expect(mdText("x".repeat(500), 10)).toBe("xxxxxxxxx…");
  });

  it("stays under GitHub's limit for 1,000 stacks and says what it left out", () => {
    const model = generatedReport(1000, 5);
    const out = markdown.render(model);
    expect(out.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(Array.from(out).length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    // Even counted in UTF-8 bytes (the strictest way to count).
    expect(Buffer.byteLength(out, "utf8")).toBeLessThanOrEqual(65_000);
    const notice = /\*\*Truncated\*\* to keep this comment under 65,000 characters: ([\d,]+) findings are not listed and ([\d,]+) stacks \(of 1,000\) are not shown\./.exec(out);
    expect(notice, out.slice(0, 3000)).not.toBeNull();
    const detailed = (out.match(/<details>\n<summary>❌/g) ?? []).length;
    const summarised = (out.match(/^\| ❌ \| <code>/gm) ?? []).length;
    const notListed = Number(notice![1]!.replace(/,/g, ""));
    const notShown = Number(notice![2]!.replace(/,/g, ""));
    expect(detailed).toBeGreaterThan(10);
    expect(summarised).toBeGreaterThan(100);
    expect(detailed + summarised + notShown).toBe(1000);
    expect(notListed).toBe((1000 - detailed) * 5);
    expect(out).toContain("`carbonguard report --format json`");
    // The notice comes right after the summary, before any details.
    expect(out.indexOf("Truncated")).toBeLessThan(out.indexOf("<details>"));
    expect(out.match(/<details>/g)?.length).toBe(out.match(/<\/details>/g)?.length);
    expect(tableProblems(out)).toEqual([]);
  });

  it("counts findings cut from a stack with very many", () => {
    const model = generatedReport(1, 80);
    const out = createMarkdownRenderer({ maxFindingsPerStack: 30 }).render(model);
    expect(out).toContain("…and 50 more findings");
    expect(out).toMatch(/\*\*Truncated\*\* to keep this comment under 65,000 characters: 50 findings are not listed\./);
  });

  it("respects any budget, however small", () => {
    const model = loadFixture("full");
    const full = markdown.render(model).length;
    for (const maxChars of [200, 1000, 3000, 6000, 12000, full - 1].filter((m) => m < full)) {
      const out = createMarkdownRenderer({ maxChars }).render(model);
      expect(Buffer.byteLength(out, "utf8")).toBeLessThanOrEqual(maxChars);
      expect(out).toContain("Truncated");
    }
  });

  it("lists clean stacks in one collapsed table", () => {
    const out = markdown.render(loadFixture("clean") as Report);
    expect(out).toContain("<summary>✅ 1 stack without findings</summary>");
    expect(out).toContain("<code>vision/staging-🚀</code>");
  });

  it("streams: reads the stacks a fresh copy at a time, in at most two passes", () => {
    for (const [model, options] of [
      [loadFixture("full"), {}],
      [loadFixture("full"), { maxChars: 6000 }],
      [loadFixture("clean"), {}],
      [loadFixture("empty"), {}],
      [generatedReport(1000, 5), {}],
    ] as const) {
      const renderer = createMarkdownRenderer(options);
      const probe = probeStreaming(renderer, model);
      expect(probe.output).toBe(renderer.render(model));
      expect(probe.passes).toBeLessThanOrEqual(2);
      expect(probe.reads).toBeLessThanOrEqual(2 * model.stacks.length);
    }
  });
});
