/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The widest band mg_align_at() keeps on the stack: at most this many
 * edits (wider bands are allocated). */
#define MG_ALIGN_MAX_EDITS 64

/*
 * The tables of a pattern for Myers' algorithm: for each symbol of the
 * pattern, a bit mask per 64-code-point block with the pattern positions
 * holding that symbol. Code points below 256 are looked up directly;
 * others through a small open-addressing hash table. Symbols absent from
 * the pattern map to row 0, all zeros.
 */
typedef struct
{
  gsize     length;
  guint     n_blocks;
  guint32   low[256];
  gunichar *keys;
  guint32  *values;
  guint     mask;
  guint64  *masks;
  /* For patterns of one block: the masks of code points below 256 without
   * the indirection, for the hot loop of the search. */
  guint64 low_masks[256];
} MgPattern;

typedef void (*MgMatchEndFunc) (gsize    end,
                                guint    edits,
                                gpointer user_data);
typedef void (*MgOccurrenceFunc) (gsize    start,
                                  gpointer user_data);

gunichar *mg_text_match_code_points (const char *str,
                                     gsize      *n_chars);

void  mg_pattern_init (MgPattern      *peq,
                       const gunichar *pattern,
                       gsize           length);
void  mg_pattern_clear (MgPattern *peq);
void  mg_pattern_search (const MgPattern *peq,
                         const gunichar  *text,
                         gsize            lo,
                         gsize            hi,
                         const guint     *max_edits,
                         MgMatchEndFunc   func,
                         gpointer         user_data);
guint mg_pattern_context_distance (const MgPattern *peq,
                                   const gunichar  *text,
                                   gsize            n_text,
                                   gssize           step);

gboolean mg_align_at (const gunichar *text,
                      gsize           n_text,
                      gsize           anchor,
                      int             direction,
                      const gunichar *quote,
                      gsize           m,
                      guint           max_edits,
                      gsize           want_length,
                      gsize          *length,
                      guint          *edits);

void mg_horspool_init (guint           skip[256],
                       const gunichar *pattern,
                       gsize           m);
void mg_horspool_search (const gunichar  *text,
                         gsize            first,
                         gsize            last,
                         const gunichar  *pattern,
                         gsize            m,
                         const guint      skip[256],
                         MgOccurrenceFunc func,
                         gpointer         user_data);

G_END_DECLS
