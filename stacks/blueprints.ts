/**
 * Builds the blueprint a stack's config names (`carbonguard:blueprint`), passing every other
 * `carbonguard:*` setting to its component. Components are loaded on demand, so a GCP stack never
 * loads @pulumi/aws and the other way round.
 */
import * as pulumi from "@pulumi/pulumi";

export const BLUEPRINTS = ["aws-training", "aws-inference", "gcp-training", "gcp-inference", "gke-inference", "wasteful"] as const;
export type Blueprint = (typeof BLUEPRINTS)[number];

export function isBlueprint(value: string): value is Blueprint {
  return (BLUEPRINTS as readonly string[]).includes(value);
}

export type StackOutputs = Record<string, unknown>;

/** Reads the stack config and builds the chosen blueprint; returns the stack outputs. */
export async function deployFromConfig(): Promise<StackOutputs> {
  const cfg = new pulumi.Config("carbonguard");
  const blueprint = cfg.require("blueprint");
  if (!isBlueprint(blueprint)) {
    throw new Error(`carbonguard:blueprint must be one of ${BLUEPRINTS.join(", ")}; got '${blueprint}'.`);
  }
  return deployBlueprint(blueprint, cfg);
}

export async function deployBlueprint(blueprint: Blueprint, cfg: pulumi.Config = new pulumi.Config("carbonguard")): Promise<StackOutputs> {
  const team = cfg.get("team");
  const name = cfg.get("name") ?? blueprint;
  switch (blueprint) {
    case "aws-training": {
      const { AwsTraining } = await import("./components/aws-training");
      const t = new AwsTraining(name, {
        region: cfg.get("region") ?? new pulumi.Config("aws").get("region"),
        team,
        instanceTypes: cfg.getObject<string[]>("instanceTypes"),
        maxVcpus: cfg.getNumber("maxVcpus"),
        image: cfg.get("image"),
        maxRuntimeHours: cfg.getNumber("maxRuntimeHours"),
        retryAttempts: cfg.getNumber("retryAttempts"),
        imageType: cfg.get("imageType"),
      });
      return {
        region: t.region,
        bucketName: t.bucket.bucket,
        jobQueueName: t.jobQueue.name,
        jobDefinitionName: t.jobDefinition.name,
        computeEnvironmentName: t.computeEnvironment.name,
      };
    }
    case "aws-inference": {
      const { AwsInference, AWS_INFERENCE_DEFAULT_ENVIRONMENT } = await import("./components/aws-inference");
      const memory = cfg.getNumber("serverlessMemoryMb");
      // A gated model needs a Hugging Face token: `pulumi config set --secret carbonguard:hfToken …`.
      const hfToken = cfg.getSecret("hfToken");
      const i = new AwsInference(name, {
        region: cfg.get("region") ?? new pulumi.Config("aws").get("region"),
        team,
        instanceType: cfg.get("instanceType"),
        maxCapacity: cfg.getNumber("maxCapacity"),
        image: cfg.get("image"),
        modelDataUrl: cfg.get("modelDataUrl"),
        environment: hfToken !== undefined ? { ...AWS_INFERENCE_DEFAULT_ENVIRONMENT, HF_TOKEN: hfToken } : undefined,
        serverless: memory !== undefined ? { memorySizeInMb: memory, maxConcurrency: cfg.getNumber("serverlessMaxConcurrency") ?? 5 } : undefined,
      });
      return { region: i.region, endpointName: i.endpoint.name, payloadBucket: i.bucket.bucket };
    }
    case "gcp-training": {
      const { GcpTraining } = await import("./components/gcp-training");
      // "none" for TPU machine types (no attached GPU).
      const accelerator = cfg.get("acceleratorType");
      const g = new GcpTraining(name, {
        zone: cfg.get("zone") ?? new pulumi.Config("gcp").get("zone"),
        team,
        machineType: cfg.get("machineType"),
        acceleratorType: accelerator === "none" ? null : accelerator,
        acceleratorCount: cfg.getNumber("acceleratorCount"),
        maxNodes: cfg.getNumber("maxNodes"),
      });
      return {
        zone: g.zone,
        clusterName: g.cluster.name,
        bucketName: g.bucket.name,
        trainerServiceAccount: g.trainerServiceAccount.email,
      };
    }
    case "gcp-inference": {
      const { GcpInference } = await import("./components/gcp-inference");
      const g = new GcpInference(name, {
        region: cfg.get("region") ?? new pulumi.Config("gcp").get("region"),
        team,
        image: cfg.get("image"),
        maxInstances: cfg.getNumber("maxInstances"),
      });
      return { region: g.region, url: g.service.uri };
    }
    case "gke-inference": {
      const { GkeInference } = await import("./components/gke-inference");
      const g = new GkeInference(name, {
        zone: cfg.get("zone") ?? new pulumi.Config("gcp").get("zone"),
        team,
        image: cfg.get("image"),
        model: cfg.get("model"),
        maxReplicas: cfg.getNumber("maxReplicas"),
      });
      return { region: g.region, clusterName: g.cluster.name, deploymentName: g.deployment.metadata.name };
    }
    case "wasteful": {
      const { buildWastefulExample } = await import("./examples/wasteful");
      const example = buildWastefulExample();
      return { note: "Anti-pattern example: preview it with --policy-pack ./policies, never deploy it.", resources: example.resources.map((r) => r.urn) };
    }
  }
}
