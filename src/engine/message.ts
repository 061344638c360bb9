/**
 * A finding is data before it is text: which of the rule's messages it is (`messageId`, as
 * typescript-eslint rules declare `meta.messages`), the values that fill it, the fix, the saving,
 * the evidence and the long details. The short form printed by `pulumi preview` is rendered here,
 * once, so both front ends print the same words; the report's JSON, HTML and SARIF carry the rest.
 */
import type { EvidenceRef, Finding, FindingFix, FindingSaving, FigureRef, EnforcementLevel, Severity } from "./rule";

/** The longest first sentence (what is wrong and the fix) a finding may have: one line in a terminal, twice. */
export const FIRST_SENTENCE_MAX = 160;
/** The longest short form a finding may have. */
export const MESSAGE_MAX = 600;

export type MessageData = Readonly<Record<string, string | number>>;

/** `{{name}}` placeholders filled from `data`; a placeholder without a value is a bug in the rule, so it throws (fail closed). */
export function fillTemplate(template: string, data: MessageData): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(data, key)) throw new Error(`message placeholder ${key} has no value`);
    return String(data[key]);
  });
}

/** "Saves ≈ 816 kgCO2e/month (per running instance; 418 gCO2e/kWh, Electricity Maps 2025)." */
export function savingSentence(saving: FindingSaving): string {
  return `Saves ≈ ${formatSavingKg(saving.kgCo2ePerMonth)} kgCO2e/month (${saving.basis}).`;
}

function formatSavingKg(kg: number): string {
  if (kg >= 100) return Math.round(kg).toLocaleString("en-US");
  if (kg >= 10) return kg.toFixed(0);
  if (kg >= 1) return kg.toFixed(1);
  return kg.toFixed(2);
}

/** The short form: the rule's message for `messageId` filled with `data`, then the saving, then any short notes. */
export function renderShortForm(messages: Readonly<Record<string, string>>, messageId: string, data: MessageData, saving?: FindingSaving, notes: readonly string[] = []): string {
  const template = Object.prototype.hasOwnProperty.call(messages, messageId) ? messages[messageId] : undefined;
  if (template === undefined) throw new Error(`unknown message id ${messageId}`);
  return [fillTemplate(template, data), ...(saving ? [savingSentence(saving)] : []), ...notes].join(" ");
}

export interface FindingParts {
  readonly messageId: string;
  readonly data: MessageData;
  readonly fix?: FindingFix;
  readonly saving?: FindingSaving;
  /** Short sentences that belong in the short form after the saving (kept rare: the budget is 600 characters). */
  readonly notes?: readonly string[];
  readonly evidence?: readonly EvidenceRef[];
  /** The long form: alternatives, provenance, caveats. */
  readonly details?: readonly string[];
  readonly figures?: readonly FigureRef[];
  readonly suggestion?: Readonly<Record<string, unknown>>;
  readonly level?: EnforcementLevel;
  readonly severity?: Severity;
  readonly urn?: string;
}

/** A rule's finding, its `message` rendered from `messages` (the rule's `meta.messages`). */
export function findingOf(messages: Readonly<Record<string, string>>, parts: FindingParts): Finding {
  const details = (parts.details ?? []).filter((d) => d.length > 0);
  return {
    kind: "violation",
    messageId: parts.messageId,
    data: parts.data,
    message: renderShortForm(messages, parts.messageId, parts.data, parts.saving, parts.notes),
    figures: parts.figures ?? [],
    ...(parts.fix ? { fix: parts.fix } : {}),
    ...(parts.saving ? { saving: parts.saving } : {}),
    ...(parts.evidence && parts.evidence.length > 0 ? { evidence: parts.evidence } : {}),
    ...(details.length > 0 ? { details } : {}),
    ...(parts.suggestion ? { suggestion: parts.suggestion } : {}),
    ...(parts.level ? { level: parts.level } : {}),
    ...(parts.severity ? { severity: parts.severity } : {}),
    ...(parts.urn ? { urn: parts.urn } : {}),
  };
}

/** The first sentence of a short form (what is wrong and the fix): up to the first ". " outside quotes and parentheses. */
export function firstSentence(message: string): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < message.length; i++) {
    const c = message[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" && (i === 0 || /[\s(]/.test(message[i - 1]!))) quote = "'";
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === "." && depth === 0 && (i === message.length - 1 || message[i + 1] === " ")) return message.slice(0, i + 1);
  }
  return message;
}
