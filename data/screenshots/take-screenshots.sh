#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the screenshots the metainfo and the README show, of the window
# alone, from a build:
#
#   data/screenshots/take-screenshots.sh OUTDIR [COMMAND...]
#
# COMMAND runs Marginalia (default: _build/src/ui/marginalia with the build's
# schemas). Each shot runs it in a private Xvfb with a session bus and fresh
# folders, the sample article annotated from annotations.jsonld (imported
# with --import into a copy of the article: the window finds them by the
# text's hash), drives it with xdotool and crops the screen to the window.
# Needs xvfb, xauth, dbus, xdotool, xcompmgr, x11-utils and imagemagick.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$(realpath -m "$1")
shift
[ $# -gt 0 ] || set -- "$top/_build/src/ui/marginalia"
app_cmd=("$@")
: "${GSETTINGS_SCHEMA_DIR:=$top/_build/data}"
export GSETTINGS_SCHEMA_DIR GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
mkdir -p "$out"

# shot NAME [--dark] SCRIPT: SCRIPT is shell run once the window shows, with
# $win set to its X id.
shot () {
  local name=$1; shift
  local dark=0
  [ "$1" = --dark ] && { dark=1; shift; }
  local script=$1
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp"/{home,data,config,cache,state}
  cp "$top/data/article.txt" "$tmp/article.txt"

  env HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
      XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" \
      SHOT_DARK=$dark SHOT_OUT="$out/$name.png" SHOT_SCRIPT="$script" \
    xvfb-run -a -s '-screen 0 1400x900x24' dbus-run-session -- bash -c '
      [ "$SHOT_DARK" = 1 ] && export ADW_DEBUG_COLOR_SCHEME=prefer-dark
      # A compositor, so that popovers have their shadows rather than black.
      xcompmgr -n & comp=$!
      "$@" --import="'"$here"'/annotations.jsonld" "$XDG_DATA_HOME/../article.txt" >/dev/null
      "$@" >/dev/null 2>&1 & app=$!
      for i in $(seq 1 200); do
        win=$(xdotool search --onlyvisible --name "US lifts" 2>/dev/null | head -n 1) && [ -n "$win" ] && break
        sleep 0.1
      done
      sleep 1.5
      eval "$SHOT_SCRIPT"
      sleep 1
      eval "$(xwininfo -id "$win" | awk "/Absolute upper-left X/ {print \"x=\" \$4} /Absolute upper-left Y/ {print \"y=\" \$4} /Width/ {print \"w=\" \$2} /Height/ {print \"h=\" \$2}")"
      import -window root -crop "${w}x${h}+${x}+${y}" +repage "$SHOT_OUT"
      kill $app $comp' bash "${app_cmd[@]}"
  rm -rf "$tmp"
  echo "screenshot: $out/$name.png"
}

# Reading, with the sidebar.
shot window ':'
# A new highlight with its note being written, from the keyboard.
shot note-editor 'xdotool mousemove --window $win 66 190 mousedown 1; sleep 0.2
  xdotool mousemove --window $win 250 190; sleep 0.2; xdotool mousemove --window $win 446 190 mouseup 1; sleep 1
  xdotool mousemove --window $win 565 237 click 1; sleep 1
  xdotool type --delay 20 "Who opposed the restriction, and why now?"; xdotool key Tab
  xdotool type --delay 20 "policy, to check"; sleep 3; xdotool mousemove --window $win 700 600'
# The sidebar filtered by a tag (the second of the tag menu's alphabetical list).
shot sidebar-filters 'xdotool mousemove --window $win 1032 114 click 1; sleep 1
  xdotool mousemove --window $win 1030 263 click 1; sleep 1; xdotool mousemove --window $win 700 600'
# Dark style.
shot dark --dark ':'
