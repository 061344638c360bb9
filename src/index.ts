/**
 * The carbonguard package entry (`require("carbonguard")`).
 *
 * - The reference-stack components (AwsTraining, AwsInference, GcpTraining, GcpInference), to build
 *   the efficient blueprints inside your own Pulumi program.
 * - A minimal engine API: the rule registry and the resource view the rules read.
 *
 * Importing this module has no side effects: it never constructs a PolicyPack (that starts a gRPC
 * server and belongs to policies/index.ts only), and it loads a component (and with it @pulumi/aws
 * or @pulumi/gcp, optional peer dependencies) only when the component is first used, so a GCP-only
 * program does not need @pulumi/aws and a report does not need either.
 */
import type * as AwsInferenceModule from "../stacks/components/aws-inference";
import type * as AwsTrainingModule from "../stacks/components/aws-training";
import type * as GcpInferenceModule from "../stacks/components/gcp-inference";
import type * as GcpTrainingModule from "../stacks/components/gcp-training";

export { RULES, ruleByName } from "./rules";
export { buildStackView, buildView, type ResourceInput, type ResourceView, type StackContext, type StackView } from "./engine/view";
export type { AnyRule, Finding, Outcome, RuleMeta } from "./engine/rule";

export type { AwsTrainingArgs } from "../stacks/components/aws-training";
export type { AwsInferenceArgs, AwsServerlessOptions } from "../stacks/components/aws-inference";
export type { GcpTrainingArgs } from "../stacks/components/gcp-training";
export type { GcpInferenceArgs } from "../stacks/components/gcp-inference";

export declare const AwsTraining: typeof AwsTrainingModule.AwsTraining;
export declare const AwsInference: typeof AwsInferenceModule.AwsInference;
export declare const GcpTraining: typeof GcpTrainingModule.GcpTraining;
export declare const GcpInference: typeof GcpInferenceModule.GcpInference;

/** A module object that is required on first property access. */
function onDemand<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  return new Proxy({} as T, { get: (_target, key) => Reflect.get((loaded ??= load()), key) });
}

/* eslint-disable @typescript-eslint/no-require-imports */
const awsTraining = onDemand(() => require("../stacks/components/aws-training") as typeof AwsTrainingModule);
const awsInference = onDemand(() => require("../stacks/components/aws-inference") as typeof AwsInferenceModule);
const gcpTraining = onDemand(() => require("../stacks/components/gcp-training") as typeof GcpTrainingModule);
const gcpInference = onDemand(() => require("../stacks/components/gcp-inference") as typeof GcpInferenceModule);
/* eslint-enable @typescript-eslint/no-require-imports */

// Getters in the shape Node's CommonJS export detection recognises, so `import { AwsTraining } from
// "carbonguard"` works from ES modules too.
Object.defineProperty(exports, "AwsTraining", { enumerable: true, get: function () { return awsTraining.AwsTraining; } });
Object.defineProperty(exports, "AwsInference", { enumerable: true, get: function () { return awsInference.AwsInference; } });
Object.defineProperty(exports, "GcpTraining", { enumerable: true, get: function () { return gcpTraining.GcpTraining; } });
Object.defineProperty(exports, "GcpInference", { enumerable: true, get: function () { return gcpInference.GcpInference; } });
