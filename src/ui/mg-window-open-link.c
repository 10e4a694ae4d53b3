/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-window-open-link.h"
#include "mg-window-private.h"

/*
 * The window's part in reading web pages (see mg-web-fetch.c and
 * mg-snapshot.c for the core): Open Link (Ctrl+L), a link pasted into the
 * reader, dropped on the window or given on the command line, and "Check
 * for a Newer Version" of the page shown.
 *
 * A page that was kept opens from its snapshot at once, offline or not,
 * with a toast that offers to check for a newer version. A page not kept
 * yet is read in the Open Link dialog (mg-open-link-dialog.c), with its
 * progress, Cancel and errors. A newer version replaces the snapshot and
 * the document: the annotations are anchored again on the new text, and
 * those whose passage is gone are listed under Not Found, as for an
 * edited file.
 *
 * A page opens in this window when it shows nothing of the user's (no
 * document, the sample article, or the same page), else in a new one, as
 * files dropped on the window do.
 */

#define DIALOG_KEY "mg-open-link-dialog"
/* The address last asked for, for the message when it was not opened. */
#define URL_KEY "mg-open-link-url"

static gboolean
is_web_document (MgDocument *document)
{
  const char *uri = document != NULL ? mg_document_get_uri (document) : NULL;

  return uri != NULL && (g_str_has_prefix (uri, "http://") || g_str_has_prefix (uri, "https://"));
}

/**
 * mg_window_get_open_link_dialog:
 * @self: a #MgWindow
 *
 * Returns: (transfer none) (nullable): the Open Link dialog of @self, while
 *   it is open
 */
MgOpenLinkDialog *
mg_window_get_open_link_dialog (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return g_object_get_data (G_OBJECT (self), DIALOG_KEY);
}

static MgWindow *
target_window (MgWindow   *self,
               const char *url)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  MgWindow       *window;

  if (self->document == NULL || mg_document_is_bundled (self->document)
      || g_strcmp0 (mg_document_get_uri (self->document), url) == 0 || app == NULL)
    return self;

  window = mg_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* "example.org, saved 5 Dec 2026": where the page is from, and of when. */
static char *
describe_snapshot (MgSnapshot *snapshot)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (mg_snapshot_get_fetched (snapshot));
  g_autofree char *date = g_date_time_format (local, "%x");
  g_autofree char *host = mg_web_url_dup_host (mg_snapshot_get_url (snapshot));

  /* Translators: a web site's name, then the date its page was saved. */
  return g_strdup_printf (_ ("%s, saved %s"), host, date);
}

static void
show_snapshot (MgWindow   *self,
               MgDocument *document,
               MgSnapshot *snapshot,
               gboolean    kept_before)
{
  g_autofree char *source = mg_document_metadata_dup_byline (mg_document_get_metadata (document));
  MgWindow        *window;
  gboolean         replaced;

  if (source == NULL)
    source = describe_snapshot (snapshot);
  window = target_window (self, mg_document_get_uri (document));
  replaced = window->document != NULL && g_strcmp0 (mg_document_get_uri (window->document), mg_document_get_uri (document)) == 0;

  /* Checked for a newer version, and there is none: nothing moves. */
  if (replaced && !kept_before && g_strcmp0 (mg_document_get_sha256 (window->document), mg_document_get_sha256 (document)) == 0)
    {
      adw_window_title_set_subtitle (window->window_title, source);
      _mg_window_show_toast (window, _ ("The page has not changed since it was saved"));
      return;
    }

  mg_window_set_document (window, document);
  adw_window_title_set_subtitle (window->window_title, source);

  if (kept_before)
    {
      AdwToast *toast = adw_toast_new (_ ("Opened the copy of this page kept on this computer"));

      adw_toast_set_button_label (toast, _ ("Check for _Newer Version"));
      adw_toast_set_action_name (toast, "win.check-newer-version");
      adw_toast_overlay_add_toast (window->toast_overlay, toast);
    }
  else if (replaced)
    {
      _mg_window_show_toast (window, _ ("The page was read again: highlights whose passage is gone are under Not Found"));
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
dialog_opened_cb (MgOpenLinkDialog *dialog,
                  MgDocument       *document,
                  MgSnapshot       *snapshot,
                  MgWindow         *self)
{
  show_snapshot (self, document, snapshot, FALSE);
}

/* A window that was waiting for the page, with nothing else to show,
 * says that it was not opened. */
static void
dialog_destroyed_cb (MgWindow *self)
{
  const char *page = mg_window_get_page (self);

  g_object_set_data (G_OBJECT (self), DIALOG_KEY, NULL);

  if (self->document == NULL && g_strcmp0 (page, "loading") == 0)
    {
      const char *url = g_object_get_data (G_OBJECT (self), URL_KEY);
      g_autoptr (GFile) file = g_file_new_for_uri (url != NULL ? url : "https://");
      g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      _ ("The page was not opened."));

      _mg_window_show_error (self, file, error);
    }
}

static void dialog_open_cb (MgOpenLinkDialog *dialog,
                            const char       *url,
                            MgWindow         *self);

/* The dialog of @self, made if need be, not shown. */
static MgOpenLinkDialog *
ensure_dialog (MgWindow *self)
{
  MgOpenLinkDialog *dialog = mg_window_get_open_link_dialog (self);

  if (dialog == NULL)
    {
      dialog = mg_open_link_dialog_new (GTK_WINDOW (self));
      g_object_set_data (G_OBJECT (self), DIALOG_KEY, dialog);
      g_signal_connect_object (dialog, "open", G_CALLBACK (dialog_open_cb), self, 0);
      g_signal_connect_object (dialog, "opened", G_CALLBACK (dialog_opened_cb), self, 0);
      g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
    }

  return dialog;
}

typedef struct
{
  /* Not a reference: a window closed meanwhile goes, and cancels. */
  GWeakRef self;
  char    *url;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_weak_ref_clear (&data->self);
  g_free (data->url);
  g_free (data);
}

static void
snapshot_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  LookupData *data = user_data;
  g_autoptr (MgWindow) self = g_weak_ref_get (&data->self);
  g_autoptr (MgSnapshot) snapshot = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  MgOpenLinkDialog *dialog;

  document = mg_snapshot_store_open_finish (MG_SNAPSHOT_STORE (object), result, &snapshot, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL)
    ;
  else if (document != NULL)
    {
      dialog = mg_window_get_open_link_dialog (self);
      if (dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (dialog));
      show_snapshot (self, document, snapshot, TRUE);
    }
  else
    {
      /* Not kept yet, or the copy cannot be read: read the page. */
      if (error != NULL)
        g_message ("Reading %s again: %s", data->url, error->message);
      mg_open_link_dialog_fetch (ensure_dialog (self), data->url);
    }

  lookup_data_free (data);
}

