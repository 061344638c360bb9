/**
 * Reads CodeCarbon's `emissions.csv` (the tracker's CSV output: https://mlco2.github.io/codecarbon/output.html)
 * as every 2.x and 3.x release writes it. Columns are found by name, never by position: releases
 * added columns over time (`run_id`, `emissions_rate`, `cpu_energy`…, `tracking_mode`, `pue`,
 * `water_consumed`…) and older files lack them; unknown columns are ignored. Units as CodeCarbon
 * documents them: `duration` in s, `energy_consumed` in kWh (already multiplied by CodeCarbon's
 * `pue` setting, default 1), `emissions` in kg CO2eq, `timestamp` local time `%Y-%m-%dT%H:%M:%S`
 * when the row was written (the end of the run), `on_cloud` `Y`/`N`, `country_iso_code` ISO 3166 alpha-3.
 *
 * Never throws for a file's content: a bad row is reported with its file and line and every
 * other row still counts.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseCsv } from "./csv";

/** One CodeCarbon run, as its (last) row says. */
export interface MeasuredRun {
  /** `file:line` of the row. */
  readonly source: string;
  readonly projectName: string;
  /** `run_id` (2.x, 3.x), else the per-run `experiment_id` of files written before `run_id` existed. */
  readonly runId?: string;
  readonly experimentId?: string;
  /** Epoch ms: `timestamp − duration` and `timestamp`. */
  readonly start: number;
  readonly end: number;
  readonly durationSeconds: number;
  /** `energy_consumed`, kWh, as CodeCarbon wrote it (its PUE applied). */
  readonly kwh: number;
  /** `emissions`, kg CO2eq, CodeCarbon's own figure; absent when the field is empty. */
  readonly kgCo2e?: number;
  /** CodeCarbon's `pue` (absent in files before it existed: 1). */
  readonly pue: number;
  readonly onCloud: boolean;
  readonly cloudProvider?: string;
  readonly cloudRegion?: string;
  readonly countryIsoCode?: string;
  readonly countryName?: string;
  readonly codecarbonVersion?: string;
}

export interface MeasuredProblem {
  /** `file` or `file:line`. */
  readonly input: string;
  readonly error: string;
}

export interface CodeCarbonRead {
  /** Runs handed to `onRun`. */
  runs: number;
  readonly problems: MeasuredProblem[];
  /** Files read. */
  readonly files: string[];
  /** Files seen but not read, and why (CodeCarbon's per-task files, CSVs of another format in a folder). */
  readonly skipped: MeasuredProblem[];
}

/** Columns without which a row says nothing we can compare. */
const REQUIRED = ["timestamp", "duration", "energy_consumed"] as const;

/**
 * CodeCarbon's timestamp: `2024-05-27T10:49:55`, local time with no offset (`datetime.now()`);
 * read as UTC, so a run's edges may be off by the writer's UTC offset. An offset or `Z`, or a
 * space instead of `T` (files re-saved by other tools), is accepted too.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseCodeCarbonTimestamp(value: string): number | undefined {
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ""}${zone ? (zone === "Z" ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone) : "Z"}`;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return undefined;
  // Date.parse rolls 2024-02-31 over to March: refuse dates that do not exist.
  const back = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return undefined;
  return t;
}

/** A number as pandas or Python's csv module writes it (`0.05`, `5.36e-05`, `1.0`); empty = absent. */
function numberField(value: string | undefined): number | undefined | "bad" {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "" || v.toLowerCase() === "nan") return undefined;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return "bad";
  const n = Number(v);
  return Number.isFinite(n) ? n : "bad";
}

function text(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === "" || v.toLowerCase() === "nan" ? undefined : v;
}

