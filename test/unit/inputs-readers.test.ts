import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildStackView } from "../../src/engine/view";
import { isOpaque } from "../../src/engine/values";
import {
  type InputItem,
  type StackSnapshot,
  ZSTD_UNAVAILABLE,
  defaultZstdDecoder,
  parseStateText,
  parseUrn,
  readInputs,
  readStateFile,
  recordProps,
  snapshotStackContext,
  snapshotToResourceInputs,
  splitProviderRef,
} from "../../src/inputs";

const FIXTURES = path.resolve(__dirname, "../fixtures/inputs");
const fixture = (...p: string[]) => path.join(FIXTURES, ...p);

async function all(inputs: string[], options = {}): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readInputs(inputs, options)) items.push(item);
  return items;
}

function stacks(items: InputItem[]): StackSnapshot[] {
  return items.flatMap((i) => (i.kind === "stack" ? [i.snapshot] : []));
}

describe("URNs and provider references", () => {
  it("parses a URN, with parent types and names containing ::", () => {
    expect(parseUrn("urn:pulumi:dev::proj::pulumi:pulumi:Stack$aws:ec2/instance:Instance::trainer")).toEqual({
      stack: "dev",
      project: "proj",
      type: "aws:ec2/instance:Instance",
      name: "trainer",
    });
    expect(parseUrn("urn:pulumi:dev::proj::t::a::b")?.name).toBe("a::b");
    expect(parseUrn("not-a-urn")).toBeUndefined();
  });

  it("splits <providerURN>::<id> at the last ::", () => {
    expect(splitProviderRef("urn:pulumi:dev::proj::pulumi:providers:aws::default::abc-123")).toEqual({
      urn: "urn:pulumi:dev::proj::pulumi:providers:aws::default",
      id: "abc-123",
    });
    expect(splitProviderRef("nothing")).toBeUndefined();
  });
});

describe("pulumi stack export (version 3)", () => {
  it("reads resources with urn, type, name, custom, id, inputs, outputs, parent, dependencies, provider", async () => {
    const s = await readStateFile(fixture("stack-export-v3.json"));
    expect(s.format).toBe("stack-export");
    expect(s.project).toBe("ml-platform");
    expect(s.stack).toBe("dev");
    expect(s.source).toBe(fixture("stack-export-v3.json"));
    const trainer = s.resources.find((r) => r.name === "trainer")!;
    expect(trainer).toMatchObject({ type: "aws:ec2/instance:Instance", custom: true, id: "i-0abc" });
    expect(trainer.parent).toMatch(/pulumi:pulumi:Stack::ml-platform-dev$/);
    expect(trainer.provider).toMatch(/pulumi:providers:aws::default_7_0_0::04f3c1a2/);
    const asg = s.resources.find((r) => r.name === "gpu-asg")!;
    expect(asg.dependencies).toHaveLength(1);
    expect(asg.propertyDependencies["launchTemplate"]).toHaveLength(1);
  });

  it("resolves provider props through the provider reference and never exposes secrets", async () => {
    const s = await readStateFile(fixture("stack-export-v3.json"));
    const inputs = snapshotToResourceInputs(s);
    const trainer = inputs.find((r) => r.name === "trainer")!;
    expect(trainer.providerProps).toMatchObject({ region: "us-east-1" });
    const view = buildStackView(inputs, snapshotStackContext(s)).resources.find((r) => r.name === "trainer")!;
    expect(view.region).toMatchObject({ state: "known", region: "us-east-1", source: "provider" });
    expect(isOpaque(view.props["userData"])).toBe(true);
    expect(JSON.stringify(view.props)).not.toContain("PLANTED-CIPHERTEXT");
  });

  it("accepts deployment version 4 and rejects unknown versions with a clear error", async () => {
    expect((await readStateFile(fixture("stack-export-v4.json"))).stack).toBe("v4");
    await expect(readStateFile(fixture("unsupported-version.json"))).rejects.toThrow(/unsupported-version\.json: unsupported deployment version 99/);
  });
});

