/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The insides of MgReaderView, shared by its files: mg-reader-view.c (the
 * type and what the window asks of it), mg-reader-view-text.c (the
 * document's text and structure, put into the buffer in chunks),
 * mg-reader-view-highlights.c (the highlights, painted in chunks) and
 * mg-reader-view-pointer.c (what the pointer does: clicks, selections, the
 * context menu, tooltips). */

#include "mg-reader-view.h"

G_BEGIN_DECLS

struct _MgReaderView
{
  GtkTextView parent_instance;

  MgDocument       *document;
  MgAnnotationList *annotations;
  gulong            items_changed_id;

  /* A highlight is painted with the tag of its colour, or of its colour
   * with the note underline when it has a note: one tag each, as applying
   * a tag is most of the time painting takes. Where highlights overlap,
   * the note underline is a tag of its own (note_tag). */
  GtkTextTag *color_tags[MG_N_COLORS];
  GtkTextTag *noted_tags[MG_N_COLORS];
  GtkTextTag *note_tag;
  GtkTextTag *flash_tag;

  /* The look of Markdown and HTML documents: headings, emphasis, code... */
  GtkTextTag *heading_tags[6];
  GtkTextTag *emphasis_tag;
  GtkTextTag *strong_tag;
  GtkTextTag *code_tag;
  GtkTextTag *code_block_tag;
  GtkTextTag *quote_tag;
  GtkTextTag *link_tag;
  GtkTextTag *rule_tag;
  GHashTable *indent_tags;

  /* Blocks drawn beyond their tags (mg-reader-view-blocks.c). */
  GtkTextTag *table_header_tag;
  GtkTextTag *image_tag;
  GtkTextTag *table_row_tag;
  GtkTextTag *quote_top_tag;
  GtkTextTag *code_top_tag;    /* the first line of a code block */
  GtkTextTag *code_bottom_tag; /* its last line */
  GArray     *tables;          /* a tab stop tag for each table */
  guint       table_font_key;  /* the font the tables were measured in */
  guint       measure_source;
  char       *headline; /* drawn above the text, not in it */
  int         headline_height;
  int         base_top_margin; /* the top margin without the headline */
  guint       headline_source;

  /* The text, put into the buffer in chunks (mg-reader-view-text.c). */
  gsize       text_pos;     /* bytes of the document's text in the buffer */
  char       *first_screen; /* the text shown before the document came */
  gsize       first_screen_len;
  guint       n_loaded;   /* code points in the buffer */
  gsize       planned;    /* bytes scanned for long paragraphs */
  gsize       next_break; /* byte shown as a paragraph break, or G_MAXSIZE */
  guint       text_source;
  guint       next_span;  /* the first span not applied yet */
  GArray     *open_spans; /* indices of spans applied up to n_loaded only */
  GArray     *breaks;     /* code points shown as paragraph breaks */
  guint       n_tagged_breaks;
  GtkTextTag *continued_tag; /* the start of a piece after a break */
  GtkTextTag *continues_tag; /* the start of a piece before a break */

  /* Which chunks of the text have been painted. */
  guint8  *painted;
  guint    n_chunks;
  guint    n_pending;
  guint    paint_source;
  gboolean regions_painted; /* outside chunks: a chunk may have tags */
  /* A highlight tag may be in the buffer: removing them from a text that
   * never had one would lay out and draw all of it again. */
  gboolean highlights_applied;

  /* The range each annotation was last painted at, so that a change
   * repaints both where it was and where it is. Keys hold a reference. */
  GHashTable *painted_ranges;
  /* Annotations whose change is to be painted before the next frame. */
  GPtrArray *dirty;
  gboolean   reconcile;
  guint      dirty_source;

  guint flash_source;

  double   release_x;
  double   release_y;
  guint    release_source;
  gboolean pointer_selecting; /* the primary button went down on the text */

  GtkWidget *context_menu; /* a GtkPopoverMenu, made on first use */
};

void mg_reader_view_get_iters (MgReaderView *self,
                               guint         start,
                               guint         end,
                               GtkTextIter  *start_iter,
                               GtkTextIter  *end_iter);
int  mg_reader_view_compare_by_age (gconstpointer a,
                                    gconstpointer b);
void mg_reader_view_emit_annotation_clicked (MgReaderView *self,
                                             MgAnnotation *annotation);
void mg_reader_view_emit_selection_finished (MgReaderView *self);

/* mg-reader-view-text.c */
void mg_reader_view_init_text (MgReaderView *self);
void mg_reader_view_dispose_text (MgReaderView *self);
void mg_reader_view_finalize_text (MgReaderView *self);
void mg_reader_view_start_text (MgReaderView *self);

/* mg-reader-view-blocks.c */
void        mg_reader_view_init_blocks (MgReaderView *self);
void        mg_reader_view_reset_blocks (MgReaderView *self);
void        mg_reader_view_dispose_blocks (MgReaderView *self);
void        mg_reader_view_finalize_blocks (MgReaderView *self);
GtkTextTag *mg_reader_view_block_tag (MgReaderView *self,
                                      const MgSpan *span);
gboolean    mg_reader_view_block_needs_end (const MgSpan *span);
void        mg_reader_view_block_ended (MgReaderView *self,
                                        const MgSpan *span);
void        mg_reader_view_update_headline (MgReaderView *self);
void        mg_reader_view_queue_headline (MgReaderView *self);
void        mg_reader_view_fit_headline (MgReaderView *self,
                                         int           width);
void        mg_reader_view_snapshot_blocks (MgReaderView *self,
                                            GtkSnapshot  *snapshot);

/* mg-reader-view-highlights.c */
void mg_reader_view_init_highlights (MgReaderView *self);
void mg_reader_view_restart_painting (MgReaderView *self);
void mg_reader_view_text_appended (MgReaderView *self);
void mg_reader_view_remove_highlights (MgReaderView      *self,
                                       const GtkTextIter *start,
                                       const GtkTextIter *end);

/* mg-reader-view-pointer.c */
void mg_reader_view_class_init_pointer (GtkWidgetClass *widget_class);
void mg_reader_view_init_pointer (MgReaderView *self);

G_END_DECLS
