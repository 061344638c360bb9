/**
 * `carbonguard report`: team-wide compliance and carbon reports over many stacks (issue 7). Reads
 * any mix of inputs as a stream (backend folders, stack exports, preview JSON, a Pulumi Cloud
 * organization), builds the report model (src/report/build.ts) and renders it in every requested
 * format (src/report/renderers/).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PolicyConfigFileError, type ResolvedPolicyConfig, loadPolicyConfig, resolvePolicyConfig } from "../engine/policy-config";
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { DEFAULT_PULUMI_API, type InputFile, type InputItem, listInputs, readPulumiCloud } from "../inputs";
import { type Baseline, BaselineError, loadBaseline } from "../report/baseline";
import { type FailOn, concatInputs, streamReport } from "../report/build";
import { CacheError, DEFAULT_CACHE_MAX_BYTES, ReportCache } from "../report/cache";
import { parseGroupBy } from "../report/group";
import { DEFAULT_MEASURED_FACTOR, type MeasuredInput, type MeasuredMapping, MeasuredMappingError, loadMeasuredMapping, readMeasured } from "../report/measured";
import type { UnreadableInput } from "../report/model";
import { ProgressBar, type ProgressStream } from "../report/progress";
import { FORMATS, type Format, isFormat, renderer } from "../report/renderers";
import { RULES } from "../rules";
import { formatLoadProblem, loadWaiverFile, mergeWaiverSets, type WaiverSet } from "../waivers";
import { WAIVERS_ENV, envWaiverFiles, readWaiverConfig, waiverConfigEntry } from "../waivers/pack";
import { packageRoot } from "../util/package-root";
import { EXAMPLE_EXPORT } from "./example";
import { type ParsedArgs, UsageError, parseUtilization, printable, single } from "./args";

export const REPORT_VALUE_OPTIONS = ["format", "out", "policy-config", "waivers", "group-by", "baseline", "fail-on", "utilization", "expected-utilization", "org", "api-url", "jobs", "cache", "cache-max-mib", "measured", "measured-map", "measured-factor"] as const;
export const REPORT_FLAGS = ["quiet", "example"] as const;

export const REPORT_USAGE = `carbonguard report [inputs…] [--org ORG] [--format F [--out FILE]]… [options]

Evaluates every stack with carbonguard's policies, estimates its energy and emissions, applies
waivers, grades it A–G, groups stacks by team or project, and writes the report in one or more
formats. Stacks are read one at a time, so memory stays flat however many there are.

Inputs, any mix: self-managed backend folders (DIR holding .pulumi/stacks/<project>/<stack>.json,
.json.gz, .json.zst, or the legacy .pulumi/stacks/<stack>.json; stack tags from <stack>.pulumi-tags),
\`pulumi stack export\` files and \`pulumi preview --json\` files. With --org and PULUMI_ACCESS_TOKEN
set, every stack of a Pulumi Cloud organization too (API: --api-url, else PULUMI_BACKEND_URL when it
is an https URL, else ${DEFAULT_PULUMI_API}). Secrets are never decrypted or shown.

  --format F             ${FORMATS.join(" | ")} (default table); repeatable
  --out FILE             write the --format just before it to FILE (a format without --out goes
                         to stdout; at most one may): --format json --out r.json --format sarif --out r.sarif
  --policy-config FILE   a --policy-pack-config file: levels and properties per policy, and
                         carbonguard-waivers {file, waivers, maxHorizonDays, allowTagWaivers}
  --waivers FILE         a waiver file (docs/waivers.md); repeatable; $${WAIVERS_ENV} is read too
  --group-by G           team (default: stack tag "team", else the resource tag "team" most used
                         in the stack), project, or tag:<key> (same, with any key)
  --baseline FILE        a previous --format json report: new, fixed and unchanged findings and
                         the emissions delta
  --fail-on L            mandatory (default) | advisory | never: which active findings exit 1
                         (waived findings never count)
  --utilization U        average accelerator/CPU utilization for estimates, 0–1 (default 0.5)
  --expected-utilization E
                         where autoscaled capacity that declares no size (desired capacity,
                         target size) is expected to run, as a share of the way from its
                         minimum to its maximum, 0–1 (default 0.5): the expected figure
  --measured PATH        CodeCarbon emissions.csv files, or folders of them (repeatable): measured
                         kWh and kgCO2e per stack and group beside the estimate for the same period
  --measured-map FILE    maps CodeCarbon runs (project_name, run_id, experiment_id) to a stack
                         (project/stack) or group; else project_name = the Pulumi project
  --measured-factor F    measured and estimated differing by more than F× either way is a finding
                         (default 2)
  --org ORG              a Pulumi Cloud organization (needs PULUMI_ACCESS_TOKEN)
  --api-url URL          the Pulumi Cloud API (self-hosted); http:// only for localhost
  --example              add the built-in example stack
  --jobs N               threads reading and evaluating stack files: this one and N − 1 workers
                         (default: one per CPU, at most 4; 1 = no workers); the report is the
                         same either way
  --cache DIR            keep each stack file's evaluated result in DIR and reuse it while the
                         file, carbonguard, its data, the policy config, the waivers (and where
                         today falls for their expiry) and the grouping are unchanged; the
                         report is byte-identical to one without the cache
  --cache-max-mib N      the cache's size limit (default ${DEFAULT_CACHE_MAX_BYTES / 1048576}); least recently used entries go first
  --quiet                no progress bar (it is shown only on a terminal anyway)

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; 2 usage error,
or an input, waiver file or policy config that could not be read. 2 wins over 1: the report is
still written and covers every readable stack, and lists what was not read and why.
Guide: docs/report.md; grade method: docs/report-grade.md; JSON schema: docs/report-schema.md.`;

/**
 * A report's live heap is small and steady (one stack at a time plus small per-stack digests),
 * but V8 by default lets the heap grow to several times the live size between full collections,
 * so peak RSS grows with the length of the run. A lower growth factor keeps peak RSS close to
 * flat at little cost in time (bench/report). No hard limit is set: a huge stack still fits.
 * Process-wide, so only the CLI calls it, never the library.
 */
