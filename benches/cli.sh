#!/usr/bin/env bash
# Times the okr CLI end to end against its floors, side by side in one run, and prints the
# table of ratios that README.md's "Performance" section shows.
#
#   bash benches/cli.sh            10,000 initiatives, 50 themes, 2,000 commits, and the
#                                  100,000-initiative run for linearity and memory; history
#                                  also on the check-ins shape (about 7 files a commit); `due`
#                                  and `report`, which read the same walk, at 10,000
#   OKR_BENCH_QUICK=1 bash benches/cli.sh   the 10,000 run only
#   OKR_BENCH_ORG=1 bash benches/cli.sh     the org run only, teams of 200 initiatives:
#     - `okr org sync` from local bare repositories, first sync and a no-op re-sync, each
#       against `git fetch` of the same refs, as many at once as there are cores; the no-op
#       re-sync of 1,000 teams against that of 100
#     - `okr org check`, 100 teams, against its floor (`floor --refs`: every team's blobs read
#       from refs/okr/teams/* with git2 and TOML-parsed); 1,000 teams against 100; peak memory
#     - `okr org render`, 100 teams, into an emptied temp folder each run, against `okr org
#       check` of the same org (render reads and checks the same teams, then writes the
#       documents); peak memory
#     - `okr org diff HEAD`, 100 teams, against `okr org check` of the same org: the org is
#       committed after its first sync (so HEAD's okr-org.lock records every team), every
#       team's branch then moves by one commit that changes 3 initiatives (`generate
#       --advance`), and the org is synced again; the diff reads both sides; peak memory
#
# The floor is `examples/floor.rs`: read and TOML-parse every file of the repository on all
# cores, nothing else. History is measured against `git log --name-only -- initiatives themes`.
# Needs hyperfine (Debian package) and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "benches/cli.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "benches/cli.sh needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --locked --release --quiet
cargo build --locked --release --quiet --example generate --example floor
target="${CARGO_TARGET_DIR:-$PWD/target}"
okr="$target/release/okr"
floor="$target/release/examples/floor"
generate="$target/release/examples/generate"
repos="$target/bench-repos"
results="$target/bench-results"
mkdir -p "$repos" "$results"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

repo_for() { # COUNT [SHAPE] -> path, generated once (SHAPE: the generator's, default edits)
  local dir="$repos/$1${2:+-$2}"
  if [[ ! -d "$dir/.git" ]]; then
    rm -rf "$dir"
    "$generate" --shape "${2:-edits}" "$dir" "$1" 50 2000 >/dev/null
  fi
  printf '%s' "$dir"
}

median() { # JSON FILE, INDEX -> median seconds (this machine is shared; the median shrugs off a slow run)
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}

# The commands are timed in rounds: in each round every measure runs once or twice, on each
# repository in turn, and the times of all rounds are pooled. The load of a shared machine drifts
# over minutes; taking turns puts the same drift on both sides of every ratio, the 10,000 and the
# 100,000 runs included.
pool() { # OUT PARTS... -> OUT, as hyperfine's JSON with every part's times pooled
  local out=$1
  shift
  python3 - "$out" "$@" <<'PY'
import json, statistics, sys
out, parts = sys.argv[1], sys.argv[2:]
runs = [json.load(open(part))["results"] for part in parts]
results = []
for index, first in enumerate(runs[0]):
    times = [t for run in runs for t in run[index]["times"]]
    results.append({"command": first["command"], "times": times, "median": statistics.median(times)})
json.dump({"results": results}, open(out, "w"), indent=1)
PY
  rm -f "$@"
}

ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }

peak_mib() { # COMMAND... -> peak resident memory in MiB
  /usr/bin/time -f '%M' -o "$results/time.txt" "$@" >/dev/null 2>&1 || true
  python3 -c 'import sys; print(f"{int(open(sys.argv[1]).read().split()[-1]) / 1024:.0f}")' "$results/time.txt"
}

history_turn() { # REPO OUT ROUND -> OUT-{history,warm}.json.ROUND
  local repo=$1 out=$2 round=$3
  hyperfine --runs 1 --export-json "$out-history.json.$round" \
    "git -C $repo log --name-only -- initiatives themes" \
    --prepare "rm -f $repo/.git/okr/history-*.json" "$okr -C $repo history --format json" >/dev/null
  "$okr" -C "$repo" history --format json >/dev/null # fill the cache
  hyperfine --runs 2 --warmup 1 -N --export-json "$out-warm.json.$round" \
    "$okr -C $repo history --format json" >/dev/null
}

