// Runs the compiled reference-stacks program (dist/stacks/program.js, the `main` of Pulumi.yaml)
// under Pulumi's mocks with a stack's config, and records every resource registration the way the
// engine would see it: inputs, outputs, parent, dependencies, propertyDependencies, ignoreChanges.
// Then turns the registrations into the Analyze / AnalyzeStack requests the CLI sends to a policy pack.
//
// No Pulumi CLI, no network: the mock monitor answers every registration and invoke in-process.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

import type * as PulumiModule from "@pulumi/pulumi";

import { PROJECT_ROOT, type AnalyzeResource, type ProviderResource, type StackResource } from "../harness";

/** The project name of the root Pulumi.yaml. */
export const PROJECT = "carbonguard-reference";
export const MOCK_ACCOUNT = "123456789012";
export const MOCK_GCP_PROJECT = "carbonguard-test";

// Load @pulumi/pulumi exactly as the compiled program does, so both share one runtime (one monitor).
export const requireFromRoot = createRequire(path.join(PROJECT_ROOT, "package.json"));
const pulumi = requireFromRoot("@pulumi/pulumi") as typeof PulumiModule;

export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  parent?: string;
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  ignoreChanges: string[];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface StackRun {
  stack: string;
  config: Record<string, string>;
  outputs: Record<string, unknown>;
  /** Every registration, in order (the Stack resource and components included). */
  registrations: Registration[];
  /** Custom resources only. */
  resources: Registration[];
  byName(name: string): Registration;
  ofType(type: string): Registration[];
}

// ---------------------------------------------------------------------------------------------
// Stack config files

/**
 * Reads `config:` of `Pulumi.<stack>.yaml` as the language host hands it to a program: every value
 * a string (structured values as JSON). Supports the subset the stack files use (comments, scalars,
 * quoted strings, JSON-style flow lists/maps) and throws on anything else rather than guess.
 */
