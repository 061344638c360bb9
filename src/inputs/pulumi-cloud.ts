/**
 * Stacks of a Pulumi Cloud organization through the REST API (the same calls the Pulumi CLI makes):
 *
 * - `GET /api/user/stacks?organization=<org>[&continuationToken=…]` → `{stacks: [{orgName,
 *   projectName, stackName, lastUpdate, resourceCount}], continuationToken?}`, paginated;
 * - `GET /api/stacks/{org}/{project}/{stack}` → the stack, with its `tags`;
 * - `GET /api/stacks/{org}/{project}/{stack}/export` → an UntypedDeployment `{version, deployment}`,
 *   exactly what `pulumi stack export` prints (secrets stay encrypted: never decrypted here).
 *
 * Headers: `Authorization: token <token>`, `Accept: application/vnd.pulumi+8`,
 * `Content-Type: application/json`. Each request has a timeout; a few stacks are fetched at a time
 * (bounded concurrency) and yielded in listing order, so at most `concurrency` exports are held in
 * memory. A stack that fails (401, 403, 404, 5xx, a timeout, a bad body) becomes an error item
 * naming the stack and the status, and the others go on. The token is sent in a header only and
 * never appears in a source, a message or an error.
 */
import { isRecord, stringEntries } from "../engine/values";
import { parseStateText } from "./parse";
import { InputError, type InputItem, type StackSnapshot } from "./types";

export const DEFAULT_PULUMI_API = "https://api.pulumi.com";

export interface PulumiCloudOptions {
  readonly org: string;
  /** A Pulumi access token (PULUMI_ACCESS_TOKEN). Sent as `Authorization: token …`, never shown. */
  readonly token: string;
  /** API base URL (PULUMI_BACKEND_URL / --api-url); default https://api.pulumi.com. */
  readonly apiUrl?: string;
  /** Stacks fetched at once (default 4, at most 16). */
  readonly concurrency?: number;
  /** Per-request timeout in ms (default 60,000). */
  readonly timeoutMs?: number;
  /** Retries of a request answered 429, 502, 503 or 504 (default 2), after Retry-After (capped at 10 s) or a short backoff. */
  readonly retries?: number;
  /** Injected for tests; default: Node's global fetch. */
  readonly fetch?: typeof fetch;
  /** Called once the listing is complete, with the number of stacks to fetch. */
  readonly onPlan?: (stacks: number, input: string) => void;
}

export interface CloudStackRef {
  readonly org: string;
  readonly project: string;
  readonly stack: string;
  readonly resourceCount?: number;
}

/** Largest export body accepted (as text). */
const MAX_EXPORT_CHARS = 512 * 1024 * 1024;
const MAX_PAGES = 10_000;

function baseUrl(options: PulumiCloudOptions): string {
  const raw = (options.apiUrl ?? DEFAULT_PULUMI_API).trim().replace(/\/+$/, "");
  return raw === "" ? DEFAULT_PULUMI_API : raw;
}

/** A printable label for the organization input (no token, no query). */
export function cloudOrgLabel(options: Pick<PulumiCloudOptions, "org" | "apiUrl">): string {
  return `${baseUrl(options as PulumiCloudOptions)} organization ${options.org}`;
}

function stackUrl(base: string, ref: CloudStackRef): string {
  return `${base}/api/stacks/${encodeURIComponent(ref.org)}/${encodeURIComponent(ref.project)}/${encodeURIComponent(ref.stack)}`;
}

const STATUS_HINTS: Readonly<Record<number, string>> = {
  401: "the access token was refused (check PULUMI_ACCESS_TOKEN)",
  403: "the access token may not read it",
  404: "not found",
  429: "rate limited",
};

function statusProblem(status: number, statusText: string): string {
  const hint = STATUS_HINTS[status] ?? (status >= 500 ? "server error" : "request refused");
  const text = statusText && /^[\x20-\x7e]{1,80}$/.test(statusText) ? ` ${statusText}` : "";
  return `HTTP ${status}${text}: ${hint}`;
}

class RequestFailed extends Error {
  constructor(
    readonly problem: string,
    readonly status?: number,
  ) {
    super(problem);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One GET, with the timeout covering the body too; returns the body text. */
async function get(url: string, options: PulumiCloudOptions): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const retries = Math.max(0, Math.min(5, options.retries ?? 2));
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await doFetch(url, {
        method: "GET",
        headers: { Authorization: `token ${options.token}`, Accept: "application/vnd.pulumi+8", "Content-Type": "application/json" },
        signal,
        // Node's fetch drops Authorization on a cross-origin redirect (e.g. to a signed export URL).
        redirect: "follow",
      });
    } catch (error) {
      throw new RequestFailed(networkProblem(error, timeoutMs));
    }
    if (!response.ok) {
      const retryable = response.status === 429 || response.status === 502 || response.status === 503 || response.status === 504;
      // Drain the body so the connection can be reused; its text is never shown (it could echo anything).
      await response.arrayBuffer().catch(() => undefined);
      if (retryable && attempt < retries) {
        const after = Number(response.headers.get("retry-after"));
        await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, 10_000) : 250 * 2 ** attempt);
        continue;
      }
      throw new RequestFailed(statusProblem(response.status, response.statusText), response.status);
    }
    const length = Number(response.headers.get("content-length"));
    if (Number.isFinite(length) && length > MAX_EXPORT_CHARS) throw new RequestFailed(`response of ${Math.round(length / 1048576)} MiB is larger than carbonguard reads`);
    try {
      return await response.text();
    } catch (error) {
      throw new RequestFailed(networkProblem(error, timeoutMs));
    }
  }
}

