#!/usr/bin/env bash
# The okr commands that a team's CI runs, in one place: the reusable workflow
# .github/workflows/okr-team.yml calls this script, and so can a test or a person.
#
#   okr-ci.sh install SRC_DIR [REF]      put okr into ~/.cargo/bin (OKR_BIN_DIR when set), unless a
#                                        cached binary is already there: when REF is a release tag
#                                        (vX.Y.Z), the release's binary, its SHA-256 checked by
#                                        SRC_DIR/.github/install-okr.sh; else, or when that release
#                                        has no binary for this runner, built from the source in
#                                        SRC_DIR. A download that fails its check stops the install.
#   okr-ci.sh check                      validate; findings as GitHub annotations (exit 1 on errors)
#   okr-ci.sh diff BASE HEAD OUT_FILE    write the pull request comment: a hidden marker, then
#                                        `okr diff BASE HEAD --format markdown`
#   okr-ci.sh comment PR BODY_FILE       post BODY_FILE as the pull request's okr comment, updating
#                                        the earlier one (found by its marker) instead of adding one;
#                                        needs GH_TOKEN and GITHUB_REPOSITORY, as in a workflow
#   okr-ci.sh publish BRANCH [MESSAGE]   commit the rendered documents to BRANCH (on top of the
#                                        remote's BRANCH) and push it to origin
#   okr-ci.sh due OUT_FILE               write the check-ins-due issue body: `okr due --format
#                                        markdown`, whose first line is its hidden marker (and the
#                                        whole of it to GITHUB_STEP_SUMMARY, when set)
#   okr-ci.sh issue BODY_FILE            keep one issue (found by its marker) in step with BODY_FILE:
#                                        open it (or reopen it) with that body when something is due,
#                                        update it, close it when nothing is; needs GH_TOKEN and
#                                        GITHUB_REPOSITORY, as in a workflow
#
# Run it from the team repository (okr finds okr.toml by walking up). OKR names the okr binary
# (default: `okr` on PATH); OKR_REPOSITORY the GitHub repository whose releases `install`
# downloads (default: okr-tool/okr).
set -euo pipefail

OKR="${OKR:-okr}"
# The first line of okr's pull request comment; how the next run finds the comment to update.
MARKER="<!-- okr-diff -->"
# GitHub refuses comments over 65,536 characters; a longer diff is cut, whole in the job summary.
COMMENT_LIMIT=60000
# The first line of `okr due --format markdown`; how the next run finds the issue to update.
DUE_MARKER="<!-- okr-due -->"
# The line okr writes, alone, when no check-in is due.
NOTHING_DUE="Nothing is due."
DUE_TITLE="okr: check-ins due"

die() {
  printf 'okr-ci.sh: %s\n' "$*" >&2
  exit 2
}

cmd_install() {
  local src="${1:?usage: okr-ci.sh install SRC_DIR [REF]}"
  local ref="${2:-}"
  local bin_dir="${OKR_BIN_DIR:-${CARGO_HOME:-$HOME/.cargo}/bin}"
  local bin="$bin_dir/okr"
  if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
    printf 'okr-ci.sh: using the cached %s (%s)\n' "$bin" "$("$bin" --version)"
    return
  fi
  if [[ -n "$ref" ]]; then
    local status=0
    bash "$src/.github/install-okr.sh" install "$ref" "$bin_dir" || status=$?
    case "$status" in
      0)
        "$bin" --version
        return
        ;;
      3) printf 'okr-ci.sh: no release binary of okr for %s: building it from source\n' "$ref" ;;
      *) exit "$status" ;;
    esac
  fi
  cargo install --locked --path "$src" --root "$(dirname "$bin_dir")"
  "$bin" --version
}

cmd_check() {
  "$OKR" check --format github
}

cmd_diff() {
  local base="${1:?usage: okr-ci.sh diff BASE HEAD OUT_FILE}"
  local head="${2:?usage: okr-ci.sh diff BASE HEAD OUT_FILE}"
  local out="${3:?usage: okr-ci.sh diff BASE HEAD OUT_FILE}"
  local body
  body="$("$OKR" diff "$base" "$head" --format markdown)"
  {
    printf '%s\n' "$MARKER"
    printf '%s\n' "$body"
  } >"$out"
  cut_to_limit "$out" "diff"
}

