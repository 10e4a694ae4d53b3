/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The marginalia executable: sets up gettext and runs MgApplication. */

#define G_LOG_DOMAIN "marginalia"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "mg-application.h"
#include "mg-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (MgApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Exports and imports need no window, and no display. */
  if (mg_cli_wants_headless (argc, argv))
    return mg_cli_run (argc, argv);

  app = mg_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
