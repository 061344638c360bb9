/**
 * `carbonguard estimate <inputs…>`: energy and carbon per resource and per stack, from stack
 * exports, `pulumi preview --json` files and self-managed backend folders.
 */
import { typeLabel } from "../engine/format";
import { DEFAULT_UTILIZATION, type EstimatedResource, type Range, type StackEstimate, estimateStack, formatRange } from "../estimate";
import { type InputError, type StackSnapshot, readInputs, snapshotStackView } from "../inputs";
import { type ParsedArgs, UsageError, parseUtilization, printable, single } from "./args";

export const ESTIMATE_USAGE = `carbonguard estimate <inputs…> [--format table|json] [--utilization 0.5]

Estimates energy (kWh/month) and emissions (kgCO2e/month, operational and embodied) per resource
and per stack, at minimum running capacity (floor) and maximum capacity (ceiling).

Inputs, any mix: \`pulumi stack export\` files, \`pulumi preview --json\` files, and self-managed
backend folders (DIR holding .pulumi/stacks/<project>/<stack>.json[.gz|.zst], or the legacy
.pulumi/stacks/<stack>.json). Secrets are never decrypted.

  --format table|json   table for people (default), json for machines
  --utilization U       average accelerator/CPU utilization, 0–1 (default 0.5, CCF's)

Method and sources: docs/methodology.md. Exit code 0, or 2 when an input could not be read
(every readable stack is still estimated).`;

const MAX_NAME = 48;

