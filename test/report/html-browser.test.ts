/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Skipped only when /usr/bin/chromium is missing outside CI (CI installs it, see .ci/run).
 *
 * `REPORT_SCREENSHOT=/tmp/report.png` also saves a full-page screenshot, to look at.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_EXPORT } from "../../src/cli/example";
import { readInputs } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import type { Report } from "../../src/report/model";
import { createHtmlRenderer } from "../../src/report/renderers/html";
import { ROOT, loadFixture } from "./helpers";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(!available && !process.env.CI)("html report in headless Chromium", () => {
  let dir: string;
  let context: BrowserContext;
  let server: Server;
  let base: string;
  const served: string[] = [];
  const model = loadFixture("full");
  const html = createHtmlRenderer().render(model);

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run)`);
    dir = mkdtempSync(join(tmpdir(), "carbonguard-html-"));
    writeFileSync(join(dir, "report.html"), html);
    // The page a person gets from `carbonguard report --example --format html`, run in the project folder.
    const example = await buildReport({ inputs: readInputs([join(ROOT, EXAMPLE_EXPORT)]), now: new Date("2026-06-01T00:00:00Z"), generatedAt: "2026-06-01T00:00:00Z", sourceRoot: ROOT });
    writeFileSync(join(dir, "example.html"), createHtmlRenderer().render(example));
    server = createServer((req, res) => {
      served.push(req.url ?? "");
      if (req.url === "/report.html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(html);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      offline: false,
    });
  });

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface Observed {
    readonly page: Page;
    readonly requests: string[];
    readonly dialogs: string[];
    readonly console: string[];
    readonly errors: string[];
  }

  async function open(url: string): Promise<Observed> {
    const page = await context.newPage();
    const observed: Observed = { page, requests: [], dialogs: [], console: [], errors: [] };
    page.on("request", (r) => observed.requests.push(r.url()));
    page.on("dialog", (d) => {
      observed.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on("console", (m) => observed.console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => observed.errors.push(e.message));
    // Anything but the document itself is refused (and recorded above).
    await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: "load" });
    // Give late requests (icons, lazy content) and timers a moment to show up.
    await page.waitForTimeout(300);
    return observed;
  }

  /**
   * What a reader at this width cannot see: elements reaching past the page's right edge outside
   * an intended scroll container (`.scroll`), a page that scrolls sideways, and findings whose
   * text is hidden, cut by an ancestor, or wider than its own box.
   */
  async function layoutProblems(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      // Runs in the page: DOM types are not in this project's lib, so they are described here.
      interface Rect { left: number; right: number; top: number; bottom: number; width: number; height: number }
      interface El { tagName: string; className: unknown; textContent: string | null; parentElement: El | null; scrollWidth: number; clientWidth: number; getBoundingClientRect(): Rect; closest(s: string): El | null }
      const doc = (globalThis as unknown as { document: { documentElement: El; querySelectorAll(s: string): Iterable<El> } }).document;
      const style = (globalThis as unknown as { getComputedStyle(e: El): { overflowX: string; display: string; visibility: string } }).getComputedStyle;
      const pageWidth = doc.documentElement.clientWidth;
      const problems: string[] = [];
      const name = (e: El): string => `${e.tagName.toLowerCase()}.${String(e.className)} "${(e.textContent ?? "").trim().slice(0, 50)}"`;
      if (doc.documentElement.scrollWidth > pageWidth) problems.push(`the page scrolls sideways: ${doc.documentElement.scrollWidth} > ${pageWidth}`);
      for (const e of doc.querySelectorAll("body *")) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= pageWidth + 0.5) continue;
        // Inside an intended scroll container, reaching further is what scrolling is for.
        if (e.closest(".scroll") !== null && !String(e.className).split(" ").includes("scroll")) continue;
        problems.push(`${name(e)} reaches ${Math.round(r.right)} px on a ${pageWidth} px page`);
      }
      for (const e of doc.querySelectorAll(".finding-message")) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) problems.push(`${name(e)} is not shown`);
        if (r.left < 0 || r.right > pageWidth + 0.5) problems.push(`${name(e)} is outside the page (${Math.round(r.left)}–${Math.round(r.right)})`);
        if (e.scrollWidth > e.clientWidth + 1) problems.push(`${name(e)} is wider than its box`);
        for (let a = e.parentElement; a !== null; a = a.parentElement) {
          if (style(a).overflowX === "visible") continue;
          const ar = a.getBoundingClientRect();
          if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5) problems.push(`${name(e)} is cut by ${name(a)}`);
        }
      }
      return problems;
    });
  }

  for (const width of [1400, 420]) {
    describe(`at ${width} px wide`, () => {
      async function openAt(file = "report.html"): Promise<Page> {
        const { page } = await open(pathToFileURL(join(dir, file)).href);
        await page.setViewportSize({ width, height: 900 });
        await page.locator("details").evaluateAll((els) => els.forEach((e) => ((e as unknown as { open: boolean }).open = true)));
        return page;
      }

      it("nothing but a scroll container is wider than the page, and every finding's text is visible", async () => {
        const page = await openAt();
        expect(await layoutProblems(page)).toEqual([]);
        const messages = page.locator(".finding-message");
        expect(await messages.count()).toBe(7);
        for (let i = 0; i < 7; i++) expect(await messages.nth(i).isVisible()).toBe(true);
        if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT.replace(/\.png$/, `-${width}.png`), fullPage: true });
        await page.close();
      });

      it("the example report too: nothing wider than the page, every finding visible, the source relative to the project", async () => {
        const page = await openAt("example.html");
        expect(await layoutProblems(page)).toEqual([]);
        const messages = page.locator(".finding-message");
        // One per mistake of the example (stacks/examples/wasteful: eleven since ml-data-colocated, ml-storage-lifecycle and the GPU Deployment with an HPA).
        expect(await messages.count()).toBe(11);
        for (const m of await messages.all()) expect(await m.isVisible()).toBe(true);
        expect(await page.locator("code.source").innerText()).toBe(EXAMPLE_EXPORT);
        // us-east-1 scales to zero at the floor; the chart shows what it is expected to emit.
        const east = page.locator("#chart-emissions-by-region g.row").filter({ hasText: "us-east-1" });
        expect(Number((await east.locator("text.value").textContent())?.split(" ")[0]?.replace(/,/g, ""))).toBeGreaterThan(0);
        if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT.replace(/\.png$/, `-example-${width}.png`), fullPage: true });
        await page.close();
      });

      it("headlines the expected figure with the floor–ceiling range beside it, and draws charts as expected with the range", async () => {
        const page = await openAt();
        expect(await page.locator("#summary-emissions .card-value").innerText()).toBe("4,903");
        expect(await page.locator("#summary-emissions-range").innerText()).toBe("4,252–6,293");
        expect(await page.locator("#summary-emissions .card-sub").innerText()).toContain("expected: declared sizes, else 50% of the way from minimum to maximum");
        // A region at floor 2,410 and ceiling 3,700.5 is drawn at its expected 2,830, the whisker spanning the range.
        const region = page.locator("#chart-emissions-by-region g.row").filter({ hasText: "asia-east1" });
        expect(await region.locator("text.value").textContent()).toBe("2,830 (2,410–3,701)");
        const geometry = await region.evaluate((g) => {
          const box = (s: string) => (g as unknown as { querySelector(s: string): { getBoundingClientRect(): { left: number; right: number; width: number } } }).querySelector(s).getBoundingClientRect();
          return { bar: box("rect.bar"), range: box("path.range") };
        });
        const scale = geometry.bar.width / 2830;
        expect(geometry.range.left - geometry.bar.left).toBeCloseTo(2410 * scale, -1);
        expect(geometry.range.right - geometry.bar.left).toBeCloseTo(3700.5 * scale, -1);
        await page.close();
      });

      it("shows each suggestion for people: the property to set, the alternatives as a table; no JSON", async () => {
        const page = await openAt();
        const body = await page.locator("body").innerText();
        expect(body).not.toMatch(/\{"|"alternatives"|"currentRegion"/);
        const regions = page.locator("li.finding").filter({ hasText: "llm-endpoint" }).locator("table.alternatives");
        expect(await regions.locator("caption").innerText()).toBe("Cleaner regions (now us-east-1, 418 gCO2e/kWh)");
        expect(await regions.locator("tbody tr").allInnerTexts()).toEqual(["ca-central-1\tCanada (Central)\t32 gCO2e/kWh\t92% less", "us-west-2\tOregon\t94 gCO2e/kWh\t78% less"]);
        const types = page.locator("li.finding").filter({ hasText: "serving" }).locator("table.alternatives");
        expect(await types.locator("tbody tr").allInnerTexts()).toEqual(["g5.2xlarge\t1× NVIDIA A10G\t300 W\t75% less", "inf2.xlarge\t1× AWS Inferentia2\tnot published\t—"]);
        expect(await page.locator(".fix-set").allInnerTexts()).toEqual(["Set stoppingCondition.maxRuntimeInSeconds to 259200", "Set scaling.minInstanceCount to 0"]);
        for (const table of await page.locator("table.alternatives").all()) expect(await table.isVisible()).toBe(true);
        await page.close();
      });

      it("groups findings by level and policy and filters them without a script", async () => {
        const page = await openAt();
        const stack = page.locator("details.stack").filter({ hasText: "llm-serving/prod" });
        expect(await stack.locator("details.level-group > summary").allInnerTexts()).toEqual(["mandatory 1 finding", "advisory 1 finding", "waived 1 finding"]);
        const visible = async (): Promise<string[]> => {
          const out: string[] = [];
          for (const f of await page.locator("li.finding").all()) if (await f.isVisible()) out.push((await f.locator(".resource").innerText()).split(" ").pop() ?? "");
          return out;
        };
        const all = await visible();
        expect(all).toHaveLength(7);
        await page.locator("#filter-level-advisory").uncheck();
        const noAdvisory = await visible();
        expect(noAdvisory).toHaveLength(4);
        expect(noAdvisory).not.toContain("serving");
        expect(await stack.locator("details.level-group.l-advisory").isVisible()).toBe(false);
        await page.locator("#filter-level-advisory").check();
        const policy = page.locator("label.filter").filter({ hasText: "ml-clean-energy-region" }).locator("input");
        await policy.uncheck();
        expect(await visible()).toHaveLength(4);
        await policy.check();
        expect(await visible()).toEqual(all);
        expect(await page.locator("script").count()).toBe(0);
        await page.close();
      });
    });
  }

  it("renders the title and the summary numbers", async () => {
    const { page } = await open(pathToFileURL(join(dir, "report.html")).href);
    expect(await page.title()).toBe("carbonguard report · 5 stacks · failed");
    await expect.poll(() => page.locator("h1").innerText()).toBe("carbonguard report");
    expect(await page.locator("#summary-stacks .card-value").innerText()).toBe("5");
    expect(await page.locator("#summary-emissions .card-value").innerText()).toBe("4,903");
    expect(await page.locator("#summary-saving .card-value").innerText()).toBe("2,971");
    expect(await page.locator("#summary-findings .card-value").innerText()).toBe("3 / 3 / 1");
    expect(await page.locator("#status").innerText()).toContain("Failed: 3 mandatory findings");
    expect(await page.locator("#summary-stacks").isVisible()).toBe(true);
    await page.close();
  });

  it("draws the charts as SVG with the expected bars and labels", async () => {
    const { page } = await open(pathToFileURL(join(dir, "report.html")).href);
    const charts = page.locator("figure.chart svg");
    expect(await charts.count()).toBe(6); // five in #charts, measured vs estimated in #measured
    const bars = async (id: string): Promise<number> => page.locator(`#${id} svg rect.bar`).count();
    expect(await bars("chart-emissions-by-stack")).toBe(5);
    expect(await bars("chart-emissions-by-group")).toBe(4);
    expect(await bars("chart-emissions-by-region")).toBe(6);
    expect(await bars("chart-savings-by-policy")).toBe(3);
    expect(await bars("chart-findings-by-severity")).toBe(4);
    // Measured vs estimated: two bars per group with measured runs, the bigger measured first.
    expect(await bars("chart-measured-vs-estimated")).toBe(6);
    expect((await page.locator("#chart-measured-vs-estimated text.label").allTextContents()).slice(0, 2)).toEqual(["ml-platform measured", "ml-platform estimated"]);
    const measured = await page.locator("#chart-measured-vs-estimated rect.bar").evaluateAll((rects) => rects.map((r) => (r as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width));
    expect(measured[0]).toBeGreaterThan(measured[1]! * 2); // 310.5 kWh measured against 100.2 estimated
    const labels = await page.locator("#chart-emissions-by-stack text.label").allTextContents();
    expect(labels).toEqual(["training/research-gpu", "llm-serving/prod", "vision/staging-🚀", "ml-sandbox/<img src=x one…", "etl/dev"]);
    expect(await page.locator("#chart-findings-by-severity text.label").allTextContents()).toEqual(["critical", "high", "medium", "low"]);
    // The bars are laid out: the biggest stack's bar is the widest, and every bar has a size.
    const widths = await page.locator("#chart-emissions-by-stack rect.bar").evaluateAll((rects) => rects.map((r) => (r as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width));
    expect(widths[0]).toBeGreaterThan(100);
    for (const w of widths) expect(w).toBeGreaterThan(0);
    expect(widths[0]).toBe(Math.max(...widths));
    await page.close();
  });

  it("requests nothing but the document itself", async () => {
    served.length = 0;
    const url = `${base}/report.html`;
    const observed = await open(url);
    // Open every stack's details too, in case anything inside loads lazily.
    await observed.page.locator("details").evaluateAll((els) => els.forEach((e) => ((e as unknown as { open: boolean }).open = true)));
    await observed.page.waitForTimeout(200);
    expect(observed.requests).toEqual([url]);
    expect(served).toEqual(["/report.html"]);
    const resources = await observed.page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    expect(resources).toEqual([]);
    await observed.page.close();
  });

  it("runs no script from a stack named <img src=x onerror=alert(1)> or any other model string", async () => {
    const observed = await open(pathToFileURL(join(dir, "report.html")).href);
    const { page } = observed;
    await page.locator("details").evaluateAll((els) => els.forEach((e) => ((e as unknown as { open: boolean }).open = true)));
    await page.mouse.move(10, 10);
    await page.waitForTimeout(200);
    expect(observed.dialogs).toEqual([]);
    expect(observed.errors).toEqual([]);
    // A CSP violation would be reported on the console: there must be none, nor anything else.
    expect(observed.console).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.locator("img, script, iframe, object, embed").count()).toBe(0);
    // The payloads are shown as text.
    await expect.poll(() => page.getByText("ml-sandbox/<img src=x onerror=alert(1)>", { exact: true }).first().isVisible()).toBe(true);
    const body = await page.locator("body").innerText();
    expect(body).toContain("<img src=x onerror=window.__xss=1>");
    expect(body).toContain('<script>window.__xss=1</script>"team"');
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it("runs no script even when every string in the model is a payload", async () => {
    const payload = '"><img src=x onerror=window.__xss=1><script>window.__xss=2</script><svg onload=window.__xss=3>';
    const evil = JSON.parse(JSON.stringify(loadFixture("full"), (key, value: unknown) => (typeof value === "string" && key !== "level" && key !== "severity" && key !== "status" && key !== "kind" && key !== "category" && key !== "grade" ? `${value}${payload}` : value))) as Report;
    const file = join(dir, "evil.html");
    writeFileSync(file, createHtmlRenderer().render(evil));
    const observed = await open(pathToFileURL(file).href);
    await observed.page.locator("details").evaluateAll((els) => els.forEach((e) => ((e as unknown as { open: boolean }).open = true)));
    await observed.page.waitForTimeout(200);
    expect(observed.dialogs).toEqual([]);
    expect(observed.console).toEqual([]);
    expect(observed.requests).toEqual([pathToFileURL(file).href]);
    expect(await observed.page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await observed.page.locator("img, script").count()).toBe(0);
    await observed.page.close();
  });
});
