/**
 * ml-notebook-idle-shutdown: interactive ML environments stop when idle within maxIdleMinutes.
 *
 * Property paths: the project's scale-to-zero research notes, §1 (SageMaker notebook instances and
 * Studio, Vertex AI Workbench, Colab Enterprise, Dataproc).
 */
import { docsPage } from "./docs-page";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import { countOf, formatMinutes, idleCost, parseDuration, unitOf } from "../engine/capacity-readers";
import { subjectOf } from "../engine/resource-names";
import { applyConfigSchema } from "../engine/config";
import { na, noAccelerators, unknownAt } from "../engine/outcomes";
import { findingOf } from "../engine/message";
import type { FigureRef, FindingSaving, Outcome, ResourceRule, RuleContext, RuleExample } from "../engine/rule";
import { type PathStep, formatPath, readNumber, readObject, readPath, readString, ownEntry } from "../engine/values";
import type { ResourceView } from "../engine/view";

const NAME = "ml-notebook-idle-shutdown";

export interface NotebookIdleConfig {
  readonly maxIdleMinutes: number;
}

const configSchema = {
  properties: {
    maxIdleMinutes: {
      type: "number",
      minimum: 1,
      default: 60,
      description: "Longest time an interactive environment may sit idle before it stops or is deleted, in minutes.",
    },
  },
} as const;

function parseConfig(raw: unknown): NotebookIdleConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { maxIdleMinutes: values["maxIdleMinutes"] as number };
}

/**
 * The rule's messages: one id per kind of finding. Each reads "<subject> <problem>; <fix>." so the
 * first sentence holds what is wrong and the change to make.
 */
const SHAPE = "{{subject}} {{problem}}; {{fix}}.";
const MESSAGES = {
  noLifecycleConfig: SHAPE,
  studioAppSettingsUnset: SHAPE,
  studioIdleSettingsUnset: SHAPE,
  studioIdleShutdownOff: SHAPE,
  studioTimeoutAboveLimit: SHAPE,
  studioTimeoutUnset: SHAPE,
  workbenchGuestAttributesOff: SHAPE,
  workbenchTimeoutAboveLimit: SHAPE,
  colabIdleShutdownOff: SHAPE,
  colabTimeoutUnset: SHAPE,
  colabTimeoutUnreadable: SHAPE,
  colabTimeoutAboveLimit: SHAPE,
  dataprocNoIdleTtl: SHAPE,
  dataprocTtlAboveLimit: SHAPE,
} as const;
type MessageId = keyof typeof MESSAGES;

/** A finding; for accelerator environments the saving is what an idle month costs. `why` goes to the details. */
function finding(
  view: ResourceView,
  messageId: MessageId,
  text: { readonly problem: string; readonly fix: string; readonly why?: string },
  suggestion: Record<string, unknown>,
  uses: readonly AcceleratorUse[] = view.accelerators.uses,
  count = 1,
): Outcome {
  const figures: FigureRef[] = [];
  const details: string[] = text.why ? [text.why] : [];
  let saving: FindingSaving | undefined;
  if (uses.length > 0) {
    const unit = unitOf(view.cloud, uses);
    const c = idleCost(view, unit, count);
    if (c) {
      details.push(`Left on idle, ${countOf(count, unit)} ${count === 1 ? "costs" : "cost"} ${c.text}.`);
      saving = c.saving;
      figures.push(...c.figures);
    }
  }
  const property = typeof suggestion["property"] === "string" ? suggestion["property"] : undefined;
  return findingOf(MESSAGES, {
    messageId,
    data: { subject: subjectOf(view), problem: text.problem, fix: text.fix },
    ...(property ? { fix: "value" in suggestion ? { kind: "property" as const, path: property, value: suggestion["value"] } : { kind: "action" as const, text: text.fix } } : {}),
    ...(saving ? { saving } : {}),
    details,
    figures,
    suggestion,
  });
}

// ---------------------------------------------------------------------------------------------
// SageMaker

