/**
 * Property tests for the model-id parser of accelerator-fits-model: it never throws, answers only
 * with sizes the id states, finds the size wherever a well-formed id puts it, and refuses ids that
 * are ambiguous (two sizes, expert products, expert counts) instead of guessing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelName, precisionFromHint, precisionFromModelId, sizeFromModelId } from "../../src/rules/accelerator-fits-model/model-size";
import { parseParamsTag } from "../../src/rules/accelerator-fits-model/model-facts";

const word = fc.stringMatching(/^[A-Za-z][A-Za-z]{0,8}$/).filter((w) => !/^(a?\d|e$)/i.test(w) && !/^\d+[bmex]$/i.test(w));
const org = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const sep = fc.constantFrom("-", "_");
const sizeB = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 999 }).map((n) => n / 10));

describe("sizeFromModelId", () => {
  it("never throws and only answers with positive sizes within bounds, for any string", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const r = sizeFromModelId(s);
        if (r === undefined) return;
        expect(r.totalB).toBeGreaterThan(0);
        expect(r.totalB).toBeLessThanOrEqual(10_000);
        if (r.activeB !== undefined) expect(r.activeB).toBeLessThan(r.totalB);
      }),
    );
  });

  it("finds the one size a well-formed id states, in any position, in B or b", () => {
    fc.assert(
      fc.property(org, fc.array(word, { maxLength: 3 }), fc.array(word, { maxLength: 3 }), sizeB, fc.constantFrom("B", "b"), sep, (o, before, after, n, unit, s) => {
        const id = `${o}/${[...before, `${n}${unit}`, ...after].join(s)}`;
        expect(sizeFromModelId(id)).toEqual({ totalB: n });
      }),
    );
  });

  it("reads mixture-of-experts ids as total and active", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 1, max: 999 }), (total, active) => {
        fc.pre(active < total);
        expect(sizeFromModelId(`Qwen/Qwen3-${total}B-A${active}B-Instruct`)).toEqual({ totalB: total, activeB: active });
      }),
    );
  });

  it("refuses ids that state two different sizes, an expert product or an expert count", () => {
    fc.assert(
      fc.property(sizeB, sizeB, (a, b) => {
        fc.pre(a !== b);
        expect(sizeFromModelId(`org/model-${a}B-distilled-from-${b}B`)).toBeUndefined();
      }),
    );
    expect(sizeFromModelId("mistralai/Mixtral-8x7B-Instruct-v0.1")).toBeUndefined();
    expect(sizeFromModelId("meta-llama/Llama-4-Scout-17B-16E-Instruct")).toBeUndefined();
  });

  it("reads the naming conventions of Hugging Face, JumpStart and Model Garden ids", () => {
    expect(sizeFromModelId("meta-llama/Llama-3.1-8B-Instruct")).toEqual({ totalB: 8 });
    expect(sizeFromModelId("Qwen/Qwen2.5-1.5B-Instruct")).toEqual({ totalB: 1.5 });
    expect(sizeFromModelId("meta-textgeneration-llama-3-1-70b-instruct")).toEqual({ totalB: 70 });
    expect(sizeFromModelId("publishers/google/models/gemma3@gemma-3-1b-it")).toEqual({ totalB: 1 });
    expect(sizeFromModelId("HuggingFaceTB/SmolLM2-360M-Instruct")).toEqual({ totalB: 0.36 });
    expect(sizeFromModelId("Qwen/Qwen3-30B-A3B")).toEqual({ totalB: 30, activeB: 3 });
    expect(sizeFromModelId("Qwen/Qwen2.5-7B-Instruct-1M")).toEqual({ totalB: 7 });
    // Versions, dates and context lengths are not sizes.
    expect(sizeFromModelId("mistralai/Mistral-Nemo-Instruct-2407")).toBeUndefined();
    expect(sizeFromModelId("/opt/ml/model")).toBeUndefined();
    expect(sizeFromModelId("bert-base-uncased")).toBeUndefined();
    expect(sizeFromModelId("google/gemma-3n-E4B-it")).toBeUndefined();
  });

  it("takes the model's own name: the org and the S3 path never count", () => {
    expect(modelName("s3://bucket-70b/models/llama-8b/")).toBe("llama-8b");
    expect(sizeFromModelId("s3://bucket-70b/models/foo")).toBeUndefined();
  });
});

describe("precision hints", () => {
  it("never throw; a hint is 0.5, 1, 2 or 4 bytes or unknown", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        for (const p of [precisionFromHint(s), precisionFromModelId(s)]) {
          if (p !== undefined) expect([0.5, 1, 2, 4]).toContain(p.bytesPerParam);
        }
      }),
    );
  });

  it("map the serving engines' spellings", () => {
    expect(precisionFromHint("bitsandbytes-nf4")?.bytesPerParam).toBe(0.5);
    expect(precisionFromHint("AWQ")?.bytesPerParam).toBe(0.5);
    expect(precisionFromHint("fp8")?.bytesPerParam).toBe(1);
    expect(precisionFromHint("bfloat16")?.bytesPerParam).toBe(2);
    expect(precisionFromHint("float32")?.bytesPerParam).toBe(4);
    expect(precisionFromHint("exl2")).toBeUndefined();
    expect(precisionFromModelId("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4")?.bytesPerParam).toBe(0.5);
    expect(precisionFromModelId("neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8")?.bytesPerParam).toBe(1);
    // Contradicting hints: no answer.
    expect(precisionFromModelId("org/model-7B-FP8-AWQ")).toBeUndefined();
  });
});

describe("parseParamsTag", () => {
  it("reads decimals with GCP-label separators and rejects anything else", () => {
    expect(parseParamsTag("8")).toBe(8);
    expect(parseParamsTag("1_5")).toBe(1.5);
    expect(parseParamsTag("1.5")).toBe(1.5);
    expect(parseParamsTag("70b")).toBe(70);
    expect(parseParamsTag("0")).toBeUndefined();
    expect(parseParamsTag("eight")).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const n = parseParamsTag(s);
        if (n !== undefined) expect(n > 0 && n <= 10_000).toBe(true);
      }),
    );
  });
});

describe("accelerator-fits-model never echoes the model id", () => {
  it("for any sized id in env or args, on any Cloud Run or SageMaker capacity, no outcome quotes the id's own words", async () => {
    const { evaluateRule, evaluateStackRule } = await import("../../src/engine/evaluate");
    const { buildStackView, buildView } = await import("../../src/engine/view");
    const { acceleratorFitsModel } = await import("../../src/rules/accelerator-fits-model");
    const distinctive = fc.stringMatching(/^Zq[a-z]{4,8}$/);
    fc.assert(
      fc.property(distinctive, distinctive, fc.integer({ min: 1, max: 900 }), fc.boolean(), fc.constantFrom("ml.g6.xlarge", "ml.g6.48xlarge", "ml.p5.48xlarge", "ml.g6e.12xlarge"), (o, n, size, viaArgs, instanceType) => {
        const id = `${o}/${n}-${size}B-Instruct`;
        const container = viaArgs ? { args: ["--model", id] } : { env: [{ name: "MODEL_ID", value: id }] };
        const cloudRun = buildView({
          urn: "urn:pulumi:s::p::gcp:cloudrunv2/service:Service::x",
          type: "gcp:cloudrunv2/service:Service",
          name: "x",
          props: { location: "us-central1", template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } }, ...container }] } },
        });
        const stack = buildStackView([
          { urn: "urn:m", type: "aws:sagemaker/model:Model", name: "m", props: { name: "m", primaryContainer: { environment: { HF_MODEL_ID: id } } }, providerProps: { region: "us-east-1" } },
          { urn: "urn:c", type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "c", props: { productionVariants: [{ variantName: "v", modelName: "m", instanceType }] }, providerProps: { region: "us-east-1" } },
        ]);
        const outcomes = [...evaluateRule(acceleratorFitsModel, cloudRun, {}), ...evaluateStackRule(acceleratorFitsModel, stack, {})];
        const text = JSON.stringify(outcomes);
        expect(text).not.toContain(o);
        expect(text).not.toContain(n);
        // The id was read and sized: every deployment gets a verdict (fits or a finding), never "unknown model".
        expect(outcomes.some((x) => x.kind === "not-applicable" && /served model|size/.test(x.reason) && !/fit/.test(x.reason))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
