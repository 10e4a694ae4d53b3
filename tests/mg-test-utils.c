/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "mg-test-utils.h"

/* What every UI test program shares: folders of its own for everything a
 * user's session keeps (reading positions, recent files, annotations,
 * caches, settings), so that running it never reads or changes the user's,
 * whether through build-aux/dev, plain "meson test" or by hand. */

static char *root;

/**
 * mg_test_isolate_user_dirs:
 * @name: the name of the test program, for the folder's name
 *
 * Points HOME and the XDG base folders at new folders in a temporary one,
 * and GSettings at memory. Call it first in main(), before gtk_test_init()
 * and before anything asks GLib for those folders (it keeps the first
 * answer).
 */
void
mg_test_isolate_user_dirs (const char *name)
{
  static const struct
  {
    const char *variable;
    const char *folder;
  } dirs[] = {
    { "HOME", "home" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", name);

  g_assert_null (root);

  root = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (root, dirs[i].folder, NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      g_setenv (dirs[i].variable, path, TRUE);
    }

  /* dconf would write to the user's settings whatever the folders. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
}

/**
 * mg_test_get_user_dirs_root:
 *
 * Returns: the temporary folder that holds the others
 */
const char *
mg_test_get_user_dirs_root (void)
{
  g_assert_nonnull (root);

  return root;
}

/**
 * mg_test_remove_tree:
 * @path: a file or folder
 *
 * Removes @path and, for a folder, all it holds, without following
 * symbolic links. Folders a test made read-only are made writable first.
 */
void
mg_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      mg_test_remove_tree (child);
    }
  g_rmdir (path);
}

/**
 * mg_test_remove_user_dirs:
 *
 * Removes the folders of mg_test_isolate_user_dirs() and all they hold.
 * Call it at the end of main(), after g_test_run().
 */
void
mg_test_remove_user_dirs (void)
{
  if (root == NULL)
    return;

  mg_test_remove_tree (root);
  g_clear_pointer (&root, g_free);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * mg_test_iterate_until:
 * @condition: what to wait for
 * @user_data: passed to @condition
 * @seconds: how long to wait at most
 *
 * Iterates the main loop until @condition holds, waking every 20 ms so
 * that an iteration never blocks while nothing else is due.
 *
 * Returns: whether @condition held in time
 */
gboolean
mg_test_iterate_until (MgTestCondition condition,
                       gpointer        user_data,
                       guint           seconds)
{
  gint64   deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint    wake = g_timeout_add (20, wake_cb, NULL);
  gboolean met;

  while (!(met = condition (user_data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);

  return met;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/**
 * mg_test_wait_for_idle:
 * @seconds: how long to wait at most
 *
 * Iterates the main loop until an idle of %G_PRIORITY_LOW has run, that is
 * until nothing of a higher priority is left to do (GtkTextView measuring
 * a long text in the background, for one).
 *
 * Returns: whether that came in time
 */
gboolean
mg_test_wait_for_idle (guint seconds)
{
  gboolean idle = FALSE;
  guint    source = g_idle_add_full (G_PRIORITY_LOW, set_flag_cb, &idle, NULL);
  gboolean met = mg_test_iterate_until (flag_set, &idle, seconds);

  if (!met)
    g_source_remove (source);

  return met;
}
