/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store-folder"

#include "config.h"

#include <gio/gio.h>

#include "mg-store.h"

/* The annotations folder: which one it is (the "annotations-folder"
 * setting, else the default), and what else lives in it so that it
 * travels with the annotations (the snapshots of web pages). */

#define SETTINGS_KEY "annotations-folder"

static GSettings *
get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  /* The core runs without the schema installed too (tests, an
   * uninstalled command line): then the default folder is used. */
  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, SETTINGS_KEY))
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * mg_store_get_folder:
 *
 * The annotations folder: the one the user chose (the "annotations-folder"
 * setting, a path; `~` at its start is the home folder), else
 * mg_store_default_directory(). Stores made without a directory use it.
 *
 * Returns: (transfer full): the folder's path
 */
char *
mg_store_get_folder (void)
{
  g_autoptr (GSettings) settings = get_settings ();
  g_autofree char *chosen = NULL;

  if (settings != NULL)
    chosen = g_settings_get_string (settings, SETTINGS_KEY);

  if (chosen == NULL || *chosen == '\0')
    return mg_store_default_directory ();

  if (chosen[0] == '~' && (chosen[1] == '/' || chosen[1] == '\0'))
    return g_build_filename (g_get_home_dir (), chosen + 1, NULL);

  if (!g_path_is_absolute (chosen))
    return g_build_filename (g_get_home_dir (), chosen, NULL);

  return g_steal_pointer (&chosen);
}

/**
 * mg_store_get_snapshots_folder:
 *
 * Where snapshots of web pages are kept: `snapshots` in the annotations
 * folder, so that a synced folder carries them with the annotations. The
 * store only reads the JSON files at the top of its folder: whatever is in
 * subfolders is left alone.
 *
 * Returns: (transfer full): the folder's path (it may not exist yet)
 */
char *
mg_store_get_snapshots_folder (void)
{
  g_autofree char *folder = mg_store_get_folder ();

  return g_build_filename (folder, "snapshots", NULL);
}
