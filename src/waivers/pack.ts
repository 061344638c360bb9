/**
 * The pack side of waivers: a module-level store that the `carbonguard-waivers` policy fills from
 * its config (it runs first for every resource and stack, see ./policy.ts) and that every rule's
 * adapter consults before reporting (src/pack/crossguard.ts).
 *
 * Sources, merged; a problem in any of them fails the whole set closed:
 *   - `carbonguard-waivers` config: `waivers` (inline list) and `file` (a path),
 *   - the environment: `CARBONGUARD_WAIVERS=<file>[:<file>…]` (the pack inherits the CLI's environment).
 * Relative paths resolve against `$PWD`, the directory `pulumi` was started from; the pack process
 * itself runs with its cwd set to the pack directory, which is never what a user means.
 */
import { isAbsolute, resolve, delimiter } from "node:path";
import type { Finding } from "../engine/rule";
import type { TagValue } from "../engine/view";
import { evaluateWaivers, waivedMessage, waiverProblemMessage } from "./apply";
import { completeTarget } from "./match";
import { EMPTY_WAIVER_SET, loadWaiverFile, mergeWaiverSets, waiverOptions, waiverSetFromEntries } from "./load";
import type { WaiverLoadProblem, WaiverSet } from "./types";

export const WAIVERS_POLICY = "carbonguard-waivers";
export const WAIVERS_ENV = "CARBONGUARD_WAIVERS";
export const INLINE_SOURCE = `policy config ${WAIVERS_POLICY}.waivers`;

type Env = Readonly<Record<string, string | undefined>>;

/** A path as the user wrote it, resolved against the user's shell directory ($PWD), not the pack's cwd. */
export function resolveUserPath(path: string, env: Env = process.env): string {
  if (isAbsolute(path)) return path;
  const base = env["PWD"] && isAbsolute(env["PWD"]) ? env["PWD"] : process.cwd();
  return resolve(base, path);
}

interface Store {
  configKey: string | undefined;
  /** The config's waivers; `configSet.options` are the options every waiver is judged by. */
  configSet: WaiverSet;
  envKey: string | undefined;
  envSet: WaiverSet;
  /** `configSet` and `envSet` merged, and the two it was merged from. */
  merged: { readonly configSet: WaiverSet; readonly envSet: WaiverSet; readonly set: WaiverSet } | undefined;
}

const store: Store = { configKey: undefined, configSet: EMPTY_WAIVER_SET, envKey: undefined, envSet: EMPTY_WAIVER_SET, merged: undefined };

