/**
 * ml-data-colocated's messages: the first sentence says what is wrong and the move that fixes it;
 * the transfer estimate, the regions' grid figures and the clean-region reasoning go to the details.
 */
export const MESSAGES = {
  moveData: "{{subject}} runs in {{region}} but {{verb}} bucket '{{bucket}}' in {{dataRegion}}; move the data to {{region}}.",
  moveCompute: "{{subject}} runs in {{region}} but {{verb}} bucket '{{bucket}}' in {{dataRegion}}; run it in {{dataRegion}}, which is cleaner.",
  bucketOutsideStack: "{{subject}} {{verb}} bucket '{{bucket}}' from outside this stack: can't check it is in {{region}}; declare it here or check its region.",
} as const;
export type MessageId = keyof typeof MESSAGES;
