/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation-list.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-library-window-private.h"
#include "mg-store.h"

/*
 * Annotations outlive their document: the library's page of a document
 * whose file is gone (or whose annotation file could not be read). Its
 * highlights are listed as the index holds them (quote, note, tags),
 * selectable, so they can be read and copied; Export… writes them as
 * Markdown or W3C Web Annotations through the exporters of the document
 * window (mg-export.h), from the annotation file; Locate… relinks the
 * document to a file the user chooses (mg_library_relink_document()) and
 * opens it there.
 */

static MgLibraryDocument *
detail_document (MgLibraryWindow *self)
{
  return self->detail_id != NULL ? mg_library_find_document (self->library, self->detail_id) : NULL;
}

static void
clear_detail (MgLibraryWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_list))) != NULL)
    gtk_list_box_remove (self->detail_list, child);
}

/**
 * _mg_library_window_show_detail:
 * @self: a #MgLibraryWindow
 * @document: a document of the library
 *
 * Shows the highlights of @document, with what can be done without its
 * file.
 */
void
_mg_library_window_show_detail (MgLibraryWindow   *self,
                                MgLibraryDocument *document)
{
  MgLibraryDocumentState state = mg_library_document_get_state (document);
  const char            *id = mg_library_document_get_id (document);
  const char            *path = mg_library_document_get_path (document);
  const char            *uri = mg_library_document_get_uri (document);
  g_autoptr (GPtrArray) hits = NULL;
  g_autofree char *status = NULL;
  g_autofree char *where = NULL;

  g_free (self->detail_id);
  self->detail_id = g_strdup (id);
  clear_detail (self);

  if (path != NULL)
    where = g_filename_display_name (path);
  else
    where = g_strdup (uri);

  if (state == MG_LIBRARY_DOCUMENT_UNREADABLE)
    status = g_strdup (mg_library_document_get_message (document));
  else if (state == MG_LIBRARY_DOCUMENT_MISSING && where != NULL)
    /* Translators: %s is where the document's file was. */
    status = g_strdup_printf (_ ("The file of this document is no longer at “%s”. Its highlights are kept: read, copy or export them here, or locate the file."), where);
  else if (state == MG_LIBRARY_DOCUMENT_MISSING)
    status = g_strdup (_ ("Where the file of this document is is not known. Its highlights are kept: read, copy or export them here, or locate the file."));
  else
    status = g_strdup (where);

  adw_window_title_set_title (self->detail_title, mg_library_document_get_title (document));
  adw_window_title_set_subtitle (self->detail_title, state == MG_LIBRARY_DOCUMENT_MISSING ? _ ("File not found") : "");
  gtk_label_set_text (self->detail_status_label, status != NULL ? status : "");
  gtk_widget_set_visible (self->locate_button, state == MG_LIBRARY_DOCUMENT_MISSING && id != NULL);
  gtk_widget_set_visible (self->detail_open_button, state == MG_LIBRARY_DOCUMENT_OK && uri != NULL);

  if (id != NULL)
    hits = mg_library_list_annotations (self->library, id);
  for (guint i = 0; hits != NULL && i < hits->len; i++)
    gtk_list_box_append (self->detail_list, _mg_library_hit_row_new (g_ptr_array_index (hits, i), TRUE));

  adw_status_page_set_description (self->detail_empty_page,
                                   state == MG_LIBRARY_DOCUMENT_UNREADABLE
                                       ? _ ("The annotation file of this document could not be read.")
                                       : _ ("This document has no highlights."));
  gtk_stack_set_visible_child_name (self->detail_stack, hits != NULL && hits->len > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.export-detail", hits != NULL && hits->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.copy-detail", hits != NULL && hits->len > 0);

  adw_leaflet_set_visible_child (self->leaflet, self->detail_page);
}

/* Export ------------------------------------------------------------------ */

/* The document's annotations as its annotation file holds them, and an
 * empty document with its title and URI for the exporters: what the
 * export of everything does for a document whose file is gone (both read
 * the file with mg_export_read_stored_annotations()). */
static MgDocument *
load_stored (MgLibraryDocument *document,
             MgAnnotationList  *annotations,
             GError           **error)
{
  const char *store_path = mg_library_document_get_store_path (document);
  g_autoptr (GPtrArray) stored = NULL;

  if (store_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("This document has no annotation file."));
      return NULL;
    }
  stored = mg_export_read_stored_annotations (store_path, NULL, error);
  if (stored == NULL)
    return NULL;
  for (guint i = 0; i < stored->len; i++)
    mg_annotation_list_add (annotations, g_ptr_array_index (stored, i));

  return mg_document_new_from_text ("", 0, mg_library_document_get_title (document),
                                    mg_library_document_get_uri (document) != NULL ? mg_library_document_get_uri (document) : "");
}

static char *
export_detail (MgLibraryWindow *self,
               gboolean         w3c,
               GError         **error)
{
  MgLibraryDocument *document = detail_document (self);
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();
  g_autoptr (MgDocument) text = NULL;
  MgExportOptions options = { 0 };

  if (document == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("The document is no longer in the library."));
      return NULL;
    }

  text = load_stored (document, annotations, error);
  if (text == NULL)
    return NULL;

  options.document_id = mg_library_document_get_id (document);
  if (w3c)
    return mg_export_w3c (text, G_LIST_MODEL (annotations), &options);

  return mg_export_markdown (text, G_LIST_MODEL (annotations), &options);
}

