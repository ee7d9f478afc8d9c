#!/usr/bin/env bash
# third_party/kustomize/api is sigs.k8s.io/kustomize/api at the Release
# of doc.go, as released (Go sources without tests, the LICENSE), its
# imports of itself moved under this module, formatted by this Go's gofmt
# (older releases predate its doc comment rules), with api.patch applied.
#
#   sync.sh          rebuild api/ from the release and api.patch (after
#                    changing Release)
#   sync.sh --check  fail unless api/ is exactly that (CI runs it)
#   sync.sh --diff   rewrite api.patch from api/ (after editing api/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
version=$(sed -n 's/^const Release = "\(v[^"]*\)"$/\1/p' "$here/doc.go")
[ -n "$version" ] || { echo "sync.sh: no Release in doc.go" >&2; exit 1; }
src=$(cd / && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kustomize/api@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "sync.sh: cannot download sigs.k8s.io/kustomize/api@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# release DIR: the released files promote carries, copied to DIR, their
# imports of the module moved to this one, gofmt'd. Left out: tests, testdata,
# test helpers (testutils) and the module's placeholder main.go.
release() {
  mkdir -p "$1"
  (cd "$src" && find . -type f \( -name '*.go' ! -name '*_test.go' -o -name LICENSE \) \
    ! -path '*/testdata/*' ! -path './testutils/*' ! -path ./main.go -print0 |
    tar --null -cf - -T -) | tar -xf - -C "$1"
  chmod -R u+w "$1"
  find "$1" -name '*.go' -exec sed -i \
    's#^\(import \|[[:space:]]*\)\([A-Za-z_][A-Za-z0-9_]* \)\?"sigs\.k8s\.io/kustomize/api/#\1\2"github.com/gitops-promote/promote/third_party/kustomize/api/#' {} +
  # gofmt's doc comment rewrite can take two passes to settle.
  local pass
  for pass in 1 2 3; do
    [ -z "$(gofmt -l "$1")" ] && return 0
    gofmt -w "$1"
  done
  [ -z "$(gofmt -l "$1")" ] || { echo "sync.sh: gofmt does not settle on $(gofmt -l "$1")" >&2; exit 1; }
}

release "$work/a"
case "$mode" in
--diff)
  cp -r "$here/api" "$work/b"
  (cd "$work" && git diff --no-index --no-prefix -- a b >"$here/api.patch" || true)
  echo "api.patch: $(grep -c '^diff --git' "$here/api.patch") files differ from sigs.k8s.io/kustomize/api@$version"
  ;;
--check | "")
  (cd "$work/a" && git apply --allow-empty -p1 "$here/api.patch")
  if [ "$mode" = --check ]; then
    diff -r "$work/a" "$here/api" >&2 || { echo "third_party/kustomize/api is not sigs.k8s.io/kustomize/api@$version with api.patch: run third_party/kustomize/sync.sh" >&2; exit 1; }
    echo "third_party/kustomize/api: sigs.k8s.io/kustomize/api@$version with api.patch"
  else
    rm -rf "$here/api" && mv "$work/a" "$here/api"
    echo "third_party/kustomize/api rebuilt from sigs.k8s.io/kustomize/api@$version and api.patch"
  fi
  ;;
*)
  echo "usage: sync.sh [--check | --diff]" >&2
  exit 2
  ;;
esac
