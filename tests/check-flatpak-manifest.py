#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest against the rules a Flathub-style review applies.

    tests/check-flatpak-manifest.py SRCDIR MANIFEST APP_ID

Nothing here can download the GNOME SDK, so the manifest is not built;
instead this checks what a reviewer would:
  - flatpak-builder --show-manifest parses it (when flatpak-builder is
    installed);
  - the id, command, GNOME runtime and SDK, and a runtime that is not
    older than MIN_RUNTIME;
  - finish-args: only the ones the app needs (the network, for Open
    Link), and no file system or bus access (documents come through the
    file chooser portal);
  - every git source pinned to a tag *and* a commit, every archive or file
    source to a sha256, no network at build time;
  - the modules are exactly the dependencies in meson.build that the GNOME
    runtime does not provide, and each installs its licence;
  - the app itself is built last, with meson, without its tests, and
    installs its licence (install_data of COPYING into share/licenses).
Prints one line per problem and exits 1 if any; exits 0 otherwise.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys

# The GNOME runtime the manifest must use at least: the current one.
MIN_RUNTIME = 51

# pkg-config names that org.gnome.Platform provides (with the freedesktop
# runtime below it). Look a new dependency up before adding it here.
IN_RUNTIME = {
    "glib-2.0", "gio-2.0", "gio-unix-2.0", "gobject-2.0", "gmodule-2.0", "gmodule-no-export-2.0",
    "gtk4", "libadwaita-1", "json-glib-1.0", "libxml-2.0", "libsoup-3.0",
    "sqlite3", "x11", "cairo", "pango", "gdk-pixbuf-2.0", "graphene-1.0",
    "libsecret-1", "gtksourceview-5", "webkitgtk-6.0", "icu-uc",
}

# pkg-config names that the runtime lacks, and the manifest module that
# builds each.
MODULE_FOR = {
    "libcmark": "cmark",
}

FINISH_ARGS_ALLOWED = {
    "--share=ipc",
    "--socket=fallback-x11",
    "--socket=wayland",
    "--device=dri",
    # Open Link reads web pages; nothing else uses the network.
    "--share=network",
}

HEX40 = re.compile(r"^[0-9a-f]{40}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")

problems = []


def problem(message):
    problems.append(message)


def meson_dependencies(srcdir):
    """The pkg-config names of the project's dependency() calls, outside the
    tests (the Flatpak builds with -Dtests=false)."""
    names = set()
    files = [os.path.join(srcdir, "meson.build")]
    for sub in ("src", "data", "po"):
        files += glob.glob(os.path.join(srcdir, sub, "**", "meson.build"), recursive=True)
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        names.update(re.findall(r"\bdependency\(\s*'([^']+)'", text))
    return names


def check_source(module, source):
    kind = source.get("type")
    where = f"module {module}: {kind} source"
    if kind == "git":
        if not source.get("tag"):
            problem(f"{where} {source.get('url')} has no tag")
        if not HEX40.match(source.get("commit", "")):
            problem(f"{where} {source.get('url')} is not pinned to a full commit id")
        if "branch" in source:
            problem(f"{where} {source.get('url')} follows a branch")
    elif kind in ("archive", "file"):
        if not HEX64.match(source.get("sha256", "")):
            problem(f"{where} {source.get('url') or source.get('path')} has no sha256")
    elif kind == "dir":
        if os.path.isabs(source.get("path", "")):
            problem(f"{where} has an absolute path")
    elif kind not in ("patch", "shell"):
        problem(f"{where}: sources of this type are not expected here")


def check_module(module, manifest_dir):
    name = module.get("name", "?")
    build_args = module.get("build-options", {}).get("build-args", [])
    if any(a.startswith("--share=network") for a in build_args):
        problem(f"module {name} asks for the network at build time")
    for source in module.get("sources", []):
        if isinstance(source, str):
            problem(f"module {name}: sources in a separate file are not checked")
            continue
        check_source(name, source)
    if module.get("buildsystem", "").startswith("cmake") and not module.get("builddir"):
        problem(f"module {name}: a CMake module needs \"builddir\": true (cmark refuses in-source builds)")


