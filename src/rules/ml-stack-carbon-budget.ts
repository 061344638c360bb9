/**
 * ml-stack-carbon-budget: a stack's estimated emissions stay within a monthly budget.
 *
 * Runs once per stack over every resource (CrossGuard `validateStack`; the report's stack view) and
 * uses the estimator (src/estimate, docs/methodology.md): operational + embodied kgCO2e per month,
 * at minimum running capacity (floor) and at maximum capacity (ceiling). Not applicable until
 * `maxKgCo2ePerMonth` is set: there is no sensible default budget.
 */
import { docsPage } from "./docs-page";
import { safeName } from "../engine/resource-names";
import { applyConfigSchema } from "../engine/config";
import { cite, listJoin, percent, shortBasis, typeLabel } from "../engine/format";
import { findingOf } from "../engine/message";
import type { FigureRef, Outcome, Rule, StackRuleExample } from "../engine/rule";
import type { StackView } from "../engine/view";
import { type EstimatedResource, type StackEstimate, estimateStack, formatAmount as formatKg, formatRange } from "../estimate";

export interface CarbonBudgetConfig {
  readonly maxKgCo2ePerMonth: number | undefined;
  readonly compareTo: "floor" | "ceiling";
  readonly utilization: number;
  readonly includeEmbodied: boolean;
}

const NAME = "ml-stack-carbon-budget";
const MAX_FIGURES = 16;

const configSchema = {
  properties: {
    maxKgCo2ePerMonth: {
      type: "number",
      minimum: 0,
      description: "The stack's budget in kgCO2e per month (operational + embodied). No default: the policy is not applicable until it is set.",
    },
    compareTo: {
      type: "string",
      enum: ["floor", "ceiling"],
      default: "floor",
      description:
        "Which estimate must stay within the budget: `floor` (minimum running capacity: what runs with no traffic) or `ceiling` (every autoscaled resource at its maximum).",
    },
    utilization: {
      type: "number",
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: "Average utilization of accelerators and CPUs assumed by the estimate (0–1; CCF's default 0.5).",
    },
    includeEmbodied: {
      type: "boolean",
      default: true,
      description: "Count embodied (manufacturing) emissions, allocated per running hour over a 4-year life, in the budget.",
    },
  },
} as const;

function parseConfig(raw: unknown): CarbonBudgetConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    maxKgCo2ePerMonth: values["maxKgCo2ePerMonth"] as number | undefined,
    compareTo: values["compareTo"] as "floor" | "ceiling",
    utilization: values["utilization"] as number,
    includeEmbodied: values["includeEmbodied"] as boolean,
  };
}

function amountOf(r: { operationalKgCo2e: StackEstimate["operationalKgCo2e"]; totalKgCo2e: StackEstimate["totalKgCo2e"] }, includeEmbodied: boolean) {
  return includeEmbodied ? r.totalKgCo2e : r.operationalKgCo2e;
}

