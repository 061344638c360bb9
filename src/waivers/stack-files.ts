/**
 * A minimal reader of stack state files for `carbonguard waivers check --inputs`: the resources'
 * URNs and types from `pulumi stack export` JSON (`deployment.resources`) or a self-managed
 * backend checkpoint (`checkpoint.latest.resources`, also `.json.gz`).
 * TODO: switch to the shared readers in src/inputs/ once they land.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export interface StateResource {
  readonly urn: string;
  readonly type: string;
}

export function readStateResources(path: string): StateResource[] {
  let raw = readFileSync(path);
  if (path.endsWith(".gz")) raw = gunzipSync(raw);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const d = doc as { deployment?: { resources?: unknown }; checkpoint?: { latest?: { resources?: unknown } } } | null;
  const list = d?.deployment?.resources ?? d?.checkpoint?.latest?.resources;
  if (d === null || typeof d !== "object" || (!("deployment" in d) && !("checkpoint" in d))) {
    throw new Error(`${path}: not a stack export (\`pulumi stack export\`) or backend checkpoint`);
  }
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${path}: resources is not a list`);
  const out: StateResource[] = [];
  for (const r of list as unknown[]) {
    const res = r as { urn?: unknown; type?: unknown } | null;
    if (res && typeof res.urn === "string") out.push({ urn: res.urn, type: typeof res.type === "string" ? res.type : "" });
  }
  return out;
}
