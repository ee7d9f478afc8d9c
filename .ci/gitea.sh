#!/usr/bin/env bash
# Builds the Gitea server the real-server tests of internal/forge/gitea
# run against, once per machine: cached under $HOME/.cache/promote-gitea
# keyed by version (keep it in step with forgetest.GiteaVersion). Prints the binary's path (for PROMOTE_GITEA_BIN);
# everything else goes to stderr. About 8 minutes on 2 cores the first
# time, nothing after.
#
# The binary, options/ and templates/ are built into a staging directory
# and renamed into place as a whole, under a lock, so that two jobs
# sharing a cache (or one stopped half way) never leave a binary without
# its locale files.
set -euo pipefail

version=1.27.3
cache="$HOME/.cache/promote-gitea"
out="$cache/v$version"
bin="$out/gitea"

complete() { [ -x "$bin" ] && [ -d "$out/options/locale" ] && [ -d "$out/templates" ]; }

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if ! complete; then
  command -v gcc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc libc6-dev; } >&2
  echo "building gitea $version (cached in $out)" >&2
  src=$(GOFLAGS= go mod download -json "code.gitea.io/gitea@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "go mod download gave no module directory for gitea $version" >&2; exit 1; }
  work=$(mktemp -d)
  stage="$cache/.v$version.$$"
  trap 'rm -rf "$work" "$stage"' EXIT
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  mkdir -p "$stage"
  (cd "$work" && CGO_ENABLED=1 GOFLAGS= go build -tags "sqlite sqlite_unlock_notify" -o "$stage/gitea" .) >&2
  cp -r "$work/options" "$work/templates" "$stage/"
  rm -rf "$out"
  mv "$stage" "$out"
fi
echo "$bin"
