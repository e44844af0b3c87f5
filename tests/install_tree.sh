#!/usr/bin/env bash
# `cmake --install` puts every file where the README says: the binary, the man page (with the
# project version), the bash, zsh and fish completions, and the docs and examples. Run by ctest:
#
#   tests/install_tree.sh CMAKE_COMMAND BUILD_DIR PROJECT_VERSION
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 CMAKE_COMMAND BUILD_DIR PROJECT_VERSION" >&2
  exit 2
fi
cmake=$1 build=$2 version=$3
prefix=$(mktemp -d "${TMPDIR:-/tmp}/install_tree.XXXXXX")
trap 'rm -rf "$prefix"' EXIT

if ! out=$("$cmake" --install "$build" --prefix "$prefix" 2>&1); then
  echo "install_tree: cmake --install failed: $out" >&2
  exit 1
fi
failures=0
for f in bin/pcusage share/man/man1/pcusage.1 share/bash-completion/completions/pcusage \
  share/zsh/site-functions/_pcusage share/fish/vendor_completions.d/pcusage.fish \
  share/doc/pcusage/README.md share/doc/pcusage/CHANGELOG.md share/doc/pcusage/LICENSE \
  share/doc/pcusage/copyright share/doc/pcusage/docs/usage.md \
  share/doc/pcusage/docs/authentication.md share/doc/pcusage/examples/pcusage-cron \
  share/doc/pcusage/examples/to-sqlite.sh share/doc/pcusage/examples/jq-report.sh \
  share/doc/pcusage/examples/usage-response.json; do
  [ -f "$prefix/$f" ] || { echo "install_tree: PREFIX/$f was not installed" >&2; failures=$((failures + 1)); }
done
for f in bin/pcusage share/doc/pcusage/examples/pcusage-cron; do
  [ ! -f "$prefix/$f" ] || [ -x "$prefix/$f" ] ||
    { echo "install_tree: PREFIX/$f is not executable" >&2; failures=$((failures + 1)); }
done
if [ -f "$prefix/share/man/man1/pcusage.1" ] &&
  ! grep -q "^\.TH PCUSAGE 1 .*\"pcusage $version\"" "$prefix/share/man/man1/pcusage.1"; then
  echo "install_tree: the installed man page's .TH does not say pcusage $version" >&2
  failures=$((failures + 1))
fi
got=$("$prefix/bin/pcusage" --version 2>&1 || true)
[[ $got == "pcusage $version "* ]] ||
  { echo "install_tree: installed pcusage --version says '$got'" >&2; failures=$((failures + 1)); }
if [ "$failures" -gt 0 ]; then
  exit 1
fi
echo "install_tree: cmake --install put $(find "$prefix" -type f | wc -l) files where they belong"
