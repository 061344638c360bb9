// One answer for secrets in both front ends (docs/secrets.md): a value stored as a secret is never
// read. The pack (booted as the CLI boots it, secrets sent in the engine's wire form) and the report
// (the same resource as state stores it: ciphertext) both say "can't evaluate" for the policy that
// needs it, naming the property, never the value; policies that don't need it are unaffected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePolicyConfig } from "../../src/engine/policy-config";
import { evaluateStackResources } from "../../src/report/evaluate-stack";
import { RULES } from "../../src/rules";
import { type AnalyzeResource, POLICIES_DIR, SECRET_SIG, SPECIAL_SIG_KEY, type Session, secret, startSession, testUrn } from "./index";

const PLANTED = "ml.g6.xlarge";
const type = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const providerUrn = testUrn("pulumi:providers:aws", "default");

/** The same endpoint config with `instanceType` (or the provider's region) a secret. */
function resource(secretField: "instanceType" | "region"): { wire: AnalyzeResource; state: { inputs: Record<string, unknown>; providerProps: Record<string, unknown> } } {
  type Wrap = (v: string, field: string) => unknown;
  const wrap: Wrap = (v, field) => (field === secretField ? secret(v) : v);
  const cipher: Wrap = (v, field) => (field === secretField ? { [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: "v1:ZW5jcnlwdGVk" } : v);
  const props = (w: Wrap) => ({ productionVariants: [{ variantName: "main", modelName: "llm", instanceType: w(PLANTED, "instanceType"), initialInstanceCount: 1 }], tags: { "ml-workload": "inference" } });
  return {
    wire: {
      urn: testUrn(type, `s-${secretField}`),
      type,
      name: `s-${secretField}`,
      properties: props(wrap),
      provider: { urn: providerUrn, type: "pulumi:providers:aws", name: "default", properties: { region: wrap("us-east-1", "region") } },
    },
    state: { inputs: props(cipher), providerProps: { region: cipher("us-east-1", "region") } },
  };
}

type Verdict = "violation:mandatory" | "violation:advisory" | "cannot-evaluate";

let session: Session;
beforeAll(async () => {
  session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: false });
});
afterAll(async () => session?.close());

async function packVerdicts(r: AnalyzeResource, hidden?: string): Promise<Map<string, Verdict>> {
  const { diagnostics } = await session.analyze(r);
  const out = new Map<string, Verdict>();
  for (const d of diagnostics) {
    if (d.policyName === "carbonguard-waivers") continue;
    if (hidden !== undefined) expect(JSON.stringify(d)).not.toContain(hidden);
    out.set(d.policyName, /^can't run policy/.test(d.message) ? "cannot-evaluate" : (`violation:${d.enforcementLevel}` as Verdict));
  }
  return out;
}

function reportVerdicts(r: ReturnType<typeof resource>): Map<string, Verdict> {
  const input = { urn: r.wire.urn, type, name: r.wire.name ?? "s", props: r.state.inputs, providerProps: r.state.providerProps };
  const { findings } = evaluateStackResources(RULES, resolvePolicyConfig(RULES, {}), { inputs: [input], outputs: [input], stack: { stackTags: new Map(), stackConfig: {} } });
  const out = new Map<string, Verdict>();
  for (const f of findings) out.set(f.policy, f.kind === "cannot-evaluate" ? "cannot-evaluate" : (`violation:${f.level}` as Verdict));
  return out;
}

describe.each(["instanceType", "region"] as const)("a secret %s", (field) => {
  it("gets the same verdict from every policy in the pack and in the report", async () => {
    const r = resource(field);
    const pack = await packVerdicts(r.wire, field === "instanceType" ? PLANTED : "us-east-1");
    const report = reportVerdicts(r);
    expect(Object.fromEntries([...pack].sort())).toEqual(Object.fromEntries([...report].sort()));
    // Policies that need the value can't evaluate it: never a pass, never evaluated from plaintext.
    expect([...pack.values()].filter((v) => v === "cannot-evaluate").length).toBeGreaterThan(0);
    if (field === "region") expect(pack.get("ml-clean-energy-region")).toBe("cannot-evaluate");
    else expect(pack.get("accelerator-current-generation") ?? pack.get("ml-autoscale-to-zero")).toBe("cannot-evaluate");
  });
});

describe("without secrets", () => {
  it("the same resource is evaluated (the mandatory region violation), in both front ends", async () => {
    const r = resource("instanceType");
    const plain: AnalyzeResource = { ...r.wire, properties: { ...r.wire.properties, productionVariants: [{ variantName: "main", modelName: "llm", instanceType: PLANTED, initialInstanceCount: 1 }] } };
    expect((await packVerdicts(plain)).get("ml-clean-energy-region")).toBe("violation:mandatory");
  });
});
