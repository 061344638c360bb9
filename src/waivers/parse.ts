/**
 * Parsing and validation of waiver documents (YAML or JSON) and of inline waiver lists.
 * Never throws: every defect becomes a problem naming the source, the entry index and the field.
 */
import { parseExpiry } from "./dates";
import { MATCH_FIELDS, type Waiver, type WaiverCategory, type WaiverLoadProblem, type WaiverMatch } from "./types";

export interface ParsedWaivers {
  /** The entries that passed validation (a set with problems applies none of them; see WaiverSet). */
  readonly waivers: readonly Waiver[];
  readonly problems: readonly WaiverLoadProblem[];
}

const ENTRY_FIELDS = ["policy", "match", "reason", "expires", "approvedBy", "requestedBy", "ticket", "category"] as const;
const TOP_FIELDS = ["version", "waivers"] as const;
const CATEGORIES: readonly WaiverCategory[] = ["waiver", "mitigated"];
const POLICY_RE = /^[a-zA-Z0-9\-_.*?]{1,100}$/;
const MAX_TEXT = 1000;

/** The one line a person reads: `<source>: waivers[2].reason: is required`. */
export function formatLoadProblem(p: WaiverLoadProblem): string {
  const where = p.index === undefined ? "" : `waivers[${p.index}]${p.field ? `.${p.field}` : ""}: `;
  return `${p.source}: ${where}${p.message}`;
}

interface YamlModule {
  load(text: string, opts: { schema: unknown; filename?: string; json?: boolean }): unknown;
  CORE_SCHEMA: unknown;
}

/** js-yaml is loaded only when a YAML waiver file is read (the pack starts faster without it). */
function yaml(): YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("js-yaml") as YamlModule;
}

/** Parses a waiver document's text. `format` defaults from the source's extension (`.json` → JSON, else YAML). */
export function parseWaiverText(text: string, source: string, format?: "json" | "yaml"): ParsedWaivers {
  const fmt = format ?? (source.toLowerCase().endsWith(".json") ? "json" : "yaml");
  let doc: unknown;
  try {
    // CORE_SCHEMA: no implicit timestamps, so `expires: 2025-09-01` stays the text that was written.
    doc = fmt === "json" ? JSON.parse(text) : yaml().load(text, { schema: yaml().CORE_SCHEMA, filename: source });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    return { waivers: [], problems: [{ source, message: `not valid ${fmt.toUpperCase()}: ${detail}` }] };
  }
  return validateWaiverDocument(doc, source);
}

/** Validates a parsed document: `{version?: 1, waivers: [...]}` or a bare list of entries. */
export function validateWaiverDocument(doc: unknown, source: string): ParsedWaivers {
  if (doc === null || doc === undefined) return { waivers: [], problems: [] };
  if (Array.isArray(doc)) return validateWaiverEntries(doc, source);
  if (typeof doc !== "object") return { waivers: [], problems: [{ source, message: `expected a mapping with a 'waivers' list, got ${kind(doc)}` }] };
  const top = doc as Record<string, unknown>;
  const problems: WaiverLoadProblem[] = [];
  for (const key of Object.keys(top)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) {
      const hint = key === "deployment" || key === "checkpoint" ? " (this looks like a stack export, not a waiver file)" : "";
      problems.push({ source, message: `unknown top-level key '${clip(key)}'${hint}; allowed: ${TOP_FIELDS.join(", ")}` });
    }
  }
  if (top["version"] !== undefined && top["version"] !== 1) problems.push({ source, message: "version must be 1" });
  if (!("waivers" in top)) problems.push({ source, message: "missing the 'waivers' list" });
  const entries = top["waivers"];
  if (entries === null || entries === undefined) return { waivers: [], problems };
  const parsed = validateWaiverEntries(entries, source);
  return { waivers: parsed.waivers, problems: [...problems, ...parsed.problems] };
}

/** Validates a list of waiver entries (a file's `waivers`, or the pack's inline config). */
export function validateWaiverEntries(entries: unknown, source: string): ParsedWaivers {
  if (!Array.isArray(entries)) return { waivers: [], problems: [{ source, message: `'waivers' must be a list, got ${kind(entries)}` }] };
  const waivers: Waiver[] = [];
  const problems: WaiverLoadProblem[] = [];
  entries.forEach((entry, index) => {
    const result = validateEntry(entry, source, index);
    if ("waiver" in result) waivers.push(result.waiver);
    else problems.push(...result.problems);
  });
  return { waivers, problems };
}

