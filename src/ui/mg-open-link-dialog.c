/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-open-link-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-open-link-dialog.h"

/*
 * The Open Link dialog: asks for a web address, then reads the page with a
 * progress bar and a Cancel, keeps it (mg_snapshot_store_keep_async()) and
 * hands its document to the window. What went wrong is said in the dialog,
 * under the address, so that it can be corrected and tried again.
 *
 * The dialog does not decide whether a page needs reading: "open" asks the
 * window (mg-window-open-link.c), which opens a kept snapshot at once, or
 * calls mg_open_link_dialog_fetch(). A link pasted, dropped or given on
 * the command line comes straight to mg_open_link_dialog_fetch(), so that
 * every fetch shows the same progress, Cancel and errors.
 *
 * A fetch started while the dialog is hidden (a link pasted, dropped or
 * given on the command line, Check for a Newer Version) shows the dialog
 * only when it takes longer than PRESENT_DELAY_MS, or fails: a page that
 * comes at once opens without a window flashing by.
 *
 * An AdwWindow rather than an AdwMessageDialog: libadwaita 1.2 has no
 * AdwDialog, and a message dialog closes on any response, where this one
 * stays open to show an error.
 */

#define PRESENT_DELAY_MS 400

struct _MgOpenLinkDialog
{
  AdwWindow parent_instance;

  GtkEditable    *entry;
  GtkLabel       *error_label;
  GtkWidget      *browser_button;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;

  MgWebFetch   *fetch;
  GCancellable *cancellable;
  char         *host;
  char         *url;
  guint         present_id;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (MgOpenLinkDialog, mg_open_link_dialog, ADW_TYPE_WINDOW)

enum
{
  OPEN,
  OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_actions (MgOpenLinkDialog *self)
{
  const char *text = gtk_editable_get_text (self->entry);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "open-link.open", !self->busy && text[0] != '\0');
  /* Not insensitive: the entry has the focus, which GTK 4.8 will not
   * take from an entry made insensitive. */
  gtk_editable_set_editable (self->entry, !self->busy);
}

static void
set_busy (MgOpenLinkDialog *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_widget_set_visible (self->progress_box, busy);
  if (busy)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      gtk_widget_set_visible (self->browser_button, FALSE);
    }
  update_actions (self);
}

/**
 * mg_open_link_dialog_show_error:
 * @self: a #MgOpenLinkDialog
 * @error: what went wrong
 *
 * Stops showing progress and says what went wrong, under the address.
 */
