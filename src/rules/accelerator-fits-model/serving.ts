/**
 * Which model a serving container loads, read from where ML infrastructure code names it: container
 * environment variables and command-line arguments, by the conventions of the serving engines.
 *
 * - Hugging Face TGI (and its SageMaker containers): `HF_MODEL_ID`, `MODEL_ID`, `HF_MODEL_QUANTIZE`,
 *   `QUANTIZE`, `SM_NUM_GPUS`, `NUM_SHARD`, `DTYPE`; `--model-id`, `--quantize`, `--num-shard`.
 * - SageMaker JumpStart: `SM_MODEL_ID`. DJL LMI: `OPTION_MODEL_ID`, `OPTION_QUANTIZE`, `OPTION_DTYPE`,
 *   `OPTION_TENSOR_PARALLEL_DEGREE`.
 * - vLLM: `vllm serve <model>`, `--model`, `--quantization`/`-q`, `--dtype`,
 *   `--tensor-parallel-size`/`-tp`. SGLang: `--model-path`, `--tp-size`/`--tp`.
 *   TensorRT-LLM: `trtllm-serve <model>`, `--tp_size`.
 *
 * A value that is unknown in preview, or kept in a secret store (`valueSource`), stays unknown.
 * Values are read to be classified, never to be quoted: a model id may sit in a secret value, which
 * reaches the policy pack as plaintext.
 */
import { type PlainValue, isOpaque, readArray, readObject, readPath } from "../../engine/values";

/** A field as far as it can be known. */
export type Known<T> = { readonly state: "value"; readonly value: T } | { readonly state: "opaque"; readonly path: string } | { readonly state: "absent" };

export interface ServedModel {
  readonly id: Known<string>;
  readonly quantization: Known<string>;
  readonly dtype: Known<string>;
  /** Accelerators the engine shards the model over (tensor parallelism), when it says. */
  readonly tensorParallel: Known<number>;
}

const ABSENT: Known<never> = Object.freeze({ state: "absent" });

export const NO_SERVED_MODEL: ServedModel = Object.freeze({ id: ABSENT, quantization: ABSENT, dtype: ABSENT, tensorParallel: ABSENT });

const ENV_KEYS = {
  id: ["HF_MODEL_ID", "MODEL_ID", "SM_MODEL_ID", "OPTION_MODEL_ID"],
  quantization: ["HF_MODEL_QUANTIZE", "QUANTIZE", "OPTION_QUANTIZE"],
  dtype: ["DTYPE", "OPTION_DTYPE"],
  tensorParallel: ["SM_NUM_GPUS", "NUM_SHARD", "OPTION_TENSOR_PARALLEL_DEGREE"],
} as const;

const FLAGS = {
  id: ["--model", "--model-id", "--model-path", "--model_id", "--model_path"],
  quantization: ["--quantization", "-q", "--quantize"],
  dtype: ["--dtype"],
  tensorParallel: ["--tensor-parallel-size", "-tp", "--tp-size", "--tp", "--num-shard", "--tp_size"],
} as const;

type Field = keyof typeof ENV_KEYS;

/** One variable of a container's environment: its value, or unknown (preview, secret reference). */
export type EnvEntry = { readonly value: string } | { readonly opaquePath: string };

/** A container as the readers below see it: environment by name, arguments in order. */
export interface ContainerSpec {
  readonly env: ReadonlyMap<string, EnvEntry>;
  /** Command then arguments; `undefined` entries are unknown in preview. */
  readonly argv: readonly (string | undefined)[];
  readonly argvOpaquePath?: string;
  readonly path: string;
}

/** An environment given as a map (`{HF_MODEL_ID: "…"}`: SageMaker, ECS-style objects). */
export function envFromMap(root: PlainValue | undefined, steps: readonly (string | number)[], path: string): { env: Map<string, EnvEntry>; opaque?: string } {
  const env = new Map<string, EnvEntry>();
  const bag = readObject(root, steps);
  if (bag.state === "opaque") return { env, opaque: path };
  if (bag.state !== "value") return { env };
  for (const [k, v] of Object.entries(bag.value)) {
    if (typeof v === "string") env.set(k, { value: v });
    else if (isOpaque(v)) env.set(k, { opaquePath: `${path}.${k}` });
  }
  return { env };
}

/** An environment given as a list (`[{name, value}]` or `[{name, valueSource}]`: Cloud Run, Vertex, ECS). */
export function envFromList(root: PlainValue | undefined, steps: readonly (string | number)[], path: string): { env: Map<string, EnvEntry>; opaque?: string } {
  const env = new Map<string, EnvEntry>();
  const list = readArray(root, steps);
  if (list.state === "opaque") return { env, opaque: path };
  if (list.state !== "value") return { env };
  list.value.forEach((item, i) => {
    const name = readPath(item, ["name"]);
    if (name.state !== "value" || typeof name.value !== "string") return;
    const value = readPath(item, ["value"]);
    if (value.state === "value" && typeof value.value === "string") env.set(name.value, { value: value.value });
    // A secret reference (`valueSource.secretKeyRef`) or an unknown value: present, not readable.
    else if (value.state === "opaque" || readPath(item, ["valueSource"]).state !== "absent" || readPath(item, ["valueFrom"]).state !== "absent") {
      env.set(name.value, { opaquePath: `${path}[${i}].value` });
    }
  });
  return { env };
}

