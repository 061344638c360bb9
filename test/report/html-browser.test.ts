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
import type { Report } from "../../src/report/model";
import { createHtmlRenderer } from "../../src/report/renderers/html";
import { loadFixture } from "./helpers";

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

  it("renders the title and the summary numbers", async () => {
    const { page } = await open(pathToFileURL(join(dir, "report.html")).href);
    expect(await page.title()).toBe("carbonguard report · 5 stacks · failed");
    await expect.poll(() => page.locator("h1").innerText()).toBe("carbonguard report");
    expect(await page.locator("#summary-stacks .card-value").innerText()).toBe("5");
    expect(await page.locator("#summary-emissions .card-value").innerText()).toBe("4,252–6,293");
    expect(await page.locator("#summary-saving .card-value").innerText()).toBe("2,971");
    expect(await page.locator("#summary-findings .card-value").innerText()).toBe("3 / 3 / 1");
    expect(await page.locator("#status").innerText()).toContain("Failed: 3 mandatory findings");
    expect(await page.locator("#summary-stacks").isVisible()).toBe(true);
    await page.close();
  });

  it("draws the charts as SVG with the expected bars and labels", async () => {
    const { page } = await open(pathToFileURL(join(dir, "report.html")).href);
    const charts = page.locator("figure.chart svg");
    expect(await charts.count()).toBe(5);
    const bars = async (id: string): Promise<number> => page.locator(`#${id} svg rect.bar`).count();
    expect(await bars("chart-emissions-by-stack")).toBe(5);
    expect(await bars("chart-emissions-by-group")).toBe(4);
    expect(await bars("chart-emissions-by-region")).toBe(6);
    expect(await bars("chart-savings-by-policy")).toBe(3);
    expect(await bars("chart-findings-by-severity")).toBe(4);
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
