/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg-cli.h"
#include "mg-test-cli.h"
#include "mg-store.h"

/* `marginalia --export=markdown|w3c --all --output=FOLDER` end to end, on
 * mg_cli_run(): one file per document of the annotations folder, a second
 * run that writes nothing, a document whose file is gone, and the usage
 * errors. The rules of names and rewrites are tested on the core
 * (test-export-all.c).
 *
 * Each test runs in a subprocess of its own (g_test_trap_subprocess()):
 * the annotations folder comes from XDG_DATA_HOME, which GLib reads once.
 * In the patterns of its output, "?" stands for a quotation mark, which
 * the C locale writes as "?" and others as itself. */

typedef struct
{
  char *dir;
  char *document;
  char *import_arg;
  char *vault;
  char *output_arg;
} Setup;

/* A copy of the sample article with the Hypothesis sample imported, in
 * user folders of its own. */
static void
setup_init (Setup *s)
{
  g_autoptr (GError) error = NULL;
  g_autofree char         *article = g_test_build_filename (G_TEST_DIST, "..", "data", "article.txt", NULL);
  g_autofree char         *sample = g_test_build_filename (G_TEST_DIST, "data", "hypothesis-sample.json", NULL);
  g_autofree char         *contents = NULL;
  gsize                    len;
  static const char *const folders[][2] = {
    { "XDG_DATA_HOME", "data" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_CONFIG_HOME", "config" },
  };

  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  s->dir = g_dir_make_tmp ("mg-cli-export-all-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (s->dir, folders[i][1], NULL);

      g_setenv (folders[i][0], path, TRUE);
    }
  s->document = g_build_filename (s->dir, "article.txt", NULL);
  g_file_get_contents (article, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (s->document, contents, len, &error);
  g_assert_no_error (error);
  s->import_arg = g_strdup_printf ("--import=%s", sample);
  s->vault = g_build_filename (s->dir, "vault", NULL);
  s->output_arg = g_strdup_printf ("--output=%s", s->vault);
}

static void
setup_clear (Setup *s)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", s->dir);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (s->dir);
  g_free (s->document);
  g_free (s->import_arg);
  g_free (s->vault);
  g_free (s->output_arg);
}

static GPtrArray *
make_argv (const char *first,
           va_list     args)
{
  GPtrArray  *argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (gpointer) "marginalia");
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

/* Whether main() runs the arguments without the application. */
static gboolean
wants_headless (const char *first,
                ...)
{
  g_autoptr (GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first);
  argv = make_argv (first, args);
  va_end (args);

  return mg_cli_wants_headless (argv->len - 1, (char **) argv->pdata);
}

static char *
mtime_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return g_strdup_printf ("%ld.%09ld", (long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec);
}

/* The article's annotations as Markdown in the folder, named after its
 * title; again, nothing written; once its file is gone, from the stored
 * annotations; W3C beside it. */
static void
markdown_end_to_end (void)
{
  Setup s = { 0 };
  g_autofree char *export = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *jsonld = NULL;

  setup_init (&s);
  g_assert_true (wants_headless ("--export=markdown", "--all", s.output_arg, NULL));
  g_assert_cmpint (mg_test_cli_run (s.import_arg, s.document, NULL), ==, MG_CLI_OK);

  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", s.output_arg, NULL), ==, MG_CLI_OK);
  export = g_build_filename (s.vault, "article.txt.md", NULL);
  g_assert_true (g_file_get_contents (export, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "---\ntitle: \"article.txt\"\n"));
  g_assert_nonnull (strstr (text, "\n> "));
  before = mtime_of (export);

  /* Nothing changed: nothing written. */
  g_usleep (1100 * 1000);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", s.output_arg, NULL), ==, MG_CLI_OK);
  after = mtime_of (export);
  g_assert_cmpstr (after, ==, before);

  /* The document is gone: exported from its stored annotations. */
  g_assert_cmpint (g_unlink (s.document), ==, 0);
  g_assert_cmpint (mg_test_cli_run ("--export=w3c", "--all", s.output_arg, NULL), ==, MG_CLI_OK);
  jsonld = g_build_filename (s.vault, "article.txt.jsonld", NULL);
  g_assert_true (g_file_test (jsonld, G_FILE_TEST_IS_REGULAR));
  setup_clear (&s);
}

static void
test_markdown_end_to_end (void)
{
  if (g_test_subprocess ())
    {
      markdown_end_to_end ();
      exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Exported 1 document to *vault (1 changed)\n"
                             "*Exported 1 document to *vault (0 changed)\n"
                             "Exported 1 document to *vault (1 changed)\n"
                             "1 document was not found where it was: its stored highlights and notes were exported\n");
  g_test_trap_assert_stderr_unmatched ("*marginalia:*");
}

/* A note of the user's with the export's name stays; the export takes
 * another name and says so on standard error. */
static void
user_file (void)
{
  Setup            s = { 0 };
  g_autofree char *own = NULL;
  g_autofree char *text = NULL;

  setup_init (&s);
  g_assert_cmpint (mg_test_cli_run (s.import_arg, s.document, NULL), ==, MG_CLI_OK);
  g_assert_cmpint (g_mkdir_with_parents (s.vault, 0700), ==, 0);
  own = g_build_filename (s.vault, "article.txt.md", NULL);
  g_assert_true (g_file_set_contents (own, "mine\n", -1, NULL));
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", s.output_arg, NULL), ==, MG_CLI_OK);
  g_assert_true (g_file_get_contents (own, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "mine\n");
  setup_clear (&s);
}

static void
test_user_file (void)
{
  if (g_test_subprocess ())
    {
      user_file ();
      exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("marginalia: ?article.txt.md? in ?*vault? was not written by Marginalia: it is left as it is, and ?article.txt? is exported to ?article.txt (*).md?\n");
  g_test_trap_assert_stdout ("*Exported 1 document to *vault (1 changed)\n");
}

/* Wrong usage: exit status 2 and what to write instead, nothing written. */
static void
usage_errors (void)
{
  Setup            s = { 0 };
  g_autofree char *file = NULL;
  g_autofree char *file_arg = NULL;

  setup_init (&s);
  g_assert_true (wants_headless ("--all", NULL));
  g_assert_cmpint (mg_test_cli_run ("--all", NULL), ==, MG_CLI_USAGE);
  g_assert_cmpint (mg_test_cli_run ("--all", s.import_arg, s.document, NULL), ==, MG_CLI_USAGE);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", NULL), ==, MG_CLI_USAGE);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", "--output=-", NULL), ==, MG_CLI_USAGE);
  g_assert_cmpint (mg_test_cli_run ("--export=org", "--all", s.output_arg, NULL), ==, MG_CLI_USAGE);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", s.output_arg, s.document, NULL), ==, MG_CLI_USAGE);
  g_assert_false (g_file_test (s.vault, G_FILE_TEST_EXISTS));

  /* Not a folder: the export fails. */
  file = g_build_filename (s.dir, "notes.md", NULL);
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  file_arg = g_strdup_printf ("--output=%s", file);
  g_assert_cmpint (mg_test_cli_run ("--export=markdown", "--all", file_arg, NULL), ==, MG_CLI_FAILED);
  setup_clear (&s);
}

static void
test_usage_errors (void)
{
  if (g_test_subprocess ())
    {
      usage_errors ();
      exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("marginalia: --all is only for --export*\n"
                             "marginalia: --all is only for --export*\n"
                             "marginalia: --all writes one file per document: give a folder*\n"
                             "marginalia: --all writes one file per document: give a folder*\n"
                             "marginalia: unknown export format ?org?*\n"
                             "marginalia: --all exports every document: give no document with it\n"
                             "marginalia: cannot export into ?*notes.md?: it is not a folder\n");
  g_test_trap_assert_stdout_unmatched ("*Exported*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/export-all/markdown", test_markdown_end_to_end);
  g_test_add_func ("/cli/export-all/user-file", test_user_file);
  g_test_add_func ("/cli/export-all/usage-errors", test_usage_errors);

  return g_test_run ();
}
