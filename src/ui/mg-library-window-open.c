/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-document-ids.h"
#include "mg-library-window-private.h"
#include "mg-window-open-link.h"
#include "mg-window-private.h"

/*
 * How the library opens documents, and the links that come back into the
 * text (issue 15).
 *
 * A document opens in a document window where the reader left off (the
 * window restores its reading position, mg-window.c); a window that shows
 * it already comes forward instead. A search result opens its document
 * at the passage: once the window has the annotations, the passage is
 * selected in the sidebar and flashed in the text, as activating it in
 * the sidebar does.
 *
 * A `marginalia://` link whose document this machine knows, with its
 * file in place, opens as before (mg_window_open_marginalia_uri()). One
 * whose document is unknown, or whose file is gone, opens the library:
 * with that document selected and its highlights shown, or with a toast
 * when the library does not have it.
 *
 * Every document window tells the library how long its document's text
 * is, for the reading progress (mg_library_follow_windows()).
 */

#define PENDING_ANNOTATION "mg-library-annotation"

static MgWindow *
window_showing (GtkApplication *application,
                const char     *uri)
{
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      MgDocument *document;

      if (!MG_IS_WINDOW (l->data))
        continue;
      document = mg_window_get_document (l->data);
      if (document != NULL && g_strcmp0 (mg_document_get_uri (document), uri) == 0)
        return l->data;
    }

  return NULL;
}

/* Selects @annotation_id in the sidebar of @window and flashes its
 * passage; %FALSE while the window does not have its annotations yet. */
static gboolean
reveal_annotation (MgWindow   *window,
                   const char *annotation_id)
{
  MgAnnotation *annotation;

  if (window->annotations == NULL)
    return FALSE;

  annotation = mg_annotation_list_lookup (window->annotations, annotation_id);
  if (annotation == NULL)
    {
      _mg_window_show_toast (window, _ ("The highlight is no longer in this document"));
      return TRUE;
    }

  mg_sidebar_select (window->sidebar, annotation);
  if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED)
    _mg_window_show_toast (window, _ ("The passage of this highlight is no longer in the document: the highlight is under Not Found"));
  else
    mg_reader_view_reveal (window->reader, annotation);

  return TRUE;
}

static void
annotations_loaded_cb (MgWindow *window)
{
  const char *annotation_id = g_object_get_data (G_OBJECT (window), PENDING_ANNOTATION);

  if (annotation_id != NULL && reveal_annotation (window, annotation_id))
    {
      g_signal_handlers_disconnect_by_func (window, annotations_loaded_cb, NULL);
      g_object_set_data (G_OBJECT (window), PENDING_ANNOTATION, NULL);
    }
}

/**
 * mg_library_open_document:
 * @application: the application
 * @uri: the document's URI (a file, or a web page kept as a snapshot)
 * @annotation_id: (nullable): an annotation to go to, or %NULL for where
 *   the reader left off
 *
 * Opens @uri in a document window, or brings forward the window that
 * shows it.
 */
void
mg_library_open_document (GtkApplication *application,
                          const char     *uri,
                          const char     *annotation_id)
{
  MgWindow *window;

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (uri != NULL);

  window = window_showing (application, uri);
  if (window == NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_uri (uri);

      window = mg_window_new (application);
      mg_window_open_location (window, file);
    }

  if (annotation_id != NULL && !reveal_annotation (window, annotation_id))
    {
      g_object_set_data_full (G_OBJECT (window), PENDING_ANNOTATION, g_strdup (annotation_id), g_free);
      g_signal_handlers_disconnect_by_func (window, annotations_loaded_cb, NULL);
      g_signal_connect (window, "notify::annotations", G_CALLBACK (annotations_loaded_cb), NULL);
    }

  gtk_window_present (GTK_WINDOW (window));
}

/**
 * mg_library_close_document_windows:
 * @application: the application
 * @uri: a document's URI
 *
 * Saves and closes the document windows that show @uri: their store
 * would write the document's annotation file again after the document
 * left the library.
 */
void
mg_library_close_document_windows (GtkApplication *application,
                                   const char     *uri)
{
  GList *windows;

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (uri != NULL);

  windows = g_list_copy_deep (gtk_application_get_windows (application), (GCopyFunc) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    {
      MgDocument *document = MG_IS_WINDOW (l->data) ? mg_window_get_document (l->data) : NULL;
      g_autoptr (GError) error = NULL;

      if (document == NULL || g_strcmp0 (mg_document_get_uri (document), uri) != 0)
        continue;
      if (!mg_window_flush (l->data, &error))
        g_message ("Annotations of %s not saved before it left the library: %s", uri, error->message);
      gtk_window_close (l->data);
    }
  g_list_free_full (windows, g_object_unref);
}

static gboolean
file_is_there (const char *uri)
{
  g_autoptr (GFile) file = NULL;

  /* Web pages open from their snapshot, or are read again. */
  if (g_str_has_prefix (uri, "http://") || g_str_has_prefix (uri, "https://"))
    return TRUE;

  file = g_file_new_for_uri (uri);

  return g_file_query_exists (file, NULL);
}

/**
 * mg_library_window_open_link:
 * @application: the application
 * @uri: a `marginalia://open?document=…&annotation=…` link
 *
 * Opens the link's document at its annotation; or the library, when the
 * document is unknown here or its file is gone.
 */
void
mg_library_window_open_link (GtkApplication *application,
                             const char     *uri)
{
  g_autofree char *document_id = NULL;
  g_autofree char *annotation_id = NULL;
  g_autofree char *document_uri = NULL;
  MgLibraryWindow *library;

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (uri != NULL);

  if (mg_document_link_parse (uri, &document_id, &annotation_id))
    document_uri = mg_document_ids_find_uri (mg_document_ids_get_default (), document_id);

  if (document_uri != NULL && file_is_there (document_uri))
    {
      MgWindow *window = mg_window_new (application);

      mg_window_open_marginalia_uri (window, uri);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  g_message ("Link %s: %s", uri, document_id == NULL ? "not a link to a document" : document_uri == NULL ? "unknown document"
                                                                                                         : "the document's file is gone");
  library = mg_library_window_present (application);
  if (document_id == NULL)
    mg_library_window_show_toast (library, _ ("This link is not one Marginalia can open"));
  else
    mg_library_window_reveal_link (library, document_id);
}

/* The length of the text, for the reading progress, noted after the
 * window painted its text: the index is written then, not before. */
static gboolean
note_length_cb (gpointer data)
{
  g_autoptr (MgWindow) window = g_weak_ref_get (data);
  MgDocument *document = window != NULL ? mg_window_get_document (window) : NULL;

  g_weak_ref_clear (data);
  g_free (data);

  if (document != NULL && !mg_document_is_bundled (document))
    mg_library_note_length (mg_library_get_default (), mg_document_get_uri (document), mg_document_get_length (document));

  return G_SOURCE_REMOVE;
}

static void
document_changed_cb (MgWindow *window)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, window);
  g_idle_add_full (G_PRIORITY_LOW, note_length_cb, weak, NULL);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  if (MG_IS_WINDOW (window))
    g_signal_connect (window, "notify::document", G_CALLBACK (document_changed_cb), NULL);
}

/**
 * mg_library_follow_windows:
 * @application: the application
 *
 * Has every document window of @application tell the library the length
 * of the document it opens.
 */
void
mg_library_follow_windows (GtkApplication *application)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), NULL);
}
