// Waivers through the real pack (policies/, compiled), booted as the Pulumi CLI boots it: the
// config route (--policy-pack-config, policy `carbonguard-waivers`), the env-var route
// (CARBONGUARD_WAIVERS, relative to $PWD), expiry, the horizon, invalid files, tag waivers.
// Dates are relative to now so the tests never rot.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyzeDiagnostic, type AnalyzeResource, POLICIES_DIR, PROJECT_ROOT, type Session, startSession, testUrn } from "./index";

const POLICY = "ml-clean-energy-region";
const WAIVERS = "carbonguard-waivers";
const TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "waivers");

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Always a mandatory ml-clean-energy-region violation (GPU endpoint config in us-east-1). */
function gpuEndpoint(name: string, opts: { stack?: string; project?: string; tags?: Record<string, string> } = {}): AnalyzeResource {
  return {
    urn: testUrn(TYPE, name, opts.stack ?? "dev", opts.project ?? "carbonguard-test"),
    type: TYPE,
    name,
    properties: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }], ...(opts.tags ? { tags: opts.tags } : {}) },
    provider: { urn: testUrn("pulumi:providers:aws", "aws"), type: "pulumi:providers:aws", name: "aws", properties: { region: "us-east-1" } },
  };
}

async function finding(session: Session, resource: AnalyzeResource): Promise<AnalyzeDiagnostic> {
  const ds = (await session.analyze(resource)).diagnostics.filter((d) => d.policyName === POLICY);
  expect(ds).toHaveLength(1);
  return ds[0]!;
}

const waiver = (over: Record<string, unknown>) => ({
  policy: POLICY,
  reason: "Reserved ml.g6 capacity in us-east-1 until the migration to ca-central-1.",
  approvedBy: "jane@example.com",
  ticket: "PLAT-42",
  ...over,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "carbonguard-waivers-"));
  writeFileSync(
    join(dir, "waivers.yaml"),
    [
      "waivers:",
      `  - policy: ${POLICY}`,
      "    match:",
      `      urn: "urn:pulumi:dev::carbonguard-test::${TYPE}::from-file-*"`,
      "    reason: Benchmark endpoint, deleted after the run.",
      `    expires: ${day(20)}`,
      "    approvedBy: platform-team",
      "    category: mitigated",
      "",
    ].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the waivers policy is first, so it loads before any rule reports", () => {
  it("the pack lists carbonguard-waivers first (the SDK's server runs policies in list order per call)", async () => {
    const server = readFileSync(require.resolve("@pulumi/policy/server.js"), "utf8");
    // Both RPCs walk the policies in pack order; that is what the design relies on.
    expect(server.match(/for \(const p of policies\) \{/g)?.length).toBeGreaterThanOrEqual(2);
    const session = await startSession({ packDir: POLICIES_DIR });
    try {
      const raw = await session.client.getAnalyzerInfo();
      expect(raw.policies[0]?.name).toBe(WAIVERS);
      expect(raw.policies.find((p) => p.name === WAIVERS)).toMatchObject({ enforcementLevel: "advisory" });
    } finally {
      await session.close();
    }
  });

  it("negative control: with carbonguard-waivers LAST, the first resource is reported before the waivers load", async () => {
    const session = await startSession({
      packDir: join(FIXTURES, "waivers-last-pack"),
      policyConfig: { [WAIVERS]: { waivers: [waiver({ match: { name: "llm-*" }, expires: day(30) })] } },
    });
    try {
      expect(await finding(session, gpuEndpoint("llm-1"))).toMatchObject({ enforcementLevel: "mandatory" });
      // Loaded at the end of the first call, so only later resources are waived: order matters.
      expect(await finding(session, gpuEndpoint("llm-2"))).toMatchObject({ enforcementLevel: "advisory" });
    } finally {
      await session.close();
    }
  });

  it("with carbonguard-waivers disabled, config waivers are not loaded and the finding stays mandatory (fail closed)", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [WAIVERS]: { enforcementLevel: "disabled", waivers: [waiver({ match: { name: "llm" }, expires: day(30) })] } } });
    try {
      expect(await finding(session, gpuEndpoint("llm"))).toMatchObject({ enforcementLevel: "mandatory" });
    } finally {
      await session.close();
    }
  });
});

