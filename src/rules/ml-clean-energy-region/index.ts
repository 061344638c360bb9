/**
 * ml-clean-energy-region: ML resources run where the grid is clean.
 *
 * Regions are compared on one basis only (Electricity Maps 2025 lifecycle yearly averages for
 * both clouds): mixing Google's direct-emission figures with lifecycle figures inflates a real
 * ~35× spread into ~250× (docs/methodology.md). The resource check is resource.ts; the cleaner
 * regions it suggests, candidates.ts; the saving, saving.ts.
 */
import { docsPage } from "../docs-page";
import type { ResourceRule } from "../../engine/rule";
import { type CleanRegionConfig, configSchema, parseConfig } from "./config";
import { MESSAGES } from "./messages";
import { evaluate } from "./resource";
import { examples } from "./examples";

export type { CleanRegionConfig, Residency } from "./config";

const NAME = "ml-clean-energy-region";

export const mlCleanEnergyRegion: ResourceRule<CleanRegionConfig> = {
  meta: {
    name: NAME,
    displayName: "ML resources in clean-energy regions",
    description: `ML resources run in regions whose grid carbon intensity is at most maxGridIntensity gCO2e/kWh (default 150; Electricity Maps 2025 lifecycle basis).`,
    rationale:
      "Region choice is the largest single lever on an ML workload's operational emissions: on one (lifecycle) basis grid intensity differs 5–10× between typical regions and up to ~35× between the dirtiest and the cleanest, e.g. us-east-1 418 vs eu-north-1 20 gCO2e/kWh (Electricity Maps 2025). Accelerators multiply it: one 8×A100 node draws ~2.4 kW. The policy names the cleanest compliant regions in the same residency area that actually offer the resource's accelerator type, with the saving.",
    kind: "resource",
    defaultLevel: "mandatory",
    severity: "high",
    tags: ["carbon", "region", "ml"],
    remediationSteps:
      "Deploy the resource in one of the suggested regions (set the provider's region, or the resource's `region`/`location`). If a data-residency or latency duty pins it to this region, add the region to `allowedRegions` for this stack's policy config, or record a waiver with a reason and an expiry.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate: (view, ctx) => evaluate(view, ctx),
  examples,
};
