/** `npm run docs`: writes docs/rules/*.md from rule metadata and examples. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedDocs } from "../src/docs/rule-docs";
import { RULES } from "../src/rules";
import { packageRoot } from "../src/util/package-root";

const root = packageRoot();
const files = generatedDocs(RULES);
// Remove docs of rules that no longer exist, so renames don't leave stale pages behind.
for (const name of readdirSync(join(root, "docs/rules"))) {
  if (name.endsWith(".md") && !files.has(`docs/rules/${name}`)) rmSync(join(root, "docs/rules", name));
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
process.stderr.write(`wrote ${files.size} files under docs/rules/\n`);
