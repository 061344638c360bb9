/**
 * The rule contract. A rule is metadata + a plain function from a view (or a stack of views) and
 * its config to outcomes, + good and bad examples that run as tests and feed the generated docs.
 * Both front ends (the CrossGuard pack and the reports) call the same functions.
 */
import type { Figure } from "../data/types";
import type { ResourceView, StackContext, StackView } from "./view";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";

/** The subset of JSON Schema a rule's config may use (the CLI validates it; see PULUMI-RUNTIME.md). */
export interface ConfigPropertySchema {
  readonly type: "number" | "integer" | "string" | "boolean" | "array" | "object";
  readonly description: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: { readonly type: "string" | "number"; readonly enum?: readonly unknown[]; readonly pattern?: string };
  readonly additionalProperties?: unknown;
  readonly pattern?: string;
}

export interface RuleConfigSchema {
  readonly properties: Readonly<Record<string, ConfigPropertySchema>>;
  readonly required?: readonly string[];
}

export interface RuleMeta {
  /** Stable public name (users write it in config files and waivers). */
  readonly name: string;
  readonly displayName: string;
  /** One sentence: what the rule requires. */
  readonly description: string;
  /** Longer explanation for the docs: why it matters, with sourced numbers. */
  readonly rationale: string;
  /**
   * `resource`: runs per resource (CrossGuard `validateResource`, on inputs); `stack`: runs once
   * over all resources (`validateStack`, on outputs, with dependencies); `resource+stack`: both,
   * under one policy name (joins such as ASG → launch template need the stack view).
   */
  readonly kind: "resource" | "stack" | "resource+stack";
  readonly defaultLevel: EnforcementLevel;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly remediationSteps: string;
  /**
   * The policy's page, relative to the installed package (`docs/rules/<name>.md`, printed by
   * `carbonguard explain <name>`). Not a web address: the project has no public home yet.
   */
  readonly url: string;
  /**
   * The rule's messages by id, as typescript-eslint rules declare `meta.messages`: each is the first
   * sentence of a finding (what is wrong and the fix), with `{{name}}` placeholders filled from the
   * finding's `data`. Tests assert on the id, not on the prose.
   */
  readonly messages: Readonly<Record<string, string>>;
  readonly configSchema: RuleConfigSchema;
}

/** Provenance of a number quoted in a finding. */
export type FigureRef = Figure & { readonly label: string };

/** The change that fixes a finding, as data. */
export type FindingFix =
  | { readonly kind: "property"; readonly path: string; readonly value: unknown }
  | { readonly kind: "type"; readonly from: string; readonly to: readonly string[] }
  | { readonly kind: "region"; readonly from: string; readonly to: readonly string[] }
  | { readonly kind: "action"; readonly text: string };

/** What fixing a finding saves, with the basis in short form ("per running instance; 418 gCO2e/kWh, Electricity Maps 2025"). */
export interface FindingSaving {
  readonly kgCo2ePerMonth: number;
  readonly basis: string;
}

/** A piece of evidence behind a finding, in words. */
export interface EvidenceRef {
  readonly id: string;
  readonly claim: string;
  readonly kind: string;
  readonly source: string;
}

export interface Finding {
  readonly kind: "violation";
  /** Which of the rule's `meta.messages` this finding is (`ruleError` for the engine's own error finding). */
  readonly messageId: string;
  /** The values `meta.messages[messageId]` was filled with. */
  readonly data: Readonly<Record<string, string | number>>;
  /** The short form, as `pulumi preview` prints it: what is wrong and the fix, then the saving. */
  readonly message: string;
  readonly fix?: FindingFix;
  readonly saving?: FindingSaving;
  readonly evidence?: readonly EvidenceRef[];
  /** The long form (alternatives, provenance, caveats): in the report's JSON, HTML and SARIF, not in the pack's message. */
  readonly details?: readonly string[];
  /** Overrides the policy's level for this finding (e.g. "no data" is advisory under a mandatory rule). */
  readonly level?: EnforcementLevel;
  readonly severity?: Severity;
  /** Machine-readable better choice, e.g. `{region: "eu-north-1", gCo2ePerKwh: 20, savingPercent: 95}`. */
  readonly suggestion?: Readonly<Record<string, unknown>>;
  /** Every number the message quotes, with source, year and basis. */
  readonly figures: readonly FigureRef[];
  /** Optional URN when a stack rule reports on a specific resource. */
  readonly urn?: string;
  /** The rule failed (threw, or returned no list): the finding fails closed at the policy's level and counts as an error. */
  readonly ruleError?: true;
}

