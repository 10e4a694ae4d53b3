/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-anchor.h"
#include "mg-colors.h"
#include "mg-preferences-window.h"
#include "mg-reading-style.h"
#include "mg-window-open-link.h"
#include "mg-store.h"
#include "mg-window-private.h"

/*
 * What the user does in a window: highlight the selection (Ctrl+H, the
 * colour swatches, Ctrl+1…6), add and edit notes, delete with undo,
 * attach a highlight that was not found to the selection, show the
 * sidebar, find, zoom. Each is a `win.` action installed here with its
 * shortcut, so the header bar, the popovers, the keyboard and the tests
 * reach the same code; _mg_window_update_actions() enables them.
 */

void
_mg_window_set_color (MgWindow *self,
                      MgColor   color)
{
  self->color = color;

  if (g_settings_get_enum (self->settings, "highlight-color") != (int) color)
    g_settings_set_enum (self->settings, "highlight-color", color);
}

/* The selection as the range to highlight: white space at its edges (a
 * paragraph selected by a triple click ends with its newline) is left out. */
static gboolean
get_highlight_range (MgWindow *self,
                     guint    *start,
                     guint    *end)
{
  const gunichar *chars;

  if (self->document == NULL || !mg_reader_view_get_selection (self->reader, start, end))
    return FALSE;

  chars = mg_document_get_chars (self->document, NULL);
  while (*start < *end && g_unichar_isspace (chars[*start]))
    (*start)++;
  while (*end > *start && g_unichar_isspace (chars[*end - 1]))
    (*end)--;

  return *start < *end;
}

static MgAnnotation *
highlight_selection (MgWindow *self,
                     MgColor   color)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter    iter;
  guint          start, end;

  if (!get_highlight_range (self, &start, &end) || self->annotations == NULL)
    return NULL;

  annotation = mg_annotation_new_for_range (self->document, start, end, color);
  mg_annotation_list_add (self->annotations, annotation);

  /* The highlight replaces the selection, so that the reader sees it. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, end);
  gtk_text_buffer_place_cursor (buffer, &iter);

  if (self->selection_popover != NULL)
    gtk_popover_popdown (self->selection_popover);
  mg_sidebar_select (self->sidebar, annotation);

  return g_steal_pointer (&annotation);
}

static void
highlight_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = highlight_selection (self, self->color);
}

static void
highlight_with_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = NULL;
  MgColor color;

  if (!mg_color_from_string (g_variant_get_string (parameter, NULL), &color))
    return;

  _mg_window_set_color (self, color);
  annotation = highlight_selection (self, color);
}

static void
open_editor (MgWindow     *self,
             MgAnnotation *annotation,
             gboolean      focus_note)
{
  MgAnnotationEditor *editor;
  GdkRectangle        rect;

  if (!mg_reader_view_get_range_rect (self->reader,
                                      mg_annotation_get_range_start (annotation),
                                      mg_annotation_get_range_end (annotation),
                                      &rect))
    {
      /* Scrolled to at the view's next layout: the editor points about
       * where the passage will be. */
      mg_reader_view_reveal (self->reader, annotation);
      mg_reader_view_get_revealed_rect (self->reader,
                                        mg_annotation_get_range_start (annotation),
                                        mg_annotation_get_range_end (annotation),
                                        &rect);
    }

  editor = _mg_window_ensure_editor (self);
  mg_annotation_editor_set_annotation (editor, annotation);
  gtk_popover_set_pointing_to (GTK_POPOVER (editor), &rect);
  gtk_popover_popup (GTK_POPOVER (editor));

  if (focus_note)
    mg_annotation_editor_focus_note (editor);
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = highlight_selection (self, self->color);

  /* Without a selection, the note goes to the highlight at the caret. */
  if (annotation == NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
      GtkTextIter    iter;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      annotation = mg_reader_view_get_annotation_at (self->reader, gtk_text_iter_get_offset (&iter));
    }

  if (annotation != NULL)
    open_editor (self, annotation, TRUE);
}

MgAnnotation *
_mg_window_lookup_parameter (MgWindow *self,
                             GVariant *parameter)
{
  if (self->annotations == NULL)
    return NULL;

  return mg_annotation_list_lookup (self->annotations, g_variant_get_string (parameter, NULL));
}

static void
edit_annotation_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = _mg_window_lookup_parameter (self, parameter);

  if (annotation != NULL && mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED)
    open_editor (self, annotation, FALSE);
}

static void
toast_dismissed_cb (AdwToast *toast,
                    MgWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "mg-id");

  g_hash_table_remove (self->deleted, id);
}

