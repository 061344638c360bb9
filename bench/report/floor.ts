// The floor of the report benchmark: reads every state file of a self-managed backend and
// `JSON.parse`s it, one at a time, and nothing else. Prints `{"stacks": N, "maxRssKb": …}`.
//
//   node dist/bench/report/floor.js <backend-dir>

import { promises as fsp } from "node:fs";
import * as path from "node:path";

async function main(dir: string): Promise<void> {
    const stacksDir = path.join(dir, ".pulumi", "stacks");
    let stacks = 0;
    let resources = 0;
    for (const project of (await fsp.readdir(stacksDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
        const projectDir = path.join(stacksDir, project);
        for (const file of (await fsp.readdir(projectDir)).filter((f) => f.endsWith(".json")).sort()) {
            const doc = JSON.parse(await fsp.readFile(path.join(projectDir, file), "utf8")) as { checkpoint?: { latest?: { resources?: unknown[] } } };
            resources += doc.checkpoint?.latest?.resources?.length ?? 0;
            stacks++;
        }
    }
    process.stdout.write(`${JSON.stringify({ stacks, resources, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

void main(process.argv[2] ?? ".");
