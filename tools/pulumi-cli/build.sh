#!/usr/bin/env bash
# Builds the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version go.mod pins) and the
# Node.js language host in language-nodejs/ into tools/pulumi-cli/bin (git-ignored; binaries are never
# committed). A no-op when bin/ was built from the same go.mod, go.sum, host source and Go version.
#
#   npm run pulumi:build            # build if needed
#   PULUMI_CLI_REBUILD=1 npm run pulumi:build
#
# The CLI and the host sit in one folder because the CLI looks for language hosts beside itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/bin"
cd "$here"

if ! command -v go >/dev/null 2>&1; then
  # Outside CI the real-CLI tests then skip (and say so); in CI a missing CLI is a failure.
  echo "pulumi:build: Go is not installed (need Go >= 1.25 and the Go module proxy); the real-CLI tests (test/cli) will not run" >&2
  if [ -n "${CI:-}" ]; then exit 1; fi
  exit 0
fi

version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' go.mod)"
if [ -z "$version" ]; then
  echo "pulumi:build: go.mod does not require github.com/pulumi/pulumi/pkg/v3" >&2
  exit 1
fi

stamp="$( { go version; echo "$version"; cat go.mod go.sum build.sh language-nodejs/*.go; } | sha256sum | cut -d' ' -f1)"
if [ -z "${PULUMI_CLI_REBUILD:-}" ] && [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] \
   && [ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "pulumi:build: $bin is up to date (pulumi $version)"
  exit 0
fi

mkdir -p "$bin"
rm -f "$bin/.stamp"
start=$(date +%s)
echo "pulumi:build: building pulumi $version and pulumi-language-nodejs into $bin (first build: several minutes)"
export CGO_ENABLED=0
# Without the version stamp the CLI reports no version and its plugin version checks misbehave.
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
go build -mod=readonly -buildvcs=false -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -mod=readonly -buildvcs=false -ldflags "-X main.version=${version#v}" -o "$bin/pulumi-language-nodejs" ./language-nodejs
echo "$stamp" > "$bin/.stamp"
echo "pulumi:build: done in $(( $(date +%s) - start )) s: $("$bin/pulumi" version)"
