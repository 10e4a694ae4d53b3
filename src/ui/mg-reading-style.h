/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

/* Where each document was left, which the functions below scroll to. */
#include "mg-reading-positions.h"

G_BEGIN_DECLS

#define MG_READING_FONT_SIZE_MIN 8
#define MG_READING_FONT_SIZE_MAX 32

void  mg_reading_style_apply (GSettings          *settings,
                              GtkTextView        *view,
                              AdwClampScrollable *clamp);
void  mg_reading_style_compute_spacing (double font_px,
                                        double line_spacing,
                                        int   *inside_wrap,
                                        int   *below_lines);
void  mg_reading_style_zoom_in (GSettings *settings);
void  mg_reading_style_zoom_out (GSettings *settings);
void  mg_reading_style_zoom_reset (GSettings *settings);
guint mg_reading_style_get_top_offset (GtkTextView *view);
void  mg_reading_style_scroll_to_offset (GtkTextView *view,
                                         guint        offset);

G_END_DECLS