static void
delete_annotation (MgWindow     *self,
                   MgAnnotation *annotation)
{
  g_autoptr (MgAnnotation) keep = g_object_ref (annotation);
  AdwToast *toast;

  if (self->annotations == NULL || !mg_annotation_list_remove (self->annotations, annotation))
    return;

  g_hash_table_replace (self->deleted, g_strdup (mg_annotation_get_id (keep)), g_object_ref (keep));

  toast = adw_toast_new (_ ("Highlight deleted"));
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (mg_annotation_get_id (keep)));
  g_object_set_data_full (G_OBJECT (toast), "mg-id", g_strdup (mg_annotation_get_id (keep)), g_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
delete_annotation_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = _mg_window_lookup_parameter (self, parameter);

  if (annotation != NULL)
    delete_annotation (self, annotation);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgWindow   *self = MG_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autofree char *key = NULL;

  /* Not while the annotations are being read again (another folder). */
  if (self->annotations == NULL || !g_hash_table_steal_extended (self->deleted, id, (gpointer *) &key, (gpointer *) &annotation))
    return;

  /* The same object comes back: same id, note, tags, colour and dates. */
  mg_anchor_annotation (annotation, self->document);
  mg_annotation_list_add (self->annotations, annotation);
  mg_sidebar_select (self->sidebar, annotation);
}

static void
reattach (MgWindow     *self,
          MgAnnotation *annotation)
{
  guint start, end;

  if (!get_highlight_range (self, &start, &end))
    {
      _mg_window_show_toast (self, _ ("Select the passage in the text first, then attach the highlight to it"));
      return;
    }

  mg_annotation_set_target (annotation, self->document, start, end);
  mg_annotation_list_update (self->annotations, annotation);
  mg_sidebar_select (self->sidebar, annotation);
  _mg_window_show_toast (self, _ ("Highlight attached to the selection"));
}

static void
reattach_annotation_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = _mg_window_lookup_parameter (self, parameter);

  if (annotation != NULL)
    reattach (self, annotation);
}

/* What a change of folder did, for the toast. */
static char *
describe_folder_change (const MgStoreFolderMerge *result)
{
  guint            n = result->n_copied + result->n_merged + result->n_unchanged;
  g_autofree char *done = NULL;

  if (n == 0)
    done = g_strdup (_ ("Annotations folder changed"));
  else
    done = g_strdup_printf (ngettext ("Annotations folder changed: the annotations of %u document were merged into it",
                                      "Annotations folder changed: the annotations of %u documents were merged into it",
                                      n),
                            n);

  if (result->n_unreadable == 0)
    return g_steal_pointer (&done);

  return g_strdup_printf (ngettext ("%s; %u file could not be read and is left in the old folder",
                                    "%s; %u files could not be read and are left in the old folder",
                                    result->n_unreadable),
                          done, result->n_unreadable);
}

/* Changes the annotations folder to the path given ("" for the default
 * one): what every window has unsaved is saved in the old folder, which
 * is then merged into the new one (left as it was), and the setting
 * changed, on which every window reads its annotations again from the
 * new folder. Nothing changes when something cannot be saved or the new
 * folder cannot be written: the toast says why. */
static void
set_annotations_folder_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  MgWindow        *self = MG_WINDOW (widget);
  const char      *chosen = g_variant_get_string (parameter, NULL);
  g_autofree char *old_folder = mg_store_get_folder ();
  g_autofree char *new_folder = *chosen != '\0' ? g_strdup (chosen) : mg_store_default_directory ();
  g_autoptr (GFile) old_file = g_file_new_for_path (old_folder);
  g_autoptr (GFile) new_file = g_file_new_for_path (new_folder);
  g_autoptr (GError) error = NULL;
  g_autofree char   *summary = NULL;
  GtkApplication    *app = gtk_window_get_application (GTK_WINDOW (self));
  GList             *windows = app != NULL ? gtk_application_get_windows (app) : NULL;
  MgStoreFolderMerge result;

  if (!g_path_is_absolute (new_folder))
    {
      _mg_window_show_toast (self, _ ("The annotations folder must be a folder on this computer"));
      return;
    }

  if (!g_file_equal (old_file, new_file))
    {
      mg_window_flush (self, &error);
      for (GList *l = windows; l != NULL && error == NULL; l = l->next)
        {
          if (MG_IS_WINDOW (l->data) && l->data != self)
            mg_window_flush (l->data, &error);
        }
      /* A store that saves nothing would lose its changes in the reload. */
      for (GList *l = windows; l != NULL && error == NULL; l = l->next)
        {
          MgWindow *window = l->data;

          if (MG_IS_WINDOW (window) && window->store != NULL && mg_store_get_read_only (window->store) && mg_store_get_dirty (window->store))
            error = g_error_new_literal (MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY, _ ("a window has changes that cannot be saved"));
        }
      if (error != NULL)
        {
          g_autofree char *message = g_strdup_printf (_ ("The annotations folder was not changed: some annotations could not be saved first (%s)"), error->message);

          g_message ("%s", message);
          _mg_window_show_toast (self, message);
          return;
        }

      if (!mg_store_merge_folder (old_folder, new_folder, NULL, &result, &error))
        {
          g_autofree char *display = g_filename_display_name (new_folder);
          g_autofree char *message = g_strdup_printf (_ ("The annotations folder was not changed: “%s” cannot be written (%s)"), display, error->message);

          g_message ("%s", message);
          _mg_window_show_toast (self, message);
          return;
        }
    }
  else
    memset (&result, 0, sizeof result);

  g_settings_set_string (self->settings, "annotations-folder", chosen);
  summary = describe_folder_change (&result);
  g_message ("%s (%s → %s)", summary, old_folder, new_folder);
  _mg_window_show_toast (self, summary);
}

