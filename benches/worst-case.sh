#!/usr/bin/env bash
# Runs every reading command of okr on team repositories built to be worst cases (each file
# at most 1 MiB) and prints the time and peak memory of each run. It exits 1 when a run takes
# 2 s or more of CPU, or 200 MiB or more: the bound the README's "Security model" promises.
# CPU time (user and system) is the measure, as the clock stretches with whatever else a
# shared machine runs; the clock's time is printed beside it.
#
#   bash benches/worst-case.sh
#
# Needs GNU time (/usr/bin/time) and python3. The repositories are built under
# target/worst-case/ (a copy of examples/team each, in a git repository of one commit).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x /usr/bin/time ]] || { echo "benches/worst-case.sh needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --locked --release --quiet
okr="$PWD/target/release/okr"
work="$PWD/target/worst-case"
rm -rf "$work"
mkdir -p "$work"

# One repository per case: the example team and one hostile file (or template).
python3 - "$work" examples/team <<'EOF'
import os, shutil, sys

work, team = sys.argv[1], sys.argv[2]
base = open(os.path.join(team, "initiatives/merge-queue.toml")).read()
config = open(os.path.join(team, "okr.toml")).read()


def b36(i):
    s = ""
    while True:
        s = "0123456789abcdefghijklmnopqrstuvwxyz"[i % 36] + s
        i //= 36
        if i == 0:
            return s


def repo(name, files):
    d = os.path.join(work, name)
    shutil.copytree(team, d, ignore=shutil.ignore_patterns("okrs"))
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
        with open(os.path.join(d, path), "w") as f:
            f.write(text)
        assert len(text.encode()) <= 1 << 20, (name, path, len(text.encode()))


def without_tags(text):
    return "".join(l for l in text.splitlines(True) if not l.startswith("tags"))


def open_vocabulary(text):
    return "".join(l for l in text.splitlines(True) if not l.startswith(("known", "aliases")))


repo("syntax-errors", {"initiatives/bad.toml": "x = [\n" + "1 1,\n" * 40000})
repo("unknown-fields", {"initiatives/bad.toml": base + "".join(f"k{i} = 1\n" for i in range(20000))})
repo("wrong-types", {"initiatives/bad.toml": base + "[[key_results]]\ntitle = 1\n" * 20000})
repo("dependencies", {"initiatives/bad.toml": base + "depends_on = [" + ", ".join(f'"x{i}"' for i in range(16000)) + "]\n"})
repo("tags", {"okr.toml": open_vocabulary(config),
              "initiatives/bad.toml": without_tags(base) + "tags = [" + ",".join(f'"{b36(i)}"' for i in range(131000)) + "]\n"})
repo("did-you-mean", {"okr.toml": config.replace("known = [", "known = [" + ",".join(f'"k{b36(i)}"' for i in range(115000)) + ","),
                      "initiatives/bad.toml": without_tags(base) + "tags = [" + ",".join(f'"{b36(i)}z"' for i in range(120000)) + "]\n"})
repo("long-title", {"initiatives/bad.toml": base.replace('title = "', 'title = "' + "x" * 900000, 1)})
long = "a" * 400000
repo("long-suggestion", {"okr.toml": config.replace("known = [", f'known = ["{long}b", '),
                         "initiatives/bad.toml": without_tags(base) + f'tags = ["{long}c"]\n'})
repo("orphan-tags", {f"initiatives/orphan-{k}.toml": without_tags(base) + "tags = [" + ",".join(f'"o{k}-{b36(i)}"' for i in range(60000)) + "]\n"
                     for k in range(4)} | {"okr.toml": open_vocabulary(config)})
theme = open(os.path.join(team, "themes/boring-deploys.toml")).read()
repo("dash-word", {"themes/boring-deploys.toml": theme.replace('why = "', 'why = "' + "-1" * 400000, 1)})
problem = "<&*" * 330000
themes = {f"themes/t{i}.toml": f'title = "Theme {i}"\nwhy = "w"\nowner = "o"\ntags = ["ci"]\n' for i in range(60)}
repo("template-filter-work", {
    "initiatives/canary-deploys.toml": open(os.path.join(team, "initiatives/canary-deploys.toml")).read().replace(
        'problem = "', f'problem = "{problem}', 1),
    "templates/index.md.j2": '{% set p = initiatives|selectattr("id","eq","canary-deploys")|first %}'
                             '{% for i in range(20000) %}{% set _ = ([p.problem] * 10)|mermaid_label %}{% endfor %}ok'})
repo("template-documents-together", themes | {
    "templates/objective.md.j2": '{% set s = "x" * 1000000 %}{% for i in range(15) %}{{ s }}{% endfor %}\n'})
nest = "{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}" + "{% set x = [x, x, x, x, x, x, x, x] %}" * 9
for name, template in {
    "template-nested-list": nest + "{{ x }}",
    "template-nested-concat": nest + '{{ (x ~ "") | length }}',
    "template-list-doubling": "{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}{% for i in range(40) %}{% set x = x + x %}{% endfor %}{{ x | length }}",
    "template-string-doubling": '{% set x = "aaaa" %}' + "{% set x = x ~ x %}" * 40 + "{{ x | length }}",
    "template-lazy-repeat": '{% set y = ["aaaaaaaaaa"] * 100000000 %}{{ (y ~ "") | length }}',
    "template-string-repeat": '{% set x = "ab" * 50000000 %}{{ x | length }}',
}.items():
    repo(name, {"templates/index.md.j2": template})
EOF

# A chain of 3,000 links among the initiatives, each to the next: read from git by `diff`.
mkdir -p "$work/symlink-chain"
cp -R examples/team/. "$work/symlink-chain/"
rm -rf "$work/symlink-chain/okrs"
for i in $(seq 1 3000); do
  ln -s "link-$((i + 1)).toml" "$work/symlink-chain/initiatives/link-$i.toml"
done

for dir in "$work"/*/; do
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@example.com commit -q -m "worst case"
done

failed=0
printf '| repository | command | CPU s | clock s | peak MiB | exit |\n| --- | --- | ---: | ---: | ---: | ---: |\n'
run() { # REPO ARGS... -> one table row
  local repo="$1"
  shift
  local report code=0 seconds user system kib cpu
  report="$(mktemp)"
  (cd "$work/$repo" && /usr/bin/time -f '%e %U %S %M' -o "$report" timeout 60 "$okr" "$@" >/dev/null 2>&1) || code=$?
  read -r seconds user system kib < <(tail -1 "$report")
  rm -f "$report"
  cpu="$(python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.2f}")' "$user" "$system")"
  # shellcheck disable=SC2016 # the backticks are Markdown
  printf '| %s | `okr %s` | %s | %s | %s | %s |\n' "$repo" "$*" "$cpu" "$seconds" "$((kib / 1024))" "$code"
  if ! python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 2 and int(sys.argv[2]) < 200 * 1024 else 1)' "$cpu" "$kib"; then
    failed=1
  fi
}
for dir in "$work"/*/; do
  repo="$(basename "$dir")"
  if [[ "$repo" == template-* ]]; then
    run "$repo" render --out out
    continue
  fi
  for args in "check" "check --format json" "check --format github" "list --format json" \
    "themes --suggest" "render --out out" "diff HEAD --format markdown" "fmt --check"; do
    # shellcheck disable=SC2086 # the arguments are meant to split
    run "$repo" $args
  done
done
if [[ "$failed" != 0 ]]; then
  echo "a run took 2 s or more of CPU, or 200 MiB or more" >&2
  exit 1
fi