describe("config route: inline waivers in --policy-pack-config", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({
      packDir: POLICIES_DIR,
      stack: "dev",
      project: "carbonguard-test",
      policyConfig: {
        [WAIVERS]: {
          waivers: [
            waiver({ match: { name: "llm-*" }, expires: day(30) }),
            waiver({ match: { name: "old-*" }, expires: day(-1) }),
            waiver({ match: { name: "far-*" }, expires: day(400) }),
            waiver({ match: { stack: "dev", project: "carbonguard-test", type: "aws:sagemaker/*", name: "typed" }, expires: day(10), approvedBy: undefined, ticket: undefined }),
          ],
        },
      },
    });
  });
  afterAll(async () => session?.close());

  it("a waived mandatory violation no longer blocks: advisory, 'waived until … by …: reason', original message kept", async () => {
    // The very first Analyze after Configure: the waivers policy ran before the rule in this call.
    const d = await finding(session, gpuEndpoint("llm-main"));
    expect(d.enforcementLevel).toBe("advisory");
    expect(d.severity).toBe("high");
    expect(d.message).toMatch(new RegExp(`^Waived until ${day(30)} by jane@example\\.com: Reserved ml\\.g6 capacity in us-east-1 until the migration to ca-central-1 \\(ticket PLAT-42; policy config carbonguard-waivers\\.waivers waivers\\[0\\]\\)\\. `));
    expect(d.message).toContain("runs in us-east-1 at 418 gCO2e/kWh (Electricity Maps 2025), over the 150 g limit; move it to");
  });

  it("leaves resources the waiver does not match at their full level", async () => {
    const d = await finding(session, gpuEndpoint("other"));
    expect(d.enforcementLevel).toBe("mandatory");
    expect(d.message).not.toMatch(/[Ww]aive/);
  });

  it("an expired waiver blocks again and says so", async () => {
    const d = await finding(session, gpuEndpoint("old-endpoint"));
    expect(d.enforcementLevel).toBe("mandatory");
    expect(d.message).toMatch(new RegExp(`^Waiver expired on ${day(-1)} \\(policy config carbonguard-waivers\\.waivers waivers\\[1\\], approved by jane@example\\.com: Reserved`));
    expect(d.message).toContain("the finding applies at its full level");
  });

  it("a waiver beyond the 180-day horizon is not honoured", async () => {
    const d = await finding(session, gpuEndpoint("far-endpoint"));
    expect(d.enforcementLevel).toBe("mandatory");
    expect(d.message).toContain(`it expires ${day(400)}, more than the maximum of 180 days ahead`);
  });

  it("matches on stack, project and type globs; says when no approver is named", async () => {
    const d = await finding(session, gpuEndpoint("typed"));
    expect(d.enforcementLevel).toBe("advisory");
    expect(d.message).toMatch(/^Waived until \S+ by \(no approver named\): /);
  });

  it("reloads when the config changes (a new Configure)", async () => {
    await session.reconfigure({ [WAIVERS]: { waivers: [] } });
    expect(await finding(session, gpuEndpoint("llm-main"))).toMatchObject({ enforcementLevel: "mandatory" });
  });
});

