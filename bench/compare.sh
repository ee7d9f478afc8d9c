#!/usr/bin/env bash
# Times promote against what users script by hand, on the same generated
# monorepo, and prints the ratios:
#   promote apply --to prod        vs a `kustomize edit set image` loop and a `yq` loop
#   promote run --forge local      vs `git add -A && git commit` of the same change
# plus `promote run` with validation (kustomize builds), peak RSS of
# `promote run` at 10,000 apps, and a one-app run at 10,000 vs 100 apps.
#
# Usage: bench/compare.sh [APPS]     (default 1000; needs Go, git, network
# access to the Go module proxy and Debian's packages for the tools)
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=${1:-1000}
BIG=${BIG:-10000}
KUSTOMIZE_VERSION=v5.8.1
YQ_VERSION=v4.54.3
work=$(mktemp -d "${TMPDIR:-/tmp}/promote-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOBIN="$work/bin" PATH="$work/bin:$PATH" GOFLAGS=-buildvcs=false
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

say() { printf '\n== %s\n' "$*" >&2; }

say "tools"
go build -o "$work/bin/promote" ./cmd/promote
go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
go install "github.com/mikefarah/yq/v4@$YQ_VERSION"
if ! command -v hyperfine >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null 2>&1 || true
fi
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
[ -x /usr/bin/time ] || (apt-get install -y -qq time >/dev/null 2>&1 || true)

# gen DIR N: a Git monorepo of N apps, staging ahead of prod everywhere,
# with an index so that git add/commit work as usual.
gen() {
  go run ./internal/testrepo/gen -apps "$2" -ahead 1 -git "$1"
  git -C "$1" reset -q
}

say "generating $APPS apps"
repo="$work/repo"
gen "$repo" "$APPS"
base=$(git -C "$repo" rev-parse main)

# What the scripts must do: one "dir image tag" line per image to change.
promote -C "$repo" plan --to prod -o json >"$work/plan.json"
yq -p json -o tsv '.changes[] | [.file, .name, .image.new.newTag]' "$work/plan.json" |
  while IFS=$'\t' read -r file name tag; do printf '%s %s %s\n' "$(dirname "$file")" "$name" "$tag"; done >"$work/changes.txt"
echo "$(wc -l <"$work/changes.txt") images in $APPS apps to promote" >&2

cat >"$work/kustomize-loop.sh" <<SH
cd "$repo"
while read -r dir name tag; do (cd "\$dir" && kustomize edit set image "\$name:\$tag"); done <"$work/changes.txt"
SH
cat >"$work/yq-loop.sh" <<SH
cd "$repo"
while read -r dir name tag; do
  yq -i "(.images[] | select(.name == \"\$name\")).newTag = \"\$tag\"" "\$dir/kustomization.yaml"
done <"$work/changes.txt"
SH
restore="git -C $repo checkout -q -- apps"

# bench NAME RUNS PREPARE COMMAND: time COMMAND with hyperfine into NAME.json.
bench() {
  hyperfine --style basic --export-json "$work/$1.json" --runs "$2" --prepare "$3" -n "$1" "$4" >&2
}

say "apply: promote vs kustomize edit set image vs yq ($APPS apps)"
bench apply 10 "$restore" "promote -C $repo apply --to prod"
bench kustomize 2 "$restore" "bash $work/kustomize-loop.sh"
bench yq 2 "$restore" "bash $work/yq-loop.sh"
eval "$restore"

say "commit: promote run --forge local vs git add && git commit ($APPS apps)"
drop="git -C $repo update-ref -d refs/heads/promote/staging-to-prod"
bench run 10 "$drop" "promote -C $repo run --to prod --forge local --no-render"
# Cold: the kept builds (.git/promote/renders) are removed before each run.
bench run-rendered 3 "$drop; rm -rf $repo/.git/promote/renders" "promote -C $repo run --to prod --forge local"
promote -C "$repo" apply --to prod >/dev/null 2>&1
bench commit 10 "git -C $repo reset -q --mixed $base" "git -C $repo add -A && git -C $repo commit -q -m promote"

say "peak memory: promote run at $BIG apps"
big="$work/big"
gen "$big" "$BIG"
/usr/bin/time -v promote -C "$big" run --to prod --forge local --no-render >/dev/null 2>"$work/time.txt"
rss_kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
bench big 3 "git -C $big update-ref -d refs/heads/promote/staging-to-prod" "promote -C $big run --to prod --forge local --no-render"
bench one 10 "git -C $big update-ref -d refs/heads/promote/app-00001/staging-to-prod" "promote -C $big run --to prod --forge local --app app-00001"
small="$work/small"
gen "$small" 100
bench one-small 10 "git -C $small update-ref -d refs/heads/promote/app-00001/staging-to-prod" "promote -C $small run --to prod --forge local --app app-00001"

# Print the table: medians and the ratios.
med() { yq -p json -o yaml '.results[0].median' "$work/$1.json"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
p=$(med apply); k=$(med kustomize); y=$(med yq); r=$(med run); rr=$(med run-rendered); g=$(med commit)
b=$(med big); o=$(med one); os=$(med one-small)
cat <<TABLE

machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(wc -l <"$work/changes.txt") images in $APPS apps; medians of hyperfine runs

| what | median | ratio |
|---|---|---|
| promote apply --to prod ($APPS apps, all changed) | $(ms "$p") | 1x |
| kustomize edit set image loop, same changes | $(ms "$k") | $(ratio "$k" "$p") promote's time |
| yq -i loop, same changes | $(ms "$y") | $(ratio "$y" "$p") promote's time |
| promote run --forge local --no-render ($APPS apps: plan, edit, commit) | $(ms "$r") | 1x |
| git add -A && git commit of the same change (commit only) | $(ms "$g") | $(ratio "$g" "$r") promote's time |
| promote run --forge local ($APPS apps, with validation and rendered diff) | $(ms "$rr") | $(ratio "$rr" "$r") the --no-render time |
| promote run --forge local --no-render ($BIG apps) | $(ms "$b") | peak RSS $((rss_kb / 1024)) MB |
| promote run --forge local --app ($BIG apps) | $(ms "$o") | $(ratio "$o" "$os") the 100-app time |
| promote run --forge local --app (100 apps) | $(ms "$os") | |
TABLE
