/**
 * Pulumi Cloud input against a local HTTP server on 127.0.0.1 that answers as the documented REST
 * API does: `GET /api/user/stacks?organization=` (paginated by continuationToken),
 * `GET /api/stacks/{org}/{project}/{stack}` (tags) and `…/export` (an UntypedDeployment), with
 * `Authorization: token …` and `Accept: application/vnd.pulumi+8`. One stack's export fails with
 * 500; a wrong token gets 401; a slow export times out.
 */
import { readFileSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InputItem, readPulumiCloud } from "../../src/inputs";
import { INPUTS, PLANTED, TEAM_BACKEND, runReport } from "./helpers";

const TOKEN = "pul-0123456789abcdef0123456789abcdef01234567";
const ORG = "acme";

/** A stack export (UntypedDeployment) from a checkpoint fixture: `{version, deployment}`. */
function exportOf(file: string): unknown {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { checkpoint: { latest: unknown } };
  return { version: 3, deployment: doc.checkpoint.latest };
}

const EXPORTS: Record<string, unknown> = {
  "llm-serving/prod": exportOf(path.join(TEAM_BACKEND, ".pulumi", "stacks", "llm-serving", "prod.json")),
  "ml-platform/dev": JSON.parse(readFileSync(path.join(INPUTS, "stack-export-v3.json"), "utf8")),
  "ml-platform/v4": JSON.parse(readFileSync(path.join(INPUTS, "stack-export-v4.json"), "utf8")),
  "ml-platform/flaky": undefined, // export answers 500
  "ml-platform/slow": undefined, // export never answers in time
};
const TAGS: Record<string, Record<string, string>> = {
  "llm-serving/prod": { team: "ml-platform", "pulumi:project": "llm-serving" },
  "ml-platform/dev": { team: "vision" },
  "ml-platform/v4": {},
  "ml-platform/flaky": { team: "vision" },
  "ml-platform/slow": {},
};

interface Seen {
  url: string;
  authorization: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
}

let server: Server;
let base = "";
const seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  seen.push({ url: url.pathname + url.search, authorization: req.headers.authorization, accept: req.headers.accept, contentType: req.headers["content-type"] });
  if (req.headers.authorization !== `token ${TOKEN}`) return send(res, 401, { code: 401, message: "Unauthorized: No credentials provided or are invalid." });
  if (url.pathname === "/api/user/stacks") {
    if (url.searchParams.get("organization") !== ORG) return send(res, 200, { stacks: [] });
    const names = Object.keys(EXPORTS);
    const page = url.searchParams.get("continuationToken") === "page-2" ? names.slice(3) : names.slice(0, 3);
    return send(res, 200, {
      stacks: page.map((n) => {
        const [projectName, stackName] = n.split("/");
        return { orgName: ORG, projectName, stackName, lastUpdate: 1760000000, resourceCount: 9 };
      }),
      ...(url.searchParams.get("continuationToken") === "page-2" ? {} : { continuationToken: "page-2" }),
    });
  }
  const m = /^\/api\/stacks\/([^/]+)\/([^/]+)\/([^/]+)(\/export)?$/.exec(url.pathname);
  if (!m || m[1] !== ORG) return send(res, 404, { code: 404, message: "Not Found" });
  const key = `${decodeURIComponent(m[2]!)}/${decodeURIComponent(m[3]!)}`;
  if (!(key in EXPORTS)) return send(res, 404, { code: 404, message: "Stack not found" });
  if (!m[4]) return send(res, 200, { orgName: ORG, projectName: m[2], stackName: m[3], tags: TAGS[key], version: 12 });
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const done = () => {
    inFlight--;
  };
  if (key === "ml-platform/flaky") {
    setTimeout(() => {
      done();
      send(res, 500, { code: 500, message: `internal error; your token was ${TOKEN}` });
    }, 20);
    return;
  }
  if (key === "ml-platform/slow") {
    const t = setTimeout(() => {
      done();
      send(res, 200, EXPORTS["ml-platform/v4"]);
    }, 3_000);
    res.on("close", () => {
      clearTimeout(t);
      if (!res.writableEnded) done();
    });
    return;
  }
  setTimeout(() => {
    done();
    send(res, 200, EXPORTS[key]);
  }, 30);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function all(it: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of it) items.push(item);
  return items;
}

