// Tier 2 for ml-clean-energy-region: the real pack (policies/, compiled) booted as the Pulumi CLI
// boots it, driven over gRPC with the engine's call order, config reconciliation, unknowns and secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnalyzeDiagnostic,
  type AnalyzeResource,
  POLICIES_DIR,
  PolicyConfigValidationError,
  type Session,
  secret,
  startSession,
  testUrn,
  unknown,
} from "./index";

const POLICY = "ml-clean-energy-region";
const awsProvider = (region: string) => ({ urn: testUrn("pulumi:providers:aws", `aws-${region}`), type: "pulumi:providers:aws", name: `aws-${region}`, properties: { region } });

function endpointConfig(name: string, instanceType: string, providerRegion?: string, extra: Record<string, unknown> = {}): AnalyzeResource {
  const type = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
  return {
    urn: testUrn(type, name),
    type,
    name,
    properties: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType, initialInstanceCount: 1 }], ...extra },
    ...(providerRegion ? { provider: awsProvider(providerRegion) } : {}),
  };
}

const ours = (ds: AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === POLICY);

describe("ml-clean-energy-region through gRPC, default config", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
  });
  afterAll(async () => session?.close());

  it("announces the policy with its metadata and schema defaults, as the CLI shows it", () => {
    expect(session.info.name).toBe("carbonguard");
    const policy = session.info.policies.find((p) => p.name === POLICY)!;
    expect(policy).toMatchObject({ enforcementLevel: "mandatory", severity: "high", policyType: "resource" });
    // No web address until the project has one: the page ships in the package (`carbonguard explain`).
    expect(policy.url).toBe("");
    expect(policy.remediationSteps).toContain(`\`carbonguard explain ${POLICY}\``);
    expect(policy.remediationSteps.length).toBeGreaterThan(20);
    expect(policy.configSchema?.properties["maxGridIntensity"]).toMatchObject({ type: "number", default: 150 });
    // The CLI reconciles schema defaults into the Configure call.
    expect(session.config[POLICY]?.properties).toMatchObject({ maxGridIntensity: 150, scope: "ml", residency: "continent" });
  });

  it("blocks a SageMaker GPU endpoint config in us-east-1 and names cleaner regions that offer the type", async () => {
    const { diagnostics } = await session.analyze(endpointConfig("llm", "ml.g6.xlarge", "us-east-1"));
    const [d] = ours(diagnostics);
    expect(ours(diagnostics)).toHaveLength(1);
    expect(d).toMatchObject({ enforcementLevel: "mandatory", severity: "high", policyPackName: "carbonguard" });
    expect(d!.message).toContain("us-east-1");
    expect(d!.message).toContain("418 gCO2e/kWh");
    expect(d!.message).toContain("Electricity Maps 2025");
    expect(d!.message).toContain("over the 150 g limit; move it to ca-central-1.");
    expect(d!.message).toMatch(/In North America: ca-central-1 \(41 g, −90%\)/);
    expect(d!.message).toMatch(/Saves ≈ \d+ kgCO2e\/month \(moving to ca-central-1, per instance; 418 → 41 gCO2e\/kWh\)/);
  });

  it("passes the same endpoint config in eu-north-1", async () => {
    const { diagnostics } = await session.analyze(endpointConfig("llm", "ml.g6.xlarge", "eu-north-1"));
    expect(ours(diagnostics)).toEqual([]);
  });

  it("lets a resource-level region (AWS provider v7) override the provider's", async () => {
    const inStockholm = await session.analyze(endpointConfig("a", "ml.g6.xlarge", "us-east-1", { region: "eu-north-1" }));
    expect(ours(inStockholm.diagnostics)).toEqual([]);
    const inVirginia = await session.analyze(endpointConfig("b", "ml.g6.xlarge", "eu-north-1", { region: "us-east-1" }));
    expect(ours(inVirginia.diagnostics)[0]?.message).toContain("runs in us-east-1");
  });

  it("checks a Cloud Run GPU service: us-east1 fails, europe-north1 passes", async () => {
    const type = "gcp:cloudrunv2/service:Service";
    const service = (location: string): AnalyzeResource => ({
      urn: testUrn(type, `vllm-${location}`),
      type,
      name: `vllm-${location}`,
      properties: { location, template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "img", resources: { limits: { "nvidia.com/gpu": "1", cpu: "4", memory: "16Gi" } } }] } },
    });
    const east = ours((await session.analyze(service("us-east1"))).diagnostics);
    expect(east).toHaveLength(1);
    expect(east[0]!.message).toContain("us-east1");
    expect(east[0]!.message).toContain("nvidia-l4 on Cloud Run");
    // Only regions where Cloud Run offers L4 GPUs are named.
    expect(east[0]!.message).toMatch(/europe-west1|europe-west4/);
    expect(east[0]!.message).not.toContain("europe-north1 (");
    expect(ours((await session.analyze(service("europe-north1"))).diagnostics)).toEqual([]);
  });

  it("resolves a GKE node pool whose location is a zone", async () => {
    const type = "gcp:container/nodePool:NodePool";
    const pool = (location: string): AnalyzeResource => ({ urn: testUrn(type, `gpu-${location}`), type, name: `gpu-${location}`, properties: { location, nodeConfig: { machineType: "g2-standard-8" } } });
    const zonal = ours((await session.analyze(pool("us-central1-a"))).diagnostics);
    expect(zonal[0]?.message).toContain("runs in us-central1 ");
    expect(ours((await session.analyze(pool("europe-north1-b"))).diagnostics)).toEqual([]);
  });

  it("gives an advisory can't-evaluate when the region is unknown in preview, and does not crash", async () => {
    const res = endpointConfig("later", "ml.p4d.24xlarge", undefined, { region: unknown("string") });
    const ds = ours((await session.analyze(res)).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(ds[0]!.message).toMatch(/can't run policy 'ml-clean-energy-region' from policy pack 'carbonguard@v[\d.]+' during preview: string value at \.region can't be known during preview/);
  });

  it("reports a region it has no data for at low severity instead of passing silently", async () => {
    const ds = ours((await session.analyze(endpointConfig("new", "ml.g6.xlarge", "xx-future-1"))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "advisory", severity: "low" });
    expect(ds[0]!.message).toContain("xx-future-1");
  });

  it("never echoes a secret-wrapped property value", async () => {
    const planted = "hunter2-very-secret-token-77";
    const res = endpointConfig("s", "ml.g6.xlarge", "us-east-1", {
      kmsKeyArn: secret(planted),
      tags: { owner: secret(planted) },
      productionVariants: [{ variantName: secret(planted), modelName: secret(planted), instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }],
    });
    const ds = ours((await session.analyze({ ...res, name: "s" })).diagnostics);
    expect(ds).toHaveLength(1);
    expect(JSON.stringify(ds)).not.toContain(planted);
  });

  it("marks a CPU-only resource not applicable", async () => {
    const type = "aws:ec2/instance:Instance";
    const r = await session.analyze({ urn: testUrn(type, "web"), type, name: "web", properties: { instanceType: "m7g.large" }, provider: awsProvider("us-east-1") });
    expect(ours(r.diagnostics)).toEqual([]);
    expect(r.notApplicable.map((n) => n.policyName)).toContain(POLICY);
  });
});

