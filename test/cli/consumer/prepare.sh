#!/usr/bin/env bash
# Prepares the consumer project for test/cli/published-package.test.ts: a Pulumi TypeScript project
# on other @pulumi/pulumi 3.x and @pulumi/aws 7.x versions than carbonguard's own, with its
# dependencies installed from the npm registry into test/cli/.consumer (git-ignored). .ci/run runs it
# before the tests, so the test itself installs carbonguard's tarball offline. A no-op when the
# folder was prepared from the same files.
#
# It also installs carbonguard's runtime dependencies at the ranges carbonguard's package.json
# declares, so the offline install of the tarball finds them; the test checks npm then adds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dir="$here/../.consumer"
stamp="$( { cat "$here/package.json" "$here/prepare.sh"; node -p 'JSON.stringify(require(process.argv[1]).dependencies)' "$root/package.json"; } | sha256sum | cut -d' ' -f1)"
if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -d "$dir/node_modules/@pulumi/aws" ]; then
  echo "consumer: $dir is up to date"
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$here/package.json" "$here/Pulumi.yaml" "$here/index.ts" "$here/tsconfig.json" "$dir/"
cd "$dir"
npm install --no-audit --no-fund --loglevel=error
# carbonguard's own runtime dependencies, at its declared ranges (no save: the project stays as a user's).
deps="$(node -p 'Object.entries(require(process.argv[1]).dependencies).filter(([n]) => n !== "@pulumi/pulumi").map(([n, r]) => n + "@" + r).join(" ")' "$root/package.json")"
# shellcheck disable=SC2086
npm install --no-save --no-audit --no-fund --loglevel=error $deps
echo "$stamp" > .stamp
echo "consumer: prepared $dir (@pulumi/pulumi $(node -p 'require("@pulumi/pulumi/package.json").version'), @pulumi/aws $(node -p 'require("@pulumi/aws/package.json").version'))"