def main():
    srcdir, manifest_path, app_id = sys.argv[1:4]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))

    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    builder = shutil.which("flatpak-builder")
    if builder:
        result = subprocess.run([builder, "--show-manifest", manifest_path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            problem(f"flatpak-builder --show-manifest fails: {result.stderr.strip()}")
        else:
            print("flatpak-builder --show-manifest: parses")
    else:
        print("flatpak-builder is not installed: only the rules are checked")

    if manifest.get("id", manifest.get("app-id")) != app_id:
        problem(f"the id is not {app_id}")
    if manifest.get("command") != "marginalia":
        problem("the command is not marginalia")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problem("the runtime is not GNOME's (org.gnome.Platform, org.gnome.Sdk)")
    version = str(manifest.get("runtime-version", ""))
    if not version.isdigit() or int(version) < MIN_RUNTIME:
        problem(f"runtime-version {version!r} is older than GNOME {MIN_RUNTIME}")

    finish_args = manifest.get("finish-args", [])
    for arg in finish_args:
        if arg.startswith("--filesystem"):
            problem(f"finish-args give file system access ({arg}): documents come through the portal")
        elif arg not in FINISH_ARGS_ALLOWED:
            problem(f"finish-args: {arg} is not needed")
    if "--socket=x11" in finish_args:
        problem("finish-args: use --socket=fallback-x11, not --socket=x11")
    if not {"--socket=wayland", "--socket=fallback-x11", "--share=ipc"} <= set(finish_args):
        problem("finish-args lack the display sockets (wayland, fallback-x11, ipc)")

    modules = manifest.get("modules", [])
    if any(isinstance(m, str) for m in modules):
        problem("modules in separate files are not checked")
        modules = [m for m in modules if not isinstance(m, str)]
    for module in modules:
        check_module(module, manifest_dir)

    if not modules or modules[-1].get("name") != "marginalia":
        problem("the app is not the last module")
    else:
        app = modules[-1]
        if app.get("buildsystem") != "meson":
            problem("the app is not built with meson")
        if "-Dtests=false" not in app.get("config-opts", []):
            problem("the app is built with its tests (-Dtests=false is missing)")

    # The modules are the dependencies the runtime lacks, no more, no less.
    dependencies = meson_dependencies(srcdir)
    unknown = sorted(d for d in dependencies if d not in IN_RUNTIME and d not in MODULE_FOR)
    for dep in unknown:
        problem(f"meson.build needs {dep}: say in this script whether the GNOME runtime has it, "
                "or which manifest module builds it")
    wanted = {MODULE_FOR[d] for d in dependencies if d in MODULE_FOR}
    built = {m.get("name") for m in modules[:-1]}
    for name in sorted(wanted - built):
        problem(f"no module builds {name}, which meson.build needs and the runtime lacks")
    for name in sorted(built - wanted):
        problem(f"module {name} is built but meson.build does not need it")

    # Licences: each bundled module installs its own; the app's comes from
    # meson install.
    for module in modules[:-1]:
        commands = " ".join(module.get("post-install", []))
        if "share/licenses" not in commands and not module.get("license-files"):
            problem(f"module {module.get('name')} does not install its licence")
    with open(os.path.join(srcdir, "meson.build"), encoding="utf-8") as f:
        top = f.read()
    if not re.search(r"install_data\(\s*'COPYING'.*?'licenses'", top, re.S):
        problem("meson.build does not install COPYING into share/licenses")
    if not os.path.exists(os.path.join(srcdir, "COPYING")):
        problem("there is no COPYING")

    for p in problems:
        print(f"check-flatpak-manifest: {p}")
    if problems:
        return 1
    print(f"check-flatpak-manifest: {len(modules)} modules; runtime GNOME {version}; "
          f"finish-args {' '.join(finish_args)}; every source pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