function safeText(s: string, max = MAX_NAME): string {
  // State files are data, not ours: keep names printable and short in a terminal.
  return printable(s, max);
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function rangeJson(r: Range | undefined): { floor: number; ceiling: number } | null {
  return r ? { floor: round(r.floor), ceiling: round(r.ceiling) } : null;
}

function kwh(n: number): string {
  if (n === 0) return "0";
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  return n >= 10 ? n.toFixed(0) : n.toFixed(1);
}

export async function estimateCommand(args: ParsedArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const format = single(args, "format") ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got '${safeText(format, 20)}'`);
  const utilization = parseUtilization(single(args, "utilization")) ?? DEFAULT_UTILIZATION;
  if (args.positionals.length === 0) throw new UsageError("give at least one input: a stack export, a preview JSON file or a backend folder");

  const errors: InputError[] = [];
  const stacks: { snapshot: StackSnapshot; estimate: StackEstimate }[] = [];
  let first = true;
  for await (const item of readInputs(args.positionals)) {
    if (item.kind === "error") {
      errors.push(item.error);
      err(`carbonguard estimate: ${item.error.source}: ${item.error.problem}`);
      continue;
    }
    const snapshot = item.snapshot;
    for (const w of snapshot.warnings) err(`carbonguard estimate: ${snapshot.source}: ${w}`);
    const estimate = estimateStack(snapshotStackView(snapshot), { utilization });
    if (format === "json") {
      stacks.push({ snapshot, estimate });
    } else {
      if (!first) out("");
      first = false;
      out(renderStack(snapshot, estimate));
    }
  }

  if (format === "json") {
    out(JSON.stringify(toJson(stacks, errors, utilization), null, 2));
  } else {
    if (!first) out("");
    out(`Basis: CCF method extended with current accelerators; ${Math.round(utilization * 100)}% utilization, 730 h/month, provider PUE, Electricity Maps 2025 location-based lifecycle grid intensity; embodied over a 4-year life. Floor = minimum running capacity, ceiling = maximum. See docs/methodology.md.`);
    if (errors.length > 0) out(`${errors.length} input(s) could not be read (see above).`);
  }
  return errors.length > 0 ? 2 : 0;
}

function renderStack(snapshot: StackSnapshot, e: StackEstimate): string {
  const lines: string[] = [`Stack ${safeText(snapshot.project)}/${safeText(snapshot.stack)} (${safeText(snapshot.source, 200)})`];
  const estimated = e.resources.filter((r): r is EstimatedResource => r.status === "estimated");
  if (estimated.length > 0) {
    const rows = estimated.map((r) => [
      safeText(r.name),
      typeLabel(r.type),
      r.region,
      formatRange(unitCount(r), (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2))),
      formatRange(r.energyKwh, kwh),
      formatRange(r.operationalKgCo2e),
      r.embodiedKgCo2e ? formatRange(r.embodiedKgCo2e) : "?",
      formatRange(r.totalKgCo2e),
    ]);
    rows.push([
      "TOTAL",
      "",
      "",
      "",
      formatRange(e.energyKwh, kwh),
      formatRange(e.operationalKgCo2e),
      formatRange(e.embodiedKgCo2e) + (e.embodiedUnknownCount > 0 ? "+?" : ""),
      formatRange(e.totalKgCo2e),
    ]);
    lines.push(table(["resource", "type", "region", "units", "kWh/month", "kgCO2e op.", "embodied", "kgCO2e total"], rows));
  } else {
    lines.push("No resource with an energy estimate.");
  }
  if (e.unknown.length > 0) {
    lines.push(`Not estimated (${e.unknown.length}):`);
    for (const u of e.unknown.slice(0, 50)) lines.push(`  ${safeText(u.name)} (${typeLabel(u.type)}): ${safeText(u.reason, 200)}`);
    if (e.unknown.length > 50) lines.push(`  … and ${e.unknown.length - 50} more`);
  }
  lines.push(`${e.estimatedCount} resource(s) estimated, ${e.unknown.length} unknown, ${e.notApplicableCount} without energy of their own (providers, templates, IAM, …).`);
  return lines.join("\n");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = (i: number) => i >= 3;
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function toJson(stacks: readonly { snapshot: StackSnapshot; estimate: StackEstimate }[], errors: readonly InputError[], utilization: number): unknown {
  return {
    schemaVersion: 1,
    utilization,
    hoursPerMonth: 730,
    units: { energy: "kWh/month", emissions: "kgCO2e/month" },
    stacks: stacks.map(({ snapshot, estimate: e }) => ({
      source: snapshot.source,
      format: snapshot.format,
      project: snapshot.project,
      stack: snapshot.stack,
      totals: {
        energyKwh: rangeJson(e.energyKwh),
        operationalKgCo2e: rangeJson(e.operationalKgCo2e),
        embodiedKgCo2e: rangeJson(e.embodiedKgCo2e),
        totalKgCo2e: rangeJson(e.totalKgCo2e),
        estimated: e.estimatedCount,
        unknown: e.unknown.length,
        embodiedUnknown: e.embodiedUnknownCount,
        notApplicable: e.notApplicableCount,
      },
      topContributors: e.topContributors.map((c) => ({ urn: c.urn, type: c.type, totalKgCo2e: rangeJson(c.totalKgCo2e), share: round(c.share) })),
      basis: e.basis,
      resources: e.resources
        .filter((r) => r.status !== "not-applicable")
        .map((r) =>
          r.status === "unknown"
            ? { urn: r.urn, type: r.type, name: r.name, status: r.status, reason: r.reason }
            : {
                urn: r.urn,
                type: r.type,
                name: r.name,
                status: r.status,
                cloud: r.cloud,
                region: r.region,
                energyKwh: rangeJson(r.energyKwh),
                operationalKgCo2e: rangeJson(r.operationalKgCo2e),
                embodiedKgCo2e: rangeJson(r.embodiedKgCo2e),
                totalKgCo2e: rangeJson(r.totalKgCo2e),
                parts: r.parts.map((p) => ({
                  label: p.label,
                  units: rangeJson(p.units),
                  unitsBasis: p.unitsBasis,
                  hoursPerUnit: rangeJson(p.hoursPerUnit),
                  watts: round(p.power.watts, 1),
                  idleWatts: round(p.power.idleWatts, 1),
                  maxWatts: round(p.power.maxWatts, 1),
                  components: {
                    accelerators: round(p.power.components.accelerators, 1),
                    cpu: round(p.power.components.cpu, 1),
                    memory: round(p.power.components.memory, 1),
                    storage: round(p.power.components.storage, 3),
                  },
                  embodiedBasis: p.power.embodiedBasis,
                })),
                assumptions: r.assumptions,
                caveats: r.caveats,
              },
        ),
    })),
    errors: errors.map((e) => ({ source: e.source, problem: e.problem })),
  };
}

/** Units of a resource: its compute parts' (volumes attached to them are not more units), else its storage parts'. */
function unitCount(r: EstimatedResource): { floor: number; ceiling: number } {
  const compute = r.parts.filter((p) => p.power.components.storage < p.power.watts);
  const counted = compute.length > 0 ? compute : r.parts;
  return { floor: counted.reduce((s, p) => s + p.units.floor, 0), ceiling: counted.reduce((s, p) => s + p.units.ceiling, 0) };
}
