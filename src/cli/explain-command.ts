/**
 * `carbonguard explain <policy>`: the policy's page (what it checks, why, its options, examples and
 * evidence) printed from the docs shipped in the package, so a finding in `pulumi preview` leads to
 * an explanation that exists wherever carbonguard is installed, with no web address to go stale.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root";
import { type ParsedArgs, UsageError } from "./args";

export const EXPLAIN_USAGE = `carbonguard explain <policy>

Prints a policy's page from the docs shipped with carbonguard: what it checks and why, its options,
the messages its findings use, good and bad examples, and the evidence behind it.
Without a policy, lists the policies that have a page.`;

/** The policies with a page in the installed package (docs/rules/<name>.md), sorted. */
export function explainedPolicies(root: string = packageRoot()): string[] {
  try {
    return readdirSync(join(root, "docs", "rules"))
      .filter((f) => /^[a-z0-9-]+\.md$/.test(f))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

export function explainCommand(args: ParsedArgs, out: (s: string) => void): number {
  const [policy, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const root = packageRoot();
  const known = explainedPolicies(root);
  if (known.length === 0) throw new Error("this carbonguard install has no policy pages (docs/rules is missing): reinstall carbonguard");
  if (policy === undefined) {
    out(["Policies (carbonguard explain <policy>):", ...known.map((p) => `  ${p}`)].join("\n"));
    return 0;
  }
  // Only a listed name is read: the argument never becomes a path of its own.
  if (!known.includes(policy)) {
    throw new UsageError(`no policy named '${/^[\w.-]{1,60}$/.test(policy) ? policy : "(not shown)"}'; policies: ${known.join(", ")}`);
  }
  out(readFileSync(join(root, "docs", "rules", `${policy}.md`), "utf8").trimEnd());
  return 0;
}
