/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-note-markup.h"
#include "mg-colors.h"
#include "mg-reader-view-private.h"

/* What the pointer does to MgReaderView: a click on a highlight or a link,
 * a selection dragged over the text (which takes whole words), the context
 * menu, and the note of a highlight as a tooltip. */

static gboolean
offset_at_point (MgReaderView *self,
                 double        x,
                 double        y,
                 guint        *offset)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle location;
  GtkTextIter  iter;
  int          bx, by;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;

  /* Past the end of a line the nearest iter is the line end: that is not a
   * click on the text. */
  gtk_text_view_get_iter_location (view, &iter, &location);
  if (bx < location.x || bx > location.x + MAX (location.width, 1) + 2)
    {
      if (gtk_text_iter_ends_line (&iter))
        return FALSE;
    }

  *offset = gtk_text_iter_get_offset (&iter);

  return TRUE;
}

/* Whether @iter lies between two code points of one word. */
static gboolean
is_mid_word (const GtkTextIter *iter)
{
  return gtk_text_iter_inside_word (iter) && !gtk_text_iter_starts_word (iter);
}

/* A selection dragged with the pointer takes whole words: a drag that
 * starts or ends in the middle of a word takes all of it, as the hand is
 * rarely precise to the letter ("level playing fiel"). A drag inside one
 * word is kept as made: part of a word was meant. Keyboard selections never
 * come here. */
static void
snap_selection_to_words (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    insert, bound, start, end, word_end;
  gboolean       backwards;

  gtk_text_buffer_get_iter_at_mark (buffer, &insert, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_get_iter_at_mark (buffer, &bound, gtk_text_buffer_get_selection_bound (buffer));
  backwards = gtk_text_iter_compare (&insert, &bound) < 0;
  start = backwards ? insert : bound;
  end = backwards ? bound : insert;

  word_end = start;
  if (gtk_text_iter_inside_word (&start) && gtk_text_iter_forward_word_end (&word_end) && gtk_text_iter_compare (&word_end, &end) >= 0)
    return;

  if (is_mid_word (&start))
    gtk_text_iter_backward_word_start (&start);
  if (is_mid_word (&end))
    gtk_text_iter_forward_word_end (&end);

  if (backwards)
    gtk_text_buffer_select_range (buffer, &start, &end);
  else
    gtk_text_buffer_select_range (buffer, &end, &start);
}

static gboolean
release_idle_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  g_autoptr (MgAnnotation) annotation = NULL;
  gboolean pointer_selecting = self->pointer_selecting;
  guint    start, end, offset;

  self->release_source = 0;
  self->pointer_selecting = FALSE;

  if (mg_reader_view_get_selection (self, &start, &end))
    {
      if (pointer_selecting)
        snap_selection_to_words (self);
      mg_reader_view_emit_selection_finished (self);
      return G_SOURCE_REMOVE;
    }

  if (!offset_at_point (self, self->release_x, self->release_y, &offset))
    return G_SOURCE_REMOVE;

  annotation = mg_reader_view_get_annotation_at (self, offset);
  if (annotation != NULL)
    {
      mg_reader_view_emit_annotation_clicked (self, annotation);
    }
  else if (self->document != NULL && mg_document_get_structure (self->document) != NULL)
    {
      const MgSpan *link = mg_document_structure_get_link_at (mg_document_get_structure (self->document), offset);

      /* A link opens with the desktop's handler, and only on a click. */
      if (link != NULL && link->url != NULL)
        gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), link->url, GDK_CURRENT_TIME);
    }

  return G_SOURCE_REMOVE;
}

/* The text view's own gestures claim the pointer while the user selects,
 * which would cancel a gesture of ours; a legacy controller sees every
 * release. What the release did (select, or click) is known only once the
 * text view has handled it, hence the idle. */
static gboolean
legacy_event_cb (MgReaderView             *self,
                 GdkEvent                 *event,
                 GtkEventControllerLegacy *controller)
{
  GtkNative *native;
  double     x, y, nx, ny;

  if (gdk_event_get_event_type (event) == GDK_BUTTON_PRESS && gdk_button_event_get_button (event) == GDK_BUTTON_PRIMARY)
    self->pointer_selecting = TRUE;

  if (gdk_event_get_event_type (event) != GDK_BUTTON_RELEASE || gdk_button_event_get_button (event) != GDK_BUTTON_PRIMARY)
    return GDK_EVENT_PROPAGATE;

  native = gtk_widget_get_native (GTK_WIDGET (self));
  if (native == NULL || !gdk_event_get_position (event, &x, &y))
    return GDK_EVENT_PROPAGATE;

  gtk_native_get_surface_transform (native, &nx, &ny);
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                         x - nx, y - ny, &x, &y))
    return GDK_EVENT_PROPAGATE;

  self->release_x = x;
  self->release_y = y;
  if (self->release_source == 0)
    self->release_source = g_idle_add (release_idle_cb, self);

  return GDK_EVENT_PROPAGATE;
}