export function readStackConfig(stack: string, dir: string = PROJECT_ROOT): Record<string, string> {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const out: Record<string, string> = {};
  let inConfig = false;
  for (const [i, raw] of fs.readFileSync(file, "utf8").split(/\r?\n/).entries()) {
    if (raw.trim() === "" || raw.trim().startsWith("#")) continue;
    const line = stripComment(raw);
    if (/^\S/.test(line)) {
      inConfig = /^config:\s*$/.test(line);
      continue;
    }
    if (!inConfig) continue;
    const m = /^ {2}([A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: unsupported YAML for this reader: ${JSON.stringify(raw)}`);
    const [, key, value] = m as unknown as [string, string, string];
    out[key] = parseScalar(value, `${file}:${i + 1}`);
  }
  return out;
}

/** Drops a ` # comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

function parseScalar(value: string, where: string): string {
  if (value === "") throw new Error(`${where}: empty or nested values are not supported by this reader`);
  if (value.startsWith('"')) return JSON.parse(value) as string;
  if (value.startsWith("'")) {
    if (!value.endsWith("'")) throw new Error(`${where}: unterminated string`);
    return value.slice(1, -1).replace(/''/g, "'");
  }
  if (value.startsWith("[") || value.startsWith("{")) return JSON.stringify(JSON.parse(value));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Mocks

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Outputs a provider would return: the inputs plus the computed names, ARNs, emails and URIs. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const state: Record<string, unknown> = { ...inputs };
  if (type.startsWith("aws:")) {
    const region = str(inputs["region"]) ?? "eu-north-1";
    const service = type.slice(4, type.indexOf("/"));
    if (type === "aws:s3/bucket:Bucket") {
      state["bucket"] = str(inputs["bucket"]) ?? name;
      state["arn"] = `arn:aws:s3:::${String(state["bucket"])}`;
      return state;
    }
    state["name"] ??= name;
    const global = service === "iam";
    state["arn"] ??= `arn:aws:${service}:${global ? "" : region}:${MOCK_ACCOUNT}:${type.slice(type.lastIndexOf(":") + 1).toLowerCase()}/${String(state["name"])}`;
    return state;
  }
  if (type.startsWith("gcp:")) {
    const project = str(inputs["project"]) ?? MOCK_GCP_PROJECT;
    if (type === "gcp:serviceaccount/account:Account") {
      const email = `${String(inputs["accountId"])}@${project}.iam.gserviceaccount.com`;
      return { ...state, email, name: `projects/${project}/serviceAccounts/${email}`, member: `serviceAccount:${email}` };
    }
    state["name"] ??= name;
    if (type === "gcp:cloudrunv2/service:Service") state["uri"] = `https://${name}-mock.a.run.app`;
    if (type === "gcp:storage/bucket:Bucket") state["url"] = `gs://${name}`;
    return state;
  }
  return state;
}

const mocks: PulumiModule.runtime.Mocks = {
  newResource(args) {
    if (args.custom === false) return { id: undefined, state: {} };
    const state = mockState(args.type, args.name, args.inputs as Record<string, unknown>);
    return { id: str(state["bucket"]) ?? `${args.name}-id`, state };
  },
  call(args) {
    switch (args.token) {
      case "aws:ec2/getVpc:getVpc":
        return { id: "vpc-0mock", arn: `arn:aws:ec2:eu-north-1:${MOCK_ACCOUNT}:vpc/vpc-0mock`, cidrBlock: "172.31.0.0/16", default: true, state: "available", tags: {} };
      case "aws:ec2/getSubnets:getSubnets":
        return { id: "eu-north-1", ids: ["subnet-0mocka", "subnet-0mockb", "subnet-0mockc"], filters: args.inputs.filters };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: MOCK_ACCOUNT, accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`, userId: "MOCK" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "gcp:organizations/getClientConfig:getClientConfig":
        return { id: "mock", project: MOCK_GCP_PROJECT, region: "", zone: "", accessToken: "mock-token", defaultLabels: {} };
      default:
        throw new Error(`unexpected invoke in a reference stack: ${args.token}`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Running the program

interface RpcRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getObject(): Parameters<typeof PulumiModule.runtime.deserializeProperties>[0];
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface RpcResponse {
  getUrn(): string;
  getId(): string;
}
type Monitor = { registerResource(req: RpcRequest, cb: (err: unknown, resp?: RpcResponse) => void): unknown };

/**
 * Fails fast when dist/ is older than the stack sources (the program under test is the compiled one).
 * A source is stale when it changed after both its JS and the last build (tsc --incremental does not
 * re-emit a file whose content did not change, but it does rewrite the build info).
 */
function assertBuilt(): void {
  const stale: string[] = [];
  const buildInfo = path.join(PROJECT_ROOT, "dist", ".tsbuildinfo");
  const lastBuild = fs.existsSync(buildInfo) ? fs.statSync(buildInfo).mtimeMs : 0;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const js = path.join(PROJECT_ROOT, "dist", path.relative(PROJECT_ROOT, full)).replace(/\.ts$/, ".js");
        const changed = fs.statSync(full).mtimeMs;
        if (!fs.existsSync(js) || (fs.statSync(js).mtimeMs < changed && lastBuild < changed)) stale.push(path.relative(PROJECT_ROOT, full));
      }
    }
  };
  walk(path.join(PROJECT_ROOT, "stacks"));
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.join(", ")}: run \`npm run build\` (npx tsc -p tsconfig.json) first.`);
}

/**
 * Runs dist/stacks/program.js for `stack` with its Pulumi.<stack>.yaml config under mocks, as
 * `pulumi up` would run it (not a preview: mocks give every output a known value). `overrides`
 * stand for `pulumi config set` on top of the file (`configFile: false`: a stack without a file).
 */
export async function runStack(stack: string, overrides: Record<string, string> = {}, opts: { configFile?: boolean } = {}): Promise<StackRun> {
  assertBuilt();
  const config = { ...(opts.configFile === false ? {} : readStackConfig(stack)), ...overrides };
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);

  const registrations: Registration[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList();
    });
    const inputs = pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>;
    const base = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      ignoreChanges: req.getIgnorechangesList(),
      inputs,
    };
    return original(req, (err, resp) => {
      if (!err && resp) {
        const outputs = base.custom ? mockState(base.type, base.name, inputs) : {};
        registrations.push({ ...base, urn: resp.getUrn(), ...(resp.getId() ? { id: resp.getId() } : {}), outputs });
      }
      cb(err, resp);
    });
  };

  const program = requireFromRoot(path.join(PROJECT_ROOT, "dist", "stacks", "program.js")) as () => Promise<Record<string, unknown>>;
  const outputs = ((await pulumi.runtime.runInPulumiStack(program)) ?? {}) as Record<string, unknown>;
  const settings = requireFromRoot("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();

  const resources = registrations.filter((r) => r.custom);
  const byName = (name: string): Registration => {
    const found = resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
    return found[0]!;
  };
  return { stack, config, outputs, registrations, resources, byName, ofType: (type) => resources.filter((r) => r.type === type) };
}

// ---------------------------------------------------------------------------------------------
// Analyzer requests

/**
 * The default providers the engine would create from the stack config (the SDK does not register
 * them under mocks): Analyze receives the provider's inputs, e.g. `aws:region`.
 */
export function defaultProviders(run: StackRun): Record<string, ProviderResource> {
  const providers: Record<string, ProviderResource> = {};
  for (const pkg of ["aws", "gcp"]) {
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(run.config)) {
      if (key.startsWith(`${pkg}:`)) properties[key.slice(pkg.length + 1)] = value;
    }
    const name = `default_${pkg}`;
    providers[pkg] = { urn: `urn:pulumi:${run.stack}::${PROJECT}::pulumi:providers:${pkg}::${name}`, type: `pulumi:providers:${pkg}`, name, properties };
  }
  return providers;
}

/** The resource's explicit provider (`opts.provider`, registered in this run), else the package's default one. */
export function providerFor(r: Registration, providers: Record<string, ProviderResource>, run?: StackRun): ProviderResource | undefined {
  if (!r.custom) return undefined;
  if (r.provider !== undefined && run !== undefined) {
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const explicit = run.registrations.find((x) => x.urn === urn);
    if (explicit) return { urn, type: explicit.type, name: explicit.name, properties: explicit.inputs };
  }
  const pkg = r.type.split(":")[0] ?? "";
  return providers[pkg];
}

/** Analyze requests (inputs), one per registered resource, as the engine sends them in an update. */
export function analyzeRequests(run: StackRun): AnalyzeResource[] {
  const providers = defaultProviders(run);
  return run.registrations.map((r) => {
    const provider = providerFor(r, providers, run);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      properties: r.inputs,
      ...(provider ? { provider } : {}),
      options: { ignoreChanges: r.ignoreChanges, ...(r.parent ? { parent: r.parent } : {}) },
    };
  });
}

/** The AnalyzeStack request (outputs + parent, dependencies, propertyDependencies). */
export function analyzeStackRequest(run: StackRun): StackResource[] {
  const providers = defaultProviders(run);
  return run.registrations.map((r) => {
    const provider = providerFor(r, providers, run);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      properties: r.custom ? r.outputs : r.inputs,
      ...(provider ? { provider } : {}),
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    };
  });
}
