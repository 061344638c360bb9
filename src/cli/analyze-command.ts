/**
 * `carbonguard analyze`: the policy pack evaluated on stacks' state, booted exactly as the Pulumi
 * CLI boots it and driven over gRPC (Analyze per resource on inputs, AnalyzeStack on outputs).
 * What `pulumi preview --policy-pack` would say, without the Pulumi CLI.
 */
import { join } from "node:path";
import { type InputItem, readInputs } from "../inputs";
import { analyzeRecordedStack } from "../pack-host/analyze-stack";
import { startSession } from "../pack-host/session";
import { packageRoot } from "../util/package-root";
import { type ParsedArgs, UsageError, single } from "./args";
import { EXAMPLE_EXPORT } from "./example";
import { renderPolicies, summarize } from "./policy-output";

export const ANALYZE_USAGE = `carbonguard analyze <input…> [--policy-config <file>] [--stack-tag key=value]… [--config key=value]…
carbonguard analyze --example [--json]

Evaluates the carbonguard policy pack on stacks' state the way \`pulumi preview --policy-pack\`
would: the pack is booted as the Pulumi CLI boots it and every resource goes through it over gRPC.
Inputs: \`pulumi stack export\` files, \`pulumi preview --json\` files, self-managed backend folders.

  --example              the built-in example stack (stacks/examples/wasteful)
  --policy-config FILE   a --policy-pack-config file (validated as the CLI validates it)
  --stack-tag K=V        a stack tag (e.g. ml-workload=training, team=vision); repeatable
  --config K=V           stack config the pack sees (e.g. aws:region=us-east-1); repeatable
  --pack DIR             another policy pack directory (default: carbonguard's own)
  --json                 one JSON document: per stack, the policy events as the Pulumi CLI streams
                         them (policyName, policyPackName, policyPackVersion, enforcementLevel,
                         severity, resourceUrn, message)

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 usage or unreadable input.`;


function pairs(values: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export async function analyzeCommand(args: ParsedArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const root = packageRoot();
  const inputs = [...args.positionals];
  if (args.flags.has("example")) inputs.push(join(root, EXAMPLE_EXPORT));
  if (inputs.length === 0) throw new UsageError("give at least one input, or --example");
  const packDir = single(args, "pack") ?? join(root, "policies");
  const policyConfig = single(args, "policy-config");
  const stackTags = pairs(args.options.get("stack-tag"), "stack-tag");
  const extraConfig = pairs(args.options.get("config"), "config");

  const json = args.flags.has("json");
  const jsonStacks: JsonStack[] = [];
  let exit = 0;
  let stacks = 0;
  for await (const item of readInputs(inputs) as AsyncIterable<InputItem>) {
    if (item.kind === "error") {
      err(`carbonguard analyze: ${item.error.message}`);
      exit = Math.max(exit, 2);
      continue;
    }
    const snapshot = item.snapshot;
    stacks++;
    const session = await startSession({
      packDir,
      stack: snapshot.stack,
      project: snapshot.project,
      dryRun: true,
      stackConfig: { ...(snapshot.config ?? {}), ...extraConfig },
      stackTags: { ...(snapshot.stackTags ?? {}), ...stackTags },
      ...(policyConfig ? { policyConfig } : {}),
    });
    try {
      const analysis = await analyzeRecordedStack(
        session,
        snapshot.resources.map((r) => ({
          urn: r.urn,
          type: r.type,
          custom: r.custom,
          ...(r.id !== undefined ? { id: r.id } : {}),
          inputs: asRecord(r.inputs),
          outputs: asRecord(r.outputs),
          ...(r.parent !== undefined ? { parent: r.parent } : {}),
          dependencies: r.dependencies,
          propertyDependencies: r.propertyDependencies,
          ...(r.provider !== undefined ? { provider: r.provider } : {}),
        })),
      );
      if (json) {
        jsonStacks.push({
          project: snapshot.project,
          stack: snapshot.stack,
          source: snapshot.source,
          policyEvents: analysis.diagnostics.map((d) => ({
            policyName: d.policyName,
            policyPackName: d.policyPackName,
            policyPackVersion: d.policyPackVersion,
            enforcementLevel: d.enforcementLevel,
            severity: d.severity,
            resourceUrn: d.urn,
            message: d.message,
          })),
        });
      } else {
        out(`Stack ${snapshot.project}/${snapshot.stack} (${snapshot.source})`);
        out(renderPolicies(session.info.name, session.info.version, packDir, analysis.diagnostics));
        out(summarize(analysis.diagnostics, analysis.analyzed));
        out("");
      }
      if (analysis.diagnostics.some((d) => d.enforcementLevel === "mandatory")) exit = Math.max(exit, 1);
    } finally {
      await session.close();
    }
  }
  if (json) out(JSON.stringify({ stacks: jsonStacks }, null, 2));
  if (stacks === 0 && exit === 0) {
    err("carbonguard analyze: no stack found in the inputs");
    return 2;
  }
  return exit;
}

/** One stack of `analyze --json`: its policy events named as the Pulumi CLI's event stream names them. */
interface JsonStack {
  project: string;
  stack: string;
  source: string;
  policyEvents: {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    enforcementLevel: string;
    severity: string;
    resourceUrn: string;
    message: string;
  }[];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
