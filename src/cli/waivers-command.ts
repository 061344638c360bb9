/** `carbonguard waivers check`: waivers that expire soon, have expired, or match nothing. */
import { resolve } from "node:path";
import { readInputs } from "../inputs";
import { RULES } from "../rules";
import { describeOrigin } from "../waivers/apply";
import { type StateResource, type WaiverCheckEntry, type WaiverCheckReport, checkWaivers } from "../waivers/check";
import { readWaiverFile } from "../waivers/load";
import { WAIVERS_ENV } from "../waivers/pack";
import { formatLoadProblem } from "../waivers/parse";
import { DEFAULT_WAIVER_OPTIONS, MATCH_FIELDS } from "../waivers/types";
import { type ParsedArgs, UsageError, single } from "./args";

export const WAIVERS_USAGE = `carbonguard waivers check [file] [--within <days>] [--inputs <stack.json> …] [--max-horizon <days>] [--json]

Checks a waiver file (YAML or JSON; default: $${WAIVERS_ENV}) and lists:
  - invalid entries (the pack and the reports then apply none of the file's waivers),
  - waivers that have expired, or expire within --within days (default 14),
  - waivers that expire beyond the maximum horizon (--max-horizon, default ${DEFAULT_WAIVER_OPTIONS.maxHorizonDays} days; not honoured),
  - waivers naming an unknown policy, and, with --inputs, waivers whose match selects no resource.
--inputs takes \`pulumi stack export\` files, \`pulumi preview --json\` files, self-managed backend
checkpoints (.json, .json.gz, .json.zst) or backend folders; repeat it, or list several after it
(after the waiver file).
Exit code: 1 when a waiver has expired, is beyond the horizon, or the file is invalid; 0 otherwise; 2 on usage errors.`;

function nonNegativeInt(args: ParsedArgs, key: string, fallback: number): number {
  const raw = single(args, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`--${key} must be a whole number of days, got '${raw}'`);
  return n;
}