cmd_comment() {
  local pr="${1:?usage: okr-ci.sh comment PR BODY_FILE}"
  local file="${2:?usage: okr-ci.sh comment PR BODY_FILE}"
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY must name the repository (owner/name)}"
  [[ "$pr" =~ ^[0-9]+$ ]] || die "pull request number \`$pr\` is not a number"
  [[ "$(head -n 1 "$file")" == "$MARKER" ]] || die "$file does not start with $MARKER"
  # Only a comment of ours: the workflow's token can edit nobody else's.
  local id
  id="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" \
    --jq ".[] | select(.user.login == \"github-actions[bot]\" and (.body | startswith(\"$MARKER\"))) | .id")"
  id="${id%%$'\n'*}" # the first, should there be more
  if [[ -n "$id" ]]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$file" >/dev/null
    printf 'okr-ci.sh: updated comment %s on pull request %s\n' "$id" "$pr"
  else
    gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$file" >/dev/null
    printf 'okr-ci.sh: commented on pull request %s\n' "$pr"
  fi
}

cmd_publish() {
  local branch="${1:?usage: okr-ci.sh publish BRANCH [MESSAGE]}"
  local message="${2:-okr: publish the objective documents}"
  git check-ref-format --branch "$branch" >/dev/null || die "\`$branch\` is not a branch name"
  # Build on the published branch as it is on the remote, so the push is a fast-forward.
  if git ls-remote --exit-code --heads origin "$branch" >/dev/null; then
    git fetch --no-tags origin "+refs/heads/$branch:refs/heads/$branch"
  fi
  git config user.name >/dev/null || git config user.name "github-actions[bot]"
  git config user.email >/dev/null ||
    git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
  "$OKR" publish --branch "$branch" --message "$message"
  git push origin "refs/heads/$branch:refs/heads/$branch"
}

# Cuts FILE to what GitHub takes, saying where the whole of it is.
cut_to_limit() {
  local file="$1" what="$2"
  if (($(wc -c <"$file") > COMMENT_LIMIT)); then
    local cut
    cut="$(head -c "$COMMENT_LIMIT" "$file")"
    {
      printf '%s\n\n' "$cut"
      printf '_The %s is longer than GitHub can hold: the whole of it is in the job summary._\n' "$what"
    } >"$file"
  fi
}

cmd_due() {
  local out="${1:?usage: okr-ci.sh due OUT_FILE}"
  "$OKR" due --format markdown >"$out"
  # The whole list goes to the job summary, in a workflow, before the issue's copy is cut.
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat "$out" >>"$GITHUB_STEP_SUMMARY"
  fi
  cut_to_limit "$out" "list"
}

cmd_issue() {
  local file="${1:?usage: okr-ci.sh issue BODY_FILE}"
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY must name the repository (owner/name)}"
  [[ "$(head -n 1 "$file")" == "$DUE_MARKER" ]] || die "$file does not start with $DUE_MARKER"
  local nothing_due=""
  if grep -qxF "$NOTHING_DUE" "$file"; then nothing_due=1; fi
  # The newest issue of ours with the marker, open or closed, so that one issue is reopened
  # rather than a new one opened every time something falls due. Pull requests are left out.
  local found number state
  found="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues?state=all&sort=created&direction=desc" \
    --jq ".[] | select(.pull_request == null and .user.login == \"github-actions[bot]\" and ((.body // \"\") | startswith(\"$DUE_MARKER\"))) | \"\\(.number) \\(.state)\"")"
  found="${found%%$'\n'*}" # the newest, should there be more
  number="${found%% *}"
  state="${found#* }"
  if [[ -n "$found" && ! "$number" =~ ^[0-9]+$ ]]; then
    die "unexpected answer from GitHub: \`$found\`"
  fi
  if [[ -n "$nothing_due" ]]; then
    if [[ -n "$number" && "$state" == "open" ]]; then
      gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/$number" \
        -F "body=@$file" -f state=closed -f state_reason=completed >/dev/null
      printf 'okr-ci.sh: nothing is due: closed issue %s\n' "$number"
    else
      printf 'okr-ci.sh: nothing is due\n'
    fi
  elif [[ -n "$number" ]]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/$number" \
      -F "body=@$file" -f state=open >/dev/null
    printf 'okr-ci.sh: updated issue %s\n' "$number"
  else
    gh api --method POST "repos/$GITHUB_REPOSITORY/issues" \
      -f "title=$DUE_TITLE" -F "body=@$file" >/dev/null
    printf 'okr-ci.sh: opened an issue of the check-ins due\n'
  fi
}

command="${1:-}"
shift || true
case "$command" in
  install) cmd_install "$@" ;;
  check) cmd_check "$@" ;;
  diff) cmd_diff "$@" ;;
  comment) cmd_comment "$@" ;;
  publish) cmd_publish "$@" ;;
  due) cmd_due "$@" ;;
  issue) cmd_issue "$@" ;;
  *) die "usage: okr-ci.sh install|check|diff|comment|publish|due|issue ARGS... (see the top of this file)" ;;
esac