function evaluateStack(stack: StackView, { config }: { config: CarbonBudgetConfig }): Outcome[] {
  const budget = config.maxKgCo2ePerMonth;
  if (budget === undefined) return [{ kind: "not-applicable", reason: "maxKgCo2ePerMonth is not set" }];
  const estimate = estimateStack(stack, { utilization: config.utilization });
  const amount = amountOf(estimate, config.includeEmbodied);
  const compared = config.compareTo === "floor" ? amount.floor : amount.ceiling;
  const unknownNote = estimate.unknown.length > 0 ? unknownSentence(estimate) : undefined;

  if (compared <= budget) {
    if (!unknownNote) return [];
    const n = estimate.unknown.length;
    return [
      findingOf(MESSAGES, {
        messageId: "withinBudgetLowerBound",
        data: { compareTo: config.compareTo, amount: formatKg(compared), budget: formatKg(budget), unknown: `${n} resource${n === 1 ? "" : "s"}` },
        level: "advisory",
        severity: "low",
        details: [capitalized(unknownNote)],
      }),
    ];
  }

  const top = estimate.resources
    .filter((r): r is EstimatedResource => r.status === "estimated" && amountOf(r, config.includeEmbodied).ceiling > 0)
    .sort((a, b) => amountOf(b, config.includeEmbodied).ceiling - amountOf(a, config.includeEmbodied).ceiling || a.urn.localeCompare(b.urn))
    .slice(0, 3);
  const contributors = top.map((r) => {
    const a = amountOf(r, config.includeEmbodied);
    return `${typeLabel(r.type)} '${safeName(r.name)}' in ${r.region} ${formatRange(a)} kg (${percent(a.ceiling, amount.ceiling)}%)`;
  });
  const what = config.includeEmbodied ? "operational + embodied" : "operational";
  const largest = top[0];
  const details = [
    `The stack emits an estimated ${formatKg(amount.floor)} kgCO2e/month at minimum running capacity (floor) and up to ${formatKg(amount.ceiling)} at maximum capacity (ceiling), ${what}; its ${config.compareTo} is above the budget of ${formatKg(budget)} kgCO2e/month.`,
  ];
  if (contributors.length > 0) details.push(`Largest contributors (floor–ceiling): ${contributors.join("; ")}.`);
  details.push(
    `Basis: CCF method with current accelerators, ${Math.round(estimate.utilization * 100)}% utilization, ${estimate.hoursPerMonth} h/month, ${sourcesOf(top)}${config.includeEmbodied ? ", embodied over a 4-year life" : ""} (docs/methodology.md).`,
  );
  if (unknownNote) details.push(capitalized(unknownNote));
  const notes = [`Range ${formatKg(amount.floor)}–${formatKg(amount.ceiling)} kgCO2e/month (floor–ceiling, ${what}, CCF method, ${Math.round(estimate.utilization * 100)}% utilization).`];

  const figures: FigureRef[] = [];
  const seen = new Set<string>();
  for (const r of top) {
    for (const f of [r.gridIntensity, r.pue, ...r.assumptions]) {
      const key = `${f.label}|${f.value}|${f.source}`;
      if (seen.has(key) || figures.length >= MAX_FIGURES) continue;
      seen.add(key);
      figures.push(f);
    }
  }
  return [
    findingOf(MESSAGES, {
      messageId: "overBudget",
      data: {
        compareTo: config.compareTo,
        amount: formatKg(compared),
        budget: formatKg(budget),
        largest: largest ? `${typeLabel(largest.type)} '${safeName(largest.name)}' in ${largest.region} (${percent(amountOf(largest, config.includeEmbodied).ceiling, amount.ceiling)}%)` : "the stack's largest resources",
      },
      notes,
      details,
      figures,
      suggestion: {
        maxKgCo2ePerMonth: budget,
        compareTo: config.compareTo,
        floorKgCo2ePerMonth: round1(amount.floor),
        ceilingKgCo2ePerMonth: round1(amount.ceiling),
        operationalKgCo2ePerMonth: { floor: round1(estimate.operationalKgCo2e.floor), ceiling: round1(estimate.operationalKgCo2e.ceiling) },
        embodiedKgCo2ePerMonth: { floor: round1(estimate.embodiedKgCo2e.floor), ceiling: round1(estimate.embodiedKgCo2e.ceiling) },
        overBudgetKgCo2ePerMonth: round1(compared - budget),
        topContributors: top.map((r) => ({
          urn: r.urn,
          type: r.type,
          region: r.region,
          floorKgCo2ePerMonth: round1(amountOf(r, config.includeEmbodied).floor),
          ceilingKgCo2ePerMonth: round1(amountOf(r, config.includeEmbodied).ceiling),
        })),
        resourcesNotEstimated: estimate.unknown.length,
      },
    }),
  ];
}

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
const MESSAGES = {
  overBudget: "The stack's estimated {{compareTo}} of {{amount}} kgCO2e/month is above the budget of {{budget}}; start with {{largest}}.",
  withinBudgetLowerBound: "The stack's estimated {{compareTo}} of {{amount}} kgCO2e/month is within the budget of {{budget}}, but {{unknown}} could not be estimated; it is a lower bound.",
} as const;

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function unknownSentence(estimate: StackEstimate): string {
  const n = estimate.unknown.length;
  const first = estimate.unknown[0]!;
  return `${n} resource${n === 1 ? "" : "s"} could not be estimated (e.g. ${typeLabel(first.type)} '${safeName(first.name)}': ${first.reason}).`;
}