function checkNotebookInstance(view: ResourceView): Outcome[] {
  if (view.accelerators.uses.length === 0) return [noAccelerators(view, "no accelerators: CPU notebook instances are out of scope")];
  const lcc = readString(view.props, ["lifecycleConfigName"]);
  if (lcc.state === "opaque") return [unknownAt(lcc.path)];
  if (lcc.state === "value" && lcc.value.trim() !== "") return [];
  return [
    finding(
      view,
      "noLifecycleConfig",
      {
        problem: "has accelerators and nothing stops it when idle",
        fix: "set lifecycleConfigName to an auto-stop-idle script",
        why: "Notebook instances have no built-in idle shutdown: a NotebookInstanceLifecycleConfiguration whose onStart script installs an auto-stop-idle job stops it (carbonguard can't read the script, only that one is attached).",
      },
      { property: "lifecycleConfigName" },
    ),
  ];
}

/** Studio accepts idle timeouts of 60–525600 minutes. */
function studioTimeout(max: number): number {
  return Math.min(525_600, Math.max(60, Math.floor(max)));
}

const STUDIO_APPS = ["jupyterLabAppSettings", "codeEditorAppSettings"] as const;

/** Checks one app's idle settings at `base` (…AppSettings). `required`: absent settings are a finding. */
function studioIdle(view: ResourceView, base: readonly PathStep[], required: boolean, max: number, out: Outcome[]): void {
  const idle = [...base, "appLifecycleManagement", "idleSettings"];
  const idlePath = formatPath(idle);
  const timeout = studioTimeout(max);
  const app = readObject(view.props, base);
  if (app.state === "opaque") {
    out.push(unknownAt(app.path, "object"));
    return;
  }
  if (app.state !== "value") {
    if (required) {
      out.push(finding(view, "studioAppSettingsUnset", { problem: `sets no ${String(base[base.length - 1])}, so JupyterLab apps never stop when idle`, fix: `enable idle shutdown at ${timeout} min`, why: `Set ${idlePath} to {lifecycleManagement: "ENABLED", idleTimeoutInMinutes: ${timeout}, maxIdleTimeoutInMinutes: ${timeout}}.` }, { property: idlePath, value: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: timeout, maxIdleTimeoutInMinutes: timeout } }));
    }
    return;
  }
  const settings = readObject(view.props, idle);
  if (settings.state === "opaque") {
    out.push(unknownAt(settings.path, "object"));
    return;
  }
  if (settings.state !== "value") {
    if (required) {
      out.push(finding(view, "studioIdleSettingsUnset", { problem: `has no idleSettings, so its apps never stop when idle`, fix: `enable idle shutdown at ${timeout} min`, why: `Set ${idlePath} to {lifecycleManagement: "ENABLED", idleTimeoutInMinutes: ${timeout}}.` }, { property: idlePath, value: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: timeout } }));
    }
    return;
  }
  const mode = readString(view.props, [...idle, "lifecycleManagement"]);
  if (mode.state === "opaque") {
    out.push(unknownAt(mode.path));
    return;
  }
  if (mode.state !== "value" || mode.value.toUpperCase() !== "ENABLED") {
    out.push(finding(view, "studioIdleShutdownOff", { problem: "does not enable idle shutdown", fix: `set idleSettings.lifecycleManagement to "ENABLED"`, why: `${mode.path} is not ENABLED; set it to "ENABLED" with idleTimeoutInMinutes at most ${max}.` }, { property: mode.path, value: "ENABLED" }));
    return;
  }
  for (const key of ["idleTimeoutInMinutes", "maxIdleTimeoutInMinutes"] as const) {
    const r = readNumber(view.props, [...idle, key]);
    if (r.state === "opaque") {
      out.push(unknownAt(r.path, "number"));
      continue;
    }
    if (r.state === "value" && r.value > max) {
      const what = key === "idleTimeoutInMinutes" ? `stops apps only after ${formatMinutes(r.value)} idle` : `lets users raise their idle timeout to ${formatMinutes(r.value)}`;
      out.push(finding(view, "studioTimeoutAboveLimit", { problem: `${what}, over the ${formatMinutes(max)} limit`, fix: `set ${key} to at most ${timeout}`, why: `The property is ${r.path}; Studio accepts idle timeouts of 60–525600 minutes.` }, { property: r.path, value: max, current: r.value }));
    }
  }
  const idleTimeout = readPath(view.props, [...idle, "idleTimeoutInMinutes"]);
  if (idleTimeout.state === "absent" && required) {
    out.push(finding(view, "studioTimeoutUnset", { problem: "enables idle shutdown without idleTimeoutInMinutes", fix: `set it to at most ${max}`, why: `The property is ${idleTimeout.path}.` }, { property: idleTimeout.path, value: max }));
  }
}