describe("a waiver with no reason is rejected, the finding stays mandatory, the pack does not crash", () => {
  it("inline: the message names the entry and the field", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [WAIVERS]: { waivers: [waiver({ match: { name: "llm" }, expires: day(30), reason: undefined })] } } });
    try {
      const d = await finding(session, gpuEndpoint("llm"));
      expect(d.enforcementLevel).toBe("mandatory");
      expect(d.message).toContain("Waivers not applied, the waiver input is invalid: policy config carbonguard-waivers.waivers: waivers[0].reason: is required");
      // Once per run, the waivers policy reports the broken input itself (advisory by default).
      const stack = await session.analyzeStack([]);
      const own = stack.diagnostics.filter((x) => x.policyName === WAIVERS);
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({ enforcementLevel: "advisory" });
      expect(own[0]!.message).toContain("waivers[0].reason: is required");
    } finally {
      await session.close();
    }
  });

  it("file (env route): names the file and the entry", async () => {
    const file = join(FIXTURES, "invalid-no-reason.yaml");
    const session = await startSession({ packDir: POLICIES_DIR, boot: { env: { CARBONGUARD_WAIVERS: file } } });
    try {
      const d = await finding(session, gpuEndpoint("no-reason"));
      expect(d.enforcementLevel).toBe("mandatory");
      expect(d.message).toContain(`${file}: waivers[0].reason: is required`);
    } finally {
      await session.close();
    }
  });

  it("a file that is not even YAML: every finding at full level with a note naming the file", async () => {
    const file = join(FIXTURES, "malformed.yaml");
    const session = await startSession({ packDir: POLICIES_DIR, boot: { env: { CARBONGUARD_WAIVERS: file } } });
    try {
      const d = await finding(session, gpuEndpoint("anything"));
      expect(d.enforcementLevel).toBe("mandatory");
      expect(d.message).toContain(`${file}: not valid YAML`);
      expect(session.client.running).toBe(true);
    } finally {
      await session.close();
    }
  });
});

describe("file routes resolve relative paths against $PWD (the user's shell), not the pack's cwd", () => {
  it("env route: CARBONGUARD_WAIVERS=waivers.yaml", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, boot: { env: { CARBONGUARD_WAIVERS: "waivers.yaml", PWD: dir } } });
    try {
      const d = await finding(session, gpuEndpoint("from-file-1"));
      expect(d.enforcementLevel).toBe("advisory");
      expect(d.message).toMatch(new RegExp(`^Mitigated, waived until ${day(20)} by platform-team: Benchmark endpoint, deleted after the run \\(${resolve(dir, "waivers.yaml").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} waivers\\[0\\]\\)\\. `));
      expect((await finding(session, gpuEndpoint("not-from-file"))).enforcementLevel).toBe("mandatory");
    } finally {
      await session.close();
    }
  });

  it("config route: carbonguard-waivers.file", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [WAIVERS]: { file: "waivers.yaml" } }, boot: { env: { PWD: dir } } });
    try {
      expect((await finding(session, gpuEndpoint("from-file-2"))).enforcementLevel).toBe("advisory");
    } finally {
      await session.close();
    }
  });

  it("a missing file fails closed and says which path was tried", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, boot: { env: { CARBONGUARD_WAIVERS: "nope.yaml", PWD: dir } } });
    try {
      const d = await finding(session, gpuEndpoint("from-file-3"));
      expect(d.enforcementLevel).toBe("mandatory");
      expect(d.message).toContain(`${join(dir, "nope.yaml")}: file not found`);
    } finally {
      await session.close();
    }
  });
});

describe("tag waivers (self-granted): off by default, on by config", () => {
  const tagged = (name: string) => gpuEndpoint(name, { tags: { "carbonguard-waiver": `${POLICY}:load test this week:${day(5)}` } });

  it("off by default: the tag is not honoured, and the message says tag waivers are off", async () => {
    const session = await startSession({ packDir: POLICIES_DIR });
    try {
      const d = await finding(session, tagged("t1"));
      expect(d.enforcementLevel).toBe("mandatory");
      expect(d.message).toContain("tag waivers are off");
    } finally {
      await session.close();
    }
  });

  it("allowTagWaivers: true honours it and marks it self-granted", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [WAIVERS]: { allowTagWaivers: true } } });
    try {
      const d = await finding(session, tagged("t2"));
      expect(d.enforcementLevel).toBe("advisory");
      expect(d.message).toMatch(new RegExp(`^Waived until ${day(5)} by a resource tag \\(self-granted\\): load test this week\\. `));
    } finally {
      await session.close();
    }
  });
});
