/**
 * ml-data-colocated's messages: the first sentence says what is wrong and the move that fixes it;
 * the transfer estimate, the regions' grid figures and the clean-region reasoning go to the details.
 */
export const MESSAGES = {
  moveData: "{{subject}} in {{region}} {{verb}} bucket '{{bucket}}' in {{dataRegion}}; move the data to {{region}}.",
  moveCompute: "{{subject}} in {{region}} {{verb}} bucket '{{bucket}}' in {{dataRegion}}; run it in {{dataRegion}}, which is cleaner.",
  bucketOutsideStack: "{{subject}} uses bucket '{{bucket}}', which is outside the stack; declare it here to check its region.",
} as const;
export type MessageId = keyof typeof MESSAGES;