/** For tests: forget everything loaded. */
export function resetPackWaivers(): void {
  store.configKey = undefined;
  store.configSet = EMPTY_WAIVER_SET;
  store.envKey = undefined;
  store.envSet = EMPTY_WAIVER_SET;
  store.merged = undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The `carbonguard-waivers` policy config (`waivers`, `file`, `maxHorizonDays`, `allowTagWaivers`)
 * as one set: the waivers it names, with the options it sets (`set.options`) and its own problems
 * (a bad option, an empty `file`). The pack and `carbonguard report` both read the entry with this.
 */
export function readWaiverConfig(rawConfig: unknown, env: Env = process.env): WaiverSet {
  const config = isRecord(rawConfig) ? rawConfig : {};
  const problems: WaiverLoadProblem[] = [];
  const configSource = `policy config ${WAIVERS_POLICY}`;

  const horizon = config["maxHorizonDays"];
  const tags = config["allowTagWaivers"];
  if (horizon !== undefined && !(typeof horizon === "number" && Number.isFinite(horizon) && horizon > 0)) problems.push({ source: configSource, message: "maxHorizonDays must be a positive number" });
  if (tags !== undefined && typeof tags !== "boolean") problems.push({ source: configSource, message: "allowTagWaivers must be true or false" });
  const options = waiverOptions({
    ...(typeof horizon === "number" ? { maxHorizonDays: horizon } : {}),
    ...(typeof tags === "boolean" ? { allowTagWaivers: tags } : {}),
  });

  const sets: WaiverSet[] = [];
  if (config["waivers"] !== undefined) sets.push(waiverSetFromEntries(config["waivers"], INLINE_SOURCE, options));
  const file = config["file"];
  if (file !== undefined) {
    if (typeof file === "string" && file.trim() !== "") sets.push(loadWaiverFile(resolveUserPath(file.trim(), env), options));
    else problems.push({ source: configSource, message: "file must be a non-empty path" });
  }
  if (problems.length) sets.push({ waivers: [], problems, sources: [configSource], options });
  return mergeWaiverSets(sets, options);
}

/**
 * The `carbonguard-waivers` entry of a whole `--policy-pack-config` document, as the policy's
 * `getConfig()` sees it in the pack: its properties, without `enforcementLevel`. Undefined when the
 * entry (or `all`) disables the policy: the pack then never runs it, so its config loads nothing.
 */
export function waiverConfigEntry(policyPackConfig: unknown): Record<string, unknown> | undefined {
  if (!isRecord(policyPackConfig)) return undefined;
  const entry = policyPackConfig[WAIVERS_POLICY];
  const level = typeof entry === "string" ? entry : isRecord(entry) && entry["enforcementLevel"] !== undefined ? entry["enforcementLevel"] : policyPackConfig["all"];
  if (level === "disabled" || !isRecord(entry)) return undefined;
  const { enforcementLevel: _level, ...properties } = entry;
  return properties;
}

/** The waiver files `$CARBONGUARD_WAIVERS` names (`<file>[:<file>…]`), resolved against $PWD. */
export function envWaiverFiles(env: Env = process.env): string[] {
  return (env[WAIVERS_ENV] ?? "")
    .split(delimiter)
    .map((f) => f.trim())
    .filter((f) => f !== "")
    .map((f) => resolveUserPath(f, env));
}

/**
 * Loads the `carbonguard-waivers` policy config into the store (cheap when unchanged: the CLI
 * configures once per run, and this runs per resource). Never throws.
 */
export function configurePackWaivers(rawConfig: unknown, env: Env = process.env): void {
  let key: string;
  try {
    key = JSON.stringify(rawConfig ?? {}) + "\u0000" + (env["PWD"] ?? "");
  } catch {
    key = "unserializable";
  }
  if (key === store.configKey) return;
  store.configKey = key;
  store.configSet = readWaiverConfig(rawConfig, env);
}

function envSet(env: Env): WaiverSet {
  const raw = env[WAIVERS_ENV] ?? "";
  const key = raw + "\u0000" + (env["PWD"] ?? "");
  if (key !== store.envKey) {
    store.envKey = key;
    store.envSet = mergeWaiverSets(envWaiverFiles(env).map((f) => loadWaiverFile(f)));
  }
  return store.envSet;
}

/** Every waiver the pack currently knows (config + environment), with the config's options. */
export function currentPackWaivers(env: Env = process.env): WaiverSet {
  const configSet = store.configSet;
  const envPart = envSet(env);
  // Asked for every finding: merged again only when either part changed.
  if (store.merged?.configSet !== configSet || store.merged.envSet !== envPart) {
    store.merged = { configSet, envSet: envPart, set: mergeWaiverSets([configSet, envPart], configSet.options) };
  }
  return store.merged.set;
}

/** What the pack knows about the resource a finding is about. */
export interface PackTarget {
  readonly urn?: string;
  readonly type?: string;
  readonly name?: string;
  readonly tags?: ReadonlyMap<string, TagValue>;
}

/**
 * A finding as the pack reports it: waived → advisory with "Waived until … by …: reason";
 * a waiver that did not apply → full level, and the message says why. Never throws.
 */
export function applyPackWaivers(policy: string, finding: Finding, target: PackTarget, now: Date = new Date(), env: Env = process.env): Finding {
  try {
    const set = currentPackWaivers(env);
    if (set.waivers.length === 0 && set.problems.length === 0 && !(target.tags && hasTagLike(target.tags))) return finding;
    // The URN is authoritative for stack and project; the language host's env is the fallback.
    const resolved = completeTarget({
      policy,
      ...(target.urn !== undefined ? { urn: target.urn } : {}),
      ...(target.type !== undefined ? { type: target.type } : {}),
      ...(target.name !== undefined ? { name: target.name } : {}),
      ...(target.tags !== undefined ? { tags: target.tags } : {}),
    });
    const stack = resolved.stack ?? (env["PULUMI_NODEJS_STACK"] || undefined);
    const project = resolved.project ?? (env["PULUMI_NODEJS_PROJECT"] || undefined);
    const outcome = evaluateWaivers({ ...resolved, ...(stack ? { stack } : {}), ...(project ? { project } : {}) }, set, now);
    if (outcome.state === "waived") return { ...finding, level: "advisory", message: waivedMessage(outcome.waived, finding.message) };
    if (outcome.state === "problem") return { ...finding, message: waiverProblemMessage(outcome.problem, finding.message) };
    return finding;
  } catch (error) {
    // A bug here must not waive anything nor crash the run: report at full level, say so.
    const what = error instanceof Error ? error.name : "error";
    return { ...finding, message: `Waivers not applied (internal ${what} in carbonguard's waiver check; please report it); the finding applies at its full level. ${finding.message}` };
  }
}

function hasTagLike(tags: ReadonlyMap<string, TagValue>): boolean {
  for (const key of tags.keys()) if (key.startsWith("carbonguard-waiver")) return true;
  return false;
}
