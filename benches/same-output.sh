#!/usr/bin/env bash
# Checks that two revisions of okr print the same bytes: builds okr at REF_A and at REF_B, runs
# every reading command with both on the same repositories, and compares stdout, stderr, exit
# codes and rendered files byte for byte.
#
#   bash benches/same-output.sh REF_A REF_B      e.g. `main HEAD`
#
# The repositories, all made in a temporary folder with fixed names and dates, so that both
# builds see the same commits:
# - examples/team and each folder of tests/fixtures, committed in four steps (okr.toml, themes
#   and half the initiatives; the rest; a key result's `current` changed, an initiative moved to another folder);
# - a generated benchmark repository (examples/generate.rs: 500 initiatives, 20 themes,
#   200 commits), in each of its shapes.
# The history cache is cleared before each build's runs; history then runs cold, cached, at
# `HEAD~1` and again at HEAD (a walk of only the commits newer than the cache).
#
# Prints each difference and exits 1 if there is any; 0 when the outputs are the same.
# Builds reuse $CARGO_TARGET_DIR (default: this checkout's `target/`), debug profile.
# OKR_SAME_OUTPUT_KEEP=1 keeps the temporary folder (repositories and outputs) to look at.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: bash benches/same-output.sh REF_A REF_B" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work=$(mktemp -d "${TMPDIR:-/tmp}/okr-same-output.XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true
  if [[ -n "${OKR_SAME_OUTPUT_KEEP:-}" ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Nothing from the user's git set-up may change the repositories or the outputs.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com
export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com
export NO_COLOR=1
unset RUST_BACKTRACE RUST_LOG

# Builds okr at each revision into $work/okr-a and $work/okr-b, one worktree at a time.
build() { # REF NAME
  local rev
  rev=$(git rev-parse --verify "$1^{commit}")
  git worktree add --quiet --detach "$work/src" "$rev"
  echo "building $1 ($rev)" >&2
  (cd "$work/src" && cargo build --locked --quiet --bin okr)
  cp "$CARGO_TARGET_DIR/debug/okr" "$work/okr-$2"
  git worktree remove --force "$work/src"
}
build "$1" a
build "$2" b
cargo build --locked --quiet --example generate
generate="$CARGO_TARGET_DIR/debug/examples/generate"

# A commit at a fixed date: day N of 2025.
commit_at() { # DIR DAY MESSAGE
  local date
  date=$(printf '2025-01-%02dT12:00:00+0000' "$2")
  git -C "$1" add -A
  GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -C "$1" commit -q --allow-empty -m "$3"
}

# Copies FROM to DIR and commits it in four steps, so diff and history have something to show.
stage() { # FROM DIR
  local from=$1 dir=$2 file
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  # First okr.toml, the themes and half the initiatives; then the other half.
  local files=()
  while IFS= read -r file; do files+=("$file"); done < <(
    cd "$from"
    find . -path ./initiatives -prune -o -type f -print | LC_ALL=C sort
    find ./initiatives -type f 2>/dev/null | LC_ALL=C sort
  )
  local initiatives
  initiatives=$(cd "$from" && find ./initiatives -type f 2>/dev/null | wc -l)
  local half=$((${#files[@]} - initiatives + initiatives / 2))
  for file in "${files[@]:0:half}"; do
    mkdir -p "$dir/$(dirname "$file")"
    cp -p "$from/$file" "$dir/$file"
  done
  commit_at "$dir" 1 "Add the first half"
  (cd "$from" && cp -rp . "$dir")
  commit_at "$dir" 2 "Add the rest"
  file=$(cd "$dir" && { grep -rlE '^current = [0-9]' initiatives 2>/dev/null || true; } | LC_ALL=C sort | head -n 1)
  if [[ -n "$file" ]]; then
    sed -i -E '0,/^current = [0-9.]+/s//current = 3/' "$dir/$file"
  fi
  commit_at "$dir" 3 "Move a key result"
  file=$(cd "$dir" && { find initiatives -name '*.toml' -type f 2>/dev/null || true; } | LC_ALL=C sort | tail -n 1)
  if [[ -n "$file" ]]; then
    mkdir -p "$dir/initiatives/moved"
    git -C "$dir" mv "$file" "initiatives/moved/$(basename "$file")"
  fi
  commit_at "$dir" 4 "Move an initiative"
}

repos=()
stage examples/team "$work/repos/team"
repos+=("$work/repos/team")
for fixture in tests/fixtures/*/; do
  name=$(basename "$fixture")
  stage "$fixture" "$work/repos/fixture-$name"
  repos+=("$work/repos/fixture-$name")
done
for shape in edits checkins; do
  "$generate" --shape "$shape" "$work/repos/generated-$shape" 500 20 200 >/dev/null
  repos+=("$work/repos/generated-$shape")
done

# Runs one command: its stdout, stderr and exit code go to OUT.{out,err,code}.
run() { # OUT OKR ARGS...
  local out=$1
  shift
  local code=0
  "$@" >"$out.out" 2>"$out.err" || code=$?
  echo "$code" >"$out.code"
}

# Every reading command, on one repository, with one build.
commands() { # OKR REPO OUT
  local okr=$1 repo=$2 out=$3 base=HEAD~3
  mkdir -p "$out"
  git -C "$repo" rev-parse --verify -q HEAD~100 >/dev/null && base=HEAD~100
  rm -rf "$repo/.git/okr"
  local format
  for format in human json github; do
    run "$out/check-$format" "$okr" -C "$repo" check --format "$format"
  done
  run "$out/check-rev" "$okr" -C "$repo" check --rev HEAD~1 --format json
  for format in table json; do
    run "$out/list-$format" "$okr" -C "$repo" list --format "$format"
    run "$out/themes-$format" "$okr" -C "$repo" themes --format "$format"
  done
  run "$out/themes-suggest" "$okr" -C "$repo" themes --suggest
  rm -rf "$work/rendered"
  run "$out/render" "$okr" -C "$repo" render --out "$work/rendered"
  [[ -d "$work/rendered" ]] && mv "$work/rendered" "$out/rendered"
  run "$out/render-rev" "$okr" -C "$repo" render --rev HEAD~1 --out "$work/rendered"
  [[ -d "$work/rendered" ]] && mv "$work/rendered" "$out/rendered-rev"
  for format in human json markdown; do
    run "$out/diff-$format" "$okr" -C "$repo" diff "$base" HEAD --format "$format"
  done
  run "$out/diff-worktree" "$okr" -C "$repo" diff HEAD~1 --format json
  run "$out/history-cold" "$okr" -C "$repo" history
  run "$out/history-cached" "$okr" -C "$repo" history --format json
  run "$out/history-older" "$okr" -C "$repo" history --rev HEAD~1 --format json
  run "$out/history-newer" "$okr" -C "$repo" history --format json
  local kind
  for kind in initiative theme config; do
    run "$out/schema-$kind" "$okr" -C "$repo" schema "$kind"
  done
  run "$out/completions-bash" "$okr" completions bash
  rm -rf "$repo/.git/okr"
}

for repo in "${repos[@]}"; do
  for side in a b; do
    commands "$work/okr-$side" "$repo" "$work/results-$side/$(basename "$repo")"
  done
done

if diff -r "$work/results-a" "$work/results-b" >"$work/differences"; then
  echo "same output: $1 and $2, ${#repos[@]} repositories ($(find "$work/results-a" -name '*.code' | wc -l) runs each)"
else
  echo "$1 and $2 differ (< $1, > $2):"
  sed "s|$work/||g" "$work/differences" | head -n 200
  exit 1
fi
