/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-export.h"
#include "mg-library-window-private.h"
#include "mg-shortcuts.h"
#include "mg-ui-resources.h"

/**
 * MgLibraryWindow:
 *
 * The library (issue 14): every document that has annotations or was
 * opened, in one window, with a search across all of them. One per
 * application (mg_library_window_present()); it is the start page once
 * the sample article was shown at the very first start.
 *
 * This file is the window and its list of documents: a GtkListView over
 * the library's live model (MgLibrary, src/core/mg-library.h) through a
 * GtkSortListModel (Last Read, Title, Highlights), the empty state, and
 * removing a document (asked first, undone from the toast). The window
 * shows what the index holds at once and brings the index up to date
 * just after its first frame, so that a library of a thousand documents
 * opens as fast as an empty one. The search and filters are in
 * mg-library-window-search.c, the page of a document whose file is gone
 * in mg-library-window-detail.c, opening documents and links in
 * mg-library-window-open.c.
 */

G_DEFINE_FINAL_TYPE (MgLibraryWindow, mg_library_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SORT_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static MgLibraryChooseFunc choose_func;
static gpointer            choose_data;

/**
 * mg_library_window_set_choose_func:
 * @func: (nullable): stands in for the file choosers, or %NULL for them
 * @user_data: data for @func
 *
 * For tests: the file choosers of Locate… and Export… ask @func instead.
 */
void
mg_library_window_set_choose_func (MgLibraryChooseFunc func,
                                   gpointer            user_data)
{
  choose_func = func;
  choose_data = user_data;
}

typedef void (*ChosenFunc) (MgLibraryWindow *self,
                            GFile           *file);

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     MgLibraryWindow *self)
{
  ChosenFunc callback = (ChosenFunc) g_object_get_data (G_OBJECT (dialog), "mg-callback");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        callback (self, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

/* Asks the user for a file to open, a file to write or a folder
 * (@action), then calls @callback (a ChosenFunc) with it; nothing when
 * cancelled. */
void
_mg_library_window_choose_file (MgLibraryWindow     *self,
                                const char          *title,
                                GtkFileChooserAction action,
                                const char          *suggested_name,
                                GCallback            callback)
{
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;

  GtkFileChooserNative *dialog;

  if (choose_func != NULL)
    {
      g_autoptr (GFile) file = choose_func (title, choose_data);

      if (file != NULL)
        ((ChosenFunc) callback) (self, file);
      return;
    }

  dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                        save ? _ ("_Export") : _ ("_Select"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  g_object_set_data (G_OBJECT (dialog), "mg-callback", callback);
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Sorting -------------------------------------------------------------- */

typedef struct
{
  char *title;
  char *key;
} CollateKey;

static void
collate_key_free (gpointer data)
{
  CollateKey *key = data;

  g_free (key->title);
  g_free (key->key);
  g_free (key);
}

/* The collation key of a document's title, made once per title: a sort
 * of a thousand documents compares titles some twenty thousand times. */
static const char *
title_key (MgLibraryDocument *document)
{
  static GQuark quark;
  const char   *title = mg_library_document_get_title (document);
  CollateKey   *key;

  if (quark == 0)
    quark = g_quark_from_static_string ("mg-library-collate-key");

  key = g_object_get_qdata (G_OBJECT (document), quark);
  if (key == NULL || g_strcmp0 (key->title, title) != 0)
    {
      key = g_new0 (CollateKey, 1);
      key->title = g_strdup (title);
      key->key = g_utf8_collate_key (title != NULL ? title : "", -1);
      g_object_set_qdata_full (G_OBJECT (document), quark, key, collate_key_free);
    }

  return key->key;
}

static int
compare_titles (MgLibraryDocument *a,
                MgLibraryDocument *b)
{
  return strcmp (title_key (a), title_key (b));
}

static int
compare_documents (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  MgLibraryWindow   *self = user_data;
  MgLibraryDocument *da = (MgLibraryDocument *) a;
  MgLibraryDocument *db = (MgLibraryDocument *) b;

  if (g_strcmp0 (self->sort_key, "title") == 0)
    return compare_titles (da, db);

  if (g_strcmp0 (self->sort_key, "highlights") == 0)
    {
      guint na = mg_library_document_get_n_highlights (da);
      guint nb = mg_library_document_get_n_highlights (db);

      if (na != nb)
        return na > nb ? -1 : 1;
    }
  else
    {
      gint64 ra = mg_library_document_get_last_read (da);
      gint64 rb = mg_library_document_get_last_read (db);

      if (ra != rb)
        return ra > rb ? -1 : 1;
    }

  return compare_titles (da, db);
}

static void
set_sort_key (MgLibraryWindow *self,
              const char      *key)
{
  if (key == NULL || (!g_str_equal (key, "title") && !g_str_equal (key, "highlights")))
    key = "last-read";

  if (g_strcmp0 (self->sort_key, key) == 0)
    return;

  g_free (self->sort_key);
  self->sort_key = g_strdup (key);
  if (self->sorter != NULL)
    gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_KEY]);
}

/* The list ------------------------------------------------------------- */

void
_mg_library_window_update_page (MgLibraryWindow *self)
{
  const char *page;

  if (_mg_library_window_is_searching (self))
    page = self->n_results > 0 ? "results" : "no-results";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0)
    /* Empty, or not read yet: a spinner rather than "No Documents Yet"
     * until the index is known to be up to date. */
    page = self->updated ? "empty" : "loading";
  else
    page = "documents";

  gtk_stack_set_visible_child_name (self->stack, page);
  /* Nothing to filter in an empty library. */
  gtk_widget_set_visible (self->filter_bar, !g_str_equal (page, "empty") && !g_str_equal (page, "loading"));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  gtk_list_item_set_child (item, mg_library_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  mg_library_row_set_document (MG_LIBRARY_ROW (gtk_list_item_get_child (item)),
                               gtk_list_item_get_item (item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  mg_library_row_set_document (MG_LIBRARY_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
open_library_document (MgLibraryWindow   *self,
                       MgLibraryDocument *document)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  /* Its file is gone (or unknown): its highlights can still be read. */
  if (mg_library_document_get_state (document) != MG_LIBRARY_DOCUMENT_OK || mg_library_document_get_uri (document) == NULL)
    {
      _mg_library_window_show_detail (self, document);
      return;
    }

  if (app != NULL)
    mg_library_open_document (app, mg_library_document_get_uri (document), NULL);
}

static void
document_activated_cb (MgLibraryWindow *self,
                       guint            position)
{
  g_autoptr (MgLibraryDocument) document = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (document != NULL)
    open_library_document (self, document);
}

static void
documents_changed_cb (MgLibraryWindow *self)
{
  if (!_mg_library_window_is_searching (self))
    _mg_library_window_update_page (self);
}

/**
 * mg_library_window_select_document:
 * @self: a #MgLibraryWindow
 * @id: a document id
 *
 * Selects the document @id in the list and scrolls to it; one whose file
 * is gone shows its highlights.
 */
void
mg_library_window_select_document (MgLibraryWindow *self,
                                   const char      *id)
{
  GListModel *model;

  g_return_if_fail (MG_IS_LIBRARY_WINDOW (self));
  g_return_if_fail (id != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  model = G_LIST_MODEL (self->sorted);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (MgLibraryDocument) document = g_list_model_get_item (model, i);

      if (g_strcmp0 (mg_library_document_get_id (document), id) != 0)
        continue;

      gtk_single_selection_set_selected (self->selection, i);
      gtk_widget_activate_action (GTK_WIDGET (self->document_view), "list.scroll-to-item", "u", i);
      if (mg_library_document_get_state (document) != MG_LIBRARY_DOCUMENT_OK)
        _mg_library_window_show_detail (self, document);
      return;
    }
}

void
mg_library_window_show_toast (MgLibraryWindow *self,
                              const char      *text)
{
  g_return_if_fail (MG_IS_LIBRARY_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

/**
 * mg_library_window_reveal_link:
 * @self: a #MgLibraryWindow
 * @id: the document id of a link
 *
 * Selects the document of a link that could not be opened; a toast says
 * so when the library does not have it (once the index is up to date).
 */
void
mg_library_window_reveal_link (MgLibraryWindow *self,
                               const char      *id)
{
  g_return_if_fail (MG_IS_LIBRARY_WINDOW (self));
  g_return_if_fail (id != NULL);

  if (mg_library_find_document (self->library, id) != NULL)
    {
      mg_library_window_select_document (self, id);
      return;
    }

  if (!self->updated)
    {
      g_free (self->pending_link);
      self->pending_link = g_strdup (id);
      return;
    }

  mg_library_window_show_toast (self, _ ("This document is not in the library"));
}

/* Keeping up to date ---------------------------------------------------- */

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (MgLibraryWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!mg_library_update_finish (MG_LIBRARY (object), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* On failure the list keeps what it showed. */
  if (error != NULL)
    g_message ("The library could not be brought up to date: %s", error->message);

  self->updating = FALSE;
  self->updated = TRUE;
  if (self->pending_link != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->pending_link);

      mg_library_window_reveal_link (self, id);
    }
  /* Items change in place: their order may have. */
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
  _mg_library_window_update_tags (self);
  if (_mg_library_window_is_searching (self))
    _mg_library_window_refresh_search (self);
  _mg_library_window_update_page (self);
}

static void
after_paint_cb (GdkFrameClock   *clock,
                MgLibraryWindow *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_object (&self->paint_clock);
  self->painted = TRUE;

  /* What the index holds is shown; the files changed since are read now,
   * and the library follows changes from then on. */
  self->updating = TRUE;
  mg_library_update_async (self->library, self->cancellable, updated_cb, g_object_ref (self));
  mg_library_set_live (self->library, TRUE);
}

static void
mg_library_window_map (GtkWidget *widget)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);
  GdkFrameClock   *clock;

  GTK_WIDGET_CLASS (mg_library_window_parent_class)->map (widget);

  if (self->painted || self->paint_clock != NULL)
    return;

  clock = gtk_widget_get_frame_clock (widget);
  self->paint_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

/* Removing, with undo --------------------------------------------------- */

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);
  const char      *id = g_variant_get_string (parameter, NULL);
  g_autoptr (GError) error = NULL;

  if (!g_hash_table_remove (self->removed, id))
    return;

  if (!mg_library_restore_document (self->library, id, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("The document could not be put back: %s"), error->message);

      g_message ("%s", message);
      mg_library_window_show_toast (self, message);
      return;
    }

  _mg_library_window_update_tags (self);
  if (_mg_library_window_is_searching (self))
    _mg_library_window_refresh_search (self);
  mg_library_window_select_document (self, id);
}

static void
toast_dismissed_cb (AdwToast        *toast,
                    MgLibraryWindow *self)
{
  g_hash_table_remove (self->removed, g_object_get_data (G_OBJECT (toast), "mg-id"));
}

static void
remove_document (MgLibraryWindow *self,
                 const char      *id)
{
  MgLibraryDocument *document = mg_library_find_document (self->library, id);
  g_autofree char   *title = document != NULL ? g_strdup (mg_library_document_get_title (document)) : NULL;
  g_autofree char   *text = NULL;
  g_autoptr (GError) error = NULL;
  AdwToast *toast;

  if (document != NULL && mg_library_document_get_uri (document) != NULL && gtk_window_get_application (GTK_WINDOW (self)) != NULL)
    mg_library_close_document_windows (gtk_window_get_application (GTK_WINDOW (self)), mg_library_document_get_uri (document));

  if (!mg_library_remove_document (self->library, id, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("The document could not be removed: %s"), error->message);

      g_message ("%s", message);
      mg_library_window_show_toast (self, message);
      return;
    }

  if (g_strcmp0 (self->detail_id, id) == 0)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  _mg_library_window_update_tags (self);
  if (_mg_library_window_is_searching (self))
    _mg_library_window_refresh_search (self);

  g_hash_table_add (self->removed, g_strdup (id));
  /* Translators: %s is a document's title. */
  text = g_strdup_printf (_ ("“%s” removed from the library"), title != NULL ? title : "");
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "library.undo-remove");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  g_object_set_data_full (G_OBJECT (toast), "mg-id", g_strdup (id), g_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_steal_pointer (&text);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    MgLibraryWindow  *self)
{
  if (g_str_equal (response, "remove"))
    remove_document (self, g_object_get_data (G_OBJECT (dialog), "mg-id"));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgLibraryWindow   *self = MG_LIBRARY_WINDOW (widget);
  const char        *id = g_variant_get_string (parameter, NULL);
  MgLibraryDocument *document = mg_library_find_document (self->library, id);
  GtkWidget         *dialog;
  g_autofree char   *heading = NULL;

  if (document == NULL)
    return;

  /* Translators: %s is a document's title. */
  heading = g_strdup_printf (_ ("Remove “%s” from the Library?"), mg_library_document_get_title (document));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _ ("Its highlights and notes are removed with it. The document’s own file is not touched."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "remove", _ ("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "mg-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  mg_accessible_repair (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_document_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgLibraryWindow   *self = MG_LIBRARY_WINDOW (widget);
  MgLibraryDocument *document = mg_library_find_document (self->library, g_variant_get_string (parameter, NULL));

  if (document != NULL)
    open_library_document (self, document);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_leaflet_navigate (MG_LIBRARY_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
exported_all_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (MgLibraryWindow) self = user_data;
  g_auto (MgExportAllStats) stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  const char      *folder = g_object_get_data (G_OBJECT (self), "mg-export-folder");

  if (!mg_export_all_finish (MG_LIBRARY (object), result, &stats, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_ ("The library could not be exported: %s"), error->message);
      g_message ("%s", message);
    }
  else
    {
      for (guint i = 0; stats.notices != NULL && i < stats.notices->len; i++)
        g_message ("%s", (const char *) g_ptr_array_index (stats.notices, i));
      message = g_strdup_printf (ngettext ("Exported %u document to “%s” (%u changed)",
                                           "Exported %u documents to “%s” (%u changed)",
                                           stats.n_documents),
                                 stats.n_documents, folder != NULL ? folder : "", stats.n_written);
    }

  mg_library_window_show_toast (self, message);
}

static void
export_all_chosen (MgLibraryWindow *self,
                   GFile           *dir,
                   MgExportFormat   format)
{
  g_autofree char *name = g_file_get_basename (dir);

  g_object_set_data_full (G_OBJECT (self), "mg-export-folder", g_steal_pointer (&name), g_free);
  mg_export_all_async (self->library, format, dir, self->cancellable, exported_all_cb, g_object_ref (self));
}

static void
markdown_folder_chosen_cb (MgLibraryWindow *self,
                           GFile           *dir)
{
  export_all_chosen (self, dir, MG_EXPORT_FORMAT_MARKDOWN);
}

static void
w3c_folder_chosen_cb (MgLibraryWindow *self,
                      GFile           *dir)
{
  export_all_chosen (self, dir, MG_EXPORT_FORMAT_W3C);
}

/* Export All…: one file per document into a folder of the user's (an
 * Obsidian or Zettlr vault), written only when its content changed
 * (mg_export_all(), as `marginalia --export=… --all` does). */
static void
export_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);
  gboolean         w3c = g_strcmp0 (g_variant_get_string (parameter, NULL), "w3c") == 0;

  _mg_library_window_choose_file (self, w3c ? _ ("Export All as W3C Web Annotations") : _ ("Export All as Markdown"),
                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, NULL,
                                  w3c ? G_CALLBACK (w3c_folder_chosen_cb) : G_CALLBACK (markdown_folder_chosen_cb));
}

/* For tests ------------------------------------------------------------- */

const char *
mg_library_window_get_page (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  if (adw_leaflet_get_visible_child (self->leaflet) == self->detail_page)
    return "detail";

  return gtk_stack_get_visible_child_name (self->stack);
}

/* Returns: (transfer none): the documents, in the order shown */
GListModel *
mg_library_window_get_documents (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

GtkWidget *
mg_library_window_get_document_view (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return GTK_WIDGET (self->document_view);
}

GtkWidget *
mg_library_window_get_search_entry (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return GTK_WIDGET (self->search_entry);
}

GtkListBox *
mg_library_window_get_results (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return self->results_list;
}

GtkListBox *
mg_library_window_get_detail (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return self->detail_list;
}

/* Returns: (nullable): the id of the document whose highlights are shown */
const char *
mg_library_window_get_detail_id (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return self->detail_id;
}

const char *
mg_library_window_get_toast_text (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return self->last_toast;
}

/* Returns: whether the list was painted once (the index is brought up to
 * date from then on) */
gboolean
mg_library_window_get_painted (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), FALSE);

  return self->painted;
}

MgLibrary *
mg_library_window_get_library (MgLibraryWindow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_WINDOW (self), NULL);

  return self->library;
}

/* GObject ---------------------------------------------------------------- */

static void
mg_library_window_dispose (GObject *object)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  /* An unrealized window's clock drops its handlers by itself. */
  if (self->paint_clock != NULL && self->after_paint_id != 0 && g_signal_handler_is_connected (self->paint_clock, self->after_paint_id))
    g_signal_handler_disconnect (self->paint_clock, self->after_paint_id);
  self->after_paint_id = 0;
  g_clear_object (&self->paint_clock);
  _mg_library_window_search_dispose (self);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (mg_library_get_documents (self->library), self);

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_LIBRARY_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (mg_library_window_parent_class)->dispose (object);
}

static void
mg_library_window_finalize (GObject *object)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sort_key, g_free);
  g_clear_pointer (&self->tag_filter, g_free);
  g_clear_pointer (&self->detail_id, g_free);
  g_clear_pointer (&self->removed, g_hash_table_unref);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->pending_link, g_free);

  G_OBJECT_CLASS (mg_library_window_parent_class)->finalize (object);
}

