/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mg-annotation-list.h"
#include "mg-cli-private.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-import.h"
#include "mg-library.h"
#include "mg-store.h"

/**
 * SECTION:mg-cli
 *
 * Export and import from the command line, without a window or a display:
 * `marginalia --export=markdown|w3c [--output=FILE] DOCUMENT`,
 * `marginalia --export=markdown|w3c --all --output=FOLDER` (every document
 * of the annotations folder, one file each: mg_export_all()) and
 * `marginalia --import=FILE DOCUMENT`. It reaches the same store and the
 * same exporters as the window. `marginalia --list` and `--search=QUERY`
 * print the library (mg-cli-library.c). `marginalia --merge-driver %O %A %B` is
 * git's merge driver for annotation files (see the README). The options are also registered with the
 * application, so that `marginalia --help` lists them.
 */

/**
 * mg_cli_wants_headless:
 * @argc: the argument count
 * @argv: the arguments
 *
 * Returns: %TRUE when the arguments ask for an export or an import (or
 *   have --all, which is only for an export), which run without starting
 *   the application
 */
gboolean
mg_cli_wants_headless (int    argc,
                       char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_has_prefix (argv[i], "--export") || g_str_has_prefix (argv[i], "--import") || g_str_equal (argv[i], "--merge-driver"))
        return TRUE;
      if (g_str_equal (argv[i], "--list") || g_str_has_prefix (argv[i], "--search"))
        return TRUE;
      /* Without --export, a mistake to say without a window. */
      if (g_str_equal (argv[i], "--all"))
        return TRUE;
    }

  return FALSE;
}

/* An error message for the user, on standard error. */
void
mg_cli_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("marginalia: %s\n", message);
}

/* The document and its stored annotations, as the window would show them. */
static int
open_document (const char        *path,
               MgDocument       **document_out,
               MgAnnotationList **annotations_out,
               MgStore          **store_out)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) annotations = NULL;
  g_autoptr (MgStore) store = NULL;
  g_autoptr (GError) error = NULL;

  document = mg_document_loader_load_file (file, NULL, &error);
  if (document == NULL)
    {
      mg_cli_fail (_ ("cannot open “%s”: %s"), path, error->message);
      return MG_CLI_NO_DOCUMENT;
    }

  annotations = mg_annotation_list_new ();
  store = mg_store_new (document, annotations, NULL);
  if (!mg_store_load (store, &error))
    {
      mg_cli_fail (_ ("the annotations of “%s” cannot be read: %s"), path, error->message);
      return MG_CLI_FAILED;
    }

  *document_out = g_steal_pointer (&document);
  *annotations_out = g_steal_pointer (&annotations);
  *store_out = g_steal_pointer (&store);

  return MG_CLI_OK;
}

static gboolean
parse_format (const char     *format,
              MgExportFormat *out)
{
  if (g_str_equal (format, "markdown"))
    *out = MG_EXPORT_FORMAT_MARKDOWN;
  else if (g_str_equal (format, "w3c"))
    *out = MG_EXPORT_FORMAT_W3C;
  else
    {
      mg_cli_fail (_ ("unknown export format “%s”: use “markdown” or “w3c”"), format);
      return FALSE;
    }

  return TRUE;
}

static int
run_export (const char *format,
            const char *output,
            const char *path)
{
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) annotations = NULL;
  g_autoptr (MgStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  MgExportOptions  options = { 0 };
  MgExportFormat   export_format;
  int              status;

  if (!parse_format (format, &export_format))
    return MG_CLI_USAGE;

  status = open_document (path, &document, &annotations, &store);
  if (status != MG_CLI_OK)
    return status;

  if (g_list_model_get_n_items (G_LIST_MODEL (annotations)) == 0)
    {
      mg_cli_fail (_ ("no annotations are stored for “%s”"), path);
      return MG_CLI_NOTHING_STORED;
    }

  /* Each Markdown entry links back to its passage. */
  options.document_id = mg_store_get_document_id (store);
  if (export_format == MG_EXPORT_FORMAT_MARKDOWN)
    text = mg_export_markdown (document, G_LIST_MODEL (annotations), &options);
  else
    text = mg_export_w3c (document, G_LIST_MODEL (annotations), NULL);

  if (output == NULL || g_str_equal (output, "-"))
    {
      if (fwrite (text, 1, strlen (text), stdout) != strlen (text) || fflush (stdout) != 0)
        {
          mg_cli_fail (_ ("cannot write the export: %s"), g_strerror (errno));
          return MG_CLI_FAILED;
        }
    }
  else if (!g_file_set_contents (output, text, -1, &error))
    {
      mg_cli_fail (_ ("cannot write “%s”: %s"), output, error->message);
      return MG_CLI_FAILED;
    }

  return MG_CLI_OK;
}

