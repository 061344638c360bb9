import type { Outcome } from "../../src/engine/rule";

/**
 * A finding with its whole text as `message`: the short form the pack prints, then the details the
 * report carries (alternatives, provenance). For the tests that check what the rule explains, not
 * how short the message is (test/unit/message-short-form.test.ts measures that).
 */
export function longForm<T extends Outcome>(outcome: T): T {
  if (outcome.kind !== "violation") return outcome;
  return { ...outcome, message: [outcome.message, ...(outcome.details ?? [])].join(" ") };
}
