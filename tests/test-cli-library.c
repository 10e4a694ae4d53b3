/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mg-cli.h"
#include "mg-test-cli.h"
#include "mg-library-fixture.h"
#include "mg-store.h"

/* `marginalia --list` and `--search=QUERY` on mg_cli_run(), without a
 * display: what they print, tab-separated, and their exit statuses. Each
 * case runs in a subprocess (g_test_trap_subprocess()) that points the
 * XDG folders at a temporary folder of its own before GLib reads them,
 * writes a library there (mg-library-fixture.c) and checks the status;
 * the parent checks what was printed. */

static char *tmp_dir;

/* In the subprocess: private folders and a library of two documents. */
static void
library_init (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = NULL;
  const char      *dirs[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };

  tmp_dir = g_dir_make_tmp ("mg-cli-library-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, dirs[i], NULL);

      g_setenv (dirs[i], path, TRUE);
    }

  folder = mg_store_get_folder ();
  g_assert_true (g_str_has_prefix (folder, tmp_dir));
  g_free (mg_library_fixture_write_one (folder, "Memory\tPalaces\nand more", "file:///papers/memory.txt",
                                        "The method of loci", "Ancient\tmnemonics", "method", MG_COLOR_GREEN));
  g_free (mg_library_fixture_write_one (folder, "Gardens", NULL, "A café by the river", NULL, NULL, MG_COLOR_YELLOW));
}

static void
library_clear (void)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmp_dir);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_clear_pointer (&tmp_dir, g_free);
}

static void
test_headless (void)
{
  char *list[] = { (char *) "marginalia", (char *) "--list", NULL };
  char *search[] = { (char *) "marginalia", (char *) "--search=x", NULL };
  char *file[] = { (char *) "marginalia", (char *) "--", (char *) "--list", NULL };

  g_assert_true (mg_cli_wants_headless (2, list));
  g_assert_true (mg_cli_wants_headless (2, search));
  g_assert_false (mg_cli_wants_headless (3, file));
}

static void
test_list (void)
{
  if (g_test_subprocess ())
    {
      library_init ();
      g_assert_cmpint (mg_test_cli_run ("--list", NULL), ==, MG_CLI_OK);
      library_clear ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Tabs and line breaks in a title are escaped; no path is "-". */
  g_test_trap_assert_stdout ("*Memory\\tPalaces\\nand more\t/papers/memory.txt\t1\t20*-*-*T*Z\n*");
  g_test_trap_assert_stdout ("*Gardens\t-\t1\t20*-*-*T*Z\n*");
  g_test_trap_assert_stderr ("");
}

static void
test_search (void)
{
  if (g_test_subprocess ())
    {
      library_init ();
      g_assert_cmpint (mg_test_cli_run ("--search=cafe", NULL), ==, MG_CLI_OK);
      g_assert_cmpint (mg_test_cli_run ("--search", "LOCI METHOD", NULL), ==, MG_CLI_OK);
      library_clear ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("Gardens\t-\tmarginalia://open?document=*&annotation=*\tA café by the river\t-\n"
                             "Memory\\tPalaces\\nand more\t/papers/memory.txt\tmarginalia://*\tThe method of loci\tAncient\\tmnemonics\n");
  g_test_trap_assert_stderr ("");
}

static void
test_search_nothing (void)
{
  if (g_test_subprocess ())
    {
      library_init ();
      /* A whole word: "caf" is not a prefix here. */
      g_assert_cmpint (mg_test_cli_run ("--search=caf", NULL), ==, MG_CLI_NO_MATCH);
      g_assert_cmpint (mg_test_cli_run ("--search=\"river café\"", NULL), ==, MG_CLI_NO_MATCH);
      library_clear ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("");
}

static void
test_usage (void)
{
  if (g_test_subprocess ())
    {
      library_init ();
      g_assert_cmpint (mg_test_cli_run ("--search=", NULL), ==, MG_CLI_USAGE);
      g_assert_cmpint (mg_test_cli_run ("--search=  ", NULL), ==, MG_CLI_USAGE);
      g_assert_cmpint (mg_test_cli_run ("--list", "--search=cafe", NULL), ==, MG_CLI_USAGE);
      g_assert_cmpint (mg_test_cli_run ("--list", "article.txt", NULL), ==, MG_CLI_USAGE);
      g_assert_cmpint (mg_test_cli_run ("--search=cafe", "--export=markdown", NULL), ==, MG_CLI_USAGE);
      g_assert_cmpint (mg_test_cli_run ("--list", "-o", "out.md", NULL), ==, MG_CLI_USAGE);
      library_clear ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("");
  g_test_trap_assert_stderr ("*--search needs words*--list and --search go alone*");
}

/* An empty library: nothing listed, nothing found, no error. */
static void
test_empty (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;

      tmp_dir = g_dir_make_tmp ("mg-cli-library-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
      g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
      g_setenv ("XDG_STATE_HOME", tmp_dir, TRUE);
      g_assert_cmpint (mg_test_cli_run ("--list", NULL), ==, MG_CLI_OK);
      g_assert_cmpint (mg_test_cli_run ("--search=anything", NULL), ==, MG_CLI_NO_MATCH);
      library_clear ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("");
  g_test_trap_assert_stderr ("");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-library/headless", test_headless);
  g_test_add_func ("/cli-library/list", test_list);
  g_test_add_func ("/cli-library/search", test_search);
  g_test_add_func ("/cli-library/search-nothing", test_search_nothing);
  g_test_add_func ("/cli-library/usage", test_usage);
  g_test_add_func ("/cli-library/empty", test_empty);

  return g_test_run ();
}