/* The sidebar choice is remembered only for a window wide enough to show
 * it beside the text. On a narrow window the sidebar folds over the text:
 * it starts hidden, and showing it there is for the moment, not a new
 * preference. AdwFlap is locked so that folding does not change
 * reveal-flap by itself; these handlers decide. */
static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
reveal_flap_cb (MgWindow *self)
{
  gboolean revealed = adw_flap_get_reveal_flap (self->flap);

  if (!adw_flap_get_folded (self->flap) && revealed != self->show_sidebar)
    g_object_set (self, "show-sidebar", revealed, NULL);
}

static void
folded_cb (MgWindow *self)
{
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  else
    adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
}

static void
show_sidebar_cb (MgWindow *self)
{
  if (!adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
}

static void
search_annotations_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (!adw_flap_get_reveal_flap (self->flap))
    adw_flap_set_reveal_flap (self->flap, TRUE);
  mg_sidebar_focus_search (self->sidebar);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mg_find_bar_open (_mg_window_ensure_find_bar (MG_WINDOW (widget)));
}

static void
find_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (g_str_equal (action_name, "win.find-previous"))
    mg_find_bar_previous (_mg_window_ensure_find_bar (self));
  else
    mg_find_bar_next (_mg_window_ensure_find_bar (self));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    mg_reading_style_zoom_in (self->settings);
  else if (g_str_equal (action_name, "win.zoom-out"))
    mg_reading_style_zoom_out (self->settings);
  else
    mg_reading_style_zoom_reset (self->settings);
}

static gboolean
scroll_zoom_cb (MgWindow                 *self,
                double                    dx,
                double                    dy,
                GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return GDK_EVENT_PROPAGATE;

  if (dy < 0)
    mg_reading_style_zoom_in (self->settings);
  else
    mg_reading_style_zoom_out (self->settings);

  return GDK_EVENT_STOP;
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (mg_preferences_window_new (GTK_WINDOW (self), self->settings)));
}

static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  mg_window_open_bundled (MG_WINDOW (widget));
}

static void
banner_dismiss_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (MG_WINDOW (widget)->banner, FALSE);
}

static void
banner_details_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow  *self = MG_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   gtk_label_get_text (self->banner_label),
                                   self->banner_details);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  mg_accessible_repair (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
selection_finished_cb (MgWindow *self)
{
  GtkPopover  *popover;
  guint        start, end;
  GdkRectangle rect;

  if (!get_highlight_range (self, &start, &end))
    return;

  mg_reader_view_get_range_rect (self->reader, start, end, &rect);
  popover = _mg_window_ensure_selection_popover (self);
  gtk_popover_set_pointing_to (popover, &rect);
  gtk_popover_popup (popover);
}

static void
annotation_clicked_cb (MgWindow     *self,
                       MgAnnotation *annotation)
{
  mg_sidebar_select (self->sidebar, annotation);
  open_editor (self, annotation, FALSE);
}

/* The editor closed (Escape, Done, a click outside): the keyboard goes
 * on from the text, unless the user has already put it elsewhere. */
static void
editor_closed_cb (MgWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL || focus == GTK_WIDGET (self->editor) || (self->editor != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->editor))))
    gtk_widget_grab_focus (GTK_WIDGET (self->reader));
}

static void
annotation_activated_cb (MgWindow     *self,
                         MgAnnotation *annotation)
{
  /* An orphan has no place in the text; its row offers its own actions. */
  if (mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED)
    mg_reader_view_reveal (self->reader, annotation);
}

