/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mg-cli.h"
#include "mg-test-cli.h"
#include "mg-store.h"

/* The command line where a store cannot be read or written: it exits with
 * a failure and says so, as the window does, and never leaves anything
 * half done. The success paths (import, export, --help) are run on the
 * installed binary by test-window.c and install-test.sh.
 *
 * Each test runs mg_cli_run() in a subprocess of its own
 * (g_test_trap_subprocess()): the store's folder comes from XDG_DATA_HOME,
 * which GLib reads once, and a write limit stays with the process. */

typedef struct
{
  char *dir;
  char *document;
  char *import_arg;
  char *annotations; /* the store's folder */
} Setup;

/* A copy of the sample article, with a data folder of its own. */
static void
setup_init (Setup *s)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *article = g_test_build_filename (G_TEST_DIST, "..", "data", "article.txt", NULL);
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "data", "hypothesis-sample.json", NULL);
  g_autofree char *data_home = NULL;
  g_autofree char *contents = NULL;
  gsize            len;

  /* The store's warnings go to standard error, as for a user. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  s->dir = g_dir_make_tmp ("mg-cli-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (s->dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  s->annotations = mg_store_default_directory ();
  g_assert_true (g_str_has_prefix (s->annotations, data_home));
  s->document = g_build_filename (s->dir, "article.txt", NULL);
  g_file_get_contents (article, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (s->document, contents, len, &error);
  g_assert_no_error (error);
  s->import_arg = g_strdup_printf ("--import=%s", sample);
}

static void
setup_clear (Setup *s)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", s->dir);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (s->dir);
  g_free (s->document);
  g_free (s->import_arg);
  g_free (s->annotations);
}

/* How many files the store's folder holds. */
static guint
n_stored (Setup *s)
{
  g_autoptr (GDir) dir = g_dir_open (s->annotations, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* An import that cannot be saved (every write fails, as on a full disk)
 * fails with the window's words for highlights that could not be saved,
 * and stores nothing. */
static void
import_not_saved (void)
{
  Setup         s = { 0 };
  struct rlimit limit = { 16, 16 };

  setup_init (&s);
  /* Writes past 16 bytes fail with EFBIG, as on a full disk. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_cmpint (mg_test_cli_run (s.import_arg, s.document, NULL), ==, MG_CLI_FAILED);
  g_assert_cmpuint (n_stored (&s), ==, 0);
  setup_clear (&s);
}

static void
test_import_not_saved (void)
{
  if (g_test_subprocess ())
    {
      import_not_saved ();
      exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*marginalia: the highlights and notes of *article.txt* could not be saved (*)*nothing was imported*");
  g_test_trap_assert_stdout_unmatched ("*Imported*");
}

/* A store too large to read is refused, with what to do, by an export and
 * an import alike; the file stays as it is. */
static void
too_large (void)
{
  Setup s = { 0 };
  g_autoptr (GDir) dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  setup_init (&s);
  g_assert_cmpint (mg_test_cli_run (s.import_arg, s.document, NULL), ==, MG_CLI_OK);
  g_assert_cmpuint (n_stored (&s), ==, 1);
  dir = g_dir_open (s.annotations, 0, NULL);
  path = g_build_filename (s.annotations, g_dir_read_name (dir), NULL);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  g_setenv ("MG_STORE_TEST_MAX_SIZE", "100", TRUE);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", s.document, NULL), ==, MG_CLI_FAILED);
  g_assert_cmpint (mg_test_cli_run (s.import_arg, s.document, NULL), ==, MG_CLI_FAILED);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  setup_clear (&s);
}

static void
test_too_large (void)
{
  if (g_test_subprocess ())
    {
      too_large ();
      exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*too many to open*move that file out of its folder*too many to open*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/import-not-saved", test_import_not_saved);
  g_test_add_func ("/cli/too-large", test_too_large);

  return g_test_run ();
}