/* Opens the kept snapshot of @url, else reads the page. */
static void
open_normalized (MgWindow   *self,
                 const char *url)
{
  LookupData *data = g_new0 (LookupData, 1);

  g_weak_ref_init (&data->self, self);
  data->url = g_strdup (url);
  g_object_set_data_full (G_OBJECT (self), URL_KEY, g_strdup (url), g_free);

  if (self->document == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  mg_snapshot_store_open_async (mg_snapshot_store_get_default (), url, self->cancellable,
                                snapshot_opened_cb, data);
}

static void
dialog_open_cb (MgOpenLinkDialog *dialog,
                const char       *url,
                MgWindow         *self)
{
  open_normalized (self, url);
}

/**
 * mg_window_open_url:
 * @self: a #MgWindow
 * @url: a web address, as typed or pasted
 *
 * Opens the page at @url: its kept snapshot when there is one, else the
 * page read now in the Open Link dialog. An address that is not http or
 * https is refused with a message.
 */
void
mg_window_open_url (MgWindow   *self,
                    const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *normal = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (url != NULL);

  normal = mg_web_url_normalize (url, &error);
  if (normal != NULL)
    open_normalized (self, normal);
  else if (self->document != NULL)
    _mg_window_show_toast (self, error->message);
  else
    {
      g_autoptr (GFile) file = g_file_new_for_uri (url);

      _mg_window_show_error (self, file, error);
    }
}

/**
 * mg_window_open_location:
 * @self: a #MgWindow
 * @file: a file, or a web page (an http or https #GFile, as the command
 *   line and drag and drop give them)
 *
 * Opens @file as a document, or as a web page through mg_window_open_url().
 */
void
mg_window_open_location (MgWindow *self,
                         GFile    *file)
{
  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (g_file_has_uri_scheme (file, "http") || g_file_has_uri_scheme (file, "https"))
    {
      g_autofree char *uri = g_file_get_uri (file);

      mg_window_open_url (self, uri);
    }
  else
    {
      mg_window_open_file (self, file);
    }
}

static void
open_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MgWindow         *self = MG_WINDOW (widget);
  MgOpenLinkDialog *dialog = ensure_dialog (self);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (mg_open_link_dialog_get_entry (dialog)));
}

static void
check_newer_version_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (!is_web_document (self->document))
    return;

  mg_open_link_dialog_fetch (ensure_dialog (self), mg_document_get_uri (self->document));
}

/* Ctrl+V in the reader, which has nothing to paste into: a web address on
 * the clipboard opens. */
static void
clipboard_text_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr (MgWindow) self = g_weak_ref_get (weak);
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);

  g_weak_ref_clear (weak);
  g_free (weak);

  if (self != NULL && mg_web_url_is_web (text))
    mg_window_open_url (self, text);
}

static void
paste_cb (MgWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  GWeakRef     *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_text_cb, weak);
}

void
_mg_window_update_open_link_actions (MgWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-newer-version", is_web_document (self->document));
}

void
_mg_window_class_open_link_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-link", NULL, open_link_action);
  gtk_widget_class_install_action (widget_class, "win.check-newer-version", NULL, check_newer_version_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.open-link", NULL);
}

void
_mg_window_open_link_init (MgWindow *self)
{
  g_signal_connect_object (self->reader, "paste-clipboard", G_CALLBACK (paste_cb), self, G_CONNECT_SWAPPED);
  _mg_window_update_open_link_actions (self);
}
