/**
 * The rule's messages: one id per kind of always-on capacity. Each reads "<subject> keeps <capacity>
 * running <when>; <fix>." so the first sentence holds what is wrong and the change to make; the why
 * and the longer how go to the details.
 */
export const SHAPE = "{{subject}} keeps {{capacity}} running {{when}}; {{fix}}.";
export const MESSAGES = {
  asgMinAboveZero: SHAPE,
  nodeGroupMinAboveZero: SHAPE,
  batchMinVcpusAboveZero: SHAPE,
  poolNoAutoscaling: SHAPE,
  poolMinAboveZero: SHAPE,
  defaultPoolAlwaysOn: SHAPE,
  vmAlwaysOn: SHAPE,
  tpuVmAlwaysOn: SHAPE,
  cloudRunMinAboveZero: SHAPE,
  realtimeEndpointAlwaysOn: SHAPE,
  managedScalingMinAboveZero: SHAPE,
  vertexEndpointAlwaysOn: SHAPE,
  asyncEndpointNoScalingTarget: SHAPE,
  asyncScalingMinAboveZero: SHAPE,
  inferenceComponentNoScalingTarget: SHAPE,
  inferenceComponentScalingMinAboveZero: SHAPE,
  ecsServiceNoScalingTarget: SHAPE,
  ecsScalingMinAboveZero: SHAPE,
  migAutoscalerOff: SHAPE,
  migMinReplicasUnset: SHAPE,
  migMinReplicasAboveZero: SHAPE,
  migNoAutoscaler: SHAPE,
  workloadNoScaler: SHAPE,
  hpaCannotReachZero: SHAPE,
  kedaMinAboveZero: SHAPE,
  kserveMinAboveZero: SHAPE,
  knativeMinScaleAboveZero: SHAPE,
  podAlwaysOn: SHAPE,
  karpenterNeverConsolidates: SHAPE,
} as const;
export type MessageId = keyof typeof MESSAGES;
