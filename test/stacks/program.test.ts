// The reference-stacks project around the blueprints: Pulumi.yaml, the stack files, the program's
// config handling, and the package entry (lazy: no PolicyPack, no provider SDK until used).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { PROJECT_ROOT } from "../harness";
import type * as PulumiModule from "@pulumi/pulumi";

import { readStackConfig, requireFromRoot } from "./mock-run";

const STACKS = ["aws-training", "aws-inference", "gcp-training", "gcp-inference", "gke-inference"];

describe("Pulumi.yaml and the stack files", () => {
  it("runs the compiled program with the nodejs runtime and no ts-node", () => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
    expect(text).toMatch(/^name: carbonguard-reference$/m);
    expect(text).toMatch(/^runtime:\n {2}name: nodejs\n {2}options:\n {4}typescript: false$/m);
    expect(text).toMatch(/^main: dist\/stacks\/program\.js$/m);
    expect(fs.existsSync(path.join(PROJECT_ROOT, "dist", "stacks", "program.js"))).toBe(true);
  });

  it.each(STACKS)("Pulumi.%s.yaml names its own blueprint and sets the provider's region", (stack) => {
    const config = readStackConfig(stack);
    expect(config["carbonguard:blueprint"]).toBe(stack);
    expect(config[stack.startsWith("aws") ? "aws:region" : "gcp:region"]).toMatch(/^[a-z]+-[a-z]+-?\d$/);
    expect(config["carbonguard:team"]).toBe("ml-platform");
  });
});

describe("the config reader used by these tests", () => {
  it("refuses YAML it does not understand instead of guessing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-stack-config-"));
    const file = path.join(dir, "Pulumi.dev.yaml");
    try {
      fs.writeFileSync(file, "config:\n  carbonguard:instanceTypes:\n    - g6e.xlarge\n");
      expect(() => readStackConfig("dev", dir)).toThrow(/unsupported|empty or nested/);
      fs.writeFileSync(file, 'encryptionsalt: v1:abc\nconfig:\n  carbonguard:instanceTypes: ["g6e.xlarge"]\n  carbonguard:team: "vision # not a comment" # a comment\n  aws:region: eu-north-1 # another\n');
      expect(readStackConfig("dev", dir)).toEqual({ "carbonguard:instanceTypes": '["g6e.xlarge"]', "carbonguard:team": "vision # not a comment", "aws:region": "eu-north-1" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the program", () => {
  it("exports the function Pulumi calls, which rejects an unknown blueprint with the list of valid ones", async () => {
    const pulumi = requireFromRoot("@pulumi/pulumi") as typeof PulumiModule;
    const program = requireFromRoot(path.join(PROJECT_ROOT, "dist", "stacks", "program.js")) as unknown;
    expect(typeof program).toBe("function");
    pulumi.runtime.setAllConfig({ "carbonguard:blueprint": "aws-trainign" });
    await expect((program as () => Promise<unknown>)()).rejects.toThrow(
      /carbonguard:blueprint must be one of aws-training, aws-inference, gcp-training, gcp-inference, gke-inference, wasteful; got 'aws-trainign'/,
    );
    pulumi.runtime.setAllConfig({});
    await expect((program as () => Promise<unknown>)()).rejects.toThrow(/carbonguard:blueprint/);
  });
});

describe("the package entry (dist/src/index.js)", () => {
  it("exports the components and the engine API without loading a provider SDK or constructing a PolicyPack", () => {
    const script = `
      const before = new Set(Object.keys(require.cache));
      const cg = require(${JSON.stringify(path.join(PROJECT_ROOT, "dist", "src", "index.js"))});
      const loaded = (s) => Object.keys(require.cache).some((k) => !before.has(k) && k.includes(s));
      const atImport = { aws: loaded("@pulumi/aws"), gcp: loaded("@pulumi/gcp"), policy: loaded("@pulumi/policy") };
      const kinds = { rules: cg.RULES.length, buildView: typeof cg.buildView, AwsTraining: typeof cg.AwsTraining, GcpInference: typeof cg.GcpInference };
      console.log(JSON.stringify({ atImport, kinds, keys: Object.keys(cg).sort(), afterUse: { aws: loaded("@pulumi/aws"), gcp: loaded("@pulumi/gcp"), policy: loaded("@pulumi/policy") } }));
    `;
    // A PolicyPack would start a gRPC server and keep the process alive: the timeout catches that.
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 })) as Record<string, Record<string, unknown>>;
    expect(out["atImport"]).toEqual({ aws: false, gcp: false, policy: false });
    expect(out["kinds"]).toEqual({ rules: expect.any(Number), buildView: "function", AwsTraining: "function", GcpInference: "function" });
    expect(out["keys"]).toEqual(expect.arrayContaining(["RULES", "buildView", "AwsTraining", "AwsInference", "GcpTraining", "GcpInference"]));
    expect(out["afterUse"]).toEqual({ aws: true, gcp: true, policy: false });
  });
});
