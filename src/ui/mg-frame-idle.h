/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*MgFrameIdleFunc) (gpointer user_data);

/* Work for just after a widget's next frame: see mg-frame-idle.c. Kept in
 * the owner's struct, zero-filled; cancel it before the owner goes. */
typedef struct
{
  GtkWidget      *widget;
  gulong          map_id;
  GdkFrameClock  *clock;
  gulong          paint_id;
  guint           source;
  int             priority;
  MgFrameIdleFunc func;
  gpointer        user_data;
} MgFrameIdle;

void     mg_frame_idle_schedule (MgFrameIdle    *self,
                                 GtkWidget      *widget,
                                 int             priority,
                                 MgFrameIdleFunc func,
                                 gpointer        user_data);
void     mg_frame_idle_cancel (MgFrameIdle *self);
gboolean mg_frame_idle_is_pending (MgFrameIdle *self);

G_END_DECLS