function validateEntry(entry: unknown, source: string, index: number): { waiver: Waiver } | { problems: WaiverLoadProblem[] } {
  const problems: WaiverLoadProblem[] = [];
  const problem = (field: string | undefined, message: string) => problems.push({ source, index, ...(field ? { field } : {}), message });
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    problem(undefined, `expected a mapping, got ${kind(entry)}`);
    return { problems };
  }
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) problem(clip(key), `unknown field; allowed: ${ENTRY_FIELDS.join(", ")}`);
  }

  const policy = requiredText(e, "policy", problem);
  if (policy !== undefined && !POLICY_RE.test(policy)) problem("policy", "must be a policy name (letters, digits, - _ .) or a glob over policy names");

  const match: Record<string, string> = {};
  const rawMatch = e["match"];
  if (rawMatch === undefined || rawMatch === null) problem("match", "is required: say which resources the waiver covers (urn, stack, project, name or type)");
  else if (typeof rawMatch !== "object" || Array.isArray(rawMatch)) problem("match", `expected a mapping, got ${kind(rawMatch)}`);
  else {
    const m = rawMatch as Record<string, unknown>;
    for (const [key, value] of Object.entries(m)) {
      if (!(MATCH_FIELDS as readonly string[]).includes(key)) problem(`match.${clip(key)}`, `unknown match field; allowed: ${MATCH_FIELDS.join(", ")}`);
      else if (typeof value !== "string" || value.trim() === "") problem(`match.${key}`, `expected a non-empty glob string, got ${kind(value)}`);
      else match[key] = value;
    }
    if (Object.keys(m).length === 0) problem("match", "is empty: a waiver must name at least one of urn, stack, project, name, type (to waive a policy everywhere, set its enforcement level instead)");
  }

  const reason = requiredText(e, "reason", problem);
  if (reason !== undefined && reason.length > MAX_TEXT) problem("reason", `is longer than ${MAX_TEXT} characters`);

  let expires: Date | undefined;
  const rawExpires = e["expires"];
  if (rawExpires === undefined || rawExpires === null || rawExpires === "") problem("expires", "is required (an ISO date, e.g. 2025-09-01)");
  else if (typeof rawExpires !== "string") problem("expires", `expected an ISO date string, got ${kind(rawExpires)}`);
  else {
    const parsed = parseExpiry(rawExpires.trim());
    if (parsed.ok) expires = parsed.date;
    else problem("expires", parsed.problem);
  }

  const approvedBy = optionalText(e, "approvedBy", problem);
  const requestedBy = optionalText(e, "requestedBy", problem);
  const ticket = typeof e["ticket"] === "number" && Number.isFinite(e["ticket"]) ? String(e["ticket"]) : optionalText(e, "ticket", problem);

  let category: WaiverCategory = "waiver";
  const rawCategory = e["category"];
  if (rawCategory !== undefined && rawCategory !== null) {
    if (typeof rawCategory === "string" && (CATEGORIES as readonly string[]).includes(rawCategory)) category = rawCategory as WaiverCategory;
    else problem("category", `must be one of ${CATEGORIES.join(", ")}`);
  }

  if (problems.length > 0 || policy === undefined || reason === undefined || expires === undefined) return { problems };
  return {
    waiver: {
      policy,
      match: match as WaiverMatch,
      reason,
      expires,
      expiresText: (rawExpires as string).trim(),
      ...(approvedBy !== undefined ? { approvedBy } : {}),
      ...(requestedBy !== undefined ? { requestedBy } : {}),
      ...(ticket !== undefined ? { ticket } : {}),
      category,
      origin: { source, index },
    },
  };
}

function requiredText(e: Record<string, unknown>, field: string, problem: (field: string, message: string) => void): string | undefined {
  const value = e[field];
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    problem(field, "is required");
    return undefined;
  }
  if (typeof value !== "string") {
    problem(field, `expected a string, got ${kind(value)}`);
    return undefined;
  }
  return value.trim();
}

function optionalText(e: Record<string, unknown>, field: string, problem: (field: string, message: string) => void): string | undefined {
  const value = e[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    problem(field, `expected a non-empty string, got ${kind(value)}`);
    return undefined;
  }
  if (value.length > MAX_TEXT) {
    problem(field, `is longer than ${MAX_TEXT} characters`);
    return undefined;
  }
  return value.trim();
}

/** The JSON type of a value, never the value itself. */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return `a ${typeof value}`;
}

function clip(text: string): string {
  const oneLine = text.replace(/[\r\n\t]/g, " ");
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
