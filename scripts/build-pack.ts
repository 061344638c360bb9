/**
 * Assembles the self-contained policy pack in `policies/` after `tsc` (run by `npm run build`).
 *
 * `pulumi policy publish` runs `npm pack` in the pack folder, and Pulumi Cloud's enforcement unpacks
 * that tarball and runs `npm install` in it: everything the pack runs must sit inside `policies/`.
 * So the build lays out, git-ignored:
 *
 *   policies/lib/                 compiled engine and rules (dist/src, dist/policies), the region data
 *                                 and the rule docs, with a package.json named "carbonguard" so the
 *                                 code finds its data next to itself (src/util/package-root.ts)
 *   policies/npm-shrinkwrap.json  the exact versions of the pack's runtime dependencies, taken from
 *                                 this repository's package-lock.json, so enforcement installs what
 *                                 was tested (the ranges in policies/package.json stay `^`)
 *
 * From a clone and from the installed npm package the same folder runs as it is: its dependencies
 * resolve from the node_modules above it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { packageRoot } from "../src/util/package-root";

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string>;
  bin?: unknown;
  optional?: boolean;
  dev?: boolean;
  hasInstallScript?: boolean;
  os?: unknown;
  cpu?: unknown;
}

interface PackManifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
}

/** Where a package that `from` (a lock path such as node_modules/a/node_modules/b) requires is installed. */
export function resolveInLock(packages: Readonly<Record<string, LockEntry>>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

/**
 * A shrinkwrap for `manifest`'s dependencies: the transitive closure of the repository lock's
 * entries they resolve to, at the same paths (a consistent subset of a valid tree is valid).
 */
export function shrinkwrapFor(lock: { packages: Record<string, LockEntry> }, manifest: PackManifest): Record<string, unknown> {
  const packages = lock.packages;
  const picked: Record<string, LockEntry> = {};
  const queue: [from: string, name: string, optional: boolean][] = Object.keys(manifest.dependencies).map((n) => ["", n, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const at = resolveInLock(packages, from, name);
    if (!at) {
      if (optional) continue;
      throw new Error(`package-lock.json has no entry for ${name} (needed from ${from || "the pack"}): run npm install`);
    }
    if (picked[at]) continue;
    const { dev: _dev, ...entry } = packages[at]!;
    picked[at] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([at, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([at, dep, true]);
    for (const [dep] of Object.entries(entry.peerDependencies ?? {})) queue.push([at, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  const sorted = Object.fromEntries(Object.keys(picked).sort().map((k) => [k, picked[k]!]));
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies }, ...sorted },
  };
}

function copyTree(from: string, to: string, keep: (file: string) => boolean): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(src, dst, keep);
    } else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

export function buildPack(root: string = packageRoot()): { lib: string; files: number } {
  const policies = path.join(root, "policies");
  const lib = path.join(policies, "lib");
  const dist = path.join(root, "dist");
  if (!fs.existsSync(path.join(dist, "policies", "index.js"))) throw new Error(`${dist}/policies/index.js is missing: run tsc first (npm run build)`);
  const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const manifest = JSON.parse(fs.readFileSync(path.join(policies, "package.json"), "utf8")) as PackManifest;
  if (manifest.version !== rootManifest.version) {
    throw new Error(`policies/package.json version ${manifest.version} differs from package.json ${rootManifest.version}`);
  }

  // Build into a temporary folder, then swap, so a failed build never leaves half a pack behind.
  const staging = `${lib}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const js = (f: string) => f.endsWith(".js");
  copyTree(path.join(dist, "src"), path.join(staging, "src"), js);
  copyTree(path.join(dist, "policies"), path.join(staging, "policies"), js);
  copyTree(path.join(root, "region-data"), path.join(staging, "region-data"), (f) => f.endsWith(".json") || f.endsWith(".md"));
  copyTree(path.join(root, "docs", "rules"), path.join(staging, "docs", "rules"), (f) => f.endsWith(".md"));
  for (const doc of ["waivers.md", "methodology.md"]) fs.copyFileSync(path.join(root, "docs", doc), path.join(staging, "docs", doc));
  fs.writeFileSync(
    path.join(staging, "package.json"),
    JSON.stringify(
      { name: "carbonguard", version: rootManifest.version, private: true, description: "Built copy of carbonguard's engine, rules and data for the policy pack (scripts/build-pack.ts); not a package of its own." },
      null,
      2,
    ) + "\n",
  );
  fs.rmSync(lib, { recursive: true, force: true });
  fs.renameSync(staging, lib);

  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  fs.writeFileSync(path.join(policies, "npm-shrinkwrap.json"), JSON.stringify(shrinkwrapFor(lock, manifest), null, 2) + "\n");

  let files = 0;
  const count = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? count(path.join(d, e.name)) : files++;
  };
  count(lib);
  return { lib, files };
}

if (require.main === module) {
  try {
    const { lib, files } = buildPack();
    process.stderr.write(`build-pack: ${files} files in ${path.relative(process.cwd(), lib) || lib}\n`);
  } catch (e) {
    process.stderr.write(`build-pack: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