/** The rule can't decide because a value is unknown until the update runs (preview). */
export interface CannotEvaluate {
  readonly kind: "unknown";
  readonly path: string;
  readonly valueType: "string" | "number" | "boolean" | "array" | "object";
}

export interface NotApplicable {
  readonly kind: "not-applicable";
  readonly reason: string;
}

export type Outcome = Finding | CannotEvaluate | NotApplicable;

export interface RuleContext<C> {
  readonly config: C;
  readonly stack: StackContext;
}

export interface ExampleResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly providerProps?: Record<string, unknown>;
}

export interface RuleExample {
  /** Short title shown in docs, e.g. "GPU endpoint in us-east-1". */
  readonly title: string;
  readonly verdict: "good" | "bad";
  readonly resource: ExampleResource;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly stackTags?: Readonly<Record<string, string>>;
  readonly stackConfig?: Readonly<Record<string, string>>;
  /** The message ids the findings must include (bad examples). */
  readonly messageIds?: readonly string[];
  /** Substrings the finding's message must contain (bad examples). */
  readonly messageIncludes?: readonly string[];
}

/** A stack-level example: several resources (with their links) evaluated together. */
export interface StackRuleExample {
  readonly title: string;
  readonly verdict: "good" | "bad";
  readonly resources: readonly (ExampleResource & {
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly parent?: string;
    /** The provider resource's name (a `pulumi:providers:…` resource in the same example). */
    readonly provider?: string;
    readonly id?: string;
  })[];
  readonly config?: Readonly<Record<string, unknown>>;
  readonly stackTags?: Readonly<Record<string, string>>;
  readonly stackConfig?: Readonly<Record<string, string>>;
  readonly messageIds?: readonly string[];
  readonly messageIncludes?: readonly string[];
}

/**
 * Property changes that fix a finding, for enforcement level `remediate`: keys are property paths
 * (`minSize`, `scalingConfig.minSize`, `autoscaling.minNodeCount`, `nodePools[0].autoscaling`),
 * values the new values. The pack applies them to the resource's own inputs and leaves every other
 * value (secrets, unknowns) as it was.
 */
export type RemediationPatch = Readonly<Record<string, unknown>>;

/**
 * A rule. `evaluate` runs per resource, `evaluateStack` once per stack; a rule has at least one of
 * them, matching `meta.kind`. Stack findings name the resource they are about in `urn`.
 */
export interface Rule<C = Record<string, unknown>> {
  readonly meta: RuleMeta;
  /** Fills defaults and coerces raw config (as `getConfig()` or a config file gives it). */
  readonly parseConfig: (raw: unknown) => C;
  readonly evaluate?: (view: ResourceView, ctx: RuleContext<C>) => readonly Outcome[];
  readonly evaluateStack?: (stack: StackView, ctx: RuleContext<C>) => readonly Outcome[];
  /**
   * Optional automatic fix, run only at enforcement level `remediate` (before validation, on
   * inputs). Returns the changes to make, or `undefined` when there is nothing safe to change.
   */
  readonly remediate?: (view: ResourceView, ctx: RuleContext<C>) => RemediationPatch | undefined;
  readonly examples: readonly RuleExample[];
  readonly stackExamples?: readonly StackRuleExample[];
}

/** A resource-only rule (most of them). */
export interface ResourceRule<C = Record<string, unknown>> extends Rule<C> {
  readonly meta: RuleMeta & { readonly kind: "resource" };
  readonly evaluate: (view: ResourceView, ctx: RuleContext<C>) => readonly Outcome[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