describe("ml-clean-energy-region through gRPC, stack config and user config", () => {
  it("takes the region from stack config (PULUMI_CONFIG) when neither resource nor provider has one", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, stackConfig: { "aws:region": "ap-southeast-2" } });
    try {
      const ds = ours((await session.analyze(endpointConfig("nb", "ml.g5.xlarge"))).diagnostics);
      expect(ds[0]?.message).toContain("ap-southeast-2");
    } finally {
      await session.close();
    }
  });

  it("applies a user config file: all advisory, a stricter limit, an allowed region", async () => {
    const session = await startSession({
      packDir: POLICIES_DIR,
      policyConfig: { all: "advisory", [POLICY]: { maxGridIntensity: 30, allowedRegions: ["ca-central-1"] } },
    });
    try {
      const stockholm = ours((await session.analyze(endpointConfig("a", "ml.g6.xlarge", "eu-north-1"))).diagnostics);
      expect(stockholm).toEqual([]);
      const paris = ours((await session.analyze(endpointConfig("b", "ml.g6.xlarge", "eu-west-3"))).diagnostics);
      expect(paris[0]).toMatchObject({ enforcementLevel: "advisory" });
      expect(paris[0]!.message).toContain("over the 30 g limit");
      expect(ours((await session.analyze(endpointConfig("c", "ml.g6.xlarge", "ca-central-1"))).diagnostics)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("rejects invalid config with the CLI's validation error", async () => {
    const attempt = startSession({ packDir: POLICIES_DIR, policyConfig: { [POLICY]: { maxGridIntensity: "high" } } });
    await expect(attempt).rejects.toBeInstanceOf(PolicyConfigValidationError);
    await expect(
      startSession({ packDir: POLICIES_DIR, policyConfig: { [POLICY]: { maxGridIntensity: "high" } } }),
    ).rejects.toThrow(/validating policy config: carbonguard [\d.]+ {2}ml-clean-energy-region: maxGridIntensity: Invalid type\. Expected: number, given: string/);
  });
});