describe("pulumi preview --json", () => {
  it("reads steps[].newState, drops deleted resources and keeps plain config only", async () => {
    const s = await readStateFile(fixture("preview.json"));
    expect(s.format).toBe("preview");
    expect(s.project).toBe("gke-inference");
    expect(s.stack).toBe("preview");
    expect(s.config).toMatchObject({ "gcp:region": "us-central1" });
    expect(s.resources.map((r) => r.name)).toEqual(["gke-inference-preview", "default_9_0_0", "inference", "t4-pool", "vllm", "notebook"]);
    const pool = s.resources.find((r) => r.name === "t4-pool")!;
    expect(pool.provider).toContain("pulumi:providers:gcp::default_9_0_0::");
    expect(pool.dependencies).toHaveLength(1);
  });

  it("a step the preview creates (outputs null) gets its inputs as outputs, as the engine's AnalyzeStack sees it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-preview-"));
    const file = path.join(dir, "plan.json");
    const cfgUrn = "urn:pulumi:dev::p::aws:sagemaker/endpointConfiguration:EndpointConfiguration::cfg";
    const bucketUrn = "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b";
    fs.writeFileSync(
      file,
      JSON.stringify({
        steps: [
          { op: "create", urn: cfgUrn, newState: { urn: cfgUrn, type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", custom: true, inputs: { productionVariants: [{ instanceType: "ml.g6.xlarge" }] }, outputs: null } },
          { op: "same", urn: bucketUrn, newState: { urn: bucketUrn, type: "aws:s3/bucket:Bucket", custom: true, inputs: { bucket: "in" }, outputs: { bucket: "out", arn: "arn:aws:s3:::out" } } },
        ],
      }),
    );
    try {
      const s = await readStateFile(file);
      expect(s.resources.find((r) => r.urn === cfgUrn)!.outputs).toEqual({ productionVariants: [{ instanceType: "ml.g6.xlarge" }] });
      expect(s.resources.find((r) => r.urn === bucketUrn)!.outputs).toEqual({ bucket: "out", arn: "arn:aws:s3:::out" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prefers known inputs over unknown outputs", () => {
    expect(recordProps({ inputs: { a: 1, b: 2 }, outputs: { a: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", c: 3 } })).toEqual({ a: 1, b: 2, c: 3 });
  });
});

describe("self-managed backend folders", () => {
  it("reads project-scoped stacks (.json, .json.gz), skips .bak, and reports the truncated one", async () => {
    const items = await all([fixture("backend")], { zstd: null });
    const read = stacks(items);
    expect(read.map((s) => `${s.project}/${s.stack}`).sort()).toEqual(["ml-platform/prod", "ml-platform/staging"]);
    const staging = read.find((s) => s.stack === "staging")!;
    expect(staging.format).toBe("checkpoint");
    expect(staging.source).toMatch(/staging\.json\.gz$/);
    expect(staging.config).toEqual({ "aws:region": "eu-north-1" });
    const errors = items.flatMap((i) => (i.kind === "error" ? [i.error] : []));
    expect(errors.map((e) => path.basename(e.source)).sort()).toEqual(["broken.json", "eu.json.zst"]);
    expect(errors.find((e) => e.source.endsWith("broken.json"))!.message).toMatch(/broken\.json: invalid JSON \(it ends too early: truncated\?\)/);
    expect(errors.find((e) => e.source.endsWith(".zst"))!.problem).toBe(ZSTD_UNAVAILABLE);
  });

  it("reads .json.zst through the decoder interface", async () => {
    const zstd = { name: "fake", decompress: () => new Uint8Array(fs.readFileSync(fixture("legacy-backend", ".pulumi", "stacks", "dev.json"))) };
    const s = await readStateFile(fixture("backend", ".pulumi", "stacks", "ml-platform", "eu.json.zst"), { zstd });
    expect(s.project).toBe("legacy-app");
  });

  it("reads .json.zst with this Node's decoder when there is one, else says what is missing", async () => {
    const decoder = defaultZstdDecoder();
    const file = fixture("backend", ".pulumi", "stacks", "ml-platform", "eu.json.zst");
    if (decoder) {
      const s = await readStateFile(file);
      expect(s.stack).toBe("eu");
      expect(s.resources.length).toBe(3);
    } else {
      await expect(readStateFile(file)).rejects.toThrow(/eu\.json\.zst: is Zstandard-compressed .*fzstd/);
    }
  });

  it("a corrupt .json.zst names the file and what is wrong, as a corrupt .json.gz does", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-zst-"));
    try {
      const good = fs.readFileSync(fixture("backend", ".pulumi", "stacks", "ml-platform", "eu.json.zst"));
      const truncated = path.join(dir, "dev.json.zst");
      fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
      const garbage = path.join(dir, "prod.json.zst");
      fs.writeFileSync(garbage, Buffer.concat([good.subarray(0, 4), Buffer.alloc(64, 0xff)]));
      const fzstd = { name: "fzstd", decompress: (require("fzstd") as { decompress: (d: Uint8Array) => Uint8Array }).decompress };
      for (const file of [truncated, garbage]) {
        const error = await readStateFile(file, { zstd: fzstd }).then(() => undefined, (e: unknown) => e as Error);
        expect(error?.message).toContain(`${file}: Zstandard data is corrupt or truncated (fzstd: `);
        expect(error?.message).not.toMatch(/could not be read|\(Error\)/);
      }
      const thrower = { name: "node:zlib", decompress: () => { throw Object.assign(new Error("Unknown frame descriptor"), { code: "ZSTD_error_prefix_unknown" }); } };
      await expect(readStateFile(garbage, { zstd: thrower })).rejects.toThrow(/prod\.json\.zst: Zstandard data is corrupt or truncated \(node:zlib: Unknown frame descriptor\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the legacy layout (.pulumi/stacks/<stack>.json), given the folder or .pulumi itself", async () => {
    for (const dir of [fixture("legacy-backend"), fixture("legacy-backend", ".pulumi")]) {
      const read = stacks(await all([dir]));
      expect(read.map((s) => `${s.project}/${s.stack}`)).toEqual(["legacy-app/dev"]);
    }
  });

  it("never reads secure config values", async () => {
    const s = await readStateFile(fixture("backend", ".pulumi", "stacks", "ml-platform", "prod.json"));
    expect(s.config).toEqual({ "aws:region": "us-east-1" });
    expect(JSON.stringify(s.config)).not.toContain("PLANTED");
  });
});

describe("bad inputs yield error items naming the input, and the stream goes on", () => {
  it("continues past missing, corrupt, foreign and folder inputs", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "cg-empty-"));
    const items = await all([fixture("missing.json"), fixture("corrupt.json"), fixture("not-pulumi.json"), empty, fixture("stack-export-v3.json")]);
    expect(items.map((i) => i.kind)).toEqual(["error", "error", "error", "error", "stack"]);
    const messages = items.flatMap((i) => (i.kind === "error" ? [i.error.message] : []));
    expect(messages[0]).toMatch(/missing\.json: no such file or folder/);
    expect(messages[1]).toMatch(/corrupt\.json: invalid JSON/);
    expect(messages[2]).toMatch(/not-pulumi\.json: not a Pulumi state document/);
    expect(messages[3]).toMatch(/not a self-managed Pulumi backend/);
  });

  it("skips malformed resource entries with a warning", () => {
    const s = parseStateText("x.json", JSON.stringify({ version: 3, deployment: { resources: [1, { type: "t" }, { urn: "urn:pulumi:s::p::aws:ec2/instance:Instance::ok", type: "aws:ec2/instance:Instance" }] } }));
    expect(s.resources.map((r) => r.name)).toEqual(["ok"]);
    expect(s.warnings).toHaveLength(2);
  });

  it("never quotes file content in a JSON error", () => {
    expect(() => parseStateText("s.json", '{"password": hunter2-plaintext}')).toThrow(/^s\.json: invalid JSON \((malformed|at position \d+)\)$/);
    try {
      parseStateText("s.json", '{"password": hunter2-plaintext}');
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
    }
  });
});