# `okr due` as of a day when everything is due, and `okr report` over all time, both of which
# read the whole history walk; cold (no cache) beside cold `okr history`, then cached.
due_cmd() { printf '%s' "$okr -C $1 due --as-of 2100-01-01 --format json"; }
report_cmd() { printf '%s' "$okr -C $1 report --since 1970-01-01 --until 2100-01-01 --format json"; }
views_turn() { # REPO OUT ROUND -> OUT-{views,views-warm}.json.ROUND
  local repo=$1 out=$2 round=$3
  hyperfine --runs 1 --export-json "$out-views.json.$round" \
    --prepare "rm -f $repo/.git/okr/history-*.json" \
    "$okr -C $repo history --format json" "$(due_cmd "$repo")" "$(report_cmd "$repo")" >/dev/null
  "$okr" -C "$repo" history --format json >/dev/null # fill the cache
  hyperfine --runs 2 --warmup 1 -N --export-json "$out-views-warm.json.$round" \
    "$(due_cmd "$repo")" "$(report_cmd "$repo")" >/dev/null
}

turn() { # COUNT ROUND -> results/COUNT-{check,history,warm,diff,views,views-warm}.json.ROUND
  local repo out="$results/$1" round=$2
  repo=$(repo_for "$1")
  hyperfine --runs 2 --warmup 1 -N --export-json "$out-check.json.$round" \
    "$floor $repo" \
    "$okr -C $repo check -q --format json" \
    "$okr -C $repo render -q --out $results/rendered-$1" >/dev/null
  history_turn "$repo" "$out" "$round"
  if [[ $1 == 10000 ]]; then
    history_turn "$(repo_for "$1" checkins)" "$out-checkins" "$round"
    views_turn "$repo" "$out" "$round"
  fi
  hyperfine --runs 2 --warmup 1 -N --export-json "$out-diff.json.$round" \
    "$floor $repo" \
    "$okr -C $repo diff HEAD~1000 HEAD --format json" >/dev/null
}

org_for() { # TEAMS -> the folder of a generated org of TEAMS teams of 200 initiatives, synced
  local dir="$repos/org-$1"
  if [[ ! -d "$dir/pristine/.git" ]]; then
    rm -rf "$dir"
    "$generate" --org "$dir" "$1" 200 >&2
    # pristine: the org as generated, never synced; org: synced once, for `org check`.
    cp -a "$dir/org" "$dir/pristine"
    "$okr" -C "$dir/org" -q org sync >/dev/null
  fi
  printf '%s' "$dir"
}

# The 100-team org for `okr org diff HEAD`: synced, committed, every team moved by one commit,
# synced again. Its own teams, so the other measures read the teams as generated.
org_moved_for() { # TEAMS -> the folder
  local dir="$repos/org-$1-moved"
  if [[ ! -f "$dir/ready" ]]; then
    rm -rf "$dir"
    "$generate" --org "$dir" "$1" 200 >&2
    "$okr" -C "$dir/org" -q org sync >/dev/null
    git -C "$dir/org" add -A
    git -C "$dir/org" -c user.name=bench -c user.email=bench@example.com commit -q -m "Record the sync"
    "$generate" --advance "$dir" 3 >&2
    "$okr" -C "$dir/org" -q org sync >/dev/null
    "$okr" -C "$dir/org" org diff HEAD --format json >/dev/null # it reads both sides
    touch "$dir/ready"
  fi
  printf '%s' "$dir"
}

# `git fetch` of every team's main into refs/okr/teams/<name>, as many at once as there are
# cores: the reference for `okr org sync`.
git_fetch_org() { # ORG_DIR TEAMS -> a script that does it
  local script="$results/git-fetch-$2.sh"
  {
    # shellcheck disable=SC2016 # expanded when the script runs
    echo 'cd "$1" && xargs -P "$(nproc)" -I{} git fetch -q --no-tags --no-write-fetch-head "../teams/{}.git" "+main:refs/okr/teams/{}" <<EOF'
    for ((t = 0; t < $2; t++)); do printf 'team-%04d\n' "$t"; done
    echo 'EOF'
  } >"$script"
  printf '%s' "$script"
}

