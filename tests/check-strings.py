#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the words the user reads: the source strings are US English, as
GNOME's are (en_GB is a translation), and say one word for one thing.

    tests/check-strings.py SRCDIR

Reads every file of po/POTFILES.in and the user guide (data/help): the
translatable strings of C files (_(), N_(), ngettext()), and the text of
the other files outside comments. Prints one line per British spelling,
and per toast that says "annotation" (the user made a highlight; the word
"annotation" is kept for the W3C format), and exits 1 if there is any.
"""

import os
import re
import sys

BRITISH = re.compile(
    r"\b(colour\w*|behaviour\w*|favourite\w*|recognis\w*|organis\w*|"
    r"centre\w*|analyse\w*|grey\w*|cancelled|travelled|licence)\b",
    re.IGNORECASE,
)
C_STRING = re.compile(r'\b(?:N?_|ngettext|g_dngettext)\s*\(\s*(?:GETTEXT_PACKAGE\s*,\s*)?((?:"(?:[^"\\]|\\.)*"\s*)+)')
TOAST = re.compile(r'_mg_window_show_toast\s*\(\s*self\s*,\s*_\s*\(\s*"((?:[^"\\]|\\.)*)"')
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def strings_of(path, text):
    if path.endswith(".c"):
        for match in C_STRING.finditer(text):
            yield text.count("\n", 0, match.start()) + 1, match.group(1)
    else:
        text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        for number, line in enumerate(text.splitlines(), 1):
            yield number, line


def main():
    srcdir = sys.argv[1]
    with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as potfiles:
        paths = [line.strip() for line in potfiles if line.strip() and not line.startswith("#")]
    paths.append("data/help/index.html")

    problems = []
    for path in paths:
        with open(os.path.join(srcdir, path), encoding="utf-8") as source:
            text = source.read()
        for number, string in strings_of(path, text):
            for word in BRITISH.findall(string):
                problems.append(f"{path}:{number}: British spelling “{word}”")
        for match in TOAST.finditer(text):
            # "The annotations folder" names a place, not what the user made.
            if re.search(r"\bannotations?\b(?! folder)", match.group(1), re.IGNORECASE):
                number = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path}:{number}: a toast says “annotation”: {match.group(1)}")

    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