export function tuneHeapForStreaming(): void {
  setFlagsFromString("--heap-growing-percent=20");
}

/**
 * Ctrl-C or a CI timeout (SIGINT, SIGTERM) ends the run through `process.exit` with the shell's
 * codes (130, 143), promptly (the build lets the event loop in). The spool is already unlinked on
 * POSIX; on Windows exiting this way is what removes it (src/report/spool.ts). CLI only.
 */
export function exitCleanlyOnSignals(): void {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}

export interface ReportIo {
  readonly env: NodeJS.ProcessEnv;
  /** stderr for the progress bar (with `isTTY`/`columns` when a terminal). */
  readonly stderr: ProgressStream & { readonly isTTY?: boolean };
  readonly stdoutIsTTY: boolean;
  readonly stdoutColumns?: number;
  /** The waiver clock and `generatedAt` (tests pin them). */
  readonly now?: Date;
  readonly fetch?: typeof fetch;
}

function defaultIo(): ReportIo {
  return {
    env: process.env,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    ...(process.stdout.columns ? { stdoutColumns: process.stdout.columns } : {}),
  };
}

interface Output {
  readonly format: Format;
  out?: string;
}

/** Pairs each --out with the --format before it, in command-line order. */
export function pairOutputs(args: ParsedArgs): Output[] {
  const sequence = args.sequence ?? [...(args.options.get("format") ?? []).map((v) => ["format", v] as const), ...(args.options.get("out") ?? []).map((v) => ["out", v] as const)];
  const outputs: Output[] = [];
  let pendingOut: string | undefined;
  for (const [key, value] of sequence) {
    if (key === "format") {
      const f = value.trim().toLowerCase();
      if (!isFormat(f)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got '${printable(value, 24)}'`);
      outputs.push({ format: f });
    } else if (key === "out") {
      if (value.trim() === "") throw new UsageError("--out needs a file name");
      const last = outputs[outputs.length - 1];
      if (last === undefined) {
        if (pendingOut !== undefined) throw new UsageError("--out given twice before any --format");
        pendingOut = value;
      } else if (last.out !== undefined) {
        throw new UsageError(`--out ${printable(value, 60)}: the --format before it already has an --out (give --format again for another file)`);
      } else {
        last.out = value;
      }
    }
  }
  if (pendingOut !== undefined) {
    if (outputs.length > 0) throw new UsageError("--out must follow the --format it is for");
    outputs.push({ format: "table", out: pendingOut });
  }
  if (outputs.length === 0) outputs.push({ format: "table" });
  if (outputs.filter((o) => o.out === undefined).length > 1) throw new UsageError("at most one --format may go to stdout: give the others an --out FILE");
  return outputs;
}

function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return "mandatory";
  if (value === "mandatory" || value === "advisory" || value === "never") return value;
  throw new UsageError(`--fail-on must be mandatory, advisory or never, got '${printable(value, 20)}'`);
}

/** The API base URL, refusing to send a token over plain http to anything but this machine. */
export function cloudApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = env["PULUMI_BACKEND_URL"];
  const raw = flag ?? (fromEnv && /^https?:\/\//i.test(fromEnv) ? fromEnv : DEFAULT_PULUMI_API);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api-url '${printable(raw, 80)}' is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError("the Pulumi Cloud API URL must be https://");
  if (url.username || url.password) throw new UsageError("the Pulumi Cloud API URL must not hold credentials: use PULUMI_ACCESS_TOKEN");
  const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
  if (url.protocol === "http:" && !loopback) throw new UsageError(`refusing to send PULUMI_ACCESS_TOKEN over plain http to ${url.hostname}: use https`);
  // The console URL is what people copy; the API lives beside it.
  if (url.hostname === "app.pulumi.com") url.hostname = "api.pulumi.com";
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Waivers from --waivers, the policy config's carbonguard-waivers entry and $CARBONGUARD_WAIVERS,
 * read as the pack reads them (`readWaiverConfig`, `envWaiverFiles`); the entry's options apply
 * to every file. Always a set, as in the pack: with none configured, a resource's own waiver tag
 * is still reported as not honoured (tag waivers off).
 */
function loadWaivers(files: readonly string[], rawConfig: unknown, env: NodeJS.ProcessEnv): { set: WaiverSet; problems: UnreadableInput[] } {
  const config = readWaiverConfig(waiverConfigEntry(rawConfig), env);
  const options = config.options;
  const set = mergeWaiverSets(
    [...files.map((f) => loadWaiverFile(resolve(f), options)), config, ...envWaiverFiles(env).map((f) => loadWaiverFile(f, options))],
    options,
  );
  const listed = new Set<string>();
  const problems: UnreadableInput[] = [];
  for (const p of set.problems) {
    const text = formatLoadProblem(p);
    if (listed.has(text)) continue;
    listed.add(text);
    problems.push({ input: p.source, error: `waivers not applied: ${text.startsWith(`${p.source}: `) ? text.slice(p.source.length + 2) : text}` });
  }
  return { set, problems };
}

export async function reportCommand(args: ParsedArgs, out: (s: string) => void, err: (s: string) => void, io: ReportIo = defaultIo()): Promise<number> {
  // --- options (usage errors exit 2 before anything is read)
  const outputs = pairOutputs(args);
  const failOn = parseFailOn(single(args, "fail-on"));
  const utilization = parseUtilization(single(args, "utilization"));
  const expectedUtilization = parseUtilization(single(args, "expected-utilization"), "--expected-utilization");
  const groupByArg = single(args, "group-by") ?? "team";
  if (!parseGroupBy(groupByArg)) throw new UsageError(`--group-by must be team, project or tag:<key>, got '${printable(groupByArg, 40)}'`);
  const org = single(args, "org");
  const token = io.env["PULUMI_ACCESS_TOKEN"];
  if (org !== undefined && (org.trim() === "" || /[/\s]/.test(org))) throw new UsageError("--org needs an organization name");
  if (org !== undefined && !token) throw new UsageError("--org needs PULUMI_ACCESS_TOKEN set to a Pulumi access token");
  const apiUrl = org !== undefined ? cloudApiUrl(single(args, "api-url"), io.env) : undefined;
  if (org === undefined && single(args, "api-url") !== undefined) throw new UsageError("--api-url is for --org");
  const jobsArg = single(args, "jobs");
  if (jobsArg !== undefined && !/^\s*\d{1,3}\s*$/.test(jobsArg)) throw new UsageError("--jobs must be a whole number (1 = no worker threads)");
  // Default: a thread per CPU, at most 4 (this thread evaluates too when the workers are busy).
  const jobs = jobsArg !== undefined ? Math.max(1, Number(jobsArg)) : Math.max(1, Math.min(4, availableParallelism()));
  const cacheDir = single(args, "cache");
  if (cacheDir !== undefined && cacheDir.trim() === "") throw new UsageError("--cache needs a folder");
  const cacheMaxArg = single(args, "cache-max-mib");
  if (cacheMaxArg !== undefined && (cacheDir === undefined || !/^\s*\d{1,7}\s*$/.test(cacheMaxArg) || Number(cacheMaxArg) < 1)) {
    throw new UsageError(cacheDir === undefined ? "--cache-max-mib is for --cache" : "--cache-max-mib must be a whole number of MiB, at least 1");
  }
  const paths = [...args.positionals];
  if (args.flags.has("example")) paths.push(join(packageRoot(), EXAMPLE_EXPORT));
  if (paths.length === 0 && org === undefined) throw new UsageError("give at least one input (a backend folder, a stack export or a preview JSON file), --org, or --example");

  // --- policy config, waivers, baseline (a broken one exits 2: the run would mean something else)
  const configFile = single(args, "policy-config");
  let rawConfig: unknown;
  let policyConfig: ReadonlyMap<string, ResolvedPolicyConfig> | undefined;
  try {
    if (configFile !== undefined) {
      rawConfig = loadPolicyConfig(configFile);
      policyConfig = resolvePolicyConfig(RULES, rawConfig, `policy config ${configFile}`);
    }
  } catch (error) {
    if (error instanceof PolicyConfigFileError) {
      err(`carbonguard report: ${error.message}`);
      return 2;
    }
    throw error;
  }
  let baseline: Baseline | undefined;
  const baselineFile = single(args, "baseline");
  if (baselineFile !== undefined) {
    try {
      baseline = loadBaseline(baselineFile);
    } catch (error) {
      if (error instanceof BaselineError) {
        err(`carbonguard report: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }
  const measuredPaths = args.options.get("measured") ?? [];
  const mapFile = single(args, "measured-map");
  const factorArg = single(args, "measured-factor");
  if ((mapFile !== undefined || factorArg !== undefined) && measuredPaths.length === 0) throw new UsageError("--measured-map and --measured-factor are for --measured");
  const factor = factorArg === undefined ? DEFAULT_MEASURED_FACTOR : Number(factorArg.trim());
  if (!(Number.isFinite(factor) && factor > 1) || (factorArg !== undefined && factorArg.trim() === "")) throw new UsageError(`--measured-factor must be a number above 1, got '${printable(factorArg ?? "", 20)}'`);
  let mapping: MeasuredMapping | undefined;
  if (mapFile !== undefined) {
    try {
      mapping = loadMeasuredMapping(mapFile);
    } catch (error) {
      if (error instanceof MeasuredMappingError) {
        err(`carbonguard report: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }
  // The cache folder is checked before anything is read: a report silently without it would be slow.
  const cache = cacheDir !== undefined ? { dir: resolve(cacheDir), ...(cacheMaxArg !== undefined ? { maxBytes: Number(cacheMaxArg) * 1048576 } : {}) } : undefined;
  if (cache) {
    try {
      new ReportCache({ dir: cache.dir, runKey: "" });
    } catch (error) {
      if (error instanceof CacheError) {
        err(`carbonguard report: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }
  // Measured runs are small once folded per stack/group: read them all before the stacks.
  const measured: MeasuredInput | undefined = measuredPaths.length > 0 ? readMeasured(measuredPaths, { ...(mapping ? { mapping } : {}), factor }) : undefined;
  for (const p of measured?.problems ?? []) err(`carbonguard report: ${p.input}: ${p.error}`);
  const waivers = loadWaivers(args.options.get("waivers") ?? [], rawConfig, io.env);
  for (const p of waivers.problems) err(`carbonguard report: ${p.input}: ${p.error}`);

  // --- the run
  const quiet = args.flags.has("quiet");
  const progress = new ProgressBar({ stream: io.stderr, enabled: !quiet && io.stderr.isTTY === true && !io.env["CI"] });
  const say = (line: string) => {
    progress.clear();
    err(line);
  };
  const onPlan = (n: number) => progress.plan(n);
  const streams: AsyncIterable<InputItem | InputFile>[] = [];
  if (paths.length > 0) streams.push(listInputs(paths, { onPlan }));
  if (org !== undefined && token && apiUrl) streams.push(readPulumiCloud({ org, token, apiUrl, onPlan, ...(io.fetch ? { fetch: io.fetch } : {}) }));
  const now = io.now ?? new Date();
  const report = await streamReport({
    inputs: concatInputs(...streams),
    jobs,
    ...(policyConfig ? { policyConfig } : {}),
    waivers: waivers.set,
    unreadable: waivers.problems,
    groupBy: groupByArg,
    failOn,
    ...(utilization !== undefined ? { utilization } : {}),
    ...(expectedUtilization !== undefined ? { expectedUtilization } : {}),
    ...(baseline ? { baseline } : {}),
    ...(measured ? { measured } : {}),
    ...(cache ? { cache } : {}),
    now,
    onProgress: (p) => {
      if (p.error) say(`carbonguard report: ${p.error.source}: ${p.error.problem}`);
      progress.update(p.done);
    },
    onWarning: (source, warning) => {
      if (!quiet) say(`carbonguard report: ${source}: ${warning}`);
    },
  });
  progress.clear();

  // --- outputs: each document is written as it is rendered, a stack at a time
  let writeFailed = false;
  try {
    for (const o of outputs) {
      const toStdout = o.out === undefined;
      const r = renderer(o.format, o.format === "table" && toStdout ? { color: io.stdoutIsTTY && !io.env["NO_COLOR"] && io.env["TERM"] !== "dumb", width: io.stdoutColumns ?? 100 } : {});
      if (toStdout) {
        const lines = new LineSink(out);
        r.write(report, (chunk) => lines.write(chunk));
        lines.end();
        continue;
      }
      const file = o.out as string;
      let sink: FileSink | undefined;
      try {
        mkdirSync(dirname(resolve(file)), { recursive: true });
        sink = new FileSink(file);
        const s = sink;
        r.write(report, (chunk) => s.write(chunk));
        sink.end();
      } catch (error) {
        sink?.abandon();
        writeFailed = true;
        err(`carbonguard report: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : "error")}`);
      }
    }
  } finally {
    report.close();
  }

  if (report.unreadable.length > 0 || writeFailed) {
    if (report.unreadable.length > 0) err(`carbonguard report: ${report.unreadable.length} input(s) could not be read; the report covers the ${report.summary.stacks} stack(s) that could (exit 2).`);
    return 2;
  }
  return report.summary.failed ? 1 : 0;
}

/** Bytes gathered before one write. */
const WRITE_CHUNK = 1 << 20;

/** Writes a document to a file in large chunks as it is rendered. */
class FileSink {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(file: string) {
    this.fd = openSync(file, "w");
  }

  write(chunk: string): void {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength >= WRITE_CHUNK) this.flush();
  }

  end(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** Closes after a failure (the error is what gets reported). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(""), "utf8");
    this.pending = [];
    this.pendingLength = 0;
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
  }
}

/**
 * Writes a document through a line printer (`out` adds the newline) in large pieces of whole
 * lines, so stdout gets exactly the document, however it was chunked.
 */
class LineSink {
  private pending = "";

  constructor(private readonly out: (line: string) => void) {}

  write(chunk: string): void {
    this.pending += chunk;
    if (this.pending.length < WRITE_CHUNK) return;
    const cut = this.pending.lastIndexOf("\n");
    if (cut < 0) return;
    this.out(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut + 1);
  }

  end(): void {
    if (this.pending !== "") this.out(this.pending.endsWith("\n") ? this.pending.slice(0, -1) : this.pending);
    this.pending = "";
  }
}
