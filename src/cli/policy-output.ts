/**
 * Prints policy diagnostics the way `pulumi preview` shows them in its "Policies:" section, so a
 * user reading `carbonguard analyze` output sees what their CLI would show.
 */
import type { AnalyzeDiagnostic } from "../pack-host/types";

export type LabelledDiagnostic = AnalyzeDiagnostic & { readonly resourceType?: string; readonly resourceName?: string };

export function renderPolicies(packName: string, packVersion: string, packSource: string, diagnostics: readonly LabelledDiagnostic[]): string {
  const mandatory = diagnostics.some((d) => d.enforcementLevel === "mandatory");
  const icon = diagnostics.length === 0 ? "✅" : mandatory ? "❌" : "⚠️ ";
  const lines = ["Policies:", `    ${icon} ${packName}@v${packVersion} (local: ${packSource})`];
  const sorted = [...diagnostics].sort((a, b) => rank(a) - rank(b) || a.policyName.localeCompare(b.policyName) || a.urn.localeCompare(b.urn));
  for (const d of sorted) {
    const where = d.resourceType ? `  (${d.resourceType}: ${d.resourceName ?? ""})` : d.urn ? `  (${d.urn})` : "";
    const severity = d.severity ? ` [severity: ${d.severity}]` : "";
    lines.push(`        - [${d.enforcementLevel}]${severity}  ${d.policyName}${where}`);
    for (const line of wrap(d.message, 100)) lines.push(`          ${line}`);
  }
  return lines.join("\n");
}

function rank(d: AnalyzeDiagnostic): number {
  return d.enforcementLevel === "mandatory" ? 0 : d.enforcementLevel === "advisory" ? 1 : 2;
}

/** Word-wraps a message for the terminal; never splits inside a word. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/)) {
      if (word === "") continue;
      if (line !== "" && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out;
}

export function summarize(diagnostics: readonly AnalyzeDiagnostic[], analyzed: number): string {
  const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
  const advisory = diagnostics.filter((d) => d.enforcementLevel === "advisory").length;
  const resources = new Set(diagnostics.map((d) => d.urn)).size;
  return `${mandatory} mandatory and ${advisory} advisory policy violation(s) on ${resources} resource(s); ${analyzed} resource(s) analyzed.`;
}