export async function waiversCommand(args: ParsedArgs, out: (s: string) => void, err: (s: string) => void, now: Date = new Date(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, fileArg, ...extra] = args.positionals;
  if (sub !== "check") throw new UsageError(sub === undefined ? "missing subcommand (check)" : `unknown subcommand '${sub}'`);
  const inputFiles = (args.options.get("inputs") ?? []).flatMap((v) => v.split(",")).filter((v) => v !== "");
  if (extra.length > 0) {
    if (inputFiles.length === 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    inputFiles.push(...extra);
  }
  const file = fileArg ?? env[WAIVERS_ENV];
  if (!file) throw new UsageError(`no waiver file: give one, or set ${WAIVERS_ENV}`);
  const withinDays = nonNegativeInt(args, "within", 14);
  const maxHorizonDays = nonNegativeInt(args, "max-horizon", DEFAULT_WAIVER_OPTIONS.maxHorizonDays);
  if (maxHorizonDays < 1) throw new UsageError("--max-horizon must be at least 1 day");

  let resources: StateResource[] | undefined;
  let stacks = 0;
  if (inputFiles.length > 0) {
    resources = [];
    for await (const item of readInputs(inputFiles.map((f) => resolve(f)))) {
      if (item.kind === "error") {
        err(`carbonguard waivers: cannot read input ${item.error.message}`);
        return 2;
      }
      stacks++;
      resources.push(...item.snapshot.resources.map((r) => ({ urn: r.urn, type: r.type })));
    }
  }
  const source = resolve(file);
  const report = checkWaivers(source, readWaiverFile(source), {
    now,
    withinDays,
    maxHorizonDays,
    knownPolicies: RULES.map((r) => r.meta.name),
    ...(resources ? { resources } : {}),
  });
  if (args.flags.has("json")) out(JSON.stringify(toJson(report), null, 2));
  else out(render(report, stacks));
  return report.exitCode;
}

function describeMatch(e: WaiverCheckEntry): string {
  return MATCH_FIELDS.filter((f) => e.waiver.match[f] !== undefined)
    .map((f) => `${f}=${e.waiver.match[f]}`)
    .join(" ");
}

function line(e: WaiverCheckEntry, detail: string): string {
  return `  waivers[${e.waiver.origin.index}] ${e.waiver.policy}  ${detail}  (${describeMatch(e)}${e.waiver.approvedBy ? `; approved by ${e.waiver.approvedBy}` : ""}${e.waiver.ticket ? `; ${e.waiver.ticket}` : ""})`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function render(r: WaiverCheckReport, stackCount: number): string {
  const lines: string[] = [`${r.source}: ${plural(r.entries.length, "valid waiver")}${r.problems.length ? `, ${plural(r.problems.length, "problem")}` : ""}`];
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push("", title, ...items);
  };
  section(
    "INVALID (the pack and the reports apply none of this file's waivers until it is fixed):",
    r.problems.map((p) => `  ${formatLoadProblem(p)}`),
  );
  section(
    "EXPIRED (the findings apply at their full level again):",
    r.entries.filter((e) => e.status === "expired").map((e) => line(e, `expired ${e.waiver.expiresText} (${plural(-e.daysLeft, "day")} ago)`)),
  );
  section(
    `BEYOND THE ${r.maxHorizonDays}-DAY HORIZON (not honoured):`,
    r.entries.filter((e) => e.status === "beyond-horizon").map((e) => line(e, `expires ${e.waiver.expiresText} (in ${plural(e.daysLeft, "day")})`)),
  );
  section(
    `EXPIRING within ${plural(r.withinDays, "day")}:`,
    r.entries.filter((e) => e.status === "expiring").map((e) => line(e, `expires ${e.waiver.expiresText} (in ${plural(e.daysLeft, "day")})`)),
  );
  section(
    "UNKNOWN POLICY (such a waiver never applies):",
    r.entries.filter((e) => e.unknownPolicy).map((e) => line(e, `names no carbonguard policy`)),
  );
  if (r.inputResources !== undefined) {
    section(
      `MATCH NOTHING in ${plural(stackCount, "stack")} (${plural(r.inputResources, "resource")}):`,
      r.entries.filter((e) => e.matchedResources === 0).map((e) => line(e, "matches no resource")),
    );
  }
  const count = (s: string) => r.entries.filter((e) => e.status === s).length;
  const summary = [
    r.problems.length ? plural(r.problems.length, "problem") : "",
    count("expired") ? `${count("expired")} expired` : "",
    count("beyond-horizon") ? `${count("beyond-horizon")} beyond the horizon` : "",
    count("expiring") ? `${count("expiring")} expiring soon` : "",
    r.inputResources !== undefined ? `${r.entries.filter((e) => e.matchedResources === 0).length} matching nothing` : "match check skipped (no --inputs)",
  ].filter(Boolean);
  lines.push("", `${r.exitCode === 0 ? "ok" : "FAIL"}: ${summary.join(", ")}`);
  return lines.join("\n");
}

function toJson(r: WaiverCheckReport): unknown {
  return {
    schemaVersion: 1,
    source: r.source,
    withinDays: r.withinDays,
    maxHorizonDays: r.maxHorizonDays,
    ...(r.inputResources !== undefined ? { inputResources: r.inputResources } : {}),
    problems: r.problems.map((p) => ({ ...p, text: formatLoadProblem(p) })),
    waivers: r.entries.map((e) => ({
      index: e.waiver.origin.index,
      where: describeOrigin(e.waiver.origin),
      policy: e.waiver.policy,
      match: e.waiver.match,
      reason: e.waiver.reason,
      expires: e.waiver.expires.toISOString(),
      expiresText: e.waiver.expiresText,
      category: e.waiver.category,
      ...(e.waiver.approvedBy ? { approvedBy: e.waiver.approvedBy } : {}),
      ...(e.waiver.ticket ? { ticket: e.waiver.ticket } : {}),
      status: e.status,
      daysLeft: e.daysLeft,
      unknownPolicy: e.unknownPolicy,
      ...(e.matchedResources !== undefined ? { matchedResources: e.matchedResources } : {}),
    })),
    exitCode: r.exitCode,
  };
}