function checkStudio(settingsRoots: readonly { readonly root: string; readonly requireJupyter: boolean }[]) {
  return (view: ResourceView, max: number): Outcome[] => {
    const out: Outcome[] = [];
    for (const { root, requireJupyter } of settingsRoots) {
      const settings = readObject(view.props, [root]);
      if (settings.state === "opaque") {
        out.push(unknownAt(settings.path, "object"));
        continue;
      }
      for (const app of STUDIO_APPS) studioIdle(view, [root, app], requireJupyter && app === "jupyterLabAppSettings", max, out);
    }
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// GCP

/** Vertex AI Workbench: metadata["idle-timeout-seconds"] (default 10800 s = 180 min). */
function checkWorkbench(view: ResourceView, max: number): Outcome[] {
  const state = readString(view.props, ["desiredState"]);
  if (state.state === "value" && state.value.toUpperCase() === "STOPPED") return [na("the instance is stopped")];
  const meta: PathStep[] = ["gceSetup", "metadata"];
  const guest = readString(view.props, [...meta, "enable-guest-attributes"]);
  if (guest.state === "opaque") return [unknownAt(guest.path)];
  if (guest.state === "value" && guest.value.trim().toLowerCase() === "false") {
    return [finding(view, "workbenchGuestAttributesOff", { problem: "turns idle shutdown off (metadata enable-guest-attributes: false)", fix: `remove that key and set metadata["idle-timeout-seconds"] to at most ${max * 60}`, why: "Workbench's idle shutdown reads guest attributes: with enable-guest-attributes false it never runs." }, { property: 'gceSetup.metadata["enable-guest-attributes"]' })];
  }
  const timeout = readNumber(view.props, [...meta, "idle-timeout-seconds"]);
  if (timeout.state === "opaque") return [unknownAt(timeout.path, "number")];
  const seconds = timeout.state === "value" ? timeout.value : 10_800;
  const source = timeout.state === "value" ? `gceSetup.metadata["idle-timeout-seconds"] is ${seconds}` : `no gceSetup.metadata["idle-timeout-seconds"], so the default of 10800 s applies`;
  if (seconds > 0 && seconds / 60 <= max) return [];
  const problem = seconds <= 0 ? "never stops when idle" : `stops only after ${formatMinutes(seconds / 60)} idle${timeout.state === "value" ? "" : " (the default)"}, over the ${formatMinutes(max)} limit`;
  return [finding(view, "workbenchTimeoutAboveLimit", { problem, fix: `set metadata["idle-timeout-seconds"] to "${max * 60}" or less`, why: `There is ${source}.` }, { property: 'gceSetup.metadata["idle-timeout-seconds"]', value: String(max * 60) })];
}

/** Colab Enterprise runtime template: idleShutdownConfig.idleTimeout ("10m"–"24h"; "0s" disables). */
function checkColab(view: ResourceView, max: number): Outcome[] {
  const disabled = readPath(view.props, ["idleShutdownConfig", "idleShutdownDisabled"]);
  if (disabled.state === "opaque") return [unknownAt(disabled.path, "boolean")];
  const timeout = readString(view.props, ["idleShutdownConfig", "idleTimeout"]);
  if (timeout.state === "opaque") return [unknownAt(timeout.path)];
  const fix = `set idleShutdownConfig.idleTimeout to "${max}m" or less`;
  const suggestion = { property: "idleShutdownConfig.idleTimeout", value: `${max}m` };
  if (disabled.state === "value" && disabled.value === true) return [finding(view, "colabIdleShutdownOff", { problem: "disables idle shutdown (idleShutdownConfig.idleShutdownDisabled)", fix }, suggestion)];
  if (timeout.state !== "value") return [finding(view, "colabTimeoutUnset", { problem: "sets no idleShutdownConfig.idleTimeout, so runtimes stop only on the service default", fix }, suggestion)];
  const seconds = parseDuration(timeout.value);
  if (seconds === undefined) return [finding(view, "colabTimeoutUnreadable", { problem: "has an idleShutdownConfig.idleTimeout carbonguard can't read as a duration", fix }, suggestion)];
  if (seconds === 0) return [finding(view, "colabIdleShutdownOff", { problem: 'turns idle shutdown off (idleShutdownConfig.idleTimeout "0s")', fix }, suggestion)];
  if (seconds / 60 <= max) return [];
  return [finding(view, "colabTimeoutAboveLimit", { problem: `stops runtimes only after ${formatMinutes(seconds / 60)} idle (idleShutdownConfig.idleTimeout), above the limit of ${formatMinutes(max)}`, fix }, suggestion)];
}

/** Dataproc with accelerators: clusterConfig.lifecycleConfig.idleDeleteTtl / idleStopTtl. */
function checkDataproc(view: ResourceView, max: number): Outcome[] {
  if (view.accelerators.uses.length === 0) return [noAccelerators(view)];
  const ttls: { key: string; read: ReturnType<typeof readString> }[] = ["idleDeleteTtl", "idleStopTtl"].map((key) => ({ key, read: readString(view.props, ["clusterConfig", "lifecycleConfig", key]) }));
  const opaque = ttls.find((t) => t.read.state === "opaque");
  if (opaque) return [unknownAt(opaque.read.path)];
  const set = ttls.flatMap((t) => (t.read.state === "value" ? [{ key: t.key, seconds: parseDuration(t.read.value) }] : []));
  if (set.some((t) => t.seconds !== undefined && t.seconds > 0 && t.seconds / 60 <= max)) return [];
  // Nodes that carry the accelerators: each group's numInstances (Dataproc defaults: 1 master, 2 workers).
  let nodes = 0;
  let groupUses: AcceleratorUse[] = [];
  for (const [group, fallback] of [["masterConfig", 1], ["workerConfig", 2], ["preemptibleWorkerConfig", 0]] as const) {
    const u = view.accelerators.uses.filter((x) => x.path.startsWith(`clusterConfig.${group}.`));
    if (u.length === 0) continue;
    const n = readNumber(view.props, ["clusterConfig", group, "numInstances"]);
    nodes += n.state === "value" && n.value >= 0 && n.value <= 10_000 ? n.value : fallback;
    if (groupUses.length === 0) groupUses = u;
  }
  const fix = `set lifecycleConfig.idleStopTtl to "${max * 60}s" or less`;
  const suggestion = { property: "clusterConfig.lifecycleConfig.idleStopTtl", value: `${max * 60}s` };
  if (set.length === 0) return [finding(view, "dataprocNoIdleTtl", { problem: "has accelerators but no idle TTL, so it runs until deleted", fix, why: "Set clusterConfig.lifecycleConfig.idleStopTtl (or idleDeleteTtl)." }, suggestion, groupUses, Math.max(1, nodes))];
  const shortest = Math.min(...set.map((t) => t.seconds ?? Infinity));
  const text = Number.isFinite(shortest) ? `only after ${formatMinutes(shortest / 60)} idle` : "on an idle TTL carbonguard can't read";
  return [finding(view, "dataprocTtlAboveLimit", { problem: `stops ${text}, above the limit of ${formatMinutes(max)}`, fix }, suggestion, groupUses, Math.max(1, nodes))];
}

type Check = (view: ResourceView, max: number) => Outcome[];

const CHECKS: Readonly<Record<string, Check>> = {
  "aws:sagemaker/notebookInstance:NotebookInstance": (v) => checkNotebookInstance(v),
  "aws:sagemaker/domain:Domain": checkStudio([
    { root: "defaultUserSettings", requireJupyter: true },
    { root: "defaultSpaceSettings", requireJupyter: false },
  ]),
  // Users and spaces inherit the domain's settings: only settings they override are checked.
  "aws:sagemaker/userProfile:UserProfile": checkStudio([{ root: "userSettings", requireJupyter: false }]),
  "aws:sagemaker/space:Space": checkStudio([{ root: "spaceSettings", requireJupyter: false }]),
  "gcp:workbench/instance:Instance": checkWorkbench,
  "gcp:colab/runtimeTemplate:RuntimeTemplate": checkColab,
  "gcp:dataproc/cluster:Cluster": checkDataproc,
};

function evaluate(view: ResourceView, { config }: RuleContext<NotebookIdleConfig>): Outcome[] {
  const check = ownEntry(CHECKS, view.type);
  return check ? check(view, config.maxIdleMinutes) : [na("not an interactive ML environment")];
}

const domain = (idleTimeoutInMinutes: number) => ({
  type: "aws:sagemaker/domain:Domain",
  name: "studio",
  props: {
    domainName: "studio",
    authMode: "IAM",
    defaultUserSettings: {
      executionRole: "arn:aws:iam::123456789012:role/studio",
      jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes, maxIdleTimeoutInMinutes: idleTimeoutInMinutes } } },
    },
  },
  providerProps: { region: "eu-west-1" },
});

