/**
 * A finding's machine-readable suggestion, read for people: the property to set and its value,
 * the alternatives to pick from (regions with their grid intensity, or instance types with their
 * accelerator power) and what else to do, in words. Format-independent: the HTML renderer draws
 * it; JSON and SARIF keep the suggestion itself.
 *
 * Only the keys the rules write (src/rules) are read, each for what it means; anything else is
 * left to the JSON. Nothing here invents a value: a figure the suggestion lacks is shown as "—".
 */
import { formatNumber, formatQuantity } from "./util";

export interface Setting {
  readonly property: string;
  readonly value: string;
  /**
   * `set` the property to the value, or let what it names `scale` down to the value: the
   * scale-to-zero rule names a whole part (`productionVariants[0]`) when no one property is it.
   */
  readonly action: "set" | "scale";
}

export interface AlternativeRow {
  /** The region or instance type. */
  readonly name: string;
  /** Where the region is, or what the type carries (`1× NVIDIA L4`). */
  readonly detail: string;
  /** `129 gCO2e/kWh`, `72 W`, or `—`. */
  readonly figure: string;
  /** `69% less`, or `—`. */
  readonly saving: string;
}

export interface Alternatives {
  readonly kind: "region" | "type";
  /** What the resource uses now, in words (`us-east-1, 418 gCO2e/kWh`), when the suggestion says. */
  readonly current?: string;
  readonly rows: readonly AlternativeRow[];
}

export interface ReadableFix {
  readonly settings: readonly Setting[];
  readonly alternatives?: Alternatives;
  /** Other steps and context, one sentence each. */
  readonly notes: readonly string[];
}

type Suggestion = Readonly<Record<string, unknown>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** A value to set, as text: strings as they are, numbers and booleans as JSON would write them. */
function valueText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string" || typeof x === "number")) return v.join(", ");
  return undefined;
}

/**
 * Keys that name a property to set with the value beside them: dotted paths
 * (`stoppingCondition.maxRuntimeInSeconds`, training guardrails) and the few flat properties the
 * rules suggest by name.
 */
const PROPERTY_PATH = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/;
const FLAT_PROPERTIES = new Set(["enableManagedSpotTraining", "instanceTypes", "instanceType"]);

function settingsOf(s: Suggestion): Setting[] {
  const out: Setting[] = [];
  const property = text(s["property"]);
  const value = valueText(s["value"]);
  if (property !== undefined && value !== undefined) out.push({ property, value, action: s["running"] !== undefined && property.endsWith("]") ? "scale" : "set" });
  for (const key of Object.keys(s).sort()) {
    if (!PROPERTY_PATH.test(key) && !FLAT_PROPERTIES.has(key)) continue;
    const v = valueText(s[key]);
    if (v !== undefined) out.push({ property: key, value: v, action: "set" });
  }
  return out;
}

/** A saving in percent (regions: positive = cleaner). */
function savingText(p: number | undefined): string {
  return p === undefined ? "—" : `${formatNumber(p, 0)}% less`;
}

/** A change in power in percent (types: negative = less power). */
function changeText(c: number | undefined): string {
  if (c === undefined) return "—";
  if (c === 0) return "same";
  return c < 0 ? `${formatNumber(-c, 0)}% less` : `${formatNumber(c, 0)}% more`;
}

function acceleratorsText(r: Record<string, unknown>): string {
  const count = num(r["acceleratorCount"]);
  const model = text(r["acceleratorModel"]);
  if (model === undefined) return "";
  return count !== undefined ? `${formatNumber(count, 0)}× ${model}` : model;
}

function wattsText(w: unknown): string {
  const n = num(w);
  return n === undefined ? "not published" : `${formatNumber(n, 0)} W`;
}

