/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-export.h"
#include "mg-import.h"
#include "mg-window-private.h"

/*
 * The window's way in and out for annotations: export to Markdown or W3C
 * Web Annotations through a file chooser (what the sidebar's filters show
 * is what is exported), copy as Markdown, and import W3C or Hypothesis
 * files. The writing itself is in src/core (mg-export.c, mg-import.c),
 * shared with the command line.
 */

/* What the sidebar shows is what is exported: its colour and tag filters
 * apply, so that "the blue ones tagged #method" is one export. */
static void
export_options (MgWindow        *self,
                MgExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->color_mask = mg_sidebar_get_color_filter (self->sidebar);
  options->tag = mg_sidebar_get_tag_filter (self->sidebar);
  /* Each entry links back here (marginalia:// links). */
  options->document_id = self->store != NULL ? mg_store_get_document_id (self->store) : NULL;
}

static char *
export_text (MgWindow              *self,
             gboolean               w3c,
             GListModel            *annotations,
             const MgExportOptions *options)
{
  if (w3c)
    return mg_export_w3c (self->document, annotations, options);

  return mg_export_markdown (self->document, annotations, options);
}

static char *
suggested_name (MgWindow   *self,
                const char *extension)
{
  g_autofree char *title = g_strdup (mg_document_get_title (self->document));
  char            *dot = strrchr (title, '.');

  if (dot != NULL && dot != title && strlen (dot) <= 9)
    *dot = '\0';
  g_strdelimit (title, "/\\:*?\"<>|", '-');

  /* Translators: the file name proposed for an export; %s is the document's title. */
  return g_strdup_printf (_ ("%s – annotations.%s"), title, extension);
}

/* One export, from the chooser to the written file. */
typedef struct
{
  MgWindow *self;
  gboolean  w3c;
  gboolean  close_after; /* at close: the export keeps what was not saved */
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_clear_object (&request->self);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportRequest, export_request_free)

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (ExportRequest) request = user_data;
  MgWindow *self = request->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  name = g_file_get_basename (G_FILE (object));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      _mg_window_show_banner (self, _ ("The export could not be written."), error->message);
      return;
    }

  message = g_strdup_printf (_ ("Exported to “%s”"), name);
  _mg_window_show_toast (self, message);

  /* What could not be saved is in the export now: the window closes. */
  if (request->close_after)
    _mg_window_close_discarding (self);
}

/* Writes the export to @file; at close, every annotation whatever the
 * sidebar's filters. */
static void
export_to_file (ExportRequest *request,
                GFile         *file)
{
  MgWindow       *self = request->self;
  MgExportOptions options;
  g_autoptr (GBytes) bytes = NULL;
  char *text;

  if (request->close_after)
    memset (&options, 0, sizeof options);
  else
    export_options (self, &options);

  text = export_text (self, request->w3c, G_LIST_MODEL (self->annotations), &options);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, export_written_cb, request);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr (ExportRequest) request = user_data;

  if (response == GTK_RESPONSE_ACCEPT && request->self->document != NULL && request->self->annotations != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      export_to_file (g_steal_pointer (&request), file);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_export_file (MgWindow *self,
                    gboolean  w3c,
                    gboolean  close_after)
{
  g_autofree char *name = suggested_name (self, w3c ? "jsonld" : "md");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;
  ExportRequest        *request;

  dialog = gtk_file_chooser_native_new (w3c ? _ ("Export as W3C Web Annotations") : _ ("Export as Markdown"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_filter_set_name (filter, w3c ? _ ("JSON-LD") : _ ("Markdown"));
  gtk_file_filter_add_suffix (filter, w3c ? "jsonld" : "md");
  if (w3c)
    gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  request = g_new0 (ExportRequest, 1);
  request->self = g_object_ref (self);
  request->w3c = w3c;
  request->close_after = close_after;
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (self->document != NULL)
    choose_export_file (self, g_str_equal (g_variant_get_string (parameter, NULL), "w3c"), FALSE);
}

/* Closing with highlights that could not be saved ------------------------ */

static gboolean
close_discarding_cb (gpointer user_data)
{
  _mg_window_close_discarding (user_data);

  return G_SOURCE_REMOVE;
}

static void
unsaved_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     MgWindow         *self)
{
  /* Once the dialog is gone: it points to the window until then. */
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT, close_discarding_cb, g_object_ref (self), g_object_unref);
  else if (g_str_equal (response, "export") && self->document != NULL)
    /* W3C Web Annotations keep everything, and import back. */
    choose_export_file (self, TRUE, TRUE);
}

/**
 * _mg_window_ask_unsaved:
 * @self: a #MgWindow
 * @error: why the highlights could not be saved
 *
 * Asks, as GNOME Text Editor does for unsaved documents, what becomes of
 * highlights that could not be saved when the window closes: export them
 * to another place (then close), discard them (close), or cancel.
 */
void
_mg_window_ask_unsaved (MgWindow     *self,
                        const GError *error)
{
  g_autofree char *body = NULL;
  GtkWidget       *dialog;

  /* Translators: %s is a document's title, then why saving failed. */
  body = g_strdup_printf (_ ("The highlights and notes of “%s” could not be saved (%s). Export them to keep them, or they are lost when the window closes."),
                          mg_document_get_title (self->document), error->message);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Highlights Not Saved"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "discard", _ ("_Discard"),
                                    "export", _ ("_Export…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  mg_accessible_repair (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_markdown (MgWindow   *self,
               GListModel *annotations,
               const char *message)
{
  MgExportOptions  options;
  g_autofree char *text = NULL;

  export_options (self, &options);
  text = export_text (self, FALSE, annotations, &options);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  _mg_window_show_toast (self, message);
}

static void
copy_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (self->annotations != NULL)
    copy_markdown (self, G_LIST_MODEL (self->annotations), _ ("Highlights copied as Markdown"));
}

static void
copy_annotation_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = _mg_window_lookup_parameter (self, parameter);
  g_autoptr (GListStore) one = NULL;
  g_autofree char *text = NULL;
  MgExportOptions  options;

  if (annotation == NULL)
    return;

  /* One annotation is copied whatever the sidebar's filters. */
  one = g_list_store_new (MG_TYPE_ANNOTATION);
  g_list_store_append (one, annotation);
  export_options (self, &options);
  options.color_mask = 0;
  options.tag = NULL;
  text = mg_export_markdown (self->document, G_LIST_MODEL (one), &options);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  _mg_window_show_toast (self, _ ("Highlight copied as Markdown"));
}