const examples: readonly RuleExample[] = [
  {
    title: "GPU notebook instance without a lifecycle configuration",
    verdict: "bad",
    resource: { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "research", props: { instanceType: "ml.g5.xlarge", roleArn: "arn:aws:iam::123456789012:role/nb" }, providerProps: { region: "us-east-1" } },
    messageIds: ["noLifecycleConfig"],
  },
  {
    title: "GPU notebook instance with an auto-stop lifecycle configuration",
    verdict: "good",
    resource: { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "research", props: { instanceType: "ml.g5.xlarge", lifecycleConfigName: "auto-stop-idle" }, providerProps: { region: "us-east-1" } },
  },
  {
    title: "Studio domain that stops JupyterLab after 240 idle minutes",
    verdict: "bad",
    resource: domain(240),
    messageIds: ["studioTimeoutAboveLimit"],
  },
  { title: "Studio domain that stops JupyterLab after 60 idle minutes", verdict: "good", resource: domain(60) },
  {
    title: "Vertex AI Workbench instance on the default 180-minute idle timeout",
    verdict: "bad",
    resource: { type: "gcp:workbench/instance:Instance", name: "wb", props: { location: "europe-west4-a", gceSetup: { machineType: "g2-standard-4" } } },
    messageIds: ["workbenchTimeoutAboveLimit"],
  },
  {
    title: "Colab Enterprise runtime template that stops after 30 idle minutes",
    verdict: "good",
    resource: { type: "gcp:colab/runtimeTemplate:RuntimeTemplate", name: "colab", props: { location: "us-central1", idleShutdownConfig: { idleTimeout: "1800s" }, machineSpec: { machineType: "g2-standard-4", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 } } },
  },
  {
    title: "Dataproc cluster with GPU workers and no idle TTL",
    verdict: "bad",
    resource: {
      type: "gcp:dataproc/cluster:Cluster",
      name: "spark-gpu",
      props: { region: "us-central1", clusterConfig: { workerConfig: { numInstances: 2, machineType: "n1-standard-8", accelerators: [{ acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1 }] } } },
    },
    messageIds: ["dataprocNoIdleTtl"],
  },
];

