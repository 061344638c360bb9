// The accelerator policies (ml-workload-declared, accelerator-fits-workload,
// accelerator-current-generation) through the real pack at policies/, booted and driven over the
// Analyzer gRPC protocol as the Pulumi CLI does. Requires `npx tsc -p tsconfig.json` first
// (`npm test` builds).

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lookupInstanceType } from "../../src/data/accelerators";
import {
    POLICIES_DIR,
    startSession,
    testUrn,
    unknown,
    type AnalyzeDiagnostic,
    type AnalyzeResource,
    type Session,
} from "./index";

const DECLARED = "ml-workload-declared";
const FITS = "accelerator-fits-workload";
const GENERATION = "accelerator-current-generation";
const MINE = [DECLARED, FITS, GENERATION];

const AWS_PROVIDER = (region: string) => ({
    urn: testUrn("pulumi:providers:aws", "default_7_48_0"),
    type: "pulumi:providers:aws",
    properties: { region },
});
const GCP_PROVIDER = (region: string) => ({
    urn: testUrn("pulumi:providers:gcp", "default_9_37_0"),
    type: "pulumi:providers:gcp",
    properties: { region },
});

function resource(type: string, name: string, properties: Record<string, unknown>, provider?: AnalyzeResource["provider"]): AnalyzeResource {
    return { urn: testUrn(type, name), type, name, properties, ...(provider ? { provider } : {}) };
}

const byPolicy = (ds: AnalyzeDiagnostic[], name: string) => ds.filter((d) => d.policyName === name);
const mine = (ds: AnalyzeDiagnostic[]) => ds.filter((d) => MINE.includes(d.policyName));

/** Every `name: N×Model, P` a suggestion lists after the arrow. */
/** The types a short-form message suggests: "switch to <type>", then "Also: <type>, <type> or <type>." */
function suggestedTypes(message: string): string[] {
    const first = /switch to ((?:ml\.)?[a-z0-9-]+\.[a-z0-9]+|[a-z0-9-]+)[.,]/.exec(message)?.[1];
    const also = /Also(?: current)?: (.*?)\.(?: |$)/.exec(message)?.[1];
    return [...(first ? [first] : []), ...(also ? also.split(/, | or /) : [])];
}

