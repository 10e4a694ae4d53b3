/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-frame-idle"

#include "config.h"

#include "mg-frame-idle.h"

/* What can wait until the window has shown what it has: started from an
 * idle handler just after the widget's next frame (its frame clock's
 * "after-paint"), so that the frame is not held up by it; at once (from
 * an idle handler) when the widget is not on screen, as no frame may come,
 * unless it is shown before that idle runs: a window is given its
 * document before it is presented, so that it is measured once, with the
 * document (mg-application.c), and its frame still comes first. */

static void
forget_widget (MgFrameIdle *self)
{
  if (self->widget != NULL)
    {
      g_signal_handler_disconnect (self->widget, self->map_id);
      g_object_remove_weak_pointer (G_OBJECT (self->widget), (gpointer *) &self->widget);
      self->widget = NULL;
    }
  self->map_id = 0;
}

static gboolean
idle_cb (gpointer data)
{
  MgFrameIdle *self = data;

  self->source = 0;
  forget_widget (self);
  self->func (self->user_data);

  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                MgFrameIdle   *self)
{
  g_clear_signal_handler (&self->paint_id, clock);
  g_clear_object (&self->clock);
  self->source = g_idle_add_full (self->priority, idle_cb, self, NULL);
}

/* A frame is asked for, so that one comes, but nothing is drawn again for
 * it: it paints what was queued already (the first frame, highlights just
 * applied), if anything. Queuing a draw of the whole window would repaint
 * and send every pixel again just after the first frame. */
static void
wait_for_frame (MgFrameIdle   *self,
                GdkFrameClock *clock)
{
  self->clock = g_object_ref (clock);
  self->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* Shown before the idle ran: its first frame comes first after all. */
static void
mapped_cb (MgFrameIdle *self)
{
  GtkWidget     *widget = self->widget;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  forget_widget (self);
  if (clock == NULL)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  wait_for_frame (self, clock);
}

/**
 * mg_frame_idle_schedule:
 * @self: where the pending call is kept
 * @widget: (nullable): the widget whose next frame it waits for, or
 *   %NULL for none (the frame that mattered is painted already)
 * @priority: the priority of the idle handler that makes it
 * @func: what to call
 * @user_data: for @func
 *
 * Calls @func once, just after @widget's next frame, instead of anything
 * @self had pending.
 */
void
mg_frame_idle_schedule (MgFrameIdle    *self,
                        GtkWidget      *widget,
                        int             priority,
                        MgFrameIdleFunc func,
                        gpointer        user_data)
{
  GdkFrameClock *clock = widget != NULL ? gtk_widget_get_frame_clock (widget) : NULL;

  mg_frame_idle_cancel (self);
  self->priority = priority;
  self->func = func;
  self->user_data = user_data;

  if (clock != NULL && gtk_widget_get_mapped (widget))
    {
      wait_for_frame (self, clock);
    }
  else
    {
      self->source = g_idle_add_full (priority, idle_cb, self, NULL);
      if (widget != NULL)
        {
          self->widget = widget;
          g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->widget);
          self->map_id = g_signal_connect_swapped (widget, "map", G_CALLBACK (mapped_cb), self);
        }
    }
}

/**
 * mg_frame_idle_cancel:
 * @self: where the pending call is kept
 *
 * Forgets the call @self has pending, if any.
 */
void
mg_frame_idle_cancel (MgFrameIdle *self)
{
  g_clear_handle_id (&self->source, g_source_remove);
  forget_widget (self);
  /* An unrealized widget's clock drops its handlers by itself. */
  if (self->clock != NULL && self->paint_id != 0 && g_signal_handler_is_connected (self->clock, self->paint_id))
    g_signal_handler_disconnect (self->clock, self->paint_id);
  self->paint_id = 0;
  g_clear_object (&self->clock);
}

/**
 * mg_frame_idle_is_pending:
 * @self: where the pending call is kept
 *
 * Returns: whether a call is to come
 */
gboolean
mg_frame_idle_is_pending (MgFrameIdle *self)
{
  return self->source != 0 || self->paint_id != 0;
}
