/** The `carbonguard` command line. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root";
import { loadDataFiles } from "../data/check";
import { UsageError, parseArgs } from "./args";

type Run = (args: ReturnType<typeof parseArgs>, out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;

interface CommandSpec {
  readonly usage: string;
  readonly valueOptions: readonly string[];
  readonly flags: readonly string[];
  readonly run: Run;
}

interface Command {
  readonly summary: string;
  /**
   * Loads the command's module on first use: `carbonguard regions` should not pay for loading the
   * gRPC pack host, the estimator or the report renderers.
   */
  readonly load: () => Promise<CommandSpec>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  analyze: {
    summary: "evaluate the policy pack on stack state, as `pulumi preview --policy-pack` would",
    load: async () => {
      const m = await import("./analyze-command");
      return { usage: m.ANALYZE_USAGE, valueOptions: ["policy-config", "stack-tag", "config", "pack"], flags: ["example", "json"], run: m.analyzeCommand };
    },
  },
  estimate: {
    summary: "energy and kgCO2e per resource and stack from exports, preview JSON or backends",
    load: async () => {
      const m = await import("./estimate-command");
      return { usage: m.ESTIMATE_USAGE, valueOptions: ["format", "utilization"], flags: [], run: m.estimateCommand };
    },
  },
  report: {
    summary: "team-wide report over many stacks: findings, emissions, grades, savings",
    load: async () => {
      const m = await import("./report-command");
      m.tuneHeapForStreaming();
      m.exitCleanlyOnSignals();
      return { usage: m.REPORT_USAGE, valueOptions: m.REPORT_VALUE_OPTIONS, flags: m.REPORT_FLAGS, run: m.reportCommand };
    },
  },
  regions: {
    summary: "list regions with grid intensity, CFE and PUE (sourced)",
    load: async () => {
      const m = await import("./regions-command");
      return { usage: m.REGIONS_USAGE, valueOptions: ["cloud", "max"], flags: ["json"], run: (args, out) => m.regionsCommand(args, out) };
    },
  },
  explain: {
    summary: "print a policy's page: what it checks, why, options, examples, evidence",
    load: async () => {
      const m = await import("./explain-command");
      return { usage: m.EXPLAIN_USAGE, valueOptions: [], flags: [], run: (args, out) => m.explainCommand(args, out) };
    },
  },
  waivers: {
    summary: "check a waiver file: expired, expiring soon, invalid, matching nothing",
    load: async () => {
      const m = await import("./waivers-command");
      return { usage: m.WAIVERS_USAGE, valueOptions: ["within", "inputs", "max-horizon"], flags: ["json"], run: m.waiversCommand };
    },
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
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`carbonguard: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  try {
    const args = parseArgs(rest, command.valueOptions, command.flags);
    // A broken install stops here, naming the file, rather than as a rule error on every resource.
    loadDataFiles();
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
