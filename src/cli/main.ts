/** The `carbonguard` command line. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root";
import { ANALYZE_USAGE, analyzeCommand } from "./analyze-command";
import { UsageError, parseArgs } from "./args";
import { ESTIMATE_USAGE, estimateCommand } from "./estimate-command";
import { REGIONS_USAGE, regionsCommand } from "./regions-command";
import { REPORT_FLAGS, REPORT_USAGE, REPORT_VALUE_OPTIONS, reportCommand } from "./report-command";
import { WAIVERS_USAGE, waiversCommand } from "./waivers-command";

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly valueOptions: readonly string[];
  readonly flags: readonly string[];
  readonly run: (args: ReturnType<typeof parseArgs>, out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  analyze: {
    summary: "evaluate the policy pack on stack state, as `pulumi preview --policy-pack` would",
    usage: ANALYZE_USAGE,
    valueOptions: ["policy-config", "stack-tag", "config", "pack"],
    flags: ["example"],
    run: (args, out, err) => analyzeCommand(args, out, err),
  },
  estimate: {
    summary: "energy and kgCO2e per resource and stack from exports, preview JSON or backends",
    usage: ESTIMATE_USAGE,
    valueOptions: ["format", "utilization"],
    flags: [],
    run: (args, out, err) => estimateCommand(args, out, err),
  },
  report: {
    summary: "team-wide report over many stacks: findings, emissions, grades, savings",
    usage: REPORT_USAGE,
    valueOptions: REPORT_VALUE_OPTIONS,
    flags: REPORT_FLAGS,
    run: (args, out, err) => reportCommand(args, out, err),
  },
  regions: {
    summary: "list regions with grid intensity, CFE and PUE (sourced)",
    usage: REGIONS_USAGE,
    valueOptions: ["cloud", "max"],
    flags: ["json"],
    run: (args, out) => regionsCommand(args, out),
  },
  waivers: {
    summary: "check a waiver file: expired, expiring soon, invalid, matching nothing",
    usage: WAIVERS_USAGE,
    valueOptions: ["within", "inputs", "max-horizon"],
    flags: ["json"],
    run: (args, out, err) => waiversCommand(args, out, err),
  },
};

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

function help(): string {
  const lines = ["usage: carbonguard <command> [options]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push("", "Run `carbonguard <command> --help` for a command's options.");
  return lines.join("\n");
}

/** Where the CLI writes: stdout and stderr by default, captured in tests. */
export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const PROCESS_IO: CliIo = {
  out: (s) => void process.stdout.write(`${s}\n`),
  err: (s) => void process.stderr.write(`${s}\n`),
};

export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.out(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`carbonguard: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  try {
    const args = parseArgs(rest, command.valueOptions, command.flags);
    return await command.run(args, io.out, io.err);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`carbonguard ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`carbonguard ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
