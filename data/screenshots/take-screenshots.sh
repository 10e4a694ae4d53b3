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
      # A shot whose column of text has no ink is taken again after moving
      # the pointer, and reported if it stays blank.
      for try in 1 2 3 4 5 6; do
        import -window root -crop "${w}x${h}+${x}+${y}" +repage "$SHOT_OUT"
        ink=$(convert "$SHOT_OUT" -crop 200x150+60+90 -colorspace gray -format "%[fx:standard_deviation>0.05]" info:)
        [ "$ink" = 1 ] && break
        xdotool mousemove --window $win 120 $((600 + try)); sleep 0.5
        xdotool mousemove --window $win 700 $((600 - try)); sleep 1
      done
      [ "$ink" = 1 ] || echo "screenshot: $SHOT_OUT: the text is not painted" >&2
      kill $app $comp' bash "${app_cmd[@]}"
  rm -rf "$tmp"
  echo "screenshot: $out/$name.png"
}

# Reading, with the sidebar.
shot window ':'
# The editor of a highlight, opened by a click on it. Under Xvfb the text
# behind the editor stays unpainted until the window is resized, so it is
# resized by a pixel and back.
shot note-editor 'xdotool mousemove --window $win 560 700 click 1; sleep 1
  xdotool windowsize $win 1100 759; sleep 0.5; xdotool windowsize $win 1100 760; sleep 0.5'
# The sidebar filtered by a tag: "digital sovereignty", fourth in the tag menu.
shot sidebar-filters 'xdotool mousemove --window $win 1032 114 click 1; sleep 1
  xdotool mousemove --window $win 1030 263 click 1; sleep 1; xdotool mousemove --window $win 700 600'
# Dark style.
shot dark --dark ':'