static void
delete_requested_cb (MgWindow     *self,
                     MgAnnotation *annotation)
{
  delete_annotation (self, annotation);
}

static void
reattach_requested_cb (MgWindow     *self,
                       MgAnnotation *annotation)
{
  reattach (self, annotation);
}

void
_mg_window_update_actions (MgWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean   has_document = self->document != NULL;
  guint      start, end;
  gboolean   has_selection = has_document && get_highlight_range (self, &start, &end);

  gtk_widget_action_set_enabled (widget, "win.highlight", has_selection);
  gtk_widget_action_set_enabled (widget, "win.add-note", has_document);
  gtk_widget_action_set_enabled (widget, "win.highlight-with", has_document);
  gtk_widget_action_set_enabled (widget, "win.search-annotations", has_document);
  gtk_widget_action_set_enabled (widget, "win.export", has_document);
  gtk_widget_action_set_enabled (widget, "win.copy-markdown", has_document);
  gtk_widget_action_set_enabled (widget, "win.import", has_document);
  gtk_widget_action_set_enabled (widget, "win.show-sidebar", has_document);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar_button), has_document);
  gtk_widget_action_set_enabled (widget, "win.caret-browsing", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self->sidebar), "sidebar.reattach", has_selection);
  _mg_window_update_open_link_actions (self);
}

/* The keys that highlight, for the window and for its selection popover:
 * while the popover is open it has the keyboard, and the keys its
 * tooltips name must work there too. */
static void
for_each_highlight_key (void (*add) (gpointer    target,
                                     guint       keyval,
                                     const char *action,
                                     const char *color),
                        gpointer target)
{
  add (target, GDK_KEY_h, "win.highlight", NULL);
  add (target, GDK_KEY_m, "win.add-note", NULL);
  for (guint i = 0; i < MG_N_COLORS; i++)
    add (target, GDK_KEY_1 + i, "win.highlight-with", mg_color_to_string (i));
}

static void
add_class_binding (gpointer    widget_class,
                   guint       keyval,
                   const char *action,
                   const char *color)
{
  if (color != NULL)
    gtk_widget_class_add_binding_action (widget_class, keyval, GDK_CONTROL_MASK, action, "s", color);
  else
    gtk_widget_class_add_binding_action (widget_class, keyval, GDK_CONTROL_MASK, action, NULL);
}

static void
add_shortcut (gpointer    controller,
              guint       keyval,
              const char *action,
              const char *color)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, GDK_CONTROL_MASK),
                                            gtk_named_action_new (action));

  if (color != NULL)
    gtk_shortcut_set_arguments (shortcut, g_variant_new_string (color));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

/* The popover over a selection: its colours, Add Note and Copy with
 * Citation, with the highlight shortcuts working while it has the focus.
 * Built the first time a passage is selected. */
GtkPopover *
_mg_window_ensure_selection_popover (MgWindow *self)
{
  if (self->selection_popover == NULL)
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/mg-selection-popover.ui");
      GtkEventController *keys = gtk_shortcut_controller_new ();

      self->selection_popover = GTK_POPOVER (gtk_builder_get_object (builder, "selection_popover"));
      /* Popovers that point into the text live beside the text view, on
       * its parent: see mg_reader_view_get_range_rect(). */
      gtk_widget_set_parent (GTK_WIDGET (self->selection_popover), GTK_WIDGET (self->clamp));
      mg_accessible_repair (GTK_WIDGET (self->selection_popover));
      for_each_highlight_key (add_shortcut, keys);
      gtk_widget_add_controller (GTK_WIDGET (self->selection_popover), keys);
    }

  return self->selection_popover;
}

/* The find bar, above the text, built the first time it is asked for. */
MgFindBar *
_mg_window_ensure_find_bar (MgWindow *self)
{
  if (self->find_bar == NULL)
    {
      self->find_bar = MG_FIND_BAR (mg_find_bar_new ());
      mg_find_bar_set_view (self->find_bar, GTK_TEXT_VIEW (self->reader));
      gtk_box_prepend (self->document_box, GTK_WIDGET (self->find_bar));
    }

  return self->find_bar;
}