function networkProblem(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return `timed out after ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" && /^[A-Z_]{2,40}$/.test(cause.code) ? ` (${cause.code})` : "";
  return `network error${code}`;
}

async function getJson(url: string, options: PulumiCloudOptions): Promise<unknown> {
  const text = await get(url, options);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestFailed(text.trim() === "" ? "empty response" : "the response is not JSON");
  }
}

/**
 * Every stack of the organization (all pages). Throws `InputError` naming the organization when
 * the first page can't be read; a later page that fails ends the listing with `partial` set.
 */
export async function listPulumiCloudStacks(options: PulumiCloudOptions): Promise<{ stacks: CloudStackRef[]; problem?: InputError }> {
  const base = baseUrl(options);
  const label = cloudOrgLabel(options);
  const stacks: CloudStackRef[] = [];
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${base}/api/user/stacks?organization=${encodeURIComponent(options.org)}${token !== undefined ? `&continuationToken=${encodeURIComponent(token)}` : ""}`;
    let body: unknown;
    try {
      body = await getJson(url, options);
    } catch (error) {
      const problem = new InputError(label, `listing stacks failed: ${error instanceof RequestFailed ? error.problem : "unexpected error"}`);
      if (page === 0) throw problem;
      return { stacks, problem };
    }
    if (!isRecord(body) || !Array.isArray(body["stacks"])) {
      const problem = new InputError(label, "listing stacks failed: the response has no `stacks` list");
      if (page === 0) throw problem;
      return { stacks, problem };
    }
    for (const s of body["stacks"]) {
      if (!isRecord(s)) continue;
      const project = s["projectName"];
      const stack = s["stackName"];
      const org = typeof s["orgName"] === "string" && s["orgName"] !== "" ? s["orgName"] : options.org;
      if (typeof project !== "string" || project === "" || typeof stack !== "string" || stack === "") continue;
      const count = s["resourceCount"];
      stacks.push({ org, project, stack, ...(typeof count === "number" && Number.isFinite(count) ? { resourceCount: count } : {}) });
    }
    const next = body["continuationToken"];
    if (typeof next !== "string" || next === "" || seenTokens.has(next)) break;
    seenTokens.add(next);
    token = next;
  }
  return { stacks };
}

/** Reads one stack: its tags and its export. Never throws. */
async function readCloudStack(ref: CloudStackRef, options: PulumiCloudOptions): Promise<InputItem> {
  const base = baseUrl(options);
  const url = stackUrl(base, ref);
  const source = `${url}/export`;
  const label = `Pulumi Cloud stack ${ref.org}/${ref.project}/${ref.stack}`;
  const [meta, exported] = await Promise.allSettled([getJson(url, options), get(source, options)]);
  if (exported.status === "rejected") {
    const problem = exported.reason instanceof RequestFailed ? exported.reason.problem : "unexpected error";
    return { kind: "error", error: new InputError(source, `${label}: export failed: ${problem}`) };
  }
  if (exported.value.length > MAX_EXPORT_CHARS) return { kind: "error", error: new InputError(source, `${label}: export larger than carbonguard reads`) };
  let snapshot: StackSnapshot;
  try {
    snapshot = parseStateText(source, exported.value);
  } catch (error) {
    return { kind: "error", error: error instanceof InputError ? error : new InputError(source, `${label}: the export could not be read`) };
  }
  const warnings = [...snapshot.warnings];
  let stackTags: Record<string, string> | undefined;
  if (meta.status === "fulfilled") {
    const tags = isRecord(meta.value) ? meta.value["tags"] : undefined;
    if (isRecord(tags)) stackTags = stringEntries(tags);
  } else {
    warnings.push(`stack tags could not be read (${meta.reason instanceof RequestFailed ? meta.reason.problem : "unexpected error"})`);
  }
  return {
    kind: "stack",
    snapshot: { ...snapshot, project: ref.project, stack: ref.stack, ...(stackTags ? { stackTags } : {}), warnings },
  };
}

/**
 * Every stack of a Pulumi Cloud organization, one at a time, in listing order. Errors are items
 * (the organization when it can't be listed, else the stack), never exceptions.
 */
export async function* readPulumiCloud(options: PulumiCloudOptions): AsyncGenerator<InputItem, void, undefined> {
  const label = cloudOrgLabel(options);
  let listed: { stacks: CloudStackRef[]; problem?: InputError };
  try {
    listed = await listPulumiCloudStacks(options);
  } catch (error) {
    options.onPlan?.(0, label);
    yield { kind: "error", error: error instanceof InputError ? error : new InputError(label, "listing stacks failed") };
    return;
  }
  options.onPlan?.(listed.stacks.length, label);
  if (listed.problem) yield { kind: "error", error: listed.problem };
  const concurrency = Math.max(1, Math.min(16, Math.floor(options.concurrency ?? 4)));
  const pending: Promise<InputItem>[] = [];
  let next = 0;
  const start = () => {
    const ref = listed.stacks[next++];
    if (ref) pending.push(readCloudStack(ref, options));
  };
  while (next < listed.stacks.length && pending.length < concurrency) start();
  while (pending.length > 0) {
    const item = await (pending.shift() as Promise<InputItem>);
    if (next < listed.stacks.length) start();
    yield item;
  }
}