/**
 * mg_window_import_bytes:
 * @self: a #MgWindow
 * @bytes: a W3C Web Annotation or Hypothesis file
 * @error: return location for a #GError
 *
 * Adds the annotations of @bytes to the document, and tells the user how
 * many were found. A malformed file changes nothing.
 *
 * Returns: %TRUE if the file was imported
 */
gboolean
mg_window_import_bytes (MgWindow *self,
                        GBytes   *bytes,
                        GError  **error)
{
  MgImportResult   result = { 0 };
  g_autofree char *message = NULL;
  guint            placed;

  g_return_val_if_fail (MG_IS_WINDOW (self), FALSE);

  if (self->document == NULL || self->annotations == NULL)
    return TRUE;

  if (!mg_import_w3c (self->document, self->annotations, bytes, &result, error))
    return FALSE;

  placed = result.n_anchored + result.n_moved;
  if (result.n_added + result.n_updated == 0)
    message = g_strdup (_ ("Nothing new to import"));
  else if (result.n_orphaned == 0)
    /* Translators: after an import, the number of highlights found in the text. */
    message = g_strdup_printf (ngettext ("%u highlight placed", "%u highlights placed", placed), placed);
  else
    {
      /* Translators: the first half of "2 highlights placed, 1 could
       * not be found in this text", after an import. */
      g_autofree char *placed_text = g_strdup_printf (ngettext ("%u highlight placed", "%u highlights placed", placed), placed);

      /* Translators: %s is "2 highlights placed"; %u the highlights of
       * the file whose passage is not in the document. */
      message = g_strdup_printf (ngettext ("%s, %u could not be found in this text",
                                           "%s, %u could not be found in this text",
                                           result.n_orphaned),
                                 placed_text, result.n_orphaned);
    }
  _mg_window_show_toast (self, message);

  return TRUE;
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (bytes == NULL || !mg_window_import_bytes (self, bytes, &error))
    _mg_window_show_banner (self, _ ("The annotations could not be imported. Nothing was changed."), error->message);
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr (MgWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_load_bytes_async (file, NULL, import_loaded_cb, g_object_ref (self));
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_ ("Import Annotations"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _ ("_Import"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _ ("W3C Web Annotations or Hypothesis (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "jsonld");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "application/ld+json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  g_signal_connect (dialog, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The selection as a Markdown quote followed by "Author, *Title*, Site,
 * Date, URL", for a paper or a notebook. */
static void
copy_citation_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgWindow        *self = MG_WINDOW (widget);
  g_autofree char *passage = NULL;
  g_autofree char *text = NULL;
  const gunichar  *chars;
  guint            start, end;

  if (self->document == NULL || !mg_reader_view_get_selection (self->reader, &start, &end))
    return;

  chars = mg_document_get_chars (self->document, NULL);
  passage = g_ucs4_to_utf8 (chars + start, end - start, NULL, NULL, NULL);
  if (passage == NULL || *g_strstrip (passage) == '\0')
    return;

  text = mg_document_metadata_format_quote (mg_document_get_metadata (self->document),
                                            mg_document_get_title (self->document), passage);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  if (self->selection_popover != NULL)
    gtk_popover_popdown (self->selection_popover);
  _mg_window_show_toast (self, _ ("Copied with citation"));
}

void
_mg_window_class_export_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.copy-markdown", NULL, copy_all_action);
  gtk_widget_class_install_action (widget_class, "win.copy-annotation-markdown", "s", copy_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.copy-citation", NULL, copy_citation_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", "s", "markdown");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-markdown", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
}
