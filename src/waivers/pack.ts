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
import { DEFAULT_WAIVER_OPTIONS, type WaiverLoadProblem, type WaiverOptions, type WaiverSet } from "./types";

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
  configSet: WaiverSet;
  options: WaiverOptions;
  envKey: string | undefined;
  envSet: WaiverSet;
}

const store: Store = { configKey: undefined, configSet: EMPTY_WAIVER_SET, options: DEFAULT_WAIVER_OPTIONS, envKey: undefined, envSet: EMPTY_WAIVER_SET };

/** For tests: forget everything loaded. */
export function resetPackWaivers(): void {
  store.configKey = undefined;
  store.configSet = EMPTY_WAIVER_SET;
  store.options = DEFAULT_WAIVER_OPTIONS;
  store.envKey = undefined;
  store.envSet = EMPTY_WAIVER_SET;
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
  const config = rawConfig !== null && typeof rawConfig === "object" && !Array.isArray(rawConfig) ? (rawConfig as Record<string, unknown>) : {};
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
  store.options = options;
  store.configSet = mergeWaiverSets(sets, options);
}

function envSet(env: Env): WaiverSet {
  const raw = env[WAIVERS_ENV] ?? "";
  const key = raw + "\u0000" + (env["PWD"] ?? "");
  if (key !== store.envKey) {
    store.envKey = key;
    const files = raw.split(delimiter).map((f) => f.trim()).filter((f) => f !== "");
    store.envSet = mergeWaiverSets(files.map((f) => loadWaiverFile(resolveUserPath(f, env))));
  }
  return store.envSet;
}

/** Every waiver the pack currently knows (config + environment), with the config's options. */
export function currentPackWaivers(env: Env = process.env): WaiverSet {
  return mergeWaiverSets([store.configSet, envSet(env)], store.options);
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
