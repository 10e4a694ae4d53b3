/* SPDX-License-Identifier: GPL-3.0-or-later */

/* MgApplication: the app's lifetime and its app-wide actions (open, open
 * recent, library, quit, preferences, help, about). One window per
 * document (mg-window.c), and one library window (mg-library-window.c),
 * which is also the start page once the sample article was shown at the
 * very first start. Quit asks each window to close, so that each saves,
 * or asks about what could not be saved. Command-line options that need
 * no window are handed to the headless CLI (src/cli/mg-cli.c). */

#define G_LOG_DOMAIN "mg-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-accessible.h"
#include "mg-application.h"
#include "mg-cli.h"
#include "mg-library-window.h"
#include "mg-window-open-link.h"

struct _MgApplication
{
  AdwApplication parent_instance;

  /* --library in this process: the library opens rather than the start
   * page. */
  gboolean library_requested;

  /* The windows' icon is set (after the first window's first frame). */
  gboolean icon_set;
};

G_DEFINE_FINAL_TYPE (MgApplication, mg_application, ADW_TYPE_APPLICATION)

/* How long a new window waits for the first screen of a big text file
 * before it is shown (mg_window_show_first_screen_now()): the worker
 * usually has it in a few milliseconds; a window that shows a spinner
 * first is measured and painted twice. */
#define FIRST_SCREEN_WAIT_USEC (50 * G_TIME_SPAN_MILLISECOND)

static void
open_in_new_window (MgApplication *self,
                    GFile         *file)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (self));

  mg_window_open_file (window, file);
  mg_window_show_first_screen_now (window, FIRST_SCREEN_WAIT_USEC);
  gtk_window_present (GTK_WINDOW (window));
}

/* A window on the sample article, given it before it is shown: it is
 * measured once, with the text, rather than empty first and again (7 ms
 * of a launch). Its annotations still wait for its first frame
 * (mg-frame-idle.c). */
static void
present_bundled (MgApplication *self)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (self));

  mg_window_open_bundled (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
mg_application_activate (GApplication *application)
{
  MgApplication *self = MG_APPLICATION (application);
  GtkWindow     *window;
  g_autoptr (GSettings) settings = NULL;

  if (self->library_requested)
    {
      self->library_requested = FALSE;
      mg_library_window_present (GTK_APPLICATION (self));
      return;
    }

  /* A second launch without files brings the existing window forward
   * rather than opening the sample article again. */
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  /* The very first start shows what Marginalia is for, on the sample
   * article; every later one starts from the library. */
  settings = g_settings_new (APP_ID);
  if (!g_settings_get_boolean (settings, "first-run"))
    {
      mg_library_window_present (GTK_APPLICATION (self));
      return;
    }

  g_settings_set_boolean (settings, "first-run", FALSE);
  present_bundled (self);
}

static void
mg_application_open (GApplication *application,
                     GFile       **files,
                     int           n_files,
                     const char   *hint)
{
  MgApplication *self = MG_APPLICATION (application);

  if (self->library_requested)
    {
      self->library_requested = FALSE;
      mg_library_window_present (GTK_APPLICATION (self));
    }

  /* The file is read in a worker thread while the window is shown, not
   * after: at launch, each takes as long as the other. */
  for (int i = 0; i < n_files; i++)
    {
      MgWindow        *window;
      g_autofree char *uri = g_file_get_uri (files[i]);

      /* A link back into the text, from a Markdown export: the library
       * answers one whose document it cannot open. */
      if (g_str_has_prefix (uri, "marginalia:"))
        {
          mg_library_window_open_link (GTK_APPLICATION (self), uri);
          continue;
        }

      window = mg_window_new (GTK_APPLICATION (self));
      mg_window_open_location (window, files[i]);
      mg_window_show_first_screen_now (window, FIRST_SCREEN_WAIT_USEC);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static int
mg_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  MgApplication *self = MG_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  /* --export and --import are run by main() before the application
   * starts; --output alone is a mistake. */
  if (g_variant_dict_contains (options, "output"))
    {
      g_printerr ("marginalia: %s\n", _ ("--output is only for --export"));
      return MG_CLI_USAGE;
    }

  /* --library: in the running instance, if there is one, else here. */
  if (g_variant_dict_contains (options, "library"))
    {
      g_autoptr (GError) error = NULL;

      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("marginalia: %s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (application))
        {
          g_action_group_activate_action (G_ACTION_GROUP (application), "library", NULL);
          return 0;
        }
      self->library_requested = TRUE;
    }

  return -1;
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  present_bundled (MG_APPLICATION (user_data));
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  MgApplication *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);

          open_in_new_window (self, file);
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_application_release (G_APPLICATION (self));
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MgApplication *self = MG_APPLICATION (user_data);
  GtkWindow     *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) text = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) markdown = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) html = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_ ("Open Documents"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _ ("_Open"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);

  gtk_file_filter_set_name (all, _ ("Articles"));
  gtk_file_filter_set_name (text, _ ("Plain Text"));
  gtk_file_filter_set_name (markdown, _ ("Markdown"));
  gtk_file_filter_set_name (html, _ ("Web Pages"));
  gtk_file_filter_add_mime_type (all, "text/plain");
  gtk_file_filter_add_mime_type (text, "text/plain");
  gtk_file_filter_add_mime_type (all, "text/markdown");
  gtk_file_filter_add_mime_type (markdown, "text/markdown");
  gtk_file_filter_add_mime_type (all, "text/html");
  gtk_file_filter_add_mime_type (html, "text/html");
  gtk_file_filter_add_suffix (all, "md");
  gtk_file_filter_add_suffix (markdown, "md");
  gtk_file_filter_add_suffix (all, "markdown");
  gtk_file_filter_add_suffix (markdown, "markdown");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), text);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), markdown);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), html);

  g_application_hold (G_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  open_in_new_window (MG_APPLICATION (user_data), file);
}