export const mlNotebookIdleShutdown: ResourceRule<NotebookIdleConfig> = {
  meta: {
    name: NAME,
    displayName: "Interactive ML environments stop when idle",
    description: "Interactive ML environments (SageMaker notebook instances and Studio, Vertex AI Workbench, Colab Enterprise, Dataproc with accelerators) stop when idle within maxIdleMinutes (default 60).",
    rationale:
      "Notebooks are the capacity most often left on: a GPU notebook idle overnight still draws its accelerators' idle power (L4 ~28 W, A10G ~58 W, H100 ~68 W per GPU, E18, nvidia-smi idle snapshots, ec2instances.info 2025) plus the host. " +
      "What is checked: SageMaker notebook instances with accelerators have a `lifecycleConfigName` (they have no built-in idle stop; the script itself can't be read); Studio domains enable `appLifecycleManagement.idleSettings` for JupyterLab under `defaultUserSettings` with `idleTimeoutInMinutes` and `maxIdleTimeoutInMinutes` ≤ the limit (Code Editor and space defaults, and user profile / space overrides, are checked where set); Vertex AI Workbench `gceSetup.metadata[\"idle-timeout-seconds\"]` ≤ the limit (the default is 10800 s = 180 min; `enable-guest-attributes: false` turns idle shutdown off); Colab Enterprise `idleShutdownConfig.idleTimeout` ≤ the limit (\"0s\" disables); Dataproc clusters with accelerators have `clusterConfig.lifecycleConfig.idleStopTtl` or `idleDeleteTtl` ≤ the limit.",
    kind: "resource",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "energy", "notebooks", "ml"],
    remediationSteps:
      "Set the property named in the message: a lifecycle configuration with an auto-stop-idle script for SageMaker notebook instances; `idleSettings {lifecycleManagement: \"ENABLED\", idleTimeoutInMinutes, maxIdleTimeoutInMinutes}` for Studio; `idle-timeout-seconds` metadata for Workbench; `idleShutdownConfig.idleTimeout` for Colab Enterprise; `lifecycleConfig.idleStopTtl` for Dataproc. Raise `maxIdleMinutes` in the policy config if long idle periods are intended.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate,
  examples,
};
