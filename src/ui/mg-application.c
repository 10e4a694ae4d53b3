/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-application.h"
#include "mg-cli.h"
#include "mg-window.h"

struct _MgApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (MgApplication, mg_application, ADW_TYPE_APPLICATION)

static MgWindow *
new_window (MgApplication *self)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
mg_application_activate (GApplication *application)
{
  MgApplication *self = MG_APPLICATION (application);
  GtkWindow     *window;

  /* A second launch without files brings the existing window forward
   * rather than opening the sample article again. */
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  mg_window_open_bundled (new_window (self));
}

static void
mg_application_open (GApplication *application,
                     GFile       **files,
                     int           n_files,
                     const char   *hint)
{
  MgApplication *self = MG_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    mg_window_open_file (new_window (self), files[i]);
}

static int
mg_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
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

  return -1;
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  mg_window_open_bundled (new_window (MG_APPLICATION (user_data)));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList          *windows;

  /* Close the windows one by one, so that each saves what it holds. */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Marginalia developers", NULL };
  GtkWindow         *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
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
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "quit", quit_action },
  { "about", about_action },
};

static void
mg_application_startup (GApplication *application)
{
  static const char *new_window_accels[] = { "<Control>n", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (mg_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "window.close", close_accels);

  gtk_window_set_default_icon_name (APP_ID);
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
    { "export", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Write the annotations of DOCUMENT as Markdown or as W3C Web Annotations (JSON-LD), without opening a window"),
      N_ ("markdown|w3c") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Write the export to FILE instead of the standard output"), N_ ("FILE") },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Add the W3C or Hypothesis annotations in FILE to DOCUMENT, and print how many were found"), N_ ("FILE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _ ("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _ ("Read articles, highlight passages and keep notes.\n\n"
                                               "  marginalia [FILE…]                     open FILEs, each in a window\n"
                                               "  marginalia --export=FORMAT [-o FILE] DOCUMENT\n"
                                               "                                         export DOCUMENT’s annotations\n"
                                               "  marginalia --import=FILE DOCUMENT      import annotations into DOCUMENT"));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _ ("Exit status: 0 done; 2 wrong usage or unknown format; "
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
