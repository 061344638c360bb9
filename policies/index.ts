/**
 * The carbonguard policy pack, as `pulumi preview --policy-pack ./policies` loads it.
 *
 * This is the only module that constructs a PolicyPack (constructing one starts the gRPC server);
 * the rules live in src/ where tests and the reports import them. Nothing here may print to stdout:
 * the Pulumi CLI reads the server's port from the first stdout line.
 */
import { PolicyPack } from "@pulumi/policy";
import { loadDataFiles } from "../src/data/check";
import { toPolicy } from "../src/pack/crossguard";
import { keepSecretsMarked } from "../src/pack/secrets";
import { RULES } from "../src/rules";
import { waiversPolicy } from "../src/waivers/policy";

// Fail closed at start-up: with a data file missing or malformed the pack refuses to start, naming
// the file (on stderr, which the Pulumi CLI shows), rather than turning verdicts into per-resource
// errors. No port line is printed, so the CLI reports the pack as failed.
try {
  loadDataFiles();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

// Secrets get the report's answer (can't evaluate, never read): see src/pack/secrets.ts. Without it
// the pack would evaluate plaintext the report cannot see, so it refuses to start rather than differ.
if (!keepSecretsMarked()) {
  process.stderr.write("carbonguard: this @pulumi/policy version hides secret markers from policies; carbonguard needs 1.21.x\n");
  process.exit(1);
}

new PolicyPack("carbonguard", {
  displayName: "carbonguard: energy and carbon policy for ML infrastructure",
  description: "Keeps ML infrastructure on clean grids, fitting accelerators and capacity that scales to zero.",
  provider: "aws, gcp",
  tags: ["carbon", "sustainability", "ml"],
  // carbonguard-waivers first: the SDK runs policies in this order per resource and per stack, so
  // it loads the waivers before any rule reports (docs/waivers.md).
  policies: [waiversPolicy(), ...RULES.map(toPolicy)],
});
