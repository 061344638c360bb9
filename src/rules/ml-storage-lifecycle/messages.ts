/**
 * ml-storage-lifecycle's messages: the first sentence names the bucket, what ML keeps in it and
 * the rule to add; what keeping it costs (when the size is declared) goes to the saving and details.
 */
export const MESSAGES = {
  noLifecycle: "Bucket '{{bucket}}' holds {{what}} but nothing expires or transitions old objects; add a lifecycle rule (expiration or transition).",
  noncurrentKept: "Bucket '{{bucket}}' keeps every noncurrent version of its {{what}}; add a lifecycle rule that expires noncurrent versions.",
  replicated: "Bucket '{{bucket}}' with {{what}} is replicated to {{destination}}, doubling what it stores; replicate only what needs a second copy.",
} as const;
export type MessageId = keyof typeof MESSAGES;
