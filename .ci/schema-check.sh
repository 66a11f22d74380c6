#!/usr/bin/env bash
# The JSON Schemas of `okr schema` under the two checkers teams use: check-jsonschema and taplo
# (the engine of Even Better TOML). Every valid file must pass under both, and every bad fixture
# in .ci/schema/bad/ (<kind>-<problem>.toml) must fail under both. Also checks that the
# `#:schema` lines `okr init` and `okr new` write lead taplo to the schemas `okr init` writes.
#
# Installs its pinned checkers itself: check-jsonschema from PyPI into a virtualenv, taplo from
# npm (.ci/schema/package.json and its lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

check_jsonschema_version=0.39.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "build okr"
cargo build --locked --quiet
okr=$root/target/debug/okr

step "install check-jsonschema $check_jsonschema_version and taplo"
# The same pinned virtualenv as .ci/run (requirements-ci.txt pins every dependency).
if [[ ! -x .ci/venv/bin/python ]]; then
  python3 -m venv .ci/venv
fi
.ci/venv/bin/pip install --quiet --disable-pip-version-check -r requirements-ci.txt
check_jsonschema=$root/.ci/venv/bin/check-jsonschema
"$check_jsonschema" --version | grep -q " $check_jsonschema_version\$" \
  || fail "requirements-ci.txt must pin check-jsonschema $check_jsonschema_version"
(cd .ci/schema && npm ci --silent --no-audit --no-fund)
taplo=$root/.ci/schema/node_modules/.bin/taplo
"$check_jsonschema" --version
"$taplo" --version || true   # prints its version, then exits 1

step "write the schemas"
for kind in initiative theme config; do
  "$okr" schema "$kind" > "$work/$kind.json"
done

# The valid files: the example team, and a repository from `okr init` and `okr new`.
"$okr" -q init "$work/repo" --team Platform
"$okr" -q -C "$work/repo" new "Cache every build" --tag planning --impact high --cost s \
  --problem "CI rebuilds the world." --owner erin --no-input
"$okr" -C "$work/repo" check
# shellcheck disable=SC2034 # read through "${!files_var}" below
valid_initiative=(examples/team/initiatives/*.toml examples/team/initiatives/*/*.toml "$work"/repo/initiatives/*.toml)
# shellcheck disable=SC2034
valid_theme=(examples/team/themes/*.toml "$work"/repo/themes/*.toml)
# shellcheck disable=SC2034
valid_config=(examples/team/okr.toml "$work/repo/okr.toml")

quiet() { "$@" > "$work/out.txt" 2>&1; }

for kind in initiative theme config; do
  schema=$work/$kind.json
  files_var="valid_${kind}[@]"
  files=("${!files_var}")

  step "$kind: ${#files[@]} valid file(s) pass"
  "$check_jsonschema" --schemafile "$schema" "${files[@]}"
  quiet "$taplo" check --no-auto-config --schema "file://$schema" "${files[@]}" \
    || { cat "$work/out.txt"; fail "taplo rejects a valid $kind"; }
  echo "taplo: ok"

  step "$kind: every bad fixture fails"
  bad=(.ci/schema/bad/"$kind"-*.toml)
  [ -e "${bad[0]}" ] || fail "no bad fixtures for $kind"
  for file in "${bad[@]}"; do
    if quiet "$check_jsonschema" --schemafile "$schema" "$file"; then
      fail "check-jsonschema accepts $file"
    fi
    if quiet "$taplo" check --no-auto-config --schema "file://$schema" "$file"; then
      fail "taplo accepts $file"
    fi
    # okr itself rejects them too, so the schema and the parser agree.
    mkdir -p "$work/bad/initiatives" "$work/bad/themes"
    rm -f "$work"/bad/initiatives/*.toml "$work"/bad/themes/*.toml
    printf '[team]\nname = "Bad"\n' > "$work/bad/okr.toml"
    case $kind in
      initiative) cp "$file" "$work/bad/initiatives/bad.toml" ;;
      theme) cp "$file" "$work/bad/themes/bad.toml" ;;
      config) cp "$file" "$work/bad/okr.toml" ;;
    esac
    if quiet "$okr" -C "$work/bad" check; then
      fail "okr check accepts $file"
    fi
    echo "rejected: $file"
  done
done

step "the #:schema lines lead taplo to the written schemas"
(cd "$work/repo" && quiet "$taplo" check --no-auto-config okr.toml initiatives/*.toml themes/*.toml) \
  || { cat "$work/out.txt"; fail "taplo rejects the files okr init and okr new wrote"; }
# The directive must really be followed: the same file with an unknown key must fail.
sed 's/^title = /titel = /' "$work/repo/initiatives/cache-every-build.toml" > "$work/repo/initiatives/typo.toml"
if (cd "$work/repo" && quiet "$taplo" check --no-auto-config initiatives/typo.toml); then
  fail "taplo ignores the #:schema line"
fi
echo "taplo follows #:schema"

step "schema checks passed"
