/**
 * Where a resource runs: its own property, else its provider's, else the stack's config.
 *
 * The order matters and mirrors the providers: AWS provider v7 lets a resource override the
 * provider's region with its own `region` input; GCP resources carry `location`/`zone`/`region`.
 */
import type { Cloud } from "../data/types";
import { resolveRegion } from "../data/regions";
import { type PlainObject, type PlainValue, isRecord, readString, stringEntries } from "./values";

export type RegionSource = "resource" | "provider" | "stack-config";

export type RegionResolution =
  | { readonly state: "known"; readonly region: string; readonly zone?: string; readonly source: RegionSource; readonly path: string }
  /** The value exists but is unknown until the update runs (preview) or is a secret. */
  | { readonly state: "unknown"; readonly source: RegionSource; readonly path: string }
  /** A value that names no region we know, e.g. a multi-region ("US") or a new region. */
  | { readonly state: "unrecognized"; readonly value: string | undefined; readonly source: RegionSource; readonly path: string }
  | { readonly state: "absent" };

/** Resource properties that name a location, per cloud, in the order providers give them precedence. */
const RESOURCE_KEYS: Readonly<Record<Cloud, readonly string[]>> = {
  aws: ["region", "availabilityZone"],
  gcp: ["region", "location", "zone"],
};

const PROVIDER_KEYS: Readonly<Record<Cloud, readonly string[]>> = {
  aws: ["region"],
  gcp: ["region", "zone"],
};

const STACK_CONFIG_KEYS: Readonly<Record<Cloud, readonly string[]>> = {
  aws: ["aws:region"],
  gcp: ["gcp:region", "gcp:zone"],
};

export interface RegionInputs {
  readonly cloud: Cloud;
  readonly props: PlainObject;
  readonly providerProps?: PlainObject | undefined;
  /** Stack config as the language host passes it: `{"aws:region": "us-east-1"}`. */
  readonly stackConfig?: Readonly<Record<string, string>> | undefined;
}

export function resolveResourceRegion(inputs: RegionInputs): RegionResolution {
  const { cloud } = inputs;
  const fromResource = fromProps(cloud, inputs.props, RESOURCE_KEYS[cloud], "resource");
  if (fromResource) return fromResource;
  if (inputs.providerProps) {
    const fromProvider = fromProps(cloud, inputs.providerProps, PROVIDER_KEYS[cloud], "provider");
    if (fromProvider) return fromProvider;
  }
  const config = inputs.stackConfig ?? {};
  for (const key of STACK_CONFIG_KEYS[cloud]) {
    const value = configValue(config, key);
    if (value !== undefined && value !== "") return classify(cloud, value, "stack-config", key);
  }
  return { state: "absent" };
}

function fromProps(cloud: Cloud, props: PlainValue, keys: readonly string[], source: RegionSource): RegionResolution | undefined {
  for (const key of keys) {
    const r = readString(props, [key]);
    if (r.state === "opaque") return { state: "unknown", source, path: r.path };
    if (r.state === "value" && r.value.trim() !== "") return classify(cloud, r.value, source, r.path);
  }
  return undefined;
}

function classify(cloud: Cloud, raw: string, source: RegionSource, path: string): RegionResolution {
  const value = raw.trim();
  const region = resolveRegion(cloud, value);
  if (region === undefined) return { state: "unrecognized", value, source, path };
  return region === value.toLowerCase()
    ? { state: "known", region, source, path }
    : { state: "known", region, zone: value, source, path };
}

/**
 * Config keys arrive as `aws:region` from current language hosts and as `aws:config:region` from
 * older ones (see pulumi-language-nodejs `constructConfig`); accept both.
 */
function configValue(config: Readonly<Record<string, string>>, key: string): string | undefined {
  const direct = config[key];
  if (typeof direct === "string") return direct;
  const [ns, name] = key.split(":");
  const legacy = config[`${ns}:config:${name}`];
  return typeof legacy === "string" ? legacy : undefined;
}

/** Parses `PULUMI_CONFIG` (set by the language host for the policy-pack process). */
export function stackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env["PULUMI_CONFIG"];
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? stringEntries(parsed) : {};
  } catch {
    return {};
  }
}
