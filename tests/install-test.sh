#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The install test: what a user or a packager gets from `meson install`.
#
#   tests/install-test.sh SRCDIR WORKDIR VERSION [PREFIX...]
#
# For each PREFIX (default: /app, as Flatpak builds, and /usr, as
# distributions build) it configures a build of SRCDIR of its own under
# WORKDIR (kept between runs, so only the first run compiles everything),
# installs it into a temporary DESTDIR, then:
#   - validates what landed there: the desktop file, the metainfo
#     (appstreamcli --pedantic), the settings schema, the icons (an app icon
#     on a 128 px canvas, a 16 px symbolic one), the translations, the
#     licence;
#   - runs the installed binary as if the prefix were installed: in a mount
#     namespace (bubblewrap) where PREFIX is the installed tree for /app, or
#     where the installed translations are the system's for /usr, with the
#     installed schemas and icons found through XDG_DATA_DIRS as a desktop
#     finds them. It checks --version, --help in French and German (the
#     installed catalogues are found where the binary looks for them), a
#     headless import and --export of the sample article, and a window under
#     the test display that maps with the sample article's title.
#
# Exits 0 when everything holds, 1 with a message on the first failure, 77
# (skipped) when a tool it needs is missing.
set -euo pipefail

srcdir=$1
workdir=$2
version=$3
shift 3
prefixes=("$@")
[ ${#prefixes[@]} -gt 0 ] || prefixes=(/app /usr)

app_id=io.github.marginalia.Marginalia

fail () { echo "install-test: FAIL: $*" >&2; exit 1; }
skip () { echo "install-test: SKIP: $*" >&2; exit 77; }
note () { echo "install-test: $*"; }

for tool in meson ninja desktop-file-validate appstreamcli glib-compile-schemas python3 msgunfmt gdbus; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

tmp=$(mktemp -d)
app_pid=
cleanup () {
  [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The binary must look for everything where it is installed, not in the
# build tree the other tests use.
unset GSETTINGS_SCHEMA_DIR G_TEST_SRCDIR G_TEST_BUILDDIR
export GSETTINGS_BACKEND=memory
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

# Locales for the translation checks, made here so that the machine needs
# none installed (LOCPATH points the C library at them).
export LOCPATH=$tmp/locales
mkdir -p "$LOCPATH"
for loc in fr_FR de_DE; do
  localedef -i "$loc" -f UTF-8 "$LOCPATH/$loc.UTF-8" 2>/dev/null ||
    { rm -rf "$LOCPATH/$loc.UTF-8"; note "no $loc locale can be made here: its --help is not checked"; }
done

# Whether a mount namespace can be made (bubblewrap, as Flatpak uses).
can_bwrap=0
if command -v bwrap >/dev/null && bwrap --dev-bind / / true 2>/dev/null; then
  can_bwrap=1
else
  note "bubblewrap cannot make a mount namespace here: the installed binary is run with XDG_DATA_DIRS only, and its translations are not checked"
fi

# run_installed PREFIX ROOT COMMAND...: runs COMMAND where ROOT (the tree
# installed in DESTDIR) is found as PREFIX.
run_installed () {
  local prefix=$1 root=$2
  shift 2
  local data_dirs="$prefix/share:/usr/local/share:/usr/share"
  if [ $can_bwrap = 0 ]; then
    XDG_DATA_DIRS="$root/share:/usr/local/share:/usr/share" "$@"
    return
  fi
  local args=()
  if [ "$prefix" = /usr ]; then
    # /usr is the system's: only the catalogues are laid over its own, and
    # the rest is found first in the installed tree, as a desktop would
    # find it in /usr/share.
    args=(--dev-bind / / --bind "$root/share/locale" /usr/share/locale)
    data_dirs="$root/share:/usr/share"
  else
    # A root of its own holding everything of the machine's, plus PREFIX.
    local entry name
    for entry in /*; do
      name=${entry#/}
      case $name in proc | dev | "${prefix#/}") continue ;; esac
      if [ -L "$entry" ]; then
        args+=(--symlink "$(readlink "$entry")" "$entry")
      elif [ -d "$entry" ]; then
        args+=(--dev-bind "$entry" "$entry")
      fi
    done
    args+=(--proc /proc --dev-bind /dev /dev --ro-bind "$root" "$prefix")
  fi
  XDG_DATA_DIRS=$data_dirs bwrap --die-with-parent "${args[@]}" -- "$@"
}

check_files () {
  local root=$1
  local f
  for f in bin/marginalia \
           share/applications/$app_id.desktop \
           share/metainfo/$app_id.metainfo.xml \
           share/glib-2.0/schemas/$app_id.gschema.xml \
           share/icons/hicolor/scalable/apps/$app_id.svg \
           share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg \
           share/licenses/$app_id/COPYING; do
    [ -e "$root/$f" ] || fail "$f is not installed"
  done
  [ -x "$root/bin/marginalia" ] || fail "bin/marginalia is not executable"

  # Every language of po/LINGUAS has its catalogue, and it holds messages.
  local lang
  while read -r lang; do
    lang=${lang%%#*}
    [ -n "$lang" ] || continue
    local mo=$root/share/locale/$lang/LC_MESSAGES/marginalia.mo
    [ -f "$mo" ] || fail "no $lang catalogue at share/locale/$lang/LC_MESSAGES/marginalia.mo"
    [ "$(msgunfmt "$mo" | grep -c '^msgid ')" -gt 100 ] || fail "the $lang catalogue holds few messages"
  done < "$srcdir/po/LINGUAS"
}

check_desktop_integration () {
  local root=$1
  local desktop=$root/share/applications/$app_id.desktop
  local metainfo=$root/share/metainfo/$app_id.metainfo.xml

  desktop-file-validate "$desktop" || fail "the installed desktop file does not validate"
  grep -qx "Icon=$app_id" "$desktop" || fail "the desktop file's Icon is not $app_id"
  grep -q '^Exec=marginalia ' "$desktop" || fail "the desktop file does not run the installed marginalia"
  grep -q '^Comment\[de\]=' "$desktop" || fail "the desktop file has no German comment: translations were not merged"

  # Pedantic, with two known hints let through: the capital letter of the
  # app id (as GNOME's own ids have; changing it would move every user's
  # annotations), and <developer>, which Flathub's guidelines ask for and
  # AppStream 1.0 reads but Debian 12's 0.16 does not know yet.
  appstreamcli validate --no-net --pedantic "$metainfo" >"$tmp/appstream.log" 2>&1 ||
    { cat "$tmp/appstream.log" >&2; fail "the installed metainfo does not pass appstreamcli validate --pedantic"; }
  if grep -E '^[EWIP]: ' "$tmp/appstream.log" |
     grep -vE ': cid-contains-uppercase-letter |: unknown-tag developer$' >&2; then
    fail "appstreamcli validate --pedantic reports the issues above"
  fi
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
    fail "the metainfo does not launch the installed desktop file"
  grep -q "<release version=\"$version\"" "$metainfo" ||
    fail "the metainfo has no release notes for version $version"

  glib-compile-schemas --strict --dry-run "$root/share/glib-2.0/schemas" ||
    fail "the installed schema does not compile"

  # The icons where a desktop looks for them: the app icon on GNOME's
  # 128 px canvas, the symbolic one on 16 px, both valid SVG.
  python3 - "$root/share/icons/hicolor" "$app_id" <<'PY' || fail "the installed icons are not right"
import sys
import xml.etree.ElementTree as ET

base, app_id = sys.argv[1], sys.argv[2]
for path, size in ((f"{base}/scalable/apps/{app_id}.svg", 128),
                   (f"{base}/symbolic/apps/{app_id}-symbolic.svg", 16)):
    svg = ET.parse(path).getroot()
    if svg.tag != "{http://www.w3.org/2000/svg}svg":
        sys.exit(f"{path}: not an SVG")
    box = [float(v) for v in svg.get("viewBox", "").replace(",", " ").split()]
    if box != [0, 0, size, size]:
        sys.exit(f"{path}: viewBox {box}, expected 0 0 {size} {size}")
    for attr in ("width", "height"):
        if float(svg.get(attr, size)) != size:
            sys.exit(f"{path}: {attr} is not {size}")
print("icons: app 128x128, symbolic 16x16")
PY
}

# The window maps, with the sample article's title, under the test
# display.
check_window () {
  local prefix=$1 root=$2
  if [ -z "${DISPLAY:-}" ] || ! command -v xwininfo >/dev/null; then
    note "no X display or no xwininfo: the window is not checked (build-aux/dev test gives one)"
    return
  fi
  local title
  title=$(sed -n 's/^Title=//p' "$srcdir/data/article.ini" | head -n 1)
  XDG_DATA_HOME=$tmp/data-window GDK_BACKEND=x11 run_installed "$prefix" "$root" \
    "$root/bin/marginalia" >"$tmp/window.log" 2>&1 &
  app_pid=$!
  local i
  for i in $(seq 1 100); do
    if xwininfo -root -tree 2>/dev/null | grep -qF "\"$title\""; then
      break
    fi
    kill -0 "$app_pid" 2>/dev/null || { cat "$tmp/window.log" >&2; fail "the installed binary exited before its window mapped"; }
    sleep 0.1
  done
  xwininfo -root -tree | grep -qF "\"$title\"" ||
    { cat "$tmp/window.log" >&2; fail "no window titled \"$title\" mapped within 10 s"; }
  note "$prefix: a window titled \"$title\" mapped"

  # Help (F1): the user guide, compiled in, opens in a window of its own.
  # The action is activated through the application's D-Bus interface, as
  # a desktop shell would.
  local guide="Marginalia User Guide"
  gdbus call --session --dest $app_id --object-path "/${app_id//.//}" \
    --method org.gtk.Actions.Activate help '[]' '{}' >/dev/null ||
    fail "app.help cannot be activated"
  for i in $(seq 1 100); do
    xwininfo -root -tree 2>/dev/null | grep -qF "\"$guide\"" && break
    sleep 0.1
  done
  xwininfo -root -tree | grep -qF "\"$guide\"" || fail "Help did not open a window titled \"$guide\""
  note "$prefix: Help opened \"$guide\""
  kill -0 "$app_pid" 2>/dev/null || { cat "$tmp/window.log" >&2; fail "the installed binary exited with its windows open"; }
  kill "$app_pid"
  wait "$app_pid" 2>/dev/null || true
  app_pid=
  # The next instance must not find this one still owning the bus name.
  for i in $(seq 1 50); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.NameHasOwner $app_id | grep -q false && break
    sleep 0.1
  done
  if grep -E 'CRITICAL|WARNING' "$tmp/window.log" >&2; then
    fail "the installed window logged warnings"
  fi
}

check_prefix () {
  local prefix=$1
  local name=${prefix//\//_}
  local build=$workdir/install$name
  local dest=$tmp/dest$name
  local root=$dest$prefix

  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$srcdir" --prefix="$prefix" -Dtests=false --buildtype=plain \
      >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "meson setup --prefix=$prefix failed"; }
  fi
  # The desktop file and the metainfo take their translations from every
  # .po file, which ninja does not know they depend on: make them anew.
  rm -f "$build/data/$app_id.desktop" "$build/data/$app_id.metainfo.xml"
  ninja -C "$build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "the --prefix=$prefix build failed"; }
  meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "meson install --prefix=$prefix failed"; }
  [ -d "$root" ] || fail "nothing was installed under $prefix"

  # meson's post-install step leaves schemas and icon caches to the
  # packager when DESTDIR is set: do what a package's trigger does.
  glib-compile-schemas "$root/share/glib-2.0/schemas"

  check_files "$root"
  check_desktop_integration "$root"

  # The installed binary.
  local out
  out=$(run_installed "$prefix" "$root" "$root/bin/marginalia" --version)
  [ "$out" = "marginalia $version" ] || fail "--version printed \"$out\", expected \"marginalia $version\""

  if [ $can_bwrap = 1 ]; then
    local loc lang expected
    for loc in fr_FR de_DE; do
      [ -d "$LOCPATH/$loc.UTF-8" ] || continue
      lang=${loc%_*}
      grep -qx "$lang" "$srcdir/po/LINGUAS" || continue
      expected=$(TEXTDOMAINDIR=$root/share/locale LANGUAGE=$lang LANG=$loc.UTF-8 \
                 gettext -d marginalia "Show the version and exit")
      [ "$expected" != "Show the version and exit" ] || fail "the $lang catalogue does not translate --help"
      out=$(LANG=$loc.UTF-8 LC_ALL=$loc.UTF-8 run_installed "$prefix" "$root" "$root/bin/marginalia" --help)
      grep -qF "$expected" <<<"$out" || fail "--help in $loc is not translated (expected \"$expected\")"
      note "$prefix: --help in $loc reads \"$expected\""
    done
  fi

  # Headless: import annotations into a copy of the sample article, then
  # export them, with no display.
  local data=$tmp/data$name
  mkdir -p "$data"
  cp "$srcdir/data/article.txt" "$tmp/article$name.txt"
  out=$(unset DISPLAY WAYLAND_DISPLAY
        XDG_DATA_HOME=$data run_installed "$prefix" "$root" \
          "$root/bin/marginalia" --import="$srcdir/tests/data/hypothesis-sample.json" "$tmp/article$name.txt")
  grep -q 'Imported 5 annotations' <<<"$out" || fail "the import printed: $out"
  (unset DISPLAY WAYLAND_DISPLAY
   XDG_DATA_HOME=$data run_installed "$prefix" "$root" \
     "$root/bin/marginalia" --export=markdown --output="$tmp/notes$name.md" "$tmp/article$name.txt") ||
    fail "--export=markdown failed"
  head -n 1 "$tmp/notes$name.md" | grep -qx -- '---' || fail "the export has no front matter"
  grep -qF '> We cannot rely on the charity of a foreign government' "$tmp/notes$name.md" ||
    fail "the export lacks an imported passage"
  [ -n "$(find "$data/$app_id" -name '*.json' -print -quit)" ] ||
    fail "the annotations were not saved under XDG_DATA_HOME/$app_id"

  check_window "$prefix" "$root"
  note "--prefix=$prefix: installed, validated and run"
}

for prefix in "${prefixes[@]}"; do
  check_prefix "$prefix"
done
