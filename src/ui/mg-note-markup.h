/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MG_NOTE_MARKUP_ONE_LINE = 1 << 0,
  MG_NOTE_MARKUP_LINKS = 1 << 1,
} MgNoteMarkupFlags;

char *mg_note_markup (const char       *note,
                      guint             max_chars,
                      MgNoteMarkupFlags flags);

G_END_DECLS