/* Every document of the annotations folder into @output, a folder. */
static int
run_export_all (const char *format_name,
                const char *output)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GFile) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_name = NULL;
  MgExportFormat   format;
  gboolean         ok;

  if (!parse_format (format_name, &format))
    return MG_CLI_USAGE;

  if (output == NULL || g_str_equal (output, "-"))
    {
      mg_cli_fail (_ ("--all writes one file per document: give a folder, e.g. marginalia --export=markdown --all --output=~/Notes/Marginalia"));
      return MG_CLI_USAGE;
    }

  dir = g_file_new_for_commandline_arg (output);
  dir_name = g_file_get_parse_name (dir);

  /* The documents the library lists: the library window exports the same. */
  library = mg_library_new (NULL, NULL);
  if (!mg_library_update (library, NULL, &error))
    {
      mg_cli_fail (_ ("the annotations folder cannot be read: %s"), error->message);
      return MG_CLI_FAILED;
    }

  ok = mg_export_all (library, format, dir, &stats, NULL, &error);

  for (guint i = 0; stats.notices != NULL && i < stats.notices->len; i++)
    mg_cli_fail ("%s", (const char *) g_ptr_array_index (stats.notices, i));

  if (!ok)
    {
      mg_cli_fail (_ ("cannot export into “%s”: %s"), dir_name, error->message);
      return MG_CLI_FAILED;
    }

  /* Translators: after an export of every document on the command line:
   * how many documents, the folder, and how many files were written. */
  g_print (ngettext ("Exported %u document to %s (%u changed)",
                     "Exported %u documents to %s (%u changed)",
                     stats.n_documents),
           stats.n_documents, dir_name, stats.n_written);
  g_print ("\n");
  if (stats.n_missing > 0)
    {
      g_print (ngettext ("%u document was not found where it was: its stored highlights and notes were exported",
                         "%u documents were not found where they were: their stored highlights and notes were exported",
                         stats.n_missing),
               stats.n_missing);
      g_print ("\n");
    }

  return MG_CLI_OK;
}

static int
run_import (const char *import_path,
            const char *path)
{
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) annotations = NULL;
  g_autoptr (MgStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) import_file = g_file_new_for_commandline_arg (import_path);
  g_autoptr (GBytes) bytes = NULL;
  MgImportResult result = { 0 };
  int            status;

  bytes = g_file_load_bytes (import_file, NULL, NULL, &error);
  if (bytes == NULL)
    {
      mg_cli_fail (_ ("cannot read “%s”: %s"), import_path, error->message);
      return MG_CLI_NO_DOCUMENT;
    }

  status = open_document (path, &document, &annotations, &store);
  if (status != MG_CLI_OK)
    return status;

  if (mg_store_get_read_only (store))
    {
      mg_cli_fail (_ ("the annotations of “%s” were saved by a newer version of Marginalia and cannot be changed"), path);
      return MG_CLI_FAILED;
    }

  if (!mg_import_w3c (document, annotations, bytes, &result, &error))
    {
      mg_cli_fail (_ ("cannot import “%s”: %s"), import_path, error->message);
      return MG_CLI_FAILED;
    }

  if (!mg_store_flush (store, &error))
    {
      /* The window's words for highlights that could not be saved. */
      mg_cli_fail (_ ("the highlights and notes of “%s” could not be saved (%s); nothing was imported"),
                   path, error->message);
      return MG_CLI_FAILED;
    }

  /* The window's words, in the plural the count asks for. */
  g_print (ngettext ("Imported %u annotation: %u in place, %u moved, %u not found",
                     "Imported %u annotations: %u in place, %u moved, %u not found",
                     result.n_added + result.n_updated),
           result.n_added + result.n_updated, result.n_anchored, result.n_moved, result.n_orphaned);
  g_print ("\n");
  if (result.n_skipped > 0 || result.n_ignored > 0)
    {
      /* Translators: after an import on the command line; the counts are
       * of annotations, without a noun to agree with. */
      g_print (_ ("Left out: %u already up to date, %u not passages of a text"),
               result.n_skipped, result.n_ignored);
      g_print ("\n");
    }

  return MG_CLI_OK;
}