static void
mg_library_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SORT_KEY:
      g_value_set_string (value, self->sort_key);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_library_window_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SORT_KEY:
      set_sort_key (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_library_window_class_init (MgLibraryWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_library_window_dispose;
  object_class->finalize = mg_library_window_finalize;
  object_class->get_property = mg_library_window_get_property;
  object_class->set_property = mg_library_window_set_property;

  widget_class->map = mg_library_window_map;

  properties[PROP_SORT_KEY] = g_param_spec_string ("sort-key", NULL, NULL, "last-read",
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MG_TYPE_COLOR_SELECTOR);
  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-library-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, library_page);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_page);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, document_view);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, results_list);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, color_selector);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, tag_button);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, tag_list);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, results_count_label);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_title);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_status_label);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, locate_button);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_open_button);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_list);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_empty_page);
  gtk_widget_class_bind_template_child (widget_class, MgLibraryWindow, detail_stack);

  gtk_widget_class_install_property_action (widget_class, "library.sort", "sort-key");
  gtk_widget_class_install_action (widget_class, "library.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "library.undo-remove", "s", undo_remove_action);
  gtk_widget_class_install_action (widget_class, "library.open-document", "s", open_document_action);
  gtk_widget_class_install_action (widget_class, "library.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "library.export-all", "s", export_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "library.back", NULL);

  _mg_library_window_class_search_init (widget_class);
  _mg_library_window_class_detail_init (widget_class);
}

static void
mg_library_window_init (MgLibraryWindow *self)
{
  GtkListItemFactory *factory;

  /* The sort menu's state is read while the template is built. */
  self->sort_key = g_strdup ("last-read");
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_documents, self, NULL));

  gtk_widget_init_template (GTK_WIDGET (self));
  mg_accessible_repair (GTK_WIDGET (self));
  mg_shortcuts_install (GTK_APPLICATION_WINDOW (self));

  self->cancellable = g_cancellable_new ();
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), NULL);
  gtk_list_view_set_factory (self->document_view, factory);
  g_object_unref (factory);
  g_signal_connect_object (self->document_view, "activate", G_CALLBACK (document_activated_cb), self, G_CONNECT_SWAPPED);
}

