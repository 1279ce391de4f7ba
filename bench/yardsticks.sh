#!/usr/bin/env bash
# Side-by-side speed of the CLI against the numpy and plain C yardsticks: the three programs run in
# turn (ours, numpy, C, ours, numpy, C, ...), each timed whole by /usr/bin/time, and the medians and
# their ratios are printed. Run from the project root after `npm run build`.
#
# usage: bench/yardsticks.sh [HIDDEN] [ROUNDS]      (defaults: 100, 5)
# env:   CORPUS (../shared/data/tinyshakespeare.txt), YARDSTICKS (../shared/yardsticks),
#        KERNEL (auto), ITERS_OURS / ITERS_NUMPY / ITERS_C (sized per HIDDEN for ~3-5 s a run),
#        BASELINE (optional: another built checkout of this project, e.g. an earlier commit; its CLI
#        runs too, in turn with the others, and is reported as "base")
set -euo pipefail

H=${1:-100}
ROUNDS=${2:-5}
CORPUS=${CORPUS:-../shared/data/tinyshakespeare.txt}
YARDSTICKS=${YARDSTICKS:-../shared/yardsticks}
KERNEL=${KERNEL:-auto}
case "$H" in
  100) d_ours=12000 d_numpy=2000 d_c=10000 ;;
  256) d_ours=3000 d_numpy=800 d_c=2000 ;;
  512) d_ours=800 d_numpy=300 d_c=500 ;;
  *) d_ours=1000 d_numpy=300 d_c=1000 ;;
esac
ITERS_OURS=${ITERS_OURS:-$d_ours}
ITERS_NUMPY=${ITERS_NUMPY:-$d_numpy}
ITERS_C=${ITERS_C:-$d_c}

BASELINE=${BASELINE:-}
for f in "$CORPUS" "$YARDSTICKS/min_char_rnn_ref.py" "$YARDSTICKS/limit_c.c" dist/src/cli/main.js ${BASELINE:+"$BASELINE/dist/src/cli/main.js"}; do
  [ -e "$f" ] || { echo "missing $f (run from the project root, after npm run build)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The C yardstick as the issue defines it: -O3 -march=native, no -ffast-math. Built outside the repo.
gcc -O3 -march=native "$YARDSTICKS/limit_c.c" -lm -o "$work/limit_c"

# run NAME ITERS CMD...: one timed run; appends "wall-seconds loop-chars/s" to $work/NAME
run() {
  local name=$1 iters=$2
  shift 2
  /usr/bin/time -f '%e' -o "$work/time" "$@" >"$work/out" 2>/dev/null
  # Each program also reports the chars/s of its training loop alone (start-up excluded).
  local loop
  loop=$(grep -o 'chars/s [0-9.]*\|"charsPerSecond":[0-9.]*' "$work/out" | tail -n 1 | grep -o '[0-9.]*$')
  echo "$(cat "$work/time") $iters ${loop:-0}" >>"$work/$name"
}

# --val-fraction 0: train on the whole corpus and spend no time on validation, as the yardsticks do.
ours=(node dist/src/cli/main.js train --corpus "$CORPUS" --hidden-size "$H" --iterations "$ITERS_OURS" --kernel "$KERNEL" --val-fraction 0 --json)
base=(node "$BASELINE/dist/src/cli/main.js" train --corpus "$CORPUS" --hidden-size "$H" --iterations "$ITERS_OURS" --kernel "$KERNEL" --val-fraction 0 --json)
numpy=(python3 "$YARDSTICKS/min_char_rnn_ref.py" "$CORPUS" "$ITERS_NUMPY" --hidden "$H" --no-sample)
c=("$work/limit_c" "$CORPUS" "$ITERS_C" "$H" 25)

run ours "$ITERS_OURS" "${ours[@]}" # warm-up (disk cache, CPU frequency), not counted
: >"$work/ours"
for ((r = 1; r <= ROUNDS; r++)); do
  [ -n "$BASELINE" ] && run base "$ITERS_OURS" "${base[@]}"
  run ours "$ITERS_OURS" "${ours[@]}"
  run numpy "$ITERS_NUMPY" "${numpy[@]}"
  run c "$ITERS_C" "${c[@]}"
  echo "round $r of $ROUNDS done" >&2
done

# median FILE COLUMN-EXPRESSION: the median over runs of an awk expression of (wall, iters, loop)
median() {
  awk "{ print $2 }" "$work/$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "hidden $H, seq 25, $ROUNDS alternating rounds, medians (ours: --kernel $KERNEL, full default pipeline with sampling;"
echo "numpy --no-sample; C built with gcc -O3 -march=native, no -ffast-math)"
printf '%-6s %12s %12s %16s %16s\n' program iterations 'wall s' 'chars/s (wall)' 'chars/s (loop)'
programs=(ours numpy c)
[ -n "$BASELINE" ] && programs=(base ours numpy c)
for p in "${programs[@]}"; do
  printf '%-6s %12s %12.3f %16.0f %16.0f\n' "$p" "$(median $p '$2')" "$(median $p '$1')" "$(median $p '$2 * 25 / $1')" "$(median $p '$3')"
done
ow=$(median ours '$2 * 25 / $1') nw=$(median numpy '$2 * 25 / $1') cw=$(median c '$2 * 25 / $1')
ol=$(median ours '$3') nl=$(median numpy '$3') cl=$(median c '$3')
awk -v ow="$ow" -v nw="$nw" -v cw="$cw" -v ol="$ol" -v nl="$nl" -v cl="$cl" 'BEGIN {
  printf "ours / numpy: %.2fx (whole process)  %.2fx (training loop)\n", ow / nw, ol / nl
  printf "ours / C:     %.2fx (whole process)  %.2fx (training loop)\n", ow / cw, ol / cl
}'
if [ -n "$BASELINE" ]; then
  bw=$(median base '$2 * 25 / $1') bl=$(median base '$3')
  awk -v bw="$bw" -v bl="$bl" -v ow="$ow" -v ol="$ol" -v nw="$nw" -v nl="$nl" -v cw="$cw" -v cl="$cl" 'BEGIN {
    printf "base / numpy: %.2fx (whole process)  %.2fx (training loop)\n", bw / nw, bl / nl
    printf "base / C:     %.2fx (whole process)  %.2fx (training loop)\n", bw / cw, bl / cl
    printf "ours / base:  %.2fx (whole process)  %.2fx (training loop)\n", ow / bw, ol / bl
  }'
fi