describe("accelerator policies in the real pack (no stack tags)", () => {
    let session: Session;

    beforeAll(async () => {
        session = await startSession({
            packDir: POLICIES_DIR,
            stack: "dev",
            project: "carbonguard-test",
            organization: "acme",
            dryRun: true,
            stackConfig: { "aws:region": "us-east-1", "gcp:region": "us-central1" },
        });
    });

    afterAll(async () => {
        await session?.close();
    });

    it("serves the three policies as advisory resource policies with their config schemas", () => {
        for (const name of MINE) {
            const p = session.info.policies.find((x) => x.name === name);
            expect(p, name).toBeDefined();
            expect(p).toMatchObject({ policyType: "resource", enforcementLevel: "advisory" });
        }
        expect(session.config[DECLARED]?.properties).toEqual({ workloadTagKey: "ml-workload", requiredTags: [] });
        expect(session.config[FITS]?.properties).toEqual({ workloadTagKey: "ml-workload", allowedTypes: {} });
        expect(session.config[GENERATION]?.properties).toEqual({ minimumGeneration: "current", workloadTagKey: "ml-workload" });
    });

    it("SageMaker endpoint on ml.p4d.24xlarge tagged inference: violation suggesting inference-class types offered in us-east-1", async () => {
        const res = await session.analyze(
            resource(
                "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
                "llm",
                { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.p4d.24xlarge", initialInstanceCount: 1 }], tags: { "ml-workload": "inference" } },
                AWS_PROVIDER("us-east-1"),
            ),
        );
        const [d] = byPolicy(res.diagnostics, FITS);
        expect(d).toBeDefined();
        expect(d!.enforcementLevel).toBe("advisory");
        expect(d!.message).toContain("runs inference on ml.p4d.24xlarge (8×A100), a training-class node; switch to ml.g6.xlarge.");
        expect(d!.message).not.toMatch(/https?:|\bE\d\d\b/);
        const suggested = suggestedTypes(d!.message);
        expect(suggested.length).toBeGreaterThanOrEqual(3);
        for (const t of suggested) {
            const info = lookupInstanceType("aws", t);
            expect(info, t).toBeDefined();
            expect(info!.regions, t).toContain("us-east-1");
            expect(["inference", "both"], t).toContain(info!.workloadClass);
            expect(info!.generation, t).toBe("current");
            expect(info!.sagemaker?.hosting, t).toBe(true);
        }
        // The resource is tagged and current-generation: the other two stay silent.
        expect(byPolicy(res.diagnostics, DECLARED)).toEqual([]);
        expect(byPolicy(res.diagnostics, GENERATION)).toEqual([]);
    });

    it("ml.inf2.xlarge for training: violation", async () => {
        const res = await session.analyze(
            resource("aws:sagemaker/trainingJob:TrainingJob", "finetune", {
                resourceConfig: { instanceType: "ml.inf2.xlarge", instanceCount: 1, volumeSizeInGb: 50 },
                tags: { "ml-workload": "training" },
            }),
        );
        const [d] = byPolicy(res.diagnostics, FITS);
        expect(d).toBeDefined();
        expect(d!.message).toContain("inference-only chip");
        expect(d!.message).toContain("ml.trn1.2xlarge");
        expect(d!.enforcementLevel).toBe("advisory");
    });

    it("GKE node pool n1 + nvidia-tesla-k80: legacy violation, retired, no regional suggestion", async () => {
        const res = await session.analyze(
            resource("gcp:container/nodePool:NodePool", "old-pool", {
                location: "us-central1-a",
                nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-k80", count: 2 }], resourceLabels: { "ml-workload": "training" } },
            }),
        );
        const [d] = byPolicy(res.diagnostics, GENERATION);
        expect(d).toBeDefined();
        expect(d!.message).toContain("uses nvidia-tesla-k80 (K80 2014), a legacy accelerator that is retired; move to a current family.");
        expect(d!.message).toContain("a3 (NVIDIA H100) for training");
        expect(d!.message).not.toContain("→");
        // Still legacy with minimumGeneration "previous".
        try {
            await session.reconfigure({ [GENERATION]: { minimumGeneration: "previous" } });
            const again = await session.analyze(
                resource("gcp:container/nodePool:NodePool", "old-pool", {
                    location: "us-central1-a",
                    nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-k80", count: 2 }] },
                }),
            );
            expect(byPolicy(again.diagnostics, GENERATION)[0]?.message).toContain("legacy accelerator");
        } finally {
            await session.reconfigure(undefined);
        }
    });

    it("g4dn tagged inference with minimumGeneration: current: violation suggesting g6; none with previous", async () => {
        const g4dn = resource("aws:ec2/instance:Instance", "serving", { instanceType: "g4dn.xlarge", tags: { "ml-workload": "inference" } }, AWS_PROVIDER("us-east-1"));
        try {
            await session.reconfigure({ [GENERATION]: { minimumGeneration: "current" } });
            const res = await session.analyze(g4dn);
            const [d] = byPolicy(res.diagnostics, GENERATION);
            expect(d).toBeDefined();
            expect(d!.message).toContain("previous-generation");
            expect(d!.message).toContain("uses g4dn.xlarge (T4 2018), a previous-generation accelerator; switch to g6.xlarge");
            expect(suggestedTypes(d!.message)[0]).toBe("g6.xlarge");

            await session.reconfigure({ [GENERATION]: { minimumGeneration: "previous" } });
            expect(byPolicy((await session.analyze(g4dn)).diagnostics, GENERATION)).toEqual([]);
        } finally {
            await session.reconfigure(undefined);
        }
    });

    it("untagged p5.48xlarge: ml-workload-declared violation (fit not applicable without a workload)", async () => {
        const res = await session.analyze(resource("aws:ec2/instance:Instance", "trainer", { instanceType: "p5.48xlarge" }, AWS_PROVIDER("us-east-1")));
        const [d] = byPolicy(res.diagnostics, DECLARED);
        expect(d).toBeDefined();
        expect(d!.message).toContain("declares no ML workload");
        expect(d!.message).toContain("carries accelerators but declares no ML workload; set the tag ml-workload in `tags`.");
        expect(d!.enforcementLevel).toBe("advisory");
        expect(byPolicy(res.diagnostics, FITS)).toEqual([]);
        expect(res.notApplicable.map((n) => n.policyName)).toContain(FITS);
    });

    it("requiredTags from the policy config: a missing team tag is reported", async () => {
        try {
            await session.reconfigure({ [DECLARED]: { requiredTags: ["team"] } });
            const res = await session.analyze(resource("aws:ec2/instance:Instance", "trainer", { instanceType: "p5.48xlarge", tags: { "ml-workload": "training" } }));
            expect(byPolicy(res.diagnostics, DECLARED)[0]?.message).toContain("lacks the required tag team");
            const ok = await session.analyze(resource("aws:ec2/instance:Instance", "trainer", { instanceType: "p5.48xlarge", tags: { "ml-workload": "training", team: "search" } }));
            expect(byPolicy(ok.diagnostics, DECLARED)).toEqual([]);
        } finally {
            await session.reconfigure(undefined);
        }
    });

    it("a3-highgpu-8g for training: none of the accelerator policies fires", async () => {
        const res = await session.analyze(
            resource("gcp:compute/instance:Instance", "trainer", { zone: "europe-north1-b", machineType: "a3-highgpu-8g", labels: { "ml-workload": "training" } }, GCP_PROVIDER("europe-north1")),
        );
        expect(mine(res.diagnostics)).toEqual([]);
    });

    it("instance type unknown in preview: the SDK's advisory can't-evaluate, no crash", async () => {
        const res = await session.analyze(
            resource("aws:ec2/instance:Instance", "computed", { instanceType: unknown("string"), tags: { "ml-workload": "inference" } }, AWS_PROVIDER("us-east-1")),
        );
        for (const name of [FITS, GENERATION]) {
            const [d] = byPolicy(res.diagnostics, name);
            expect(d, name).toBeDefined();
            expect(d!.enforcementLevel).toBe("advisory");
            expect(d!.message).toBe(`can't run policy '${name}' from policy pack 'carbonguard@v0.1.0' during preview: string value at .instanceType can't be known during preview`);
        }
        // Tagged: the declaration holds whatever the type turns out to be.
        expect(byPolicy(res.diagnostics, DECLARED)).toEqual([]);

        const untagged = await session.analyze(
            resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "computed", { productionVariants: [{ variantName: "main", instanceType: unknown("string") }] }),
        );
        for (const name of MINE) {
            const [d] = byPolicy(untagged.diagnostics, name);
            expect(d, name).toBeDefined();
            expect(d!.enforcementLevel).toBe("advisory");
            expect(d!.message).toMatch(/^can't run policy '[a-z-]+' from policy pack 'carbonguard@v0\.1\.0' during preview: string value at .* can't be known during preview$/);
        }
        expect(session.client.running).toBe(true);
    });

    it("a type the catalog does not know but that looks accelerated: low-severity advisory, not CPU", async () => {
        const res = await session.analyze(resource("aws:ec2/instance:Instance", "future", { instanceType: "p9.96xlarge", tags: { "ml-workload": "inference" } }));
        for (const name of [FITS, GENERATION]) {
            const [d] = byPolicy(res.diagnostics, name);
            expect(d, name).toBeDefined();
            expect(d).toMatchObject({ enforcementLevel: "advisory", severity: "low" });
            expect(d!.message).toContain("p9.96xlarge, which looks like an accelerated type");
        }
        const untagged = await session.analyze(resource("aws:ec2/instance:Instance", "future", { instanceType: "p9.96xlarge" }));
        expect(byPolicy(untagged.diagnostics, DECLARED)[0]?.message).toContain("declares no ML workload");
    });

    it('{"all": "mandatory"} raises the three policies', async () => {
        try {
            await session.reconfigure({ all: "mandatory" });
            const res = await session.analyze(
                resource(
                    "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
                    "old",
                    { productionVariants: [{ variantName: "main", instanceType: "ml.p3.16xlarge" }] },
                    AWS_PROVIDER("us-east-1"),
                ),
            );
            for (const name of MINE) expect(byPolicy(res.diagnostics, name)[0]?.enforcementLevel, name).toBe("mandatory");
        } finally {
            await session.reconfigure(undefined);
        }
    });

    it("accepts allowedTypes in a policy config and applies it", async () => {
        try {
            await session.reconfigure({ [FITS]: { allowedTypes: { inference: ["g6.*", "inf2.*"] } } });
            const res = await session.analyze(resource("aws:eks/nodeGroup:NodeGroup", "serving", { instanceTypes: ["g5.2xlarge"], tags: { "ml-workload": "inference" } }, AWS_PROVIDER("eu-west-2")));
            const [d] = byPolicy(res.diagnostics, FITS);
            expect(d?.message).toContain("not in allowedTypes.inference");
            const ok = await session.analyze(resource("aws:eks/nodeGroup:NodeGroup", "serving", { instanceTypes: ["g6.2xlarge"], tags: { "ml-workload": "inference" } }, AWS_PROVIDER("eu-west-2")));
            expect(byPolicy(ok.diagnostics, FITS)).toEqual([]);
        } finally {
            await session.reconfigure(undefined);
        }
    });
});

