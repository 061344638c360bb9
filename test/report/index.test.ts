import { describe, expect, it } from "vitest";
import { FORMATS, isFormat, renderer, type Format } from "../../src/report/renderers";
import { loadFixture } from "./helpers";

describe("renderer registry", () => {
  it("lists every format, table first", () => {
    expect(FORMATS).toEqual(["table", "json", "markdown", "html", "sarif", "junit"]);
  });

  it("returns a renderer per format that names itself", () => {
    const extensions: Record<Format, string> = { table: "txt", json: "json", markdown: "md", html: "html", sarif: "sarif", junit: "xml" };
    const model = loadFixture("full");
    for (const format of FORMATS) {
      const r = renderer(format);
      expect(r.format).toBe(format);
      expect(r.extension).toBe(extensions[format]);
      expect(r.render(model).length).toBeGreaterThan(100);
    }
  });

  it("passes options to the renderers that take them", () => {
    const model = loadFixture("full");
    expect(renderer("table", { color: true, width: 80 }).render(model)).toMatch(/\x1b\[/);
    expect(renderer("table").render(model)).not.toMatch(/\x1b\[/);
    expect(renderer("markdown", { maxChars: 5000 }).render(model).length).toBeLessThanOrEqual(5000);
  });

  it("validates format names", () => {
    expect(isFormat("sarif")).toBe(true);
    expect(isFormat("yaml")).toBe(false);
    expect(() => renderer("yaml" as Format)).toThrow(/unknown report format "yaml"; expected one of table, json/);
  });
});
