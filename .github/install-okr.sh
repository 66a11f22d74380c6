#!/usr/bin/env bash
# Installs okr from a GitHub release, verified, and packs the release archives. One script for
# everyone: the release workflow packs with it, the reusable workflow (okr-ci.sh) and the
# action (action.yml) install with it, and tests/install_okr.rs runs it offline.
#
#   install-okr.sh target                   the Rust target triple of this runner (RUNNER_OS and
#                                           RUNNER_ARCH as GitHub sets them, else uname)
#   install-okr.sh asset TAG                the release archive's name for this runner
#   install-okr.sh install TAG DIR          download the archive and its .sha256 from the release
#                                           TAG, check the SHA-256, unpack, put okr into DIR
#   install-okr.sh package VERSION TARGET BINARY OUT_DIR
#                                           pack BINARY (and README.md, CHANGELOG.md) into
#                                           OUT_DIR/okr-VERSION-TARGET.tar.gz|zip and its .sha256
#
# Archives are named okr-<version>-<target>.tar.gz (.zip on Windows), version without the `v`,
# and hold okr-<version>-<target>/okr[.exe]; `[package.metadata.binstall]` in Cargo.toml names
# the same files. The download comes from OKR_RELEASE_URL/TAG/ASSET (default:
# https://github.com/$OKR_REPOSITORY/releases/download, OKR_REPOSITORY default okr-tool/okr).
#
# Exit status: 0 done; 1 the download is not what the release published (checksum, archive),
# nothing was installed; 2 usage or a missing tool; 3 no prebuilt okr for this ref or runner
# (not a release tag, an unsupported runner, no such release asset): build from source instead.
set -euo pipefail

NO_RELEASE=3

die() {
  printf 'install-okr.sh: %s\n' "$*" >&2
  exit 2
}

fail() {
  printf 'install-okr.sh: %s\n' "$*" >&2
  printf 'install-okr.sh: nothing was installed\n' >&2
  exit 1
}

no_release() {
  printf 'install-okr.sh: %s\n' "$*" >&2
  exit "$NO_RELEASE"
}

# The target triple for the runner's OS and architecture, in GitHub's names (RUNNER_OS: Linux,
# macOS, Windows; RUNNER_ARCH: X64, ARM64); outside a runner, from uname.
cmd_target() {
  local os="${RUNNER_OS:-}" arch="${RUNNER_ARCH:-}"
  if [[ -z "$os" ]]; then
    case "$(uname -s)" in
      Linux) os=Linux ;;
      Darwin) os=macOS ;;
      MINGW* | MSYS* | CYGWIN*) os=Windows ;;
      *) os="$(uname -s)" ;;
    esac
  fi
  if [[ -z "$arch" ]]; then
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;;
      aarch64 | arm64) arch=ARM64 ;;
      *) arch="$(uname -m)" ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) no_release "no prebuilt okr for $os/$arch (there are Linux X64 and ARM64, macOS X64 and ARM64, Windows X64)" ;;
  esac
}

