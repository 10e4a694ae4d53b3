/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation-list.h"
#include "mg-document.h"

G_BEGIN_DECLS

#define MG_TYPE_READER_VIEW (mg_reader_view_get_type ())
G_DECLARE_FINAL_TYPE (MgReaderView, mg_reader_view, MG, READER_VIEW, GtkTextView)

GtkWidget        *mg_reader_view_new (void);
void              mg_reader_view_set_document (MgReaderView *self,
                                               MgDocument   *document);
MgDocument       *mg_reader_view_get_document (MgReaderView *self);
gboolean          mg_reader_view_get_loading (MgReaderView *self);
void              mg_reader_view_show_first_screen (MgReaderView *self,
                                                    const char   *text,
                                                    gsize         len);
void              mg_reader_view_load_to (MgReaderView *self,
                                          guint         offset);
guint             mg_reader_view_get_n_breaks (MgReaderView *self);
const char       *mg_reader_view_get_headline (MgReaderView *self);
PangoTabArray    *mg_reader_view_get_table_tabs (MgReaderView *self,
                                                 guint         offset);
char             *mg_reader_view_get_slice (MgReaderView      *self,
                                            const GtkTextIter *start,
                                            const GtkTextIter *end);
void              mg_reader_view_set_annotations (MgReaderView     *self,
                                                  MgAnnotationList *annotations);
MgAnnotationList *mg_reader_view_get_annotations (MgReaderView *self);
gboolean          mg_reader_view_get_selection (MgReaderView *self,
                                                guint        *start,
                                                guint        *end);
MgAnnotation     *mg_reader_view_get_annotation_at (MgReaderView *self,
                                                    guint         offset);
void              mg_reader_view_reveal (MgReaderView *self,
                                         MgAnnotation *annotation);
gboolean          mg_reader_view_get_range_rect (MgReaderView *self,
                                                 guint         start,
                                                 guint         end,
                                                 GdkRectangle *rect);
void              mg_reader_view_get_revealed_rect (MgReaderView *self,
                                                    guint         start,
                                                    guint         end,
                                                    GdkRectangle *rect);
guint             mg_reader_view_get_pending_chunks (MgReaderView *self);
MgColor           mg_reader_view_get_color_at (MgReaderView *self,
                                               guint         offset,
                                               gboolean     *has_note);

G_END_DECLS