static void
export_chosen (MgLibraryWindow *self,
               GFile           *file,
               gboolean         w3c)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = export_detail (self, w3c, &error);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (text == NULL || !g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
    {
      message = g_strdup_printf (_ ("The highlights could not be exported: %s"), error->message);
      g_message ("%s", message);
    }
  else
    {
      /* Translators: %s is a file name. */
      message = g_strdup_printf (_ ("Highlights exported to “%s”"), name);
    }

  mg_library_window_show_toast (self, message);
}

static void
markdown_chosen_cb (MgLibraryWindow *self,
                    GFile           *file)
{
  export_chosen (self, file, FALSE);
}

static void
w3c_chosen_cb (MgLibraryWindow *self,
               GFile           *file)
{
  export_chosen (self, file, TRUE);
}

static void
export_detail_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgLibraryWindow   *self = MG_LIBRARY_WINDOW (widget);
  MgLibraryDocument *document = detail_document (self);
  gboolean           w3c = g_strcmp0 (g_variant_get_string (parameter, NULL), "w3c") == 0;
  g_autofree char   *title = NULL;
  g_autofree char   *name = NULL;

  if (document == NULL)
    return;

  title = g_strdup (mg_library_document_get_title (document));
  g_strdelimit (title, "/\\:*?\"<>|", '-');
  /* Translators: the file name proposed for an export; %s is the document's title. */
  name = g_strdup_printf (_ ("%s – annotations.%s"), title, w3c ? "jsonld" : "md");
  _mg_library_window_choose_file (self, w3c ? _ ("Export as W3C Web Annotations") : _ ("Export as Markdown"),
                                  GTK_FILE_CHOOSER_ACTION_SAVE, name, w3c ? G_CALLBACK (w3c_chosen_cb) : G_CALLBACK (markdown_chosen_cb));
}

static void
copy_detail_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = export_detail (self, FALSE, &error);

  if (text == NULL)
    {
      g_autofree char *message = g_strdup_printf (_ ("The highlights could not be copied: %s"), error->message);

      g_message ("%s", message);
      mg_library_window_show_toast (self, message);
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  mg_library_window_show_toast (self, _ ("Highlights copied as Markdown"));
}

/* Locate… ------------------------------------------------------------------ */

static void
relink (MgLibraryWindow *self,
        const char      *id,
        GFile           *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  gboolean         text_changed = FALSE;

  if (!mg_library_relink_document (self->library, id, file, &text_changed, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("The document could not be relinked: %s"), error->message);

      g_message ("%s", message);
      mg_library_window_show_toast (self, message);
      return;
    }

  if (text_changed)
    mg_library_window_show_toast (self, _ ("The chosen file’s text differs: its highlights are found again in it"));
  if (g_strcmp0 (self->detail_id, id) == 0)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  if (app != NULL)
    mg_library_open_document (app, uri, NULL);
}

static void
locate_chosen_cb (MgLibraryWindow *self,
                  GFile           *file)
{
  const char *id = g_object_get_data (G_OBJECT (self), "mg-locate-id");

  if (id != NULL)
    relink (self, id, file);
}

static void
locate (MgLibraryWindow *self,
        const char      *id)
{
  MgLibraryDocument *document = mg_library_find_document (self->library, id);
  g_autofree char   *title = NULL;

  if (document == NULL)
    return;

  /* Translators: %s is a document's title. */
  title = g_strdup_printf (_ ("Locate “%s”"), mg_library_document_get_title (document));
  g_object_set_data_full (G_OBJECT (self), "mg-locate-id", g_strdup (id), g_free);
  _mg_library_window_choose_file (self, title, GTK_FILE_CHOOSER_ACTION_OPEN, NULL, G_CALLBACK (locate_chosen_cb));
}

static void
locate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  locate (MG_LIBRARY_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
locate_detail_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);

  if (self->detail_id != NULL)
    locate (self, self->detail_id);
}

static void
open_detail_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgLibraryWindow   *self = MG_LIBRARY_WINDOW (widget);
  MgLibraryDocument *document = detail_document (self);
  GtkApplication    *app = gtk_window_get_application (GTK_WINDOW (self));

  if (document != NULL && app != NULL && mg_library_document_get_uri (document) != NULL)
    mg_library_open_document (app, mg_library_document_get_uri (document), NULL);
}

static void
show_highlights_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgLibraryWindow   *self = MG_LIBRARY_WINDOW (widget);
  MgLibraryDocument *document = mg_library_find_document (self->library, g_variant_get_string (parameter, NULL));

  if (document != NULL)
    _mg_library_window_show_detail (self, document);
}

void
_mg_library_window_class_detail_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "library.show-highlights", "s", show_highlights_action);
  gtk_widget_class_install_action (widget_class, "library.export-detail", "s", export_detail_action);
  gtk_widget_class_install_action (widget_class, "library.copy-detail", NULL, copy_detail_action);
  gtk_widget_class_install_action (widget_class, "library.locate", "s", locate_action);
  gtk_widget_class_install_action (widget_class, "library.locate-detail", NULL, locate_detail_action);
  gtk_widget_class_install_action (widget_class, "library.open-detail", NULL, open_detail_action);
}