/* git's merge driver: merges %B into %A, with %O the ancestor. */
static int
run_merge_driver (int    argc,
                  char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc != 5)
    {
      mg_cli_fail (_ ("the merge driver takes three files: marginalia --merge-driver %%O %%A %%B"));
      return MG_CLI_USAGE;
    }

  if (!mg_store_merge_versions (argv[2], argv[3], argv[4], &error))
    {
      mg_cli_fail (_ ("the annotations in “%s” and “%s” cannot be merged: %s"), argv[3], argv[4], error->message);
      return MG_CLI_FAILED;
    }

  return MG_CLI_OK;
}

/* --list and --search: on the library, never with a document. */
static int
run_library (gboolean    list,
             const char *search,
             gboolean    other_options,
             GStrv       remaining)
{
  if ((list && search != NULL) || other_options)
    {
      mg_cli_fail (_ ("--list and --search go alone: without each other, --export or --import"));
      return MG_CLI_USAGE;
    }

  if (remaining != NULL && remaining[0] != NULL)
    {
      mg_cli_fail (_ ("--list and --search take no document: they cover the whole library"));
      return MG_CLI_USAGE;
    }

  if (list)
    return mg_cli_run_list ();

  return mg_cli_run_search (search);
}

/**
 * mg_cli_run:
 * @argc: the argument count
 * @argv: the arguments
 *
 * Runs an export or an import as asked by the command line.
 *
 * Returns: the exit status, a #MgCliStatus
 */
int
mg_cli_run (int    argc,
            char **argv)
{
  g_autofree char *export_format = NULL;
  g_autofree char *import_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *search = NULL;
  gboolean         list = FALSE;
  gboolean         all = FALSE;
  g_auto (GStrv) remaining = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) args = g_new0 (char *, argc + 1);
  GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_STRING, &export_format, NULL, NULL },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_path, NULL, NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, NULL, NULL },
    /* Taken as bytes (UTF-8, repaired if need be), not converted from the
     * locale's charset: a C locale cannot convert "café". */
    { "search", 0, 0, G_OPTION_ARG_FILENAME, &search, NULL, NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &remaining, NULL, NULL },
    { NULL }
  };

  if (argc >= 2 && g_str_equal (argv[1], "--merge-driver"))
    return run_merge_driver (argc, argv);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* parse_strv, unlike parse, frees the arguments it takes out. */
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      mg_cli_fail ("%s", error->message);
      return MG_CLI_USAGE;
    }

  if (list || search != NULL)
    return run_library (list, search, export_format != NULL || import_path != NULL || output != NULL || all, remaining);

  if (export_format != NULL && import_path != NULL)
    {
      mg_cli_fail (_ ("--export and --import cannot be used together"));
      return MG_CLI_USAGE;
    }

  if (all && export_format == NULL)
    {
      mg_cli_fail (_ ("--all is only for --export, e.g. marginalia --export=markdown --all --output=FOLDER"));
      return MG_CLI_USAGE;
    }

  if (all)
    {
      if (remaining != NULL && remaining[0] != NULL)
        {
          mg_cli_fail (_ ("--all exports every document: give no document with it"));
          return MG_CLI_USAGE;
        }
      return run_export_all (export_format, output);
    }

  if (remaining == NULL || remaining[0] == NULL || remaining[1] != NULL)
    {
      mg_cli_fail (_ ("give exactly one document, e.g. marginalia --export=markdown article.txt"));
      return MG_CLI_USAGE;
    }

  if (export_format != NULL)
    return run_export (export_format, output, remaining[0]);

  if (output != NULL)
    {
      mg_cli_fail (_ ("--output is only for --export"));
      return MG_CLI_USAGE;
    }

  return run_import (import_path, remaining[0]);
}
