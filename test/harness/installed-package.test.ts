// The pack as a user gets it from npm: `npm install carbonguard`, then
// `pulumi preview --policy-pack node_modules/carbonguard/policies`. We lay out exactly the files
// `npm pack` would publish under a fresh node_modules/carbonguard, link its dependencies, and boot
// that copy as the Pulumi CLI would.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackBootError } from "../../src/pack-host/boot";
import { PROJECT_ROOT, type Session, startSession, testUrn } from "./index";

interface PackedFile {
  path: string;
}

let workDir: string;
let session: Session | undefined;
let files: string[] = [];

beforeAll(async () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  files = (JSON.parse(out) as { files: PackedFile[] }[])[0]!.files.map((f) => f.path);
  workDir = mkdtempSync(join(tmpdir(), "carbonguard-installed-"));
  const installed = join(workDir, "node_modules", "carbonguard");
  for (const file of files) {
    mkdirSync(dirname(join(installed, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(installed, file));
  }
  // Dependencies as npm would hoist them next to the package.
  mkdirSync(join(workDir, "node_modules", "@pulumi"), { recursive: true });
  for (const dep of ["@pulumi/pulumi", "@pulumi/policy"]) symlinkSync(join(PROJECT_ROOT, "node_modules", dep), join(workDir, "node_modules", dep), "dir");
  session = await startSession({ packDir: join(installed, "policies") });
}, 120_000);

afterAll(async () => {
  await session?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the published package", () => {
  it("ships the compiled pack, its manifest and the committed data, and no tests or sources", () => {
    for (const needed of ["policies/PulumiPolicy.yaml", "policies/package.json", "policies/lib/policies/index.js", "policies/lib/region-data/regions.json", "region-data/regions.json", "region-data/accelerators.json", "region-data/LICENSE-DATA.md", "bin/carbonguard.js"]) {
      expect(files).toContain(needed);
    }
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("src/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
  });

  it("boots from node_modules/carbonguard/policies and evaluates a resource", async () => {
    expect(session!.info.name).toBe("carbonguard");
    const type = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
    const { diagnostics } = await session!.analyze({
      urn: testUrn(type, "llm"),
      type,
      name: "llm",
      properties: { productionVariants: [{ variantName: "main", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      provider: { urn: testUrn("pulumi:providers:aws", "default"), type: "pulumi:providers:aws", name: "default", properties: { region: "us-east-1" } },
    });
    expect(diagnostics.filter((d) => d.policyName === "ml-clean-energy-region" && d.enforcementLevel === "mandatory")).toHaveLength(1);
  });
});

// Fail closed on a broken install: with any data file missing or corrupt, the pack refuses to start
// and says which file, rather than evaluating with a hole (a mandatory verdict turning advisory).
describe("a published package with a broken data file", () => {
  const DATA_FILES = ["region-data/regions.json", "region-data/accelerators.json", "region-data/coefficients.json"];

  it("ships exactly the data files checked here, for the CLI and inside the self-contained pack", () => {
    expect(files.filter((f) => /^region-data\/[^/]+\.json$/.test(f)).sort()).toEqual([...DATA_FILES].sort());
    expect(files.filter((f) => /^policies\/lib\/region-data\/[^/]+\.json$/.test(f)).sort()).toEqual(DATA_FILES.map((f) => `policies/lib/${f}`).sort());
  });

  it.each(DATA_FILES.flatMap((file) => [[file, "removed"], [file, "corrupt"]] as const))("%s %s: refuses to start, naming the file", async (file, damage) => {
    const copy = join(workDir, `broken-${damage}-${file.replace(/[^a-z]/g, "-")}`);
    const installed = join(copy, "node_modules", "carbonguard");
    cpSync(join(workDir, "node_modules", "carbonguard"), installed, { recursive: true });
    symlinkSync(join(workDir, "node_modules", "@pulumi"), join(copy, "node_modules", "@pulumi"), "dir");
    // The pack reads its own copy (policies/lib, self-contained for `pulumi policy publish`); the
    // CLI reads the package's. Both are damaged, and each must name the file it reads.
    const packFile = join(installed, "policies", "lib", file);
    for (const damaged of [join(installed, file), packFile]) {
      if (damage === "removed") rmSync(damaged);
      else writeFileSync(damaged, '{"schemaVersion": 1, "truncated": ');
    }
    let failure: unknown;
    try {
      const broken = await startSession({ packDir: join(installed, "policies") });
      await broken.close();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PackBootError);
    const stderr = (failure as PackBootError).stderr;
    expect(stderr).toContain(packFile);
    expect(stderr).toMatch(damage === "removed" ? /cannot be read: ENOENT/ : /is not valid JSON/);
    // The message, not a stack trace.
    expect(stderr).not.toMatch(/^\s+at /m);
    // The CLI refuses too, with exit code 2 and the same file named.
    let cli: { status: number | null; stderr: string } = { status: null, stderr: "" };
    try {
      execFileSync(process.execPath, [join(installed, "bin", "carbonguard.js"), "regions", "--cloud", "aws"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      cli = error as { status: number; stderr: string };
    }
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(join(installed, file));
  }, 60_000);
});