/**
 * mg_library_window_new:
 * @application: the application
 * @library: the library to show
 *
 * Returns: (transfer full): a new library window, not shown yet
 */
MgLibraryWindow *
mg_library_window_new (GtkApplication *application,
                       MgLibrary      *library)
{
  MgLibraryWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (MG_IS_LIBRARY (library), NULL);

  self = g_object_new (MG_TYPE_LIBRARY_WINDOW, "application", application, NULL);
  self->library = g_object_ref (library);
  self->sorted = gtk_sort_list_model_new (g_object_ref (mg_library_get_documents (library)),
                                          g_object_ref (self->sorter));
  g_object_unref (self->sorter);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->document_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (documents_changed_cb), self, G_CONNECT_SWAPPED);

  _mg_library_window_search_init (self);
  _mg_library_window_update_page (self);

  return self;
}

/**
 * mg_library_window_present:
 * @application: the application
 *
 * Shows the library window of @application, made if need be: there is
 * one.
 *
 * Returns: (transfer none): the library window
 */
MgLibraryWindow *
mg_library_window_present (GtkApplication *application)
{
  MgLibraryWindow *self = NULL;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      if (MG_IS_LIBRARY_WINDOW (l->data))
        {
          self = l->data;
          break;
        }
    }

  if (self == NULL)
    self = mg_library_window_new (application, mg_library_get_default ());

  gtk_window_present (GTK_WINDOW (self));

  return self;
}