/** Reads one emissions.csv from its text. `file` names it in every problem. */
export function parseCodeCarbonCsv(file: string, content: string): { runs: MeasuredRun[]; problems: MeasuredProblem[]; skipped?: string } {
  const runs: MeasuredRun[] = [];
  const problems: MeasuredProblem[] = [];
  const records = parseCsv(content);
  const first = records.next();
  if (first.done) return { runs, problems: [{ input: file, error: "empty file: no CodeCarbon header" }] };
  const header = first.value.fields.map((h) => h.trim());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    // Some CodeCarbon docs spell `run-id`; the writer spells `run_id`. Accept both.
    const name = h.toLowerCase().replace(/-/g, "_");
    if (!col.has(name)) col.set(name, i);
  });
  // CodeCarbon's task files (`emissions_<experiment>_<run>.csv`, `task_name` column) split a run's
  // energy by task; the run's own row already counts it, so reading both would count it twice.
  if (col.has("task_name")) return { runs, problems, skipped: "a CodeCarbon per-task file (task_name column): its run's total is in emissions.csv" };
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length > 0) {
    return { runs, problems: [{ input: `${file}:${first.value.line}`, error: `not a CodeCarbon emissions.csv: the header lacks ${missing.join(", ")}` }] };
  }
  const get = (fields: readonly string[], name: string): string | undefined => {
    const i = col.get(name);
    return i === undefined ? undefined : fields[i];
  };
  // CodeCarbon appends a row on every flush() with the run's totals so far; the last one (the
  // longest) is the run. Keyed by run id, only within a file.
  const byRun = new Map<string, number>();
  const idColumn = col.has("run_id") ? "run_id" : col.has("experiment_id") ? "experiment_id" : undefined;
  for (const record of records) {
    const at = `${file}:${record.line}`;
    const bad = (error: string) => problems.push({ input: at, error });
    if (record.problem) {
      bad(record.problem);
      continue;
    }
    const f = record.fields;
    if (f.length !== header.length) {
      bad(`${f.length} fields where the header has ${header.length}: the columns cannot be told apart`);
      continue;
    }
    const end = parseCodeCarbonTimestamp(get(f, "timestamp") ?? "");
    if (end === undefined) {
      bad(`timestamp '${(get(f, "timestamp") ?? "").slice(0, 40)}' is not a date and time (YYYY-MM-DDTHH:MM:SS)`);
      continue;
    }
    const duration = numberField(get(f, "duration"));
    if (duration === undefined || duration === "bad" || duration < 0) {
      bad(`duration '${(get(f, "duration") ?? "").slice(0, 40)}' is not a number of seconds ≥ 0`);
      continue;
    }
    const kwh = numberField(get(f, "energy_consumed"));
    if (kwh === undefined || kwh === "bad" || kwh < 0) {
      bad(`energy_consumed '${(get(f, "energy_consumed") ?? "").slice(0, 40)}' is not a number of kWh ≥ 0`);
      continue;
    }
    const kg = numberField(get(f, "emissions"));
    if (kg === "bad" || (kg !== undefined && kg < 0)) {
      bad(`emissions '${(get(f, "emissions") ?? "").slice(0, 40)}' is not a number of kg ≥ 0`);
      continue;
    }
    const pue = numberField(get(f, "pue"));
    if (pue === "bad" || (pue !== undefined && !(pue >= 1 && pue <= 3))) {
      bad(`pue '${(get(f, "pue") ?? "").slice(0, 40)}' is not a PUE (1–3)`);
      continue;
    }
    const onCloudText = text(get(f, "on_cloud"))?.toUpperCase();
    if (onCloudText !== undefined && onCloudText !== "Y" && onCloudText !== "N") {
      bad(`on_cloud '${onCloudText.slice(0, 10)}' is neither Y nor N`);
      continue;
    }
    const cloudProvider = text(get(f, "cloud_provider"))?.toLowerCase();
    const cloudRegion = text(get(f, "cloud_region"))?.toLowerCase();
    const runId = text(get(f, "run_id"));
    const experimentId = text(get(f, "experiment_id"));
    const countryIsoCode = text(get(f, "country_iso_code"))?.toUpperCase();
    const countryName = text(get(f, "country_name"));
    const codecarbonVersion = text(get(f, "codecarbon_version"));
    const run: MeasuredRun = {
      source: at,
      projectName: text(get(f, "project_name")) ?? "codecarbon",
      ...(runId ? { runId } : {}),
      ...(experimentId ? { experimentId } : {}),
      start: end - duration * 1000,
      end,
      durationSeconds: duration,
      kwh,
      ...(kg !== undefined ? { kgCo2e: kg } : {}),
      pue: pue ?? 1,
      // `on_cloud` came with the cloud columns; a file without it is on cloud when it names one.
      onCloud: onCloudText === undefined ? cloudProvider !== undefined && cloudRegion !== undefined : onCloudText === "Y",
      ...(cloudProvider ? { cloudProvider } : {}),
      ...(cloudRegion ? { cloudRegion } : {}),
      ...(countryIsoCode ? { countryIsoCode } : {}),
      ...(countryName ? { countryName } : {}),
      ...(codecarbonVersion ? { codecarbonVersion } : {}),
    };
    const key = idColumn ? text(get(f, idColumn)) : undefined;
    const seen = key !== undefined ? byRun.get(key) : undefined;
    if (seen === undefined) {
      if (key !== undefined) byRun.set(key, runs.length);
      runs.push(run);
    } else if ((runs[seen] as MeasuredRun).durationSeconds <= duration) {
      runs[seen] = run;
    }
  }
  return { runs, problems };
}

/** Files ending .csv under `dir`, recursively, in name order (so reports are reproducible). */
function csvFilesUnder(dir: string, into: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) csvFilesUnder(p, into);
    else if (e.isFile() && e.name.toLowerCase().endsWith(".csv")) into.push(p);
  }
}

/**
 * Reads `--measured` paths: emissions.csv files, and folders searched for `*.csv` files with
 * CodeCarbon's header (other CSVs in a folder are listed as skipped, not as errors; a file named
 * directly must be CodeCarbon's). Each run goes to `onRun` as its file is read, so a caller that
 * aggregates holds no list of runs.
 */
export function readCodeCarbon(paths: readonly string[], onRun: (run: MeasuredRun) => void): CodeCarbonRead {
  const out: CodeCarbonRead = { runs: 0, problems: [], files: [], skipped: [] };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (error) {
      out.problems.push({ input: p, error: `cannot read: ${(error as NodeJS.ErrnoException).code ?? "error"}` });
      continue;
    }
    const files: string[] = [];
    if (isDir) {
      try {
        csvFilesUnder(p, files);
      } catch (error) {
        out.problems.push({ input: p, error: `cannot list: ${(error as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
    } else {
      files.push(p);
    }
    for (const file of files) {
      let content: string;
      try {
        content = readFileSync(file, "utf8");
      } catch (error) {
        out.problems.push({ input: file, error: `cannot read: ${(error as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
      const read = parseCodeCarbonCsv(file, content);
      if (read.skipped) {
        out.skipped.push({ input: file, error: read.skipped });
        continue;
      }
      const notCodeCarbon = read.runs.length === 0 && read.problems.length === 1 && /^not a CodeCarbon|^empty file/.test(read.problems[0]?.error ?? "");
      if (isDir && notCodeCarbon) {
        out.skipped.push({ input: file, error: (read.problems[0] as MeasuredProblem).error });
        continue;
      }
      out.files.push(file);
      for (const run of read.runs) onRun(run);
      out.runs += read.runs.length;
      out.problems.push(...read.problems);
    }
  }
  return out;
}
