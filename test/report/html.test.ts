import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { HTML_CSP, createHtmlRenderer } from "../../src/report/renderers/html";
import { FIXTURE_NAMES, expectGolden, generatedReport, htmlProblems, htmlTags, loadFixture, probeStreaming } from "./helpers";

const html = createHtmlRenderer();

describe("html renderer", () => {
  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name}`, () => {
      expectGolden(`${name}.html`, html.render(loadFixture(name)));
    });

    it(`emits only known tags and attributes, no script, and the CSP (${name})`, () => {
      expect(htmlProblems(html.render(loadFixture(name)))).toEqual([]);
    });
  }

  it("has a strict Content-Security-Policy as the first thing after the charset", () => {
    const out = html.render(loadFixture("full"));
    expect(HTML_CSP.startsWith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")).toBe(true);
    const head = out.slice(0, out.indexOf("</head>"));
    expect(head.indexOf('<meta charset="utf-8">')).toBeLessThan(head.indexOf("Content-Security-Policy"));
    expect(head.indexOf("Content-Security-Policy")).toBeLessThan(head.indexOf("<title>"));
  });

  it("references nothing outside the file", () => {
    const out = html.render(loadFixture("full"));
    for (const tag of htmlTags(out)) {
      for (const a of tag.attributes) {
        expect(["src", "srcset", "action", "formaction", "poster", "background", "ping"]).not.toContain(a.name);
        if (a.name === "href") {
          // Links for people to follow are allowed; nothing is loaded from them (no <link> but the data: icon).
          if (tag.name === "link") expect(a.value).toBe("data:,");
          else expect(tag.name).toBe("a");
        }
      }
    }
    const css = out.slice(out.indexOf("<style>"), out.indexOf("</style>"));
    expect(css).not.toMatch(/url\(|@import|@font-face/);
  });

  it("escapes every model string, in text and attributes", () => {
    const out = html.render(loadFixture("full"));
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<svg onload");
    expect(out).toContain("ml-sandbox/&lt;img src=x onerror=alert(1)&gt;");
    expect(out).toContain('title="urn:pulumi:&lt;img src=x onerror=alert(1)&gt;::ml-sandbox::aws:sagemaker/notebookInstance:NotebookInstance::&lt;img src=x onerror=window.__xss=1&gt;"');
    expect(out).toContain("eu-west-1&quot;&gt;&lt;svg onload=window.__xss=1&gt;");
    expect(out).toContain("&quot;Zoë&quot; &amp; &#39;Ωmega&#39; &lt;ops@example.com&gt;");
  });

  it("draws the five charts with a bar per item", () => {
    const out = html.render(loadFixture("full"));
    for (const id of ["chart-emissions-by-stack", "chart-emissions-by-group", "chart-emissions-by-region", "chart-savings-by-policy", "chart-findings-by-severity"]) {
      expect(out).toContain(`<figure class="chart" id="${id}">`);
    }
    const chart = (id: string): string => out.slice(out.indexOf(`id="${id}"`), out.indexOf("</figure>", out.indexOf(`id="${id}"`)));
    expect(chart("chart-emissions-by-stack").match(/<rect class="bar"/g)?.length).toBe(5);
    expect(chart("chart-emissions-by-group").match(/<rect class="bar"/g)?.length).toBe(4);
    expect(chart("chart-emissions-by-region").match(/<rect class="bar"/g)?.length).toBe(6);
    expect(chart("chart-findings-by-severity").match(/<rect class="bar"/g)?.length).toBe(4);
    expect(chart("chart-savings-by-policy")).toContain(">ml-clean-energy-region</text>");
  });

  it("sums the long tail of a chart into one bar", () => {
    const out = html.render(generatedReport(40, 1));
    const stackChart = out.slice(out.indexOf('id="chart-emissions-by-stack"'), out.indexOf("</figure>", out.indexOf('id="chart-emissions-by-stack"')));
    expect(stackChart.match(/<rect class="bar"/g)?.length).toBe(15);
    expect(stackChart).toContain(">26 other stacks</text>");
  });

  it("shows 'No data' for an empty chart", () => {
    const out = html.render(loadFixture("empty") as Report);
    expect(out).toContain(">No data</text>");
    expect(htmlProblems(out)).toEqual([]);
  });

  it("links only http(s) rule URLs", () => {
    const model = structuredClone(loadFixture("clean")) as Report & { rules: { url: string }[] };
    model.rules[0]!.url = "javascript:alert(1)";
    model.rules[1]!.url = 'https://example.com/" onmouseover="x';
    const out = html.render(model as Report);
    expect(out).not.toContain('href="javascript:');
    expect(out).not.toContain("onmouseover=\"");
    expect(htmlProblems(out)).toEqual([]);
  });

  it("streams: at most two passes over the stacks, each stack's block written before the next stack is read", () => {
    for (const model of [loadFixture("full"), generatedReport(50, 3)]) {
      const probe = probeStreaming(html, model);
      expect(probe.output).toBe(html.render(model));
      expect(probe.passes).toBeLessThanOrEqual(2);
      expect(probe.reads).toBeLessThanOrEqual(probe.passes * model.stacks.length);
      expect(probe.chunks.length).toBeGreaterThan(model.stacks.length);
      // Something was written between one stack and the next, and after the last: no stack waits for the others.
      probe.writtenAtRead.forEach((n, i) => expect(n).toBeLessThan(probe.writtenAtRead[i + 1] ?? probe.chunks.length));
    }
  });
});

describe("the HTML structure check", () => {
  it("is real: it flags foreign tags, event attributes and missing CSP", () => {
    const page = createHtmlRenderer().render(loadFixture("clean"));
    expect(htmlProblems(page.replace("<main>", "<main><img src=x onerror=alert(1)>"))).not.toEqual([]);
    expect(htmlProblems(page.replace('<main>', '<main><p onclick="x">'))).not.toEqual([]);
    expect(htmlProblems(page.replace("</main>", "<script>x</script></main>"))).not.toEqual([]);
    expect(htmlProblems(page.replace(/<meta http-equiv[^>]*>/, ""))).toEqual(["no CSP meta tag"]);
  });
});