void
mg_open_link_dialog_show_error (MgOpenLinkDialog *self,
                                const GError     *error)
{
  g_return_if_fail (MG_IS_OPEN_LINK_DIALOG (self));
  g_return_if_fail (error != NULL);

  g_message ("Could not open %s: %s", gtk_editable_get_text (self->entry), error->message);

  set_busy (self, FALSE);
  g_clear_handle_id (&self->present_id, g_source_remove);
  gtk_window_present (GTK_WINDOW (self));
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  /* What a browser can show: a page made by scripts, a PDF. */
  gtk_widget_set_visible (self->browser_button,
                          g_error_matches (error, MG_SNAPSHOT_ERROR, MG_SNAPSHOT_ERROR_NO_ARTICLE)
                              || g_error_matches (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_NOT_HTML));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
progress_cb (MgOpenLinkDialog *self)
{
  guint64          received = mg_web_fetch_get_received (self->fetch);
  guint64          expected = mg_web_fetch_get_expected (self->fetch);
  double           fraction = mg_web_fetch_get_fraction (self->fetch);
  g_autofree char *received_text = g_format_size (received);
  g_autofree char *status = NULL;

  if (fraction >= 0)
    {
      g_autofree char *expected_text = g_format_size (expected);

      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      /* Translators: the host, then sizes, e.g. “example.org: 120 kB of 300 kB”. */
      status = g_strdup_printf (_ ("%s: %s of %s"), self->host, received_text, expected_text);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      /* Translators: the host, then a size, e.g. “example.org: 120 kB”. */
      status = g_strdup_printf (_ ("%s: %s"), self->host, received_text);
    }

  gtk_label_set_text (self->status_label, status);
}

static void
kept_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (MgOpenLinkDialog) self = user_data;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;

  document = mg_snapshot_store_keep_finish (MG_SNAPSHOT_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (document == NULL)
    {
      mg_open_link_dialog_show_error (self, error);
      return;
    }

  snapshot = g_object_steal_data (G_OBJECT (self), "mg-snapshot");
  set_busy (self, FALSE);
  g_clear_handle_id (&self->present_id, g_source_remove);
  g_signal_emit (self, signals[OPENED], 0, document, snapshot);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (MgOpenLinkDialog) self = user_data;
  g_autoptr (MgSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;

  snapshot = mg_web_fetch_fetch_finish (MG_WEB_FETCH (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (snapshot == NULL)
    {
      mg_open_link_dialog_show_error (self, error);
      return;
    }

  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  gtk_label_set_text (self->status_label, _ ("Preparing the article…"));
  g_object_set_data_full (G_OBJECT (self), "mg-snapshot", g_object_ref (snapshot), g_object_unref);
  mg_snapshot_store_keep_async (mg_snapshot_store_get_default (), snapshot, self->cancellable,
                                kept_cb, g_object_ref (self));
}

static gboolean
present_cb (gpointer user_data)
{
  MgOpenLinkDialog *self = user_data;

  self->present_id = 0;
  gtk_window_present (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

/**
 * mg_open_link_dialog_fetch:
 * @self: a #MgOpenLinkDialog
 * @url: the address to read
 *
 * Reads the page at @url now, showing progress, and keeps it; the dialog
 * then emits #MgOpenLinkDialog::opened and closes. An error is shown in
 * the dialog, which stays open. A hidden dialog shows itself when the
 * page takes a while, or on an error.
 */
void
mg_open_link_dialog_fetch (MgOpenLinkDialog *self,
                           const char       *url)
{
  g_autofree char *status = NULL;

  g_return_if_fail (MG_IS_OPEN_LINK_DIALOG (self));
  g_return_if_fail (url != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (g_strcmp0 (gtk_editable_get_text (self->entry), url) != 0)
    gtk_editable_set_text (self->entry, url);

  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->host);
  self->host = mg_web_url_dup_host (url);

  set_busy (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  /* Translators: %s is a host name, e.g. “example.org”. */
  status = g_strdup_printf (_ ("Connecting to %s…"), self->host);
  gtk_label_set_text (self->status_label, status);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)) && self->present_id == 0)
    self->present_id = g_timeout_add (PRESENT_DELAY_MS, present_cb, self);

  mg_web_fetch_fetch_async (self->fetch, url, self->cancellable, fetched_cb, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MgOpenLinkDialog *self = MG_OPEN_LINK_DIALOG (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  if (self->busy)
    return;

  url = mg_web_url_normalize (gtk_editable_get_text (self->entry), &error);
  if (url == NULL)
    {
      mg_open_link_dialog_show_error (self, error);
      return;
    }

  /* Typed without a scheme: shown as it will be read. */
  gtk_editable_set_text (self->entry, url);
  g_signal_emit (self, signals[OPEN], 0, url);
}

static void
browser_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Could not open a web browser: %s", error->message);
}

static void
open_in_browser_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgOpenLinkDialog *self = MG_OPEN_LINK_DIALOG (widget);
  g_autoptr (GAppLaunchContext) context = NULL;

  if (self->url == NULL)
    return;

  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  g_app_info_launch_default_for_uri_async (self->url, context, NULL, browser_launched_cb, NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
entry_changed_cb (MgOpenLinkDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (self->browser_button, FALSE);
  update_actions (self);
}

/* Closing is Cancel: nothing more is read or kept. The reads in progress
 * hold the dialog until they see it. */
static gboolean
mg_open_link_dialog_close_request (GtkWindow *window)
{
  MgOpenLinkDialog *self = MG_OPEN_LINK_DIALOG (window);

  GtkWindowClass *parent_class = GTK_WINDOW_CLASS (mg_open_link_dialog_parent_class);

  g_cancellable_cancel (self->cancellable);

  return parent_class->close_request != NULL && parent_class->close_request (window);
}

static void
mg_open_link_dialog_dispose (GObject *object)
{
  MgOpenLinkDialog *self = MG_OPEN_LINK_DIALOG (object);

  g_clear_handle_id (&self->present_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->fetch != NULL)
    g_signal_handlers_disconnect_by_data (self->fetch, self);
  g_clear_object (&self->fetch);

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_OPEN_LINK_DIALOG);

  G_OBJECT_CLASS (mg_open_link_dialog_parent_class)->dispose (object);
}

static void
mg_open_link_dialog_finalize (GObject *object)
{
  MgOpenLinkDialog *self = MG_OPEN_LINK_DIALOG (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (mg_open_link_dialog_parent_class)->finalize (object);
}

static void
mg_open_link_dialog_class_init (MgOpenLinkDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_open_link_dialog_dispose;
  object_class->finalize = mg_open_link_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = mg_open_link_dialog_close_request;

  /**
   * MgOpenLinkDialog::open:
   * @url: the address, normalised (mg_web_url_normalize())
   *
   * The user asked to open @url. The handler opens a kept snapshot of it
   * and closes the dialog, or calls mg_open_link_dialog_fetch().
   */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MgOpenLinkDialog::opened:
   * @document: the page's document
   * @snapshot: the page, as kept
   *
   * A page was read and kept; the dialog closes after this.
   */
  signals[OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, MG_TYPE_DOCUMENT, MG_TYPE_SNAPSHOT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-open-link-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, browser_button);
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MgOpenLinkDialog, status_label);

  gtk_widget_class_install_action (widget_class, "open-link.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "open-link.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "open-link.open-in-browser", NULL, open_in_browser_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "open-link.cancel", NULL);
}

static void
mg_open_link_dialog_init (MgOpenLinkDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fetch = mg_web_fetch_new ();
  g_signal_connect_swapped (self->fetch, "notify::received", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
  update_actions (self);
}

/**
 * mg_open_link_dialog_new:
 * @parent: (nullable): the window the dialog is for
 *
 * Returns: (transfer none): a new dialog, not yet shown; it destroys
 *   itself when closed
 */
MgOpenLinkDialog *
mg_open_link_dialog_new (GtkWindow *parent)
{
  MgOpenLinkDialog *self = g_object_new (MG_TYPE_OPEN_LINK_DIALOG, NULL);

  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }

  return self;
}

/* Whether a page is being read or kept. */
gboolean
mg_open_link_dialog_get_busy (MgOpenLinkDialog *self)
{
  g_return_val_if_fail (MG_IS_OPEN_LINK_DIALOG (self), FALSE);

  return self->busy;
}

/* Returns: (nullable): the error shown, for tests */
const char *
mg_open_link_dialog_get_error (MgOpenLinkDialog *self)
{
  g_return_val_if_fail (MG_IS_OPEN_LINK_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;

  return gtk_label_get_text (self->error_label);
}

/* Whether Open in Browser is offered, for tests. */
gboolean
mg_open_link_dialog_get_offers_browser (MgOpenLinkDialog *self)
{
  g_return_val_if_fail (MG_IS_OPEN_LINK_DIALOG (self), FALSE);

  return gtk_widget_get_visible (self->browser_button);
}

/* Returns: (transfer none): the fetcher, for tests to set its limits */
MgWebFetch *
mg_open_link_dialog_get_fetch (MgOpenLinkDialog *self)
{
  g_return_val_if_fail (MG_IS_OPEN_LINK_DIALOG (self), NULL);

  return self->fetch;
}

/* Returns: (transfer none): the address entry, for tests */
GtkEditable *
mg_open_link_dialog_get_entry (MgOpenLinkDialog *self)
{
  g_return_val_if_fail (MG_IS_OPEN_LINK_DIALOG (self), NULL);

  return self->entry;
}
