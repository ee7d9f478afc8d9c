#!/usr/bin/env bash
# Measures promote at monorepo size with the validation gate on, side by
# side with what each figure is compared to, on overlays in a
# hand-written style (gen -plain), and prints one table:
#   gated run at APPS and BIG changed apps   vs  run --no-render (same repo),
#                                                cold (no kept builds) and warm
#   status at BIG apps                       vs  plan at BIG apps, cold and warm
#   run --app at BIG apps                    vs  run --app at 100 apps
#   history -n 0 over 5,000 commits          vs  git log --oneline -- <env paths>
# Each command runs RUNS times (default 3); the table gives the median
# wall time, the median CPU time (user+system) and the peak RSS, and each
# ratio is of medians taken in the same run of this script.
#
# Usage: bench/scale.sh [APPS]   (default 1000; BIG=10000, RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=${1:-1000}
BIG=${BIG:-10000}
RUNS=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/promote-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-buildvcs=false
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
[ -x /usr/bin/time ] || (apt-get install -y -qq time >/dev/null 2>&1 || true)
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }

say() { printf '== %s\n' "$*" >&2; }
go build -o "$work/promote" ./cmd/promote
promote="$work/promote"

# measure NAME PREPARE COMMAND...: run COMMAND RUNS times after PREPARE,
# recording "wall cpu rss_kb" per run in NAME.txt.
measure() {
  local name=$1 prepare=$2
  shift 2
  : >"$work/$name.txt"
  for _ in $(seq "$RUNS"); do
    eval "$prepare"
    /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/t" >>"$work/$name.txt"
  done
  say "$name: $(tr '\n' ';' <"$work/$name.txt") (wall s, cpu s, rss KB)"
}
# median NAME COLUMN: the median of a column (1 wall, 2 cpu, 3 rss) of NAME.txt.
median() { cut -d' ' -f"$2" "$work/$1.txt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { cut -d' ' -f"$2" "$work/$1.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }
# netratio A ABASE B BBASE COLUMN: (A - ABASE) / (B - BBASE), of medians.
netratio() { awk -v a="$(median "$1" "$5")" -v ab="$(median "$2" "$5")" -v b="$(median "$3" "$5")" -v bb="$(median "$4" "$5")" 'BEGIN { printf "%.2fx", (a - ab) / (b - bb) }'; }
ratio() { awk -v a="$(median "$1" "$3")" -v b="$(median "$2" "$3")" 'BEGIN { printf "%.2fx", a / b }'; }
mb() { awk -v k="$(cut -d" " -f3 "$work/$1.txt" | sort -g | tail -1)" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
row() { printf '| %s | %s s | %s s | %s | %s |\n' "$2" "$(range "$1" 1)" "$(range "$1" 2)" "$(mb "$1")" "${3:-}"; }

gen() { [ -d "$1" ] || go run ./internal/testrepo/gen -apps "$2" -ahead 1 -plain -git "$1" >/dev/null; }
drop() { echo "git -C $1 update-ref -d refs/heads/promote/staging-to-prod 2>/dev/null || true"; }
# cold DIR: remove the builds kept from earlier runs (the render cache).
cold() { echo "rm -rf $1/.git/promote/renders"; }

for n in "$APPS" "$BIG"; do
  say "gated run at $n apps"
  gen "$work/r$n" "$n"
  measure "norender$n" "$(drop "$work/r$n")" "$promote" -C "$work/r$n" run --to prod --forge local --no-render
  measure "gated$n" "$(drop "$work/r$n"); $(cold "$work/r$n")" "$promote" -C "$work/r$n" run --to prod --forge local
  measure "warm$n" "$(drop "$work/r$n")" "$promote" -C "$work/r$n" run --to prod --forge local
done

say "status and plan at $BIG apps"
measure plan "$(cold "$work/r$BIG")" "$promote" -C "$work/r$BIG" plan --to prod
measure status "$(cold "$work/r$BIG")" "$promote" -C "$work/r$BIG" status
measure planwarm : "$promote" -C "$work/r$BIG" plan --to prod
measure statuswarm : "$promote" -C "$work/r$BIG" status

say "run --app at $BIG and 100 apps"
gen "$work/r100" 100
# one DIR: 20 one-app runs in a row (a single run takes tens of
# milliseconds, below GNU time's resolution), each from a clean branch.
# The loop's own cost (20 git update-ref processes, counted by GNU time
# as children) is measured alone and taken off both before the ratio.
delref() { echo "git -C $1 update-ref -d refs/heads/promote/app-00001/staging-to-prod 2>/dev/null"; }
one() { echo "for i in \$(seq 20); do $(delref "$1"); $promote -C $1 run --to prod --forge local --app app-00001 >/dev/null || exit 1; done"; }
refs() { echo "for i in \$(seq 20); do $(delref "$1"); done; true"; }
measure one100 : bash -c "$(one "$work/r100")"
measure one$BIG : bash -c "$(one "$work/r$BIG")"
measure refs100 : bash -c "$(refs "$work/r100")"
measure refs$BIG : bash -c "$(refs "$work/r$BIG")"

say "history over 5,000 commits"
go run ./internal/testrepo/gen -apps 200 -history 5000 "$work/h" 2>/dev/null
# The pathspec matches the files under every prod overlay (in a pathspec
# "*" also matches "/"); 'apps/*/overlays/prod' alone matches no file.
measure gitlog : git -C "$work/h" log --oneline -- 'apps/*/overlays/prod/*'
measure history : "$promote" -C "$work/h" history --env prod -n 0

cat <<TABLE

machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each; ranges of wall and CPU (user+system) time, largest peak RSS; ratios of medians (wall, CPU); cold: the kept builds (.git/promote/renders) removed before each run, warm: kept from the run before

| what | wall | CPU | peak RSS | ratio (wall, CPU) |
|---|---|---|---|---|
$(row "gated$APPS" "run, gate on, $APPS changed apps, cold" "$(ratio "gated$APPS" "norender$APPS" 1), $(ratio "gated$APPS" "norender$APPS" 2) of --no-render")
$(row "warm$APPS" "run, gate on, $APPS changed apps, warm" "$(ratio "warm$APPS" "norender$APPS" 1), $(ratio "warm$APPS" "norender$APPS" 2) of --no-render")
$(row "norender$APPS" "run --no-render, $APPS apps")
$(row "gated$BIG" "run, gate on, $BIG changed apps, cold" "$(ratio "gated$BIG" "norender$BIG" 1), $(ratio "gated$BIG" "norender$BIG" 2) of --no-render")
$(row "warm$BIG" "run, gate on, $BIG changed apps, warm" "$(ratio "warm$BIG" "norender$BIG" 1), $(ratio "warm$BIG" "norender$BIG" 2) of --no-render")
$(row "norender$BIG" "run --no-render, $BIG apps")
$(row status "status, $BIG apps, cold" "$(ratio status plan 1), $(ratio status plan 2) of plan")
$(row plan "plan --to prod, $BIG apps, cold")
$(row statuswarm "status, $BIG apps, warm" "$(ratio statuswarm planwarm 1), $(ratio statuswarm planwarm 2) of plan")
$(row planwarm "plan --to prod, $BIG apps, warm")
$(row "one$BIG" "run --app, $BIG apps, 20 runs" "$(netratio "one$BIG" "refs$BIG" one100 refs100 1), $(netratio "one$BIG" "refs$BIG" one100 refs100 2) of 100 apps, the loop's git update-ref taken off both")
$(row one100 "run --app, 100 apps, 20 runs")
$(row "refs$BIG" "the loop alone (20 git update-ref), $BIG apps")
$(row refs100 "the loop alone (20 git update-ref), 100 apps")
$(row history "history --env prod -n 0, 5,000 commits" "$(ratio history gitlog 1), $(ratio history gitlog 2) of git log")
$(row gitlog "git log --oneline -- 'apps/*/overlays/prod/*'")
TABLE
