#!/bin/sh
# packaging.no_build_paths: install the build into a scratch directory and fail when any
# installed program holds the path of the source or the build tree (a compiled-in asset
# path, __FILE__, debug information): an installed program must find its data where it
# is installed (common/datadir.h), wherever it was built.
#
#   no_build_paths.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1 bld=$2
dest=$(mktemp -d "${TMPDIR:-/tmp}/yh-nobuildpath.XXXXXX")
trap 'rm -rf "$dest"' EXIT INT TERM
DESTDIR=$dest cmake --install "$bld" >/dev/null
progs=$(find "$dest" -type f -perm -u+x | sort)
[ -n "$progs" ] || { echo "no program installed" >&2; exit 1; }
bad=0 n=0
for dir in "$src" "$bld" "$(cd "$src" && pwd -P)" "$(cd "$bld" && pwd -P)"; do
  for p in $progs; do
    if strings -a "$p" | grep -F -q -- "$dir"; then
      echo "FAIL: ${p#"$dest"} contains '$dir':" >&2
      strings -a "$p" | grep -F -- "$dir" | head -3 >&2
      bad=1
    fi
  done
done
for p in $progs; do n=$((n + 1)); done
[ "$bad" = 0 ] && echo "ok: $n installed programs, none holds '$src' or '$bld'"
exit "$bad"
