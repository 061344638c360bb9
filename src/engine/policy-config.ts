/**
 * The `--policy-pack-config` file format, for front ends without the Pulumi CLI (reports,
 * `carbonguard estimate`): `{"all": level, "<policy>": level | {"enforcementLevel": level, …props}}`.
 *
 * Resolution mirrors the CLI (pkg/resource/analyzer/config.go): a policy's level is its own entry's
 * level, else `all`, else the policy's default; properties are validated against the policy's
 * schema and defaults filled in. Problems are reported, naming the file, policy and property.
 */
import { readFileSync } from "node:fs";
import { applyConfigSchema } from "./config";
import type { AnyRule, EnforcementLevel } from "./rule";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedPolicyConfig {
  readonly level: EnforcementLevel;
  /** Properties with schema defaults applied (what `getConfig()` returns in the pack). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export class PolicyConfigFileError extends Error {
  override readonly name = "PolicyConfigFileError";
}

export function loadPolicyConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PolicyConfigFileError(`policy config ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PolicyConfigFileError(`policy config ${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** Resolves every rule's level and properties; throws a `PolicyConfigFileError` listing every problem. */
export function resolvePolicyConfig(rules: readonly AnyRule[], raw: unknown, source = "policy config"): Map<string, ResolvedPolicyConfig> {
  const problems: string[] = [];
  const config = raw === undefined || raw === null ? {} : raw;
  if (typeof config !== "object" || Array.isArray(config)) throw new PolicyConfigFileError(`${source}: expected a JSON object of policy names`);
  const entries = config as Record<string, unknown>;
  const known = new Set(rules.map((r) => r.meta.name));
  for (const key of Object.keys(entries)) {
    if (key !== "all" && !known.has(key) && !key.startsWith("carbonguard-")) problems.push(`${key}: no such policy in carbonguard`);
  }
  let allLevel: EnforcementLevel | undefined;
  if (entries["all"] !== undefined) {
    if (LEVELS.includes(entries["all"] as EnforcementLevel)) allLevel = entries["all"] as EnforcementLevel;
    else problems.push(`all: must be one of ${LEVELS.join(", ")}`);
  }
  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const rule of rules) {
    const entry = entries[rule.meta.name];
    let level: EnforcementLevel = allLevel ?? rule.meta.defaultLevel;
    let props: Record<string, unknown> = {};
    if (typeof entry === "string") {
      if (LEVELS.includes(entry as EnforcementLevel)) level = entry as EnforcementLevel;
      else problems.push(`${rule.meta.name}: level must be one of ${LEVELS.join(", ")}`);
    } else if (entry !== undefined && entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      const { enforcementLevel, ...rest } = entry as Record<string, unknown>;
      if (enforcementLevel !== undefined) {
        if (LEVELS.includes(enforcementLevel as EnforcementLevel)) level = enforcementLevel as EnforcementLevel;
        else problems.push(`${rule.meta.name}: enforcementLevel must be one of ${LEVELS.join(", ")}`);
      }
      for (const key of Object.keys(rest)) {
        if (!(key in rule.meta.configSchema.properties)) problems.push(`${rule.meta.name}: unknown property ${key}`);
      }
      props = rest;
    } else if (entry !== undefined) {
      problems.push(`${rule.meta.name}: expected a level or an object`);
    }
    const parsed = applyConfigSchema(rule.meta.configSchema, props);
    for (const p of parsed.problems) problems.push(`${rule.meta.name}: ${p.property}: ${p.problem}`);
    resolved.set(rule.meta.name, { level, properties: parsed.values });
  }
  if (problems.length > 0) throw new PolicyConfigFileError(`${source}:\n  ${problems.join("\n  ")}`);
  return resolved;
}
