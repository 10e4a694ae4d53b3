/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MG_TYPE_FIND_BAR (mg_find_bar_get_type ())
G_DECLARE_FINAL_TYPE (MgFindBar, mg_find_bar, MG, FIND_BAR, GtkWidget)

#define MG_FIND_BAR_MAX_MATCHES 10000

GtkWidget   *mg_find_bar_new (void);
void         mg_find_bar_set_view (MgFindBar   *self,
                                   GtkTextView *view);
GtkTextView *mg_find_bar_get_view (MgFindBar *self);
void         mg_find_bar_open (MgFindBar *self);
void         mg_find_bar_close (MgFindBar *self);
gboolean     mg_find_bar_is_open (MgFindBar *self);
void         mg_find_bar_next (MgFindBar *self);
void         mg_find_bar_previous (MgFindBar *self);
guint        mg_find_bar_get_n_matches (MgFindBar *self);
gboolean     mg_find_bar_get_capped (MgFindBar *self);
gint         mg_find_bar_get_current (MgFindBar *self);
gboolean     mg_find_bar_get_match (MgFindBar *self,
                                    guint      index,
                                    guint     *start,
                                    guint     *end);
gboolean     mg_find_bar_is_searching (MgFindBar *self);

G_END_DECLS
