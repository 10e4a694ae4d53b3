/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How many documents keep their reading position; the oldest go first. */
#define MG_READING_POSITIONS_MAX 500

#define MG_TYPE_READING_POSITIONS (mg_reading_positions_get_type ())
G_DECLARE_FINAL_TYPE (MgReadingPositions, mg_reading_positions, MG, READING_POSITIONS, GObject)

MgReadingPositions *mg_reading_positions_new (const char *path);
MgReadingPositions *mg_reading_positions_get_default (void);
const char         *mg_reading_positions_get_path (MgReadingPositions *self);
gboolean            mg_reading_positions_get_offset (MgReadingPositions *self,
                                                     const char         *uri,
                                                     guint              *offset);
void                mg_reading_positions_set_offset (MgReadingPositions *self,
                                                     const char         *uri,
                                                     guint               offset);
gboolean            mg_reading_positions_save (MgReadingPositions *self,
                                               GError            **error);
char              **mg_reading_positions_get_uris (MgReadingPositions *self);
gboolean            mg_reading_positions_get_time (MgReadingPositions *self,
                                                   const char         *uri,
                                                   gint64             *time);
void                mg_reading_positions_forget (MgReadingPositions *self,
                                                 const char         *uri);
void                mg_reading_positions_reload (MgReadingPositions *self);

G_END_DECLS