static void
library_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  mg_library_window_present (GTK_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList          *windows;

  /* Close the windows one by one, so that each saves what it holds; one
   * with highlights that could not be saved asks first, and stays open
   * if the user cancels. */
  windows = g_list_copy_deep (gtk_application_get_windows (app), (GCopyFunc) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Marginalia developers", NULL };
  GtkWindow         *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", _ ("Marginalia"),
                        "application-icon", APP_ID,
                        "developer-name", _ ("The Marginalia developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _ ("Read articles, highlight passages and keep notes"),
                        "website", "https://github.com/marginalia/marginalia",
                        "issue-url", "https://github.com/marginalia/marginalia/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _ ("translator-credits"),
                        NULL);
  /* Its version is a button that copies it: say what it is. */
  mg_accessible_label_inner_button (about, "app-version", PACKAGE_VERSION);
  gtk_window_present (GTK_WINDOW (about));
}

/* The user guide is a page compiled into the program (data/help), opened
 * in a reading window like any document: it works offline and in the
 * Flatpak sandbox, with no help browser needed. */
static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri ("resource://" RESOURCE_PREFIX "/help/index.html");

  open_in_new_window (MG_APPLICATION (user_data), file);
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "open", open_action },
  { "open-recent", open_recent_action, "s" },
  { "library", library_action },
  { "quit", quit_action },
  { "about", about_action },
  { "help", help_action },
};

/* The windows' icon (on X11: Wayland takes it from the desktop file) is
 * looked up in the icon theme at every size as the first window is shown,
 * some 40 ms before its first frame on a fresh start; it is set just after
 * that frame instead, which the window manager shows as soon. */
static gboolean
set_icon_cb (gpointer user_data)
{
  MgApplication *self = user_data;

  if (!self->icon_set)
    {
      self->icon_set = TRUE;
      gtk_window_set_default_icon_name (APP_ID);
    }
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

static void
icon_after_paint_cb (GdkFrameClock *clock,
                     gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, icon_after_paint_cb, user_data);
  g_idle_add (set_icon_cb, g_object_ref (user_data));
}

static void
icon_window_mapped_cb (GtkWidget *window,
                       gpointer   user_data)
{
  g_signal_handlers_disconnect_by_func (window, icon_window_mapped_cb, user_data);
  if (!MG_APPLICATION (user_data)->icon_set)
    g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (icon_after_paint_cb), user_data);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  if (!MG_APPLICATION (application)->icon_set)
    g_signal_connect (window, "map", G_CALLBACK (icon_window_mapped_cb), application);
}

static void
mg_application_startup (GApplication *application)
{
  static const char *new_window_accels[] = { "<Control>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "F1", NULL };
  /* GTK's own, which it sets only for a gtk/help-overlay.ui resource
   * (ours is built when first asked for: mg-shortcuts.c). */
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  /* Ctrl+L is Open Link. */
  static const char *library_accels[] = { "<Control><Shift>l", NULL };

  G_APPLICATION_CLASS (mg_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "win.show-help-overlay", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.library", library_accels);

  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), NULL);
  mg_library_follow_windows (GTK_APPLICATION (application));
}

static void
mg_application_class_init (MgApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = mg_application_activate;
  app_class->open = mg_application_open;
  app_class->startup = mg_application_startup;
  app_class->handle_local_options = mg_application_handle_local_options;
}

static void
mg_application_init (MgApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
    { "library", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Open the library: every annotated document, and a search across all of them"), NULL },
    { "export", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Write the annotations of DOCUMENT as Markdown or as W3C Web Annotations (JSON-LD), without opening a window"),
      N_ ("markdown|w3c") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Write the export to FILE instead of the standard output (with --all, into the folder FILE)"), N_ ("FILE") },
    { "all", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("With --export: every document of the annotations folder, one file each (Title.md, or Title.jsonld with an AnnotationCollection), into the --output folder; a file is written only when its content changed, never over a file Marginalia did not write"),
      NULL },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Add the W3C or Hypothesis annotations in FILE to DOCUMENT, and print how many were found"), N_ ("FILE") },
    { "list", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Print every document of the library: title, path, highlights, last read (tab-separated)"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Print the annotations of all documents that match QUERY: title, path, link, quote, note (tab-separated)"),
      N_ ("QUERY") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _ ("[FILE…|URL…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _ ("Read articles, highlight passages and keep notes.\n\n"
                                               "  marginalia [FILE…]                     open FILEs, each in a window\n"
                                               "  marginalia https://…                   read a web page and keep it\n"
                                               "  marginalia --library                   open the library\n"
                                               "  marginalia --export=FORMAT [-o FILE] DOCUMENT\n"
                                               "                                         export DOCUMENT’s annotations\n"
                                               "  marginalia --export=FORMAT --all -o FOLDER\n"
                                               "                                         export every document, one file each\n"
                                               "  marginalia --import=FILE DOCUMENT      import annotations into DOCUMENT\n"
                                               "  marginalia --list                      list the documents of the library\n"
                                               "  marginalia --search=QUERY              search the annotations of all documents"));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _ ("Exit status: 0 done; 1 --search found nothing; 2 wrong usage or unknown format; "
                                                   "3 the document or the import file cannot be read; "
                                                   "4 no annotations are stored for the document; "
                                                   "5 the export, import or saving failed."));
}

MgApplication *
mg_application_new (void)
{
  return g_object_new (MG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
