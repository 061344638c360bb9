/**
 * The reference-stack components, for use in your own Pulumi program:
 *
 *   import { AwsTraining } from "carbonguard";
 *   const training = new AwsTraining("training", { team: "vision" });
 */
export { AwsTraining, AWS_TRAINING_DEFAULT_INSTANCE_TYPES, AWS_TRAINING_DEFAULT_REGION, type AwsTrainingArgs } from "./components/aws-training";
export {
  AwsInference,
  AWS_INFERENCE_DEFAULT_INSTANCE_TYPE,
  AWS_INFERENCE_DEFAULT_REGION,
  type AwsInferenceArgs,
  type AwsServerlessOptions,
} from "./components/aws-inference";
export { GcpTraining, GCP_TRAINING_DEFAULT_MACHINE_TYPE, GCP_TRAINING_DEFAULT_ZONE, type GcpTrainingArgs } from "./components/gcp-training";
export { GcpInference, CLOUD_RUN_L4_REGIONS, GCP_INFERENCE_DEFAULT_REGION, type GcpInferenceArgs } from "./components/gcp-inference";
export { WORKLOAD_KEY, TEAM_KEY, type Workload } from "./components/common";
export { BLUEPRINTS, deployBlueprint, deployFromConfig, type Blueprint } from "./blueprints";
