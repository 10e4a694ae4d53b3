#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The dist test: `meson dist` makes the release tarball from the committed
# tree, then unpacks it, configures, builds, runs every test of the
# unpacked tree and installs it, as a distribution would from the tarball.
#
#   tests/dist-test.sh SRCDIR BUILDDIR
#
# The tarball holds what is committed (HEAD), not what is being edited:
# uncommitted changes are allowed (--allow-dirty) and left out. Skipped
# (77) where git is missing or SRCDIR is not the top of a git checkout:
# in an unpacked tarball, among others, so the tarball's own run of this
# test does not recurse.
set -euo pipefail

srcdir=$(realpath "$1")
builddir=$2

skip () { echo "dist-test: SKIP: $*"; exit 77; }

command -v git >/dev/null || skip "git is not installed"
top=$(git -C "$srcdir" rev-parse --show-toplevel 2>/dev/null) || skip "$srcdir is not a git checkout"
[ "$(realpath "$top")" = "$srcdir" ] || skip "$srcdir is inside the git checkout $top, not its top (an unpacked tarball?)"
git -C "$srcdir" rev-parse --verify -q HEAD >/dev/null || skip "nothing is committed yet"

if [ -n "$(git -C "$srcdir" status --porcelain --untracked-files=no)" ]; then
  echo "dist-test: uncommitted changes are not in the tarball; it is made from HEAD $(git -C "$srcdir" rev-parse --short HEAD)"
fi

rm -rf "$builddir/meson-dist"
meson dist -C "$builddir" --allow-dirty --formats xztar
ls -l "$builddir"/meson-dist/*.tar.xz