/**
 * "provider PUE (AWS global data-center PUE 2024), Electricity Maps 2025 yearly average
 * (location-based, lifecycle) grid intensity": the sources and years of the figures behind the
 * largest contributors, from the figures themselves.
 */
function sourcesOf(resources: readonly EstimatedResource[]): string {
  const pues = [...new Set(resources.map((r) => cite(r.pue)))];
  const grids = [...new Set(resources.map((r) => withBasis(r.gridIntensity)))];
  const pue = pues.length > 0 ? `provider PUE (${listJoin(pues)})` : "provider PUE";
  const grid = grids.length > 0 ? `${listJoin(grids)} grid intensity` : "regional grid intensity";
  return `${pue}, ${grid}`;
}

function withBasis(figure: FigureRef): string {
  const basis = shortBasis(figure);
  return basis ? `${cite(figure)} (${basis})` : cite(figure);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

const stackExamples: readonly StackRuleExample[] = [
  {
    title: "8×A100 training node in us-east-1 over a 300 kgCO2e/month budget",
    verdict: "bad",
    resources: [
      { type: "pulumi:providers:aws", name: "aws", props: { region: "us-east-1" } },
      { type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p4d.24xlarge", region: "us-east-1" } },
      {
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "inference",
        props: { region: "us-east-1", instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 4 } },
      },
    ],
    config: { maxKgCo2ePerMonth: 300 },
    messageIds: ["overBudget"],
  },
  {
    title: "The same stack in eu-north-1 (Stockholm) fits the budget",
    verdict: "good",
    resources: [
      { type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p4d.24xlarge", region: "eu-north-1" } },
      {
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "inference",
        props: { region: "eu-north-1", instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 4 } },
      },
    ],
    config: { maxKgCo2ePerMonth: 300 },
  },
  {
    title: "A GKE GPU pool that scales to zero: the floor is within budget, the ceiling is not",
    verdict: "good",
    resources: [
      {
        type: "gcp:container/nodePool:NodePool",
        name: "gpu-pool",
        props: { location: "us-central1-a", autoscaling: { minNodeCount: 0, maxNodeCount: 8 }, nodeConfig: { machineType: "g2-standard-8" } },
      },
    ],
    config: { maxKgCo2ePerMonth: 50 },
  },
  {
    title: "Comparing the ceiling instead: the same pool at 8 nodes is over budget",
    verdict: "bad",
    resources: [
      {
        type: "gcp:container/nodePool:NodePool",
        name: "gpu-pool",
        props: { location: "us-central1-a", autoscaling: { minNodeCount: 0, maxNodeCount: 8 }, nodeConfig: { machineType: "g2-standard-8" } },
      },
    ],
    config: { maxKgCo2ePerMonth: 50, compareTo: "ceiling" },
    messageIds: ["overBudget"],
  },
  {
    title: "No budget set: not applicable",
    verdict: "good",
    resources: [{ type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p4d.24xlarge", region: "us-east-1" } }],
  },
];

export const mlStackCarbonBudget: Rule<CarbonBudgetConfig> = {
  meta: {
    name: NAME,
    displayName: "Stack carbon budget",
    description: "A stack's estimated emissions (kgCO2e per month, operational + embodied) stay within maxKgCo2ePerMonth; not applicable until a budget is set.",
    rationale:
      "A budget turns many small choices (region, accelerator, minimum capacity) into one number a team owns. The estimate follows the Cloud Carbon Footprint method extended with current accelerators: per resource kWh from accelerator TDPs, CPU and memory coefficients at an assumed utilization, times provider PUE and the region's Electricity Maps 2025 grid intensity, plus embodied emissions over a 4-year life. One 8×A100 node in us-east-1 emits ~830 kgCO2e a month; the same node in eu-north-1 ~40 kg plus ~97 kg embodied. The finding names the three largest contributors.",
    kind: "stack",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "budget", "ml", "estimate"],
    remediationSteps:
      "Look at the largest contributors first: move them to a cleaner region (see ml-clean-energy-region), let autoscaled capacity scale to zero when idle, or right-size the accelerator. Run `carbonguard estimate` on the stack's export to see every resource's share. If the budget is simply too low for the workload, raise `maxKgCo2ePerMonth` in the policy config.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluateStack: (stack, ctx) => evaluateStack(stack, ctx),
  examples: [],
  stackExamples,
};