describe("accelerator policies with the stack tag ml-workload=training", () => {
    let session: Session;

    beforeAll(async () => {
        session = await startSession({
            packDir: POLICIES_DIR,
            stack: "train",
            project: "carbonguard-test",
            dryRun: true,
            stackConfig: { "aws:region": "us-east-1" },
            stackTags: { "ml-workload": "training" },
        });
    });

    afterAll(async () => {
        await session?.close();
    });

    it("the stack tag satisfies the declaration, and training on p5.48xlarge fits", async () => {
        const res = await session.analyze(resource("aws:ec2/instance:Instance", "trainer", { instanceType: "p5.48xlarge" }));
        expect(mine(res.diagnostics)).toEqual([]);
    });

    it("a resource's own tag overrides the stack tag", async () => {
        const res = await session.analyze(resource("aws:ec2/instance:Instance", "server", { instanceType: "p5.48xlarge", tags: { "ml-workload": "inference" } }));
        expect(byPolicy(res.diagnostics, FITS)[0]?.message).toContain("runs inference on");
    });

    it("a SageMaker endpoint in a training stack is still checked as inference (its type implies it)", async () => {
        const res = await session.analyze(
            resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "eval", { productionVariants: [{ variantName: "main", instanceType: "ml.p5.48xlarge" }] }),
        );
        expect(byPolicy(res.diagnostics, DECLARED)).toEqual([]);
        expect(byPolicy(res.diagnostics, FITS)[0]?.message).toContain("runs inference on");
    });
});