describe("readPulumiCloud", () => {
  it("lists every page, fetches tags and exports, and reports failed stacks with their status", async () => {
    seen.length = 0;
    maxInFlight = 0;
    let planned = -1;
    const items = await all(readPulumiCloud({ org: ORG, token: TOKEN, apiUrl: base, timeoutMs: 1_000, retries: 0, onPlan: (n) => (planned = n) }));
    expect(planned).toBe(5);
    const stacks = items.flatMap((i) => (i.kind === "stack" ? [i.snapshot] : []));
    expect(stacks.map((s) => `${s.project}/${s.stack}`)).toEqual(["llm-serving/prod", "ml-platform/dev", "ml-platform/v4"]);
    expect(stacks[0]?.stackTags).toEqual({ team: "ml-platform", "pulumi:project": "llm-serving" });
    expect(stacks[0]?.source).toBe(`${base}/api/stacks/acme/llm-serving/prod/export`);
    const errors = items.flatMap((i) => (i.kind === "error" ? [i.error] : []));
    expect(errors.map((e) => e.message)).toEqual([
      `${base}/api/stacks/acme/ml-platform/flaky/export: Pulumi Cloud stack acme/ml-platform/flaky: export failed: HTTP 500 Internal Server Error: server error`,
      `${base}/api/stacks/acme/ml-platform/slow/export: Pulumi Cloud stack acme/ml-platform/slow: export failed: timed out after 1 s`,
    ]);
    // Headers as the documented API wants them, on every request.
    expect(seen.length).toBeGreaterThanOrEqual(12);
    for (const s of seen) {
      expect(s.authorization).toBe(`token ${TOKEN}`);
      expect(s.accept).toBe("application/vnd.pulumi+8");
      expect(s.contentType).toBe("application/json");
    }
    expect(seen.filter((s) => s.url.startsWith("/api/user/stacks")).map((s) => s.url)).toEqual(["/api/user/stacks?organization=acme", "/api/user/stacks?organization=acme&continuationToken=page-2"]);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    // Nothing the server said (it echoed the token) and no token in any message.
    expect(JSON.stringify(errors.map((e) => e.message))).not.toContain(TOKEN);
  });

  it("bounds concurrency", async () => {
    maxInFlight = 0;
    await all(readPulumiCloud({ org: ORG, token: TOKEN, apiUrl: base, timeoutMs: 500, retries: 0, concurrency: 1 }));
    expect(maxInFlight).toBe(1);
  });

  it("reports a refused token once, for the organization", async () => {
    const items = await all(readPulumiCloud({ org: ORG, token: "wrong", apiUrl: base, retries: 0 }));
    expect(items).toHaveLength(1);
    expect(items[0]?.kind).toBe("error");
    if (items[0]?.kind === "error") {
      expect(items[0].error.message).toBe(`${base} organization acme: listing stacks failed: HTTP 401 Unauthorized: the access token was refused (check PULUMI_ACCESS_TOKEN)`);
    }
  });

  it("reports an unreachable API as a network error", async () => {
    const items = await all(readPulumiCloud({ org: ORG, token: TOKEN, apiUrl: "http://127.0.0.1:1", retries: 0, timeoutMs: 2_000 }));
    expect(items[0]?.kind === "error" && items[0].error.problem).toMatch(/^listing stacks failed: (network error|timed out)/);
  });
});

describe("carbonguard report --org", () => {
  it("reports every readable stack of the organization, lists the failed ones, and never shows the token or a secret", async () => {
    const r = await runReport(["--org", ORG, "--format", "json", "--format", "table", "--out", "/dev/null"], {
      env: { PULUMI_ACCESS_TOKEN: TOKEN, PULUMI_BACKEND_URL: base },
    });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as { stacks: { id: string; group: string; tags: Record<string, string> }[]; unreadable: { input: string; error: string }[] };
    // The CLI's request timeout (60 s) lets the slow stack through.
    expect(report.stacks.map((s) => s.id)).toEqual(["llm-serving/prod", "ml-platform/dev", "ml-platform/slow", "ml-platform/v4"]);
    expect(report.stacks.find((s) => s.id === "ml-platform/dev")?.group).toBe("vision");
    expect(report.stacks.find((s) => s.id === "llm-serving/prod")?.tags).toEqual({ "pulumi:project": "llm-serving", team: "ml-platform" });
    expect(report.unreadable).toEqual([{ input: `${base}/api/stacks/acme/ml-platform/flaky/export`, error: "Pulumi Cloud stack acme/ml-platform/flaky: export failed: HTTP 500 Internal Server Error: server error" }]);
    for (const text of [r.out, r.err]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PLANTED);
      expect(text).not.toContain("PLANTED-CIPHERTEXT");
    }
  }, 90_000);

  it("needs PULUMI_ACCESS_TOKEN, and refuses to send it over plain http off this machine", async () => {
    await expect(runReport(["--org", ORG], { env: {} })).rejects.toThrow(/needs PULUMI_ACCESS_TOKEN/);
    await expect(runReport(["--org", ORG], { env: { PULUMI_ACCESS_TOKEN: TOKEN, PULUMI_BACKEND_URL: "http://pulumi.example.com" } })).rejects.toThrow(/plain http/);
  });
});