# The version in a release tag: `v1.2.3` (or `v1.2.3-rc.1`) gives 1.2.3; anything else (a branch,
# a commit) names no release.
version_of() {
  local tag="$1"
  if [[ "$tag" =~ ^v([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$ ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    no_release "\`$tag\` is not a release tag (vX.Y.Z)"
  fi
}

archive_name() {
  local version="$1" target="$2"
  case "$target" in
    *-windows-*) echo "okr-$version-$target.zip" ;;
    *) echo "okr-$version-$target.tar.gz" ;;
  esac
}

cmd_asset() {
  local tag="${1:?usage: install-okr.sh asset TAG}"
  local version target
  version="$(version_of "$tag")"
  target="$(cmd_target)"
  archive_name "$version" "$target"
}

# The SHA-256 of a file, in lowercase hex.
sha256_of() {
  local sum
  if command -v sha256sum >/dev/null; then
    sum="$(sha256sum "$1")"
  elif command -v shasum >/dev/null; then
    sum="$(shasum -a 256 "$1")"
  else
    die "neither sha256sum nor shasum is installed: cannot check the download"
  fi
  echo "${sum%% *}"
}

# Fetches $1 into $2; 1 when it is not there (curl's own message on stderr).
fetch() {
  command -v curl >/dev/null || die "curl is not installed"
  curl --fail --silent --show-error --location --retry 3 --proto '=https,file' \
    --output "$2" "$1"
}

cmd_install() {
  local tag="${1:?usage: install-okr.sh install TAG DIR}"
  local dir="${2:?usage: install-okr.sh install TAG DIR}"
  local version target asset base work
  version="$(version_of "$tag")"
  target="$(cmd_target)"
  asset="$(archive_name "$version" "$target")"
  base="${OKR_RELEASE_URL:-https://github.com/${OKR_REPOSITORY:-okr-tool/okr}/releases/download}"
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local to this function
  trap "rm -rf '$work'" EXIT

  printf 'install-okr.sh: downloading %s/%s/%s\n' "$base" "$tag" "$asset"
  if ! fetch "$base/$tag/$asset" "$work/$asset"; then
    no_release "release $tag has no $asset"
  fi
  fetch "$base/$tag/$asset.sha256" "$work/$asset.sha256" ||
    fail "release $tag has $asset but not $asset.sha256: the download cannot be checked"

  # The .sha256 file is `sha256sum` output: the hash, two spaces, the archive's name.
  local expected actual name
  read -r expected name <"$work/$asset.sha256" || true
  expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] ||
    fail "$asset.sha256 holds no SHA-256 (expected 64 hex digits, then the file name)"
  [[ -z "$name" || "${name#\*}" == "$asset" ]] ||
    fail "$asset.sha256 is the checksum of \`$name\`, not of $asset"
  actual="$(sha256_of "$work/$asset")"
  if [[ "$actual" != "$expected" ]]; then
    fail "checksum mismatch for $asset: the release says $expected, the download is $actual"
  fi
  printf 'install-okr.sh: SHA-256 %s verified\n' "$actual"

  # Unpack only now that the archive is the one the release published.
  mkdir "$work/unpacked"
  case "$asset" in
    *.zip)
      if command -v unzip >/dev/null; then
        unzip -q "$work/$asset" -d "$work/unpacked" || fail "$asset is not a valid zip archive"
      elif command -v 7z >/dev/null; then
        7z x -bd -y "-o$work/unpacked" "$work/$asset" >/dev/null ||
          fail "$asset is not a valid zip archive"
      else
        die "neither unzip nor 7z is installed: cannot unpack $asset"
      fi
      ;;
    *) tar -xzf "$work/$asset" -C "$work/unpacked" || fail "$asset is not a valid .tar.gz archive" ;;
  esac
  local exe=okr
  [[ "$asset" == *.zip ]] && exe=okr.exe
  local binary="$work/unpacked/okr-$version-$target/$exe"
  [[ -f "$binary" && ! -L "$binary" ]] || fail "$asset has no okr-$version-$target/$exe"

  mkdir -p "$dir"
  # Copy, then rename: an interrupted install never leaves half a binary in DIR.
  cp "$binary" "$dir/.$exe.partial"
  chmod 755 "$dir/.$exe.partial"
  mv -f "$dir/.$exe.partial" "$dir/$exe"
  printf 'install-okr.sh: installed %s\n' "$dir/$exe"
}

cmd_package() {
  local usage="usage: install-okr.sh package VERSION TARGET BINARY OUT_DIR"
  local version="${1:?$usage}" target="${2:?$usage}" binary="${3:?$usage}" out="${4:?$usage}"
  [[ -f "$binary" ]] || die "$binary is not a file"
  local asset stage
  asset="$(archive_name "$version" "$target")"
  stage="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $stage is local to this function
  trap "rm -rf '$stage'" EXIT
  local root="okr-$version-$target"
  mkdir -p "$stage/$root" "$out"
  cp "$binary" "$stage/$root/"
  for doc in README.md CHANGELOG.md; do
    if [[ -f "$doc" ]]; then cp "$doc" "$stage/$root/"; fi
  done
  out="$(cd "$out" && pwd)"
  case "$asset" in
    *.zip)
      if command -v 7z >/dev/null; then
        (cd "$stage" && 7z a -bd -tzip "$out/$asset" "$root" >/dev/null)
      else
        (cd "$stage" && zip -qr "$out/$asset" "$root")
      fi
      ;;
    *) tar -czf "$out/$asset" -C "$stage" "$root" ;;
  esac
  printf '%s  %s\n' "$(sha256_of "$out/$asset")" "$asset" >"$out/$asset.sha256"
  printf '%s\n' "$out/$asset"
}

command="${1:-}"
shift || true
case "$command" in
  target) cmd_target "$@" ;;
  asset) cmd_asset "$@" ;;
  install) cmd_install "$@" ;;
  package) cmd_package "$@" ;;
  *) die "usage: install-okr.sh target|asset|install|package ARGS... (see the top of this file)" ;;
esac
