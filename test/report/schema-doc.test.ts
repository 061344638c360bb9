import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPORT_SCHEMA_VERSION } from "../../src/report/model";
import { createJsonRenderer, toJsonValue } from "../../src/report/renderers/json";
import { ROOT, validateReportJson } from "./helpers";

const doc = readFileSync(join(ROOT, "docs", "report-schema.md"), "utf8");
const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report-schema.json"), "utf8")) as Record<string, unknown>;

/** Every property name the schema declares, at any depth. */
function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) propertyNames(n, into);
  else if (node !== null && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.properties && typeof o.properties === "object") for (const k of Object.keys(o.properties)) into.add(k);
    for (const v of Object.values(o)) propertyNames(v, into);
  }
  return into;
}

describe("docs/report-schema.md and docs/report-schema.json", () => {
  it("document the current schema version", () => {
    expect(doc).toContain(`**Schema version: ${REPORT_SCHEMA_VERSION}**`);
    expect(REPORT_SCHEMA_VERSION).toMatch(new RegExp((schema.properties as { schemaVersion: { pattern: string } }).schemaVersion.pattern));
  });

  it("the Markdown documents every field the JSON Schema declares", () => {
    const missing = [...propertyNames(schema)].filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("the example validates against the schema and is what the JSON renderer prints for it", () => {
    const block = /## Example[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc);
    expect(block).not.toBeNull();
    const example = JSON.parse(block![1]!) as Parameters<ReturnType<typeof createJsonRenderer>["render"]>[0];
    expect(validateReportJson(example)).toEqual([]);
    expect(createJsonRenderer().render(example)).toBe(`${block![1]!}\n`);
  });

  it("a finding's keys come out in the order of the ReportFinding table", () => {
    const table = /### `stacks\[\]\.findings\[\]`[\s\S]*?\n\n((?:\|.*\n)+)/.exec(doc);
    expect(table).not.toBeNull();
    const documented = [...table![1]!.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!);
    expect(documented).toContain("messageId");
    // Every key, declared order: a finding carrying all of them must print them in the table's order.
    const finding = Object.fromEntries([...documented].reverse().map((k) => [k, k === "level" ? "advisory" : "x"]));
    const printed = toJsonValue({ stacks: [{ findings: [finding] }] } as never) as { stacks: { findings: Record<string, unknown>[] }[] };
    expect(Object.keys(printed.stacks[0]!.findings[0]!)).toEqual(documented);
  });
});
