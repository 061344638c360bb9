/**
 * The rule's messages: one id per kind of resource, each finding listing every gap of one resource
 * (so the CLI shows one line per resource). The first sentence holds the first gap and its fix; the
 * other gaps follow in short, the longer how and the capacity's draw go to the details.
 */
const SHAPE = "{{subject}} {{gap}}.";
export const MESSAGES = {
  trainingJobGaps: SHAPE,
  batchOnDemand: SHAPE,
  batchJobGaps: SHAPE,
  eksOnDemand: SHAPE,
  asgOnDemand: SHAPE,
  gkePoolOnDemand: SHAPE,
  gceVmOnDemand: SHAPE,
  tpuVmOnDemand: SHAPE,
} as const;
export type MessageId = keyof typeof MESSAGES;