static gboolean
query_tooltip_cb (MgReaderView *self,
                  int           x,
                  int           y,
                  gboolean      keyboard_mode,
                  GtkTooltip   *tooltip)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autofree char *text = NULL;
  const char      *note;
  guint            offset;

  if (keyboard_mode || !offset_at_point (self, x, y, &offset))
    return FALSE;

  annotation = mg_reader_view_get_annotation_at (self, offset);
  if (annotation == NULL)
    return FALSE;

  note = mg_annotation_get_note (annotation);
  if (*note == '\0')
    return FALSE;

  /* Its Markdown shown; a long note is cut: the whole note is one click
   * away, in the editor. */
  text = mg_note_markup (note, 400, 0);
  gtk_tooltip_set_markup (tooltip, text);

  return TRUE;
}

/* The context menu ----------------------------------------------------- */

/* What a reader does with the text, through the window's actions: not
 * GtkTextView's editing items, which are always greyed out in a text that
 * cannot be edited. Highlighting needs a selection; a note goes to the
 * selection or to the highlight under the pointer. */
static GMenuModel *
build_context_menu (MgReaderView *self,
                    MgAnnotation *annotation)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) highlight = g_menu_new ();
  g_autoptr (GMenu) note = g_menu_new ();
  g_autoptr (GMenu) copy = g_menu_new ();
  g_autoptr (GMenu) select = g_menu_new ();
  guint    start, end;
  gboolean has_selection = mg_reader_view_get_selection (self, &start, &end);

  if (has_selection)
    {
      for (guint i = 0; i < MG_N_COLORS; i++)
        {
          g_autoptr (GMenuItem) item = g_menu_item_new (mg_color_get_label (i), NULL);
          g_autofree char *accel = g_strdup_printf ("<Control>%u", i + 1);

          g_menu_item_set_action_and_target (item, "win.highlight-with", "s", mg_color_to_string (i));
          g_menu_item_set_attribute (item, "accel", "s", accel);
          g_menu_append_item (highlight, item);
        }
      g_menu_append_section (menu, _ ("Highlight"), G_MENU_MODEL (highlight));
    }

  if (has_selection || annotation != NULL)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ ("Add _Note"), "win.add-note");

      g_menu_item_set_attribute (item, "accel", "s", "<Control>m");
      g_menu_append_item (note, item);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (note));
    }

  if (has_selection)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ ("_Copy"), "clipboard.copy");

      g_menu_item_set_attribute (item, "accel", "s", "<Control>c");
      g_menu_append_item (copy, item);
      g_menu_append (copy, _ ("Copy with C_itation"), "win.copy-citation");
    }
  if (annotation != NULL)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ ("Copy as _Markdown"), NULL);

      g_menu_item_set_action_and_target (item, "win.copy-annotation-markdown", "s", mg_annotation_get_id (annotation));
      g_menu_append_item (copy, item);
    }
  else if (self->annotations != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) > 0)
    {
      g_menu_append (copy, _ ("Copy All as _Markdown"), "win.copy-markdown");
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (copy)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (copy));

  {
    g_autoptr (GMenuItem) item = g_menu_item_new (_ ("Select _All"), "selection.select-all");

    g_menu_item_set_attribute (item, "accel", "s", "<Control>a");
    g_menu_append_item (select, item);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (select));
  }

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

/* Opens the context menu pointing at @rect, in the view's coordinates, for
 * the text at @offset. */
static void
popup_context_menu (MgReaderView       *self,
                    const GdkRectangle *rect,
                    guint               offset)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GMenuModel) model = NULL;
  guint start, end;

  annotation = mg_reader_view_get_annotation_at (self, offset);

  /* Without a selection, Add Note goes to the highlight at the caret: the
   * one the menu was opened on. */
  if (annotation != NULL && !mg_reader_view_get_selection (self, &start, &end))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
      GtkTextIter    iter;

      gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
      gtk_text_buffer_place_cursor (buffer, &iter);
    }

  model = build_context_menu (self, annotation);
  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (model);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
      gtk_popover_set_position (GTK_POPOVER (self->context_menu), GTK_POS_BOTTOM);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
    }
  else
    {
      gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), model);
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
secondary_pressed_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      MgReaderView    *self)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };
  guint        offset = G_MAXUINT;

  /* Ours, not GtkTextView's menu. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  if (!offset_at_point (self, x, y, &offset))
    offset = G_MAXUINT;

  popup_context_menu (self, &rect, offset);
}

/* Shift+F10 and the Menu key: GtkTextView's "menu.popup", replaced. The
 * menu points at the caret, or at the end of the selection. */
static void
menu_popup_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MgReaderView  *self = MG_READER_VIEW (widget);
  GtkTextView   *view = GTK_TEXT_VIEW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter    iter;
  GdkRectangle   rect;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (view, &iter, &rect);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y, &rect.x, &rect.y);
  rect.width = MAX (rect.width, 1);

  popup_context_menu (self, &rect, gtk_text_iter_get_offset (&iter));
}

void
mg_reader_view_class_init_pointer (GtkWidgetClass *widget_class)
{
  /* Installed on the subclass, it is found before GtkTextView's. */
  gtk_widget_class_install_action (widget_class, "menu.popup", NULL, menu_popup_action);
}

void
mg_reader_view_init_pointer (MgReaderView *self)
{
  GtkEventController *legacy;
  GtkGesture         *secondary;

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (legacy, "event", G_CALLBACK (legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  /* Before GtkTextView's own gestures, which would open its menu. */
  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (secondary), GTK_PHASE_CAPTURE);
  g_signal_connect (secondary, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}