/** Command and arguments as one argv; an element with spaces (a `sh -c` script) is split into words. */
export function argvFrom(root: PlainValue | undefined, lists: readonly (readonly (string | number)[])[]): { argv: (string | undefined)[]; opaque?: string } {
  const argv: (string | undefined)[] = [];
  let opaque: string | undefined;
  for (const steps of lists) {
    const list = readArray(root, steps);
    if (list.state === "opaque") {
      opaque ??= list.path;
      continue;
    }
    if (list.state !== "value") continue;
    for (const a of list.value) {
      if (typeof a === "string") argv.push(...(/\s/.test(a) ? a.split(/\s+/).filter((w) => w !== "") : [a]));
      else if (isOpaque(a)) argv.push(undefined);
    }
  }
  return opaque !== undefined ? { argv, opaque } : { argv };
}

/**
 * A container in Kubernetes shape (`env: [{name, value}]` or `[{name, valueFrom | valueSource}]`,
 * `command`, `args`): Cloud Run, and Kubernetes Deployments/Pods (`spec.template.spec.containers[i]`).
 * `path` is where the container sits, for can't-evaluate paths.
 */
export function kubernetesContainerSpec(container: PlainValue | undefined, path: string): ContainerSpec {
  const { env } = envFromList(container, ["env"], `${path}.env`);
  const { argv, opaque } = argvFrom(container, [["command"], ["args"]]);
  return { env, argv, path, ...(opaque !== undefined ? { argvOpaquePath: `${path}.${opaque}` } : {}) };
}

/**
 * A container in ECS/Batch shape (`environment: [{name, value}]`, `secrets: [{name, valueFrom}]`,
 * `entryPoint`, `command`). A variable from `secrets` is present but never read.
 */
export function ecsContainerSpec(container: PlainValue | undefined, path: string): ContainerSpec {
  const { env } = envFromList(container, ["environment"], `${path}.environment`);
  const secrets = readArray(container, ["secrets"]);
  if (secrets.state === "value") {
    secrets.value.forEach((item, i) => {
      const name = readPath(item, ["name"]);
      if (name.state === "value" && typeof name.value === "string") env.set(name.value, { opaquePath: `${path}.secrets[${i}]` });
    });
  }
  const { argv, opaque } = argvFrom(container, [["entryPoint"], ["command"]]);
  return { env, argv, path, ...(opaque !== undefined ? { argvOpaquePath: `${path}.${opaque}` } : {}) };
}

/** The value a flag is given (`--flag v`, `--flag=v`), the last one winning as in the engines' parsers. */
function flagValue(argv: readonly (string | undefined)[], flags: readonly string[], path: string): Known<string> {
  let out: Known<string> = ABSENT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === undefined) continue;
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!flags.includes(name)) continue;
    if (eq > 0) out = { state: "value", value: a.slice(eq + 1) };
    else if (i + 1 < argv.length) {
      const next = argv[i + 1];
      out = next === undefined ? { state: "opaque", path } : { state: "value", value: next };
    }
  }
  return out;
}

/** `vllm serve <model>` / `trtllm-serve <model>`: the first word after `serve` that is not a flag. */
function positionalModel(argv: readonly (string | undefined)[], path: string): Known<string> {
  const i = argv.findIndex((a) => a === "serve" || (a !== undefined && /(^|\/)trtllm-serve$/.test(a)));
  if (i < 0 || i + 1 >= argv.length) return ABSENT;
  const next = argv[i + 1];
  if (next === undefined) return { state: "opaque", path };
  return next.startsWith("-") ? ABSENT : { state: "value", value: next };
}

function fromEnv(env: ReadonlyMap<string, EnvEntry>, keys: readonly string[]): Known<string> {
  for (const k of keys) {
    const e = env.get(k);
    if (e === undefined) continue;
    return "value" in e ? { state: "value", value: e.value } : { state: "opaque", path: e.opaquePath };
  }
  return ABSENT;
}

function toCount(k: Known<string>): Known<number> {
  if (k.state !== "value") return k;
  const v = k.value.trim();
  // `OPTION_TENSOR_PARALLEL_DEGREE=max` (all devices) says no more than the device count does.
  if (!/^\d{1,3}$/.test(v)) return ABSENT;
  const n = Number(v);
  return n >= 1 ? { state: "value", value: n } : ABSENT;
}

/** What one container serves: arguments override the environment, as the engines do. */
export function servedByContainer(c: ContainerSpec): ServedModel {
  const argPath = c.argvOpaquePath ?? `${c.path}.args`;
  const pick = (field: Field): Known<string> => {
    const flag = flagValue(c.argv, FLAGS[field], argPath);
    if (flag.state !== "absent") return flag;
    if (field === "id") {
      const positional = positionalModel(c.argv, argPath);
      if (positional.state !== "absent") return positional;
    }
    return fromEnv(c.env, ENV_KEYS[field]);
  };
  let id = pick("id");
  // Arguments unknown in preview may name the model: only a model named elsewhere is known.
  if (id.state === "absent" && c.argvOpaquePath !== undefined) id = { state: "opaque", path: c.argvOpaquePath };
  return { id, quantization: pick("quantization"), dtype: pick("dtype"), tensorParallel: toCount(pick("tensorParallel")) };
}

/**
 * What a set of containers serves: the one container that names a model. Several naming one each
 * (an inference pipeline) is not one model on the accelerators: no claim.
 */
export function servedByContainers(containers: readonly ContainerSpec[]): ServedModel {
  const served = containers.map(servedByContainer).filter((s) => s.id.state !== "absent");
  if (served.length === 1) return served[0] as ServedModel;
  const opaque = served.find((s) => s.id.state === "opaque");
  if (served.length > 1) return { ...NO_SERVED_MODEL, id: opaque ? opaque.id : ABSENT };
  return NO_SERVED_MODEL;
}
