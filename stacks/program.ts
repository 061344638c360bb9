/**
 * The reference-stacks program (`main` in the root Pulumi.yaml, compiled to dist/stacks/program.js).
 *
 * Pulumi's Node.js runtime calls the function this module exports and turns what it returns into
 * stack outputs. The blueprint comes from stack config: `pulumi config set carbonguard:blueprint
 * aws-training` (or aws-inference, gcp-training, gcp-inference; `wasteful` is the anti-pattern
 * example, for previews only).
 */
import { deployFromConfig } from "./blueprints";

export = deployFromConfig;
