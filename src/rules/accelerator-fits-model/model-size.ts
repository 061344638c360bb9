/**
 * What a model id says about the model's size and precision, by the naming conventions of Hugging
 * Face, SageMaker JumpStart and Vertex Model Garden ids: `Llama-3.1-8B-Instruct`, `Qwen2.5-1.5B`,
 * `meta-textgeneration-llama-3-1-70b-instruct`, `Qwen3-30B-A3B` (mixture of experts: 30B total,
 * 3B active), `SmolLM2-360M`, `…-AWQ`, `…-FP8`.
 *
 * The parser answers only when the name is unambiguous: two different sizes, an `8x7B` expert
 * product or a `17B-16E` expert count (where the size is the active part, not the total) give no
 * answer, so the rule makes no claim rather than a wrong one (the committed table covers the
 * well-known cases). Pure functions, never throw.
 */

export interface ModelSize {
  /** Total parameters, in billions (what must sit in accelerator memory). */
  readonly totalB: number;
  /** Mixture of experts: parameters active per token, in billions. */
  readonly activeB?: number;
}

/** Bytes per parameter and the hint that said so. */
export interface Precision {
  readonly bytesPerParam: number;
  /** Display name: "16-bit", "FP8/INT8", "4-bit", "FP32". */
  readonly label: string;
}

const MAX_ID_LENGTH = 300;
/** Largest size a name may state: 10T parameters (larger is a typo or not a size). */
const MAX_B = 10_000;

const SIZE_TOKEN = /^(\d{1,5}(?:\.\d{1,3})?)([bm])$/i;
const ACTIVE_TOKEN = /^a(\d{1,5}(?:\.\d{1,3})?)b$/i;
const EXPERT_PRODUCT = /^\d{1,3}x\d{1,5}(?:\.\d{1,3})?b$/i;
const EXPERT_COUNT = /^\d{1,4}e$/i;

/** The model's own name: the last segment of `org/name`, `publishers/p/models/m@version`, `s3://…/name`. */
export function modelName(id: string): string {
  const trimmed = id.trim();
  const at = trimmed.lastIndexOf("@");
  const tail = at >= 0 ? trimmed.slice(at + 1) : trimmed;
  const slash = tail.replace(/\/+$/, "").lastIndexOf("/");
  return slash >= 0 ? tail.replace(/\/+$/, "").slice(slash + 1) : tail.replace(/\/+$/, "");
}

function tokens(id: string): string[] {
  return modelName(id)
    .split(/[-_\s:]+/)
    .filter((t) => t !== "");
}

/** The parameter count an id states, or undefined when it states none or is ambiguous. */
export function sizeFromModelId(id: unknown): ModelSize | undefined {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) return undefined;
  const parts = tokens(id);
  if (parts.some((t) => EXPERT_PRODUCT.test(t) || EXPERT_COUNT.test(t))) return undefined;
  const billions = new Set<number>();
  const millions = new Set<number>();
  let active: number | undefined;
  for (const t of parts) {
    const size = SIZE_TOKEN.exec(t);
    if (size) {
      const inMillions = (size[2] as string).toLowerCase() === "m";
      const n = Number(size[1]) / (inMillions ? 1000 : 1);
      if (n > 0 && n <= MAX_B) (inMillions ? millions : billions).add(n);
      continue;
    }
    const a = ACTIVE_TOKEN.exec(t);
    if (a) {
      const n = Number(a[1]);
      if (active !== undefined && active !== n) return undefined;
      active = n;
    }
  }
  // `Qwen2.5-7B-Instruct-1M`: beside a size in billions, an `M` token is a context length, not a size.
  const sizes = billions.size > 0 ? billions : millions;
  if (sizes.size !== 1) return undefined;
  const totalB = [...sizes][0] as number;
  if (active !== undefined && !(active > 0 && active < totalB)) return undefined;
  return active !== undefined ? { totalB, activeB: active } : { totalB };
}

// ---------------------------------------------------------------------------------------------
// Precision

export const SIXTEEN_BIT: Precision = Object.freeze({ bytesPerParam: 2, label: "16-bit" });
const EIGHT_BIT: Precision = Object.freeze({ bytesPerParam: 1, label: "8-bit (FP8/INT8)" });
const FOUR_BIT: Precision = Object.freeze({ bytesPerParam: 0.5, label: "4-bit" });
const FP32: Precision = Object.freeze({ bytesPerParam: 4, label: "32-bit" });

/**
 * Quantization and dtype values as the serving engines spell them (TGI `--quantize`/`QUANTIZE`/
 * `HF_MODEL_QUANTIZE`, vLLM and SGLang `--quantization`, `--dtype`, DJL LMI `OPTION_QUANTIZE`/
 * `OPTION_DTYPE`). A value not listed here is an unknown precision: no claim.
 */
const PRECISION_BY_HINT: Readonly<Record<string, Precision>> = {
  fp32: FP32,
  float32: FP32,
  float: FP32,
  fp16: SIXTEEN_BIT,
  float16: SIXTEEN_BIT,
  half: SIXTEEN_BIT,
  bf16: SIXTEEN_BIT,
  bfloat16: SIXTEEN_BIT,
  auto: SIXTEEN_BIT,
  fp8: EIGHT_BIT,
  fbgemm_fp8: EIGHT_BIT,
  int8: EIGHT_BIT,
  "8bit": EIGHT_BIT,
  w8a8: EIGHT_BIT,
  w8a16: EIGHT_BIT,
  eetq: EIGHT_BIT,
  bitsandbytes: EIGHT_BIT,
  "bitsandbytes-8bit": EIGHT_BIT,
  smoothquant: EIGHT_BIT,
  int4: FOUR_BIT,
  "4bit": FOUR_BIT,
  awq: FOUR_BIT,
  gptq: FOUR_BIT,
  marlin: FOUR_BIT,
  awq_marlin: FOUR_BIT,
  gptq_marlin: FOUR_BIT,
  "bitsandbytes-nf4": FOUR_BIT,
  "bitsandbytes-fp4": FOUR_BIT,
  nf4: FOUR_BIT,
  fp4: FOUR_BIT,
  mxfp4: FOUR_BIT,
  w4a16: FOUR_BIT,
};

/** The precision a quantization or dtype value names, or undefined for a value not known here. */
export function precisionFromHint(value: unknown): Precision | undefined {
  if (typeof value !== "string") return undefined;
  const key = value.trim().toLowerCase();
  if (key === "" || key.length > 40) return undefined;
  return Object.prototype.hasOwnProperty.call(PRECISION_BY_HINT, key) ? PRECISION_BY_HINT[key] : undefined;
}

/** Id suffixes that name a quantized checkpoint: `…-AWQ`, `…-GPTQ-Int4`, `…-FP8`, `…-bnb-4bit`. */
const ID_HINTS: readonly (readonly [RegExp, Precision])[] = [
  [/^(awq|gptq|int4|4bit|nf4|mxfp4|w4a16|fp4)$/i, FOUR_BIT],
  [/^(fp8|int8|8bit|w8a8|w8a16)$/i, EIGHT_BIT],
];

/** The precision a model id's name states (`-AWQ`, `-FP8`), or undefined when it states none. */
export function precisionFromModelId(id: unknown): Precision | undefined {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) return undefined;
  const found = new Set<Precision>();
  for (const t of tokens(id)) {
    for (const [re, p] of ID_HINTS) if (re.test(t)) found.add(p);
  }
  // `GPTQ-Int4` names one precision twice; `FP8` and `AWQ` together contradict each other.
  return found.size === 1 ? [...found][0] : undefined;
}