org_turn() { # ROUND -> results/org-{sync,resync,check,diff}.json.ROUND
  local round=$1 dir100 dir1000 moved100 fetch
  dir100=$(org_for 100)
  dir1000=$(org_for 1000)
  moved100=$(org_moved_for 100)
  fetch=$(git_fetch_org "$dir100" 100)
  # The first sync into a fresh copy of the unsynced org, then the same again: nothing moved.
  hyperfine --runs 1 --export-json "$results/org-sync.json.$round" \
    --prepare "rm -rf $dir100/work && cp -a $dir100/pristine $dir100/work" \
    "bash $fetch $dir100/work" "$okr -C $dir100/work -q org sync" >/dev/null
  hyperfine --runs 2 --export-json "$results/org-resync.json.$round" \
    "bash $fetch $dir100/work" "$okr -C $dir100/work -q org sync" \
    "$okr -C $dir1000/org -q org sync" >/dev/null
  # One preparation a command: render writes into an emptied folder every run.
  hyperfine --runs 2 --warmup 1 -N --export-json "$results/org-check.json.$round" \
    --prepare true --prepare true --prepare true --prepare true \
    --prepare "rm -rf $scratch/org-rendered-100" \
    "$floor --refs $dir100/org" "$okr -C $dir100/org org check -q --format json" \
    "$floor --refs $dir1000/org" "$okr -C $dir1000/org org check -q --format json" \
    "$okr -C $dir100/org -q org render --out $scratch/org-rendered-100" >/dev/null
  hyperfine --runs 2 --warmup 1 -N --export-json "$results/org-diff.json.$round" \
    "$okr -C $moved100/org org check -q --format json" \
    "$okr -C $moved100/org org diff HEAD --format json" >/dev/null
}

if [[ -n "${OKR_BENCH_ORG:-}" ]]; then
  rounds=3
  for ((round = 1; round <= rounds; round++)); do org_turn "$round"; done
  for set in sync resync check diff; do
    parts=()
    for ((round = 1; round <= rounds; round++)); do parts+=("$results/org-$set.json.$round"); done
    pool "$results/org-$set.json" "${parts[@]}"
  done
  r=$results/org
  floor100=$(median "$r-check.json" 0)
  check100=$(median "$r-check.json" 1)
  floor1000=$(median "$r-check.json" 2)
  check1000=$(median "$r-check.json" 3)
  render100=$(median "$r-check.json" 4)
  moved_check100=$(median "$r-diff.json" 0)
  diff100=$(median "$r-diff.json" 1)
  rm -rf "$scratch/org-rendered-100"
  echo
  echo "| org measure (teams of 200 initiatives, 5 themes, 50 commits each) | ratio | target |"
  echo "| --- | ---: | ---: |"
  echo "| \`okr org sync\`, first, 100 teams / \`git fetch\` of the same, one per core | $(ratio "$(median "$r-sync.json" 1)" "$(median "$r-sync.json" 0)") | - |"
  echo "| \`okr org sync\`, nothing new, 100 teams / \`git fetch\` of the same | $(ratio "$(median "$r-resync.json" 1)" "$(median "$r-resync.json" 0)") | - |"
  echo "| \`okr org sync\`, nothing new, 1,000 teams / 100 teams | $(ratio "$(median "$r-resync.json" 2)" "$(median "$r-resync.json" 1)") | - |"
  echo "| \`okr org check\`, 100 teams / floor (\`floor --refs\`) | $(ratio "$check100" "$floor100") | ≤ 2 |"
  echo "| \`okr org check\`, 100 teams: peak memory (MiB) | $(peak_mib "$okr" -C "$(org_for 100)/org" org check -q --format json) | < 500 |"
  echo "| \`okr org check\`, 1,000 teams / 100 teams | $(ratio "$check1000" "$check100") | ≤ 11 |"
  echo "| \`okr org check\`, 1,000 teams: peak memory (MiB) | $(peak_mib "$okr" -C "$(org_for 1000)/org" org check -q --format json) | < 500 |"
  echo "| \`okr org check\`, 1,000 teams / floor | $(ratio "$check1000" "$floor1000") | - |"
  echo "| the floor, 1,000 teams / 100 teams (reference) | $(ratio "$floor1000" "$floor100") | - |"
  echo "| \`okr org render\`, 100 teams / \`okr org check\` of the same | $(ratio "$render100" "$check100") | - |"
  echo "| \`okr org render\`, 100 teams: peak memory (MiB) | $(peak_mib "$okr" -C "$(org_for 100)/org" -q org render --out "$scratch/org-rendered-100") | - |"
  echo "| \`okr org diff HEAD\`, 100 teams, each moved by one commit / \`okr org check\` of the same | $(ratio "$diff100" "$moved_check100") | - |"
  echo "| \`okr org diff HEAD\`, 100 teams: peak memory (MiB) | $(peak_mib "$okr" -C "$(org_moved_for 100)/org" org diff HEAD --format json) | - |"
  exit 0
fi

sizes=(10000)
[[ -z "${OKR_BENCH_QUICK:-}" ]] && sizes+=(100000)
rounds=5
for size in "${sizes[@]}"; do repo_for "$size" >/dev/null; done
repo_for 10000 checkins >/dev/null
for ((round = 1; round <= rounds; round++)); do
  for size in "${sizes[@]}"; do turn "$size" "$round"; done
done
for size in "${sizes[@]}"; do
  sets=(check history warm diff)
  [[ $size == 10000 ]] && sets+=(checkins-history checkins-warm views views-warm)
  for set in "${sets[@]}"; do
    parts=()
    for ((round = 1; round <= rounds; round++)); do parts+=("$results/$size-$set.json.$round"); done
    pool "$results/$size-$set.json" "${parts[@]}"
  done
