#!/usr/bin/env bash
# Builds the Gitea server the real-server tests of internal/forge/gitea
# run against, once per machine: cached under $HOME/.cache/promote-gitea
# keyed by version (keep it in step with forgetest.GiteaVersion). Prints the binary's path (for PROMOTE_GITEA_BIN);
# everything else goes to stderr. About 8 minutes on 2 cores the first
# time, nothing after.
set -euo pipefail

version=1.27.3
out="$HOME/.cache/promote-gitea/v$version"
bin="$out/gitea"

if [ ! -x "$bin" ] || [ ! -d "$out/options" ] || [ ! -d "$out/templates" ]; then
  command -v gcc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc libc6-dev; } >&2
  echo "building gitea $version (cached in $out)" >&2
  src=$(GOFLAGS= go mod download -json "code.gitea.io/gitea@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "go mod download gave no module directory for gitea $version" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  mkdir -p "$out"
  (cd "$work" && CGO_ENABLED=1 GOFLAGS= go build -tags "sqlite sqlite_unlock_notify" -o "$out/gitea.tmp" .) >&2
  rm -rf "$out/options" "$out/templates"
  cp -r "$work/options" "$work/templates" "$out/"
  mv "$out/gitea.tmp" "$bin"
fi
echo "$bin"
