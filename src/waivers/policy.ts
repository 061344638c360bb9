/**
 * The `carbonguard-waivers` policy: reports nothing about resources; it exists so the user's
 * `--policy-pack-config` can carry waivers (each policy sees only its own config) and so they are
 * loaded before any rule runs. It must be FIRST in the pack's policy list: @pulumi/policy's server
 * runs the policies in list order for each Analyze and AnalyzeStack call (server.js,
 * makeAnalyzeRpcFun / makeAnalyzeStackRpcFun: `for (const p of policies)`), so its
 * validateResource/validateStack fill the store before the rules' adapters read it.
 *
 * On AnalyzeStack (once per run) it reports an invalid waiver input once, at its own level
 * (advisory by default; set it to mandatory to make a broken waiver file block the run).
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { formatLoadProblem } from "./parse";
import { WAIVERS_ENV, WAIVERS_POLICY, configurePackWaivers, currentPackWaivers } from "./pack";

export const WAIVERS_CONFIG_SCHEMA = {
  properties: {
    waivers: {
      type: "array",
      description: "Inline waivers: entries {policy, match, reason, expires, approvedBy?, requestedBy?, ticket?, category?} (see docs/waivers.md). Validated by carbonguard, so a bad entry is reported and fails closed instead of aborting the run.",
      items: { type: "object" },
    },
    file: {
      type: "string",
      description: "A waiver file (YAML or JSON). A relative path resolves against $PWD, the directory pulumi was run from.",
    },
    maxHorizonDays: {
      type: "integer",
      description: "A waiver that expires further ahead than this many days is not honoured.",
      default: 180,
      minimum: 1,
      maximum: 3650,
    },
    allowTagWaivers: {
      type: "boolean",
      description: "Honour carbonguard-waiver tags/labels on resources. Off by default: tags are granted by whoever can edit the resource.",
      default: false,
    },
  },
} as const;

export function waiversPolicy(): ResourceValidationPolicy & StackValidationPolicy {
  return {
    name: WAIVERS_POLICY,
    displayName: "carbonguard waivers",
    description: `Loads carbonguard waivers (this policy's config, and the ${WAIVERS_ENV} file) so the other policies honour them; reports an invalid waiver input.`,
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["waivers"],
    remediationSteps: "Fix the waiver file or inline entry the message names (run `carbonguard waivers check <file>`).",
    configSchema: WAIVERS_CONFIG_SCHEMA as unknown as ResourceValidationPolicy["configSchema"],
    validateResource: (args: ResourceValidationArgs) => {
      configurePackWaivers(args.getConfig());
    },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      configurePackWaivers(args.getConfig());
      const { problems } = currentPackWaivers();
      if (problems.length === 0) return;
      const shown = problems.slice(0, 5).map(formatLoadProblem).join("; ");
      const more = problems.length > 5 ? `; and ${problems.length - 5} more` : "";
      // The object form: the message alone, without the SDK prefixing the policy description.
      (reportViolation as unknown as (info: { message: string }) => void)({ message: `Waivers not applied (every finding keeps its full level): ${shown}${more}` });
    },
  } as ResourceValidationPolicy & StackValidationPolicy;
}
