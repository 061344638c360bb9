"use strict";
// Benchmark floor for bench/pack-startup: only imports @pulumi/policy and serves one no-op policy,
// so its start-up time is what any Node policy pack pays before its own code.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("floor-pack", {
    policies: [
        {
            name: "noop",
            description: "Does nothing.",
            enforcementLevel: "advisory",
            validateResource: () => undefined,
        },
    ],
});