done

r=$results/10000
floor10=$(median "$r-check.json" 0)
check10=$(median "$r-check.json" 1)
render10=$(median "$r-check.json" 2)
log10=$(median "$r-history.json" 0)
history10=$(median "$r-history.json" 1)
warm10=$(median "$r-warm.json" 0)
checkins_log10=$(median "$r-checkins-history.json" 0)
checkins_history10=$(median "$r-checkins-history.json" 1)
checkins_warm10=$(median "$r-checkins-warm.json" 0)
views_history10=$(median "$r-views.json" 0)
due10=$(median "$r-views.json" 1)
report10=$(median "$r-views.json" 2)
due_warm10=$(median "$r-views-warm.json" 0)
report_warm10=$(median "$r-views-warm.json" 1)
diff_floor10=$(median "$r-diff.json" 0)
diff10=$(median "$r-diff.json" 1)
repo10=$(repo_for 10000)
check_mib=$(peak_mib "$okr" -C "$repo10" check -q --format json)

echo
echo "| measure (10,000 initiatives, 50 themes, 2,000 commits) | ratio | target |"
echo "| --- | ---: | ---: |"
echo "| \`okr check\` / floor | $(ratio "$check10" "$floor10") | ≤ 1.5 |"
echo "| \`okr check\` peak memory (MiB) | $check_mib | < 100 |"
echo "| \`okr render\` (which checks first) / floor | $(ratio "$render10" "$floor10") | ≤ 2 |"
echo "| (\`okr check\`, then \`okr render\`: two processes) / floor | $(python3 -c "print(f'{($check10 + $render10) / $floor10:.2f}')") | - |"
echo "| \`okr history\` / \`git log --name-only\` | $(ratio "$history10" "$log10") | ≤ 1.5 |"
echo "| \`okr history\`, cached / \`git log --name-only\` | $(ratio "$warm10" "$log10") | ≤ 0.2 |"
echo "| \`okr history\` / \`git log --name-only\`, check-ins shape (about 7 files a commit) | $(ratio "$checkins_history10" "$checkins_log10") | ≤ 1.5 |"
echo "| \`okr history\`, cached / \`git log --name-only\`, check-ins shape | $(ratio "$checkins_warm10" "$checkins_log10") | ≤ 0.2 |"
echo "| \`okr due\` / \`okr history\` (no cache for either) | $(ratio "$due10" "$views_history10") | ≤ 1.5 |"
echo "| \`okr report\` / \`okr history\` (no cache for either) | $(ratio "$report10" "$views_history10") | ≤ 1.5 |"
echo "| \`okr due\`, cached / \`git log --name-only\` | $(ratio "$due_warm10" "$log10") | ≤ 0.2 |"
echo "| \`okr report\`, cached / \`git log --name-only\` | $(ratio "$report_warm10" "$log10") | ≤ 0.2 |"
echo "| \`okr diff HEAD~1000 HEAD\` / floor | $(ratio "$diff10" "$diff_floor10") | ≤ 3 |"

[[ -n "${OKR_BENCH_QUICK:-}" ]] && exit 0

r=$results/100000
repo100=$(repo_for 100000)
echo
echo "| command at 100,000 initiatives | time / its 10,000 time | target | peak memory (MiB) | target |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| \`okr check\` | $(ratio "$(median "$r-check.json" 1)" "$check10") | ≤ 11 | $(peak_mib "$okr" -C "$repo100" check -q --format json) | < 1024 |"
echo "| \`okr render\` | $(ratio "$(median "$r-check.json" 2)" "$render10") | ≤ 11 | $(peak_mib "$okr" -C "$repo100" render -q --out "$results/rendered-100000") | < 1024 |"
rm -f "$repo100"/.git/okr/history-*.json # the walk itself, not the cache
echo "| \`okr history\` | $(ratio "$(median "$r-history.json" 1)" "$history10") | ≤ 11 | $(peak_mib "$okr" -C "$repo100" history --format json) | < 1024 |"
echo "| \`okr diff HEAD~1000 HEAD\` | $(ratio "$(median "$r-diff.json" 1)" "$diff10") | ≤ 11 | $(peak_mib "$okr" -C "$repo100" diff HEAD~1000 HEAD --format json) | < 1024 |"
# What reading the files alone does at this size, for reference: the floor's own scaling.
echo "| the floor (reference) | $(ratio "$(median "$r-check.json" 0)" "$floor10") | - | $(peak_mib "$floor" "$repo100") | - |"
echo "| \`git log --name-only\` (reference) | $(ratio "$(median "$r-history.json" 0)" "$log10") | - | - | - |"
