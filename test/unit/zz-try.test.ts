import { it } from "vitest";
import { runStackExample } from "../../src/engine/examples";
import { RULES } from "../../src/rules";
import * as k from "../../src/rules/kubernetes-examples";
const scenarios: Record<string, any[]> = {
  "gke us-east1 deployment 3x L4 no label": k.onGke("us-east1", k.gpuDeployment(3, { labels: {} })),
  "gke europe-north1 T4 inference": k.onGke("europe-north1", k.gpuDeployment(1, { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" } })),
  "eks p4d inference instance-type": k.onEks("us-east-1", k.gpuDeployment(1, { nodeSelector: { "node.kubernetes.io/instance-type": "p4d.24xlarge" } })),
  "no cluster no config": [{ ...k.gpuDeployment(1), provider: undefined }],
  "job h100 no deadline": k.onGke("us-central1", k.gpuJob()),
  "preview unknown cluster loc": k.onGke(k.UNKNOWN_STRING, k.gpuDeployment(1)),
};
it("x", () => {
  for (const [title, resources] of Object.entries(scenarios)) {
    console.log("=== " + title);
    for (const rule of RULES) {
      if (!rule.evaluateStack) continue;
      const o = runStackExample(rule, { title, verdict: "good", resources });
      for (const x of o) console.log("  " + rule.meta.name + " [" + ((x as any).messageId ?? x.kind) + "] " + (x.kind === "violation" ? x.message : JSON.stringify(x)));
    }
  }
});
