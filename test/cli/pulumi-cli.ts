// Tier 6: the real Pulumi CLI. The workspaces (fresh PULUMI_HOME, file:// backend, stand-in
// providers, all offline) live in tools/pulumi-cli/workspace.ts, shared with bench/cli; this adds
// the vitest side: a suite that runs when the CLI is built and fails in CI when it is not.
import { describe, it } from "vitest";

import { CLI_BIN_DIR, cliBuilt } from "../../tools/pulumi-cli/workspace";

export * from "../../tools/pulumi-cli/workspace";

/**
 * `describe` for a real-CLI suite: runs when the CLI is built. In CI (`CI=true`, as `.ci/run` runs)
 * a missing CLI is a failure, never a skip: the suite gets one failing test saying how to build it.
 */
export function describeCli(name: string, fn: () => void): void {
    if (cliBuilt()) {
        describe(name, fn);
    } else if (process.env.CI) {
        describe(name, () => {
            it("has the Pulumi CLI built", () => {
                throw new Error(`the Pulumi CLI is not built at ${CLI_BIN_DIR}: run \`npm run pulumi:build\``);
            });
        });
    } else {
        describe.skip(`${name} (the Pulumi CLI is not built: npm run pulumi:build)`, fn);
    }
}

