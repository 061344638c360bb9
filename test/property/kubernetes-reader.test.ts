/**
 * Property-based tests for the Kubernetes pod-template reader and the rules on placed Kubernetes
 * views: any pod template reads without throwing; known device counts add up as Kubernetes counts
 * them (sum over containers, or the largest init container); an unknown count is never a number;
 * and no rule or estimate, on any cluster placement, throws or prints a planted secret.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { evaluateStackRule } from "../../src/engine/evaluate";
import { readPodTemplate } from "../../src/engine/kubernetes/pod-template";
import { normalizeProps } from "../../src/engine/values";
import { buildStackView } from "../../src/engine/view";
import { estimateStack } from "../../src/estimate";
import { RULES } from "../../src/rules";
import { PLANTED_SECRET, SECRET_SIG, SENTINELS, hostileValue } from "./arbitraries";

const WORKLOAD_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:DeploymentPatch",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:Pod",
  "kubernetes:serving.knative.dev/v1:Service",
] as const;

/** The pod template's place under each kind (a Pod is its own). */
function wrap(type: string, template: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  if (type.includes("core/v1:Pod")) return { ...extra, metadata: template["metadata"], spec: template["spec"] };
  if (type.includes("CronJob")) return { ...extra, spec: { jobTemplate: { spec: { template } } } };
  return { ...extra, spec: { replicas: extra["replicas"], template } };
}

const count = fc.integer({ min: 0, max: 16 });
const countValue = fc.oneof(count, count.map(String));
const hostileCount = fc.oneof(countValue, fc.constantFrom(...SENTINELS), fc.constant({ ...SECRET_SIG, ciphertext: PLANTED_SECRET }), fc.constant(PLANTED_SECRET), fc.constant("500m"), fc.constant(-1));
const selectorValue = fc.oneof(fc.constantFrom("nvidia-l4", "nvidia-h100-80gb", "nvidia-tesla-t4", "tpu-v5-lite-podslice", "g6.xlarge", "p4d.24xlarge", "g6", "true", "spot"), fc.constantFrom(...SENTINELS), fc.constant(PLANTED_SECRET));
const selectorKey = fc.constantFrom("cloud.google.com/gke-accelerator", "cloud.google.com/gke-tpu-accelerator", "node.kubernetes.io/instance-type", "karpenter.k8s.aws/instance-family", "cloud.google.com/gke-spot", "karpenter.sh/capacity-type", "kubernetes.io/os");
const device = fc.constantFrom("nvidia.com/gpu", "google.com/tpu", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "cpu");

const container = (value: fc.Arbitrary<unknown>) =>
  fc.record({ bag: fc.constantFrom("limits", "requests"), device, value }).map(({ bag, device: d, value: v }) => ({ name: "c", resources: { [bag]: { [d]: v } } }));

const template = (value: fc.Arbitrary<unknown>) =>
  fc.record({
    containers: fc.array(container(value), { maxLength: 4 }),
    initContainers: fc.array(container(value), { maxLength: 2 }),
    nodeSelector: fc.dictionary(selectorKey, selectorValue, { maxKeys: 3 }),
    affinity: fc.option(fc.record({ nodeAffinity: fc.record({ requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(fc.record({ matchExpressions: fc.array(fc.record({ key: selectorKey, operator: fc.constantFrom("In", "NotIn", "Exists"), values: fc.array(selectorValue, { maxLength: 2 }) }), { maxLength: 2 }) }), { maxLength: 2 }) }) }) }), { nil: undefined }),
    labels: fc.dictionary(fc.constantFrom("ml-workload", "team", "app"), fc.oneof(fc.constantFrom("training", "inference", "nonsense"), fc.constantFrom(...SENTINELS), fc.constant(PLANTED_SECRET)), { maxKeys: 2 }),
  }).map((t) => ({ metadata: { labels: t.labels }, spec: { containers: t.containers, initContainers: t.initContainers, nodeSelector: t.nodeSelector, ...(t.affinity ? { affinity: t.affinity } : {}) } }));

describe("pod template reader", () => {
  it("adds known GPU counts as Kubernetes does: the sum over containers, or the largest init container", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORKLOAD_TYPES), template(countValue), (type, t) => {
        const r = readPodTemplate(type, normalizeProps(wrap(type, t, {})));
        const gpu = (cs: { resources: Record<string, Record<string, unknown>> }[]) =>
          cs.map((c) => Number(Object.values(c.resources)[0]?.["nvidia.com/gpu"] ?? 0));
        const spec = t.spec as unknown as { containers: never[]; initContainers: never[] };
        const expected = Math.max(gpu(spec.containers).reduce((a, b) => a + b, 0), Math.max(0, ...gpu(spec.initContainers)));
        const found = r.requests.find((q) => q.resource === "nvidia.com/gpu");
        expect(found?.perPod ?? 0).toBe(expected);
        expect(r.unknownPaths.filter((p) => p.includes("resources"))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("never turns an unknown or secret count into a number, and never throws", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORKLOAD_TYPES), template(hostileCount), (type, t) => {
        const props = normalizeProps(wrap(type, t, {}));
        const r = readPodTemplate(type, props);
        const spec = t.spec as { containers: { resources: Record<string, Record<string, unknown>> }[] };
        const opaqueGpu = spec.containers.some((c) => {
          const v = Object.values(c.resources)[0]?.["nvidia.com/gpu"];
          return (typeof v === "string" && SENTINELS.includes(v)) || (typeof v === "object" && v !== null);
        });
        if (opaqueGpu) expect(r.requests.find((q) => q.resource === "nvidia.com/gpu")?.perPod).toBeUndefined();
        for (const q of r.requests) if (q.perPod !== undefined) expect(Number.isInteger(q.perPod) && q.perPod > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("rules and estimates on placed Kubernetes views", () => {
  const location = fc.oneof(fc.constantFrom("us-east1", "europe-north1", "mars-north9"), fc.constantFrom(...SENTINELS), fc.constant(PLANTED_SECRET));

  it("no rule throws, fails closed or prints a planted secret, whatever the template, the cluster's location or the extra props", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORKLOAD_TYPES), template(hostileCount), location, fc.boolean(), hostileValue, (type, t, loc, linked, junk) => {
        const cluster = { urn: "urn:c", type: "gcp:container/cluster:Cluster", name: "gke", props: { location: loc } };
        const propertyDependencies: Record<string, string[]> = linked ? { kubeconfig: ["urn:c"] } : {};
        const provider = { urn: "urn:p", type: "pulumi:providers:kubernetes", name: "k8s", props: {}, links: { dependencies: [], propertyDependencies } };
        const workload = { urn: "urn:w", type, name: "w", props: wrap(type, t, { replicas: junk }), links: { provider: "urn:p", dependencies: [], propertyDependencies: {} } };
        const hpa = { urn: "urn:h", type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name: "h", props: { spec: { scaleTargetRef: { kind: "Deployment", name: junk }, minReplicas: junk } }, links: { provider: "urn:p", dependencies: [], propertyDependencies: {} } };
        const stack = buildStackView([cluster, provider, workload, hpa]);
        for (const rule of RULES) {
          for (const o of evaluateStackRule(rule, stack, {})) {
            if (o.kind !== "violation") continue;
            expect(o.ruleError, o.message).toBeUndefined();
            expect(JSON.stringify(o)).not.toContain(PLANTED_SECRET);
            expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
          }
        }
        expect(JSON.stringify(estimateStack(stack))).not.toContain(PLANTED_SECRET);
      }),
      { numRuns: 150 },
    );
  });
});
