/** The `carbonguard` command line. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root";
import { UsageError, parseArgs } from "./args";
import { REGIONS_USAGE, regionsCommand } from "./regions-command";
import { WAIVERS_USAGE, waiversCommand } from "./waivers-command";

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly valueOptions: readonly string[];
  readonly flags: readonly string[];
  readonly run: (args: ReturnType<typeof parseArgs>, out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
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

export async function main(argv: readonly string[], io = { out: (s: string) => process.stdout.write(`${s}\n`), err: (s: string) => process.stderr.write(`${s}\n`) }): Promise<number> {
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
