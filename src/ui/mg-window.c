/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-ui-resources.h"
#include "mg-window.h"

struct _MgWindow
{
  AdwApplicationWindow parent_instance;

  AdwWindowTitle      *window_title;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  GtkScrolledWindow   *scroller;
  GtkTextView         *text_view;
  AdwStatusPage       *error_page;

  GSettings           *settings;
  GCancellable        *cancellable;
  MgDocument          *document;
  char                *error_message;
};

G_DEFINE_FINAL_TYPE (MgWindow, mg_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A short description of where a document comes from, for the header bar
 * subtitle: the folder of a local file, with the home folder as "~", the
 * way GNOME Text Editor and Files show it. */
static char *
describe_source (MgDocument *document)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) home = NULL;
  g_autofree char *path = NULL;

  if (mg_document_is_bundled (document))
    return g_strdup (_("Sample article"));

  file = g_file_new_for_uri (mg_document_get_uri (document));
  parent = g_file_get_parent (file);
  if (parent == NULL || !g_file_is_native (parent))
    return g_strdup (mg_document_get_uri (document));

  home = g_file_new_for_path (g_get_home_dir ());
  if (g_file_equal (parent, home))
    return g_strdup ("~");

  if (g_file_has_prefix (parent, home))
    {
      g_autofree char *relative = g_file_get_relative_path (home, parent);

      return g_build_filename ("~", relative, NULL);
    }

  path = g_file_get_path (parent);

  return g_filename_display_name (path);
}

static void
show_error (MgWindow   *self,
            GFile      *file,
            const GError *error)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  name = g_file_get_parse_name (file);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    message = g_strdup_printf (_("“%s” does not exist. It may have been moved or deleted."), name);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    message = g_strdup_printf (_("You do not have permission to read “%s”."), name);
  else
    message = g_strdup_printf ("%s\n%s", name, error->message);

  g_message ("Could not open %s: %s", name, error->message);

  g_clear_object (&self->document);
  g_free (self->error_message);
  self->error_message = g_steal_pointer (&message);

  adw_status_page_set_description (self->error_page, self->error_message);
  adw_window_title_set_title (self->window_title, _("Marginalia"));
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Marginalia"));
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "error");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

void
mg_window_set_document (MgWindow   *self,
                        MgDocument *document)
{
  g_autofree char *source = NULL;
  GtkTextBuffer *buffer;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  g_clear_pointer (&self->error_message, g_free);

  source = describe_source (document);
  adw_window_title_set_title (self->window_title, mg_document_get_title (document));
  adw_window_title_set_subtitle (self->window_title, source);
  gtk_window_set_title (GTK_WINDOW (self), mg_document_get_title (document));

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_set_text (buffer,
                            mg_document_get_text (document),
                            mg_document_get_n_bytes (document));

  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (buffer, &start);
    gtk_text_buffer_place_cursor (buffer, &start);
  }

  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "document");

  if (mg_document_get_repaired (document))
    {
      AdwToast *toast;

      toast = adw_toast_new (_("Some characters in this document could not be read and are shown as “�”"));
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

typedef struct
{
  MgWindow *self;
  GFile    *file;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_free (data);
}

static void
load_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenData *data = user_data;
  g_autoptr(MgDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  document = mg_document_load_file_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (document == NULL)
    show_error (data->self, data->file, error);
  else
    mg_window_set_document (data->self, document);

  open_data_free (data);
}

/**
 * mg_window_open_file:
 * @self: a #MgWindow
 * @file: the document to open
 *
 * Loads @file off the main thread and shows it, or shows why it could not
 * be opened.
 */
void
mg_window_open_file (MgWindow *self,
                     GFile    *file)
{
  OpenData *data;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  data = g_new0 (OpenData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);

  mg_document_load_file_async (file, self->cancellable, load_file_cb, data);
}

void
mg_window_open_bundled (MgWindow *self)
{
  g_autoptr(MgDocument) document = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));

  document = mg_document_new_bundled ();
  mg_window_set_document (self, document);
}

MgDocument *
mg_window_get_document (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->document;
}

GtkTextView *
mg_window_get_text_view (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->text_view;
}

/**
 * mg_window_get_page:
 * @self: a #MgWindow
 *
 * Returns: what the window shows: "loading", "document" or "error"
 */
const char *
mg_window_get_page (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
mg_window_get_error_message (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->error_message;
}

static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  mg_window_open_bundled (MG_WINDOW (widget));
}

static gboolean
mg_window_close_request (GtkWindow *window)
{
  MgWindow *self = MG_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set (self->settings, "window-width", "i", width);
      g_settings_set (self->settings, "window-height", "i", height);
    }

  return GTK_WINDOW_CLASS (mg_window_parent_class)->close_request (window);
}

static void
mg_window_dispose (GObject *object)
{
  MgWindow *self = MG_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_WINDOW);

  G_OBJECT_CLASS (mg_window_parent_class)->dispose (object);
}

static void
mg_window_finalize (GObject *object)
{
  MgWindow *self = MG_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->document);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (mg_window_parent_class)->finalize (object);
}

static void
mg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MgWindow *self = MG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_window_class_init (MgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mg_window_dispose;
  object_class->finalize = mg_window_finalize;
  object_class->get_property = mg_window_get_property;

  window_class->close_request = mg_window_close_request;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         MG_TYPE_DOCUMENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Referencing the resource keeps it, and its registration, in every
   * program that links the static UI library. */
  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MgWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, error_page);

  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
}

static void
mg_window_init (MgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

MgWindow *
mg_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (MG_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
