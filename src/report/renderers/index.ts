/**
 * The output formats of `carbonguard report`, one module each behind the `Renderer` interface
 * (conftest's `output/` layout): `renderer(format, options)` returns the renderer for a format.
 */
import type { Renderer } from "../model";
import { createHtmlRenderer } from "./html";
import { createJsonRenderer } from "./json";
import { createJunitRenderer } from "./junit";
import { createMarkdownRenderer, type MarkdownOptions } from "./markdown";
import { createSarifRenderer } from "./sarif";
import { createTableRenderer, type TableOptions } from "./table";

/** Every `--format` value, the default first. */
export const FORMATS = ["table", "json", "markdown", "html", "sarif", "junit"] as const;
export type Format = (typeof FORMATS)[number];

/** Options some renderers take; the others ignore them. */
export interface RendererOptions extends Partial<TableOptions>, Partial<MarkdownOptions> {}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function renderer(format: Format, options: RendererOptions = {}): Renderer {
  switch (format) {
    case "table":
      return createTableRenderer({ ...(options.color !== undefined ? { color: options.color } : {}), ...(options.width !== undefined ? { width: options.width } : {}) });
    case "json":
      return createJsonRenderer();
    case "markdown":
      return createMarkdownRenderer({
        ...(options.maxChars !== undefined ? { maxChars: options.maxChars } : {}),
        ...(options.maxFindingsPerStack !== undefined ? { maxFindingsPerStack: options.maxFindingsPerStack } : {}),
      });
    case "html":
      return createHtmlRenderer();
    case "sarif":
      return createSarifRenderer();
    case "junit":
      return createJunitRenderer();
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format ${JSON.stringify(unknown)}; expected one of ${FORMATS.join(", ")}`);
    }
  }
}

export { createHtmlRenderer, createJsonRenderer, createJunitRenderer, createMarkdownRenderer, createSarifRenderer, createTableRenderer };
export type { MarkdownOptions, TableOptions };
