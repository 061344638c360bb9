/**
 * Rule config: schema defaults applied by us, because the policy SDK applies none (the CLI does,
 * and the reports have no CLI). A rule must behave the same when a property is absent as with its
 * documented default.
 */
import type { ConfigPropertySchema, RuleConfigSchema } from "./rule";

export interface ConfigProblem {
  readonly property: string;
  readonly problem: string;
}

export interface ParsedConfig {
  readonly values: Record<string, unknown>;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Returns each schema property's value from `raw`, or its default. A value of the wrong type is a
 * problem (reported by `carbonguard report`; the Pulumi CLI rejects it before the pack runs) and is
 * replaced by the default so a policy never throws over it.
 */
export function applyConfigSchema(schema: RuleConfigSchema, raw: unknown): ParsedConfig {
  const source = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, prop] of Object.entries(schema.properties)) {
    const value = source[name];
    if (value === undefined || value === null) {
      if (prop.default !== undefined) values[name] = prop.default;
      continue;
    }
    const problem = checkValue(prop, value);
    if (problem) {
      problems.push({ property: name, problem });
      if (prop.default !== undefined) values[name] = prop.default;
    } else {
      values[name] = value;
    }
  }
  return { values, problems };
}

function checkValue(prop: ConfigPropertySchema, value: unknown): string | undefined {
  switch (prop.type) {
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) return `expected a number, got ${describe(value)}`;
      if (prop.type === "integer" && !Number.isInteger(value)) return `expected an integer, got ${value}`;
      if (prop.minimum !== undefined && value < prop.minimum) return `must be ≥ ${prop.minimum}`;
      if (prop.maximum !== undefined && value > prop.maximum) return `must be ≤ ${prop.maximum}`;
      break;
    case "string":
      if (typeof value !== "string") return `expected a string, got ${describe(value)}`;
      break;
    case "boolean":
      if (typeof value !== "boolean") return `expected a boolean, got ${describe(value)}`;
      break;
    case "array":
      if (!Array.isArray(value)) return `expected an array, got ${describe(value)}`;
      if (prop.items) {
        const itemType = prop.items.type;
        const bad = value.findIndex((v) => typeof v !== itemType);
        if (bad >= 0) return `item ${bad} must be a ${itemType}`;
        if (prop.items.enum) {
          const outside = value.findIndex((v) => !prop.items!.enum!.includes(v));
          if (outside >= 0) return `item ${outside} must be one of ${prop.items.enum.join(", ")}`;
        }
      }
      break;
    case "object":
      if (value === null || typeof value !== "object" || Array.isArray(value)) return `expected an object, got ${describe(value)}`;
      break;
  }
  if (prop.enum && !prop.enum.includes(value)) return `must be one of ${prop.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  return undefined;
}

/** Names the type of a bad value without echoing it (config files may sit next to secrets). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** JSON Schema for the policy SDK's `configSchema` (strips our doc-only fields). */
export function toPolicyConfigSchema(schema: RuleConfigSchema): { properties: Record<string, Record<string, unknown>>; required?: string[] } {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    properties[name] = { ...prop };
  }
  return schema.required ? { properties, required: [...schema.required] } : { properties };
}