function alternativesOf(s: Suggestion): Alternatives | undefined {
  const list = s["alternatives"];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (list.every((a) => typeof a === "string")) {
    // Region names alone (older or hand-written models): no figures to show.
    const rows = (list as string[]).map((name) => ({ name, detail: "", figure: "—", saving: "—" }));
    return { kind: text(s["region"]) !== undefined || typeof s["currentRegion"] === "string" ? "region" : "type", rows };
  }
  const records = list.filter(isRecord);
  if (records.some((r) => text(r["region"]) !== undefined && num(r["gCo2ePerKwh"]) !== undefined)) {
    const region = text(s["currentRegion"]);
    const g = num(s["currentGCo2ePerKwh"]);
    return {
      kind: "region",
      ...(region !== undefined ? { current: g !== undefined ? `${region}, ${formatNumber(g, 0)} gCO2e/kWh` : region } : {}),
      rows: records.map((r) => {
        const gr = num(r["gCo2ePerKwh"]);
        return { name: text(r["region"]) ?? "—", detail: text(r["location"]) ?? "", figure: gr !== undefined ? `${formatNumber(gr, 0)} gCO2e/kWh` : "—", saving: savingText(num(r["savingPercent"])) };
      }),
    };
  }
  const current = isRecord(s["current"]) ? s["current"] : undefined;
  const currentType = current ? text(current["type"]) : undefined;
  return {
    kind: "type",
    ...(current && currentType !== undefined ? { current: [currentType, acceleratorsText(current), wattsText(current["acceleratorTdpW"])].filter((x) => x !== "").join(", ") } : {}),
    rows: records.map((r) => ({
      name: text(r["type"]) ?? "—",
      detail: acceleratorsText(r),
      figure: wattsText(r["acceleratorTdpW"]),
      saving: changeText(num(r["tdpChangePercent"])),
    })),
  };
}

function notesOf(s: Suggestion): string[] {
  const notes: string[] = [];
  const tagKey = text(s["tagKey"]);
  const allowed = Array.isArray(s["allowedValues"]) ? (s["allowedValues"] as unknown[]).filter((v): v is string => typeof v === "string") : [];
  if (tagKey !== undefined && allowed.length > 0) {
    const on = text(s["setOn"]);
    notes.push(`Set the tag ${tagKey}${on !== undefined && on !== "stack tags" ? ` (in ${on})` : ""} to one of: ${allowed.join(", ")}.`);
    const command = text(s["stackTagCommand"]);
    if (command !== undefined) notes.push(`Or for the whole stack: ${command}`);
  }
  const missing = Array.isArray(s["missingTags"]) ? (s["missingTags"] as unknown[]).filter((v): v is string => typeof v === "string") : [];
  if (missing.length > 0) notes.push(`Also add the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`);
  const families = text(s["currentFamilies"]);
  if (families !== undefined) notes.push(`Move to a current family: ${families}.`);
  const running = num(s["running"]);
  const kg = num(s["kgCo2ePerMonth"]);
  if (running !== undefined && running > 0) {
    notes.push(`Now ${formatNumber(running, 0)} stay${running === 1 ? "s" : ""} running with no traffic${kg !== undefined ? `: about ${formatQuantity(kg)} kgCO2e/month` : ""}.`);
  }
  const budget = num(s["maxKgCo2ePerMonth"]);
  const over = num(s["overBudgetKgCo2ePerMonth"]);
  if (budget !== undefined && over !== undefined) notes.push(`Over the budget of ${formatQuantity(budget)} kgCO2e/month by ${formatQuantity(over)}.`);
  const allowedKey = text(s["allowedTypesKey"]);
  if (allowedKey !== undefined) notes.push(`Or allow the type in the policy config (${allowedKey}).`);
  const verify = text(s["verify"]);
  if (verify !== undefined) notes.push(`${verify.charAt(0).toUpperCase()}${verify.slice(1)}.`);
  return notes;
}

/** The suggestion for people, or undefined when it holds nothing this reads. */
export function readableFix(suggestion: Suggestion | undefined): ReadableFix | undefined {
  if (suggestion === undefined) return undefined;
  const settings = settingsOf(suggestion);
  const alternatives = alternativesOf(suggestion);
  const notes = notesOf(suggestion);
  if (settings.length === 0 && alternatives === undefined && notes.length === 0) return undefined;
  return { settings, ...(alternatives ? { alternatives } : {}), notes };
}
