/** Shared by the report pipeline tests: fixture paths, running the command in-process, the JSON schema. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseArgs } from "../../src/cli/args";
import { REPORT_FLAGS, REPORT_VALUE_OPTIONS, type ReportIo, reportCommand } from "../../src/cli/report-command";
import { defaultZstdDecoder } from "../../src/inputs";
import type { Report } from "../../src/report/model";

export const ROOT = path.resolve(__dirname, "../..");
export const BACKENDS = path.join(ROOT, "test", "fixtures", "backends");
export const INPUTS = path.join(ROOT, "test", "fixtures", "inputs");
export const TEAM_BACKEND = path.join(BACKENDS, "team-backend");
export const LEGACY_BACKEND = path.join(BACKENDS, "legacy-backend");
export const PREVIEW = path.join(INPUTS, "preview.json");
export const EXPORT_V4 = path.join(INPUTS, "stack-export-v4.json");

/** The ciphertexts planted in the fixtures (they look like plaintext on purpose). */
export const PLANTED = "hunter2-PLAINTEXT-LOOKING-CIPHERTEXT";

/** Whether this Node can read the .json.zst fixture (Node ≥ 22.15, or the fzstd package). */
export const HAS_ZSTD = defaultZstdDecoder() !== undefined;

/** A fixed clock for waivers and `generatedAt`. */
export const NOW = new Date("2026-06-01T12:00:00Z");

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runReport(argv: readonly string[], io: Partial<ReportIo> = {}): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const args = parseArgs(argv, REPORT_VALUE_OPTIONS, REPORT_FLAGS);
  const code = await reportCommand(args, (s) => out.push(s), (s) => err.push(s), {
    env: {},
    stderr: { write: () => true },
    stdoutIsTTY: false,
    now: NOW,
    ...io,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let validate: ValidateFunction | undefined;

/** docs/report-schema.json errors for a JSON report ([] when valid). */
export function schemaErrors(report: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(ROOT, "docs", "report-schema.json"), "utf8")) as Record<string, unknown>;
    delete schema["$schema"];
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat("date-time", (v: string) => !Number.isNaN(Date.parse(v)));
    validate = ajv.compile(schema);
  }
  return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

export function readJson(file: string): Report {
  return JSON.parse(readFileSync(file, "utf8")) as Report;
}