/* The note editor, a popover over the text. */
MgAnnotationEditor *
_mg_window_ensure_editor (MgWindow *self)
{
  if (self->editor == NULL)
    {
      self->editor = MG_ANNOTATION_EDITOR (mg_annotation_editor_new ());
      mg_annotation_editor_set_tags (self->editor, G_LIST_MODEL (self->tags));
      gtk_widget_set_parent (GTK_WIDGET (self->editor), GTK_WIDGET (self->clamp));
      g_signal_connect_object (self->editor, "delete-requested",
                               G_CALLBACK (delete_requested_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->editor, "closed",
                               G_CALLBACK (editor_closed_cb), self, G_CONNECT_SWAPPED);
    }

  return self->editor;
}

void
_mg_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.highlight", NULL, highlight_action);
  gtk_widget_class_install_action (widget_class, "win.highlight-with", "s", highlight_with_action);
  gtk_widget_class_install_action (widget_class, "win.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "win.edit-annotation", "s", edit_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.delete-annotation", "s", delete_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.reattach-annotation", "s", reattach_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.search-annotations", NULL, search_annotations_action);
  gtk_widget_class_install_action (widget_class, "win.banner-dismiss", NULL, banner_dismiss_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.find-next", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "win.find-previous", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.banner-details", NULL, banner_details_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.set-annotations-folder", "s", set_annotations_folder_action);

  for_each_highlight_key (add_class_binding, widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.find-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.search-annotations", NULL);
}

/* Connects what the parts of the window report to the actions above. */
/* Links back into the text -------------------------------------------- */

#define LINK_ANNOTATION "mg-link-annotation"

/* The document of a link is shown: go to its annotation. */
static void
link_annotations_cb (MgWindow   *self,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  g_autofree char *id = g_object_steal_data (G_OBJECT (self), LINK_ANNOTATION);
  MgAnnotation    *annotation;

  if (id == NULL || self->annotations == NULL)
    {
      /* Not loaded yet: kept for when they are. */
      if (id != NULL)
        g_object_set_data_full (G_OBJECT (self), LINK_ANNOTATION, g_steal_pointer (&id), g_free);
      return;
    }

  annotation = mg_annotation_list_lookup (self->annotations, id);
  if (annotation == NULL)
    _mg_window_show_toast (self, _ ("The highlight of this link is no longer in this document"));
  else if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED)
    _mg_window_show_toast (self, _ ("The passage of this link is no longer in the document: the highlight is under Not Found"));
  else
    open_editor (self, annotation, FALSE);
}

/**
 * mg_window_open_marginalia_uri:
 * @self: a #MgWindow
 * @uri: a `marginalia://open?document=…&annotation=…` link (from a
 *   Markdown export: see mg_document_link_new())
 *
 * Opens the document of the link where it is on this machine, at the
 * annotation. A link to a document this machine does not know opens the
 * sample article with a banner saying so; a document that is gone from
 * its path shows why it cannot be opened; an annotation that is gone is
 * said in a toast.
 */
void
mg_window_open_marginalia_uri (MgWindow   *self,
                               const char *uri)
{
  g_autofree char *document_id = NULL;
  g_autofree char *annotation_id = NULL;
  g_autofree char *document_uri = NULL;
  g_autoptr (GFile) file = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (uri != NULL);

  if (!mg_document_link_parse (uri, &document_id, &annotation_id))
    {
      mg_window_open_bundled (self);
      _mg_window_show_banner (self, _ ("This link is not one Marginalia can open."), uri);
      return;
    }

  document_uri = mg_document_ids_find_uri (mg_document_ids_get_default (), document_id);
  if (document_uri == NULL)
    {
      mg_window_open_bundled (self);
      _mg_window_show_banner (self,
                              _ ("The document of this link was never opened on this computer. Open it once from its file, and its links will find it."),
                              uri);
      return;
    }

  g_object_set_data_full (G_OBJECT (self), LINK_ANNOTATION, g_steal_pointer (&annotation_id), g_free);
  file = g_file_new_for_uri (document_uri);
  mg_window_open_file (self, file);
}

void
_mg_window_actions_init (MgWindow *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkTextBuffer      *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));

  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (scroll_zoom_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);

  g_signal_connect_object (self, "notify::show-sidebar", G_CALLBACK (show_sidebar_cb), self, 0);
  g_signal_connect (self, "notify::annotations", G_CALLBACK (link_annotations_cb), NULL);
  g_signal_connect_object (self->flap, "notify::reveal-flap", G_CALLBACK (reveal_flap_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (folded_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->reader, "selection-finished",
                           G_CALLBACK (selection_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reader, "annotation-clicked",
                           G_CALLBACK (annotation_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "annotation-activated",
                           G_CALLBACK (annotation_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "delete-requested",
                           G_CALLBACK (delete_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "reattach-requested",
                           G_CALLBACK (reattach_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "notify::has-selection",
                           G_CALLBACK (_mg_window_update_actions), self, G_CONNECT_SWAPPED);
}
