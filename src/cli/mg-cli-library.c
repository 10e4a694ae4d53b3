/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mg-cli-private.h"
#include "mg-library.h"

/* The library on the command line, for scripts: `marginalia --list` and
 * `marginalia --search=QUERY`. Both update the library's index from the
 * annotations folder first (only what changed is read), then print one
 * line per document or per match, fields separated by tabs. A tab, a
 * line break or a backslash inside a field is written \t, \n (\r) or \\,
 * so that every line splits the same way; an unknown field is "-". */

/* @text as one field of a line. */
static void
append_field (GString    *line,
              const char *text)
{
  if (line->len > 0)
    g_string_append_c (line, '\t');

  if (text == NULL || *text == '\0')
    {
      g_string_append_c (line, '-');
      return;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\t':
          g_string_append (line, "\\t");
          break;
        case '\n':
          g_string_append (line, "\\n");
          break;
        case '\r':
          g_string_append (line, "\\r");
          break;
        case '\\':
          g_string_append (line, "\\\\");
          break;
        default:
          g_string_append_c (line, *p);
        }
    }
}

static gboolean
print_line (GString *line)
{
  g_string_append_c (line, '\n');

  return fwrite (line->str, 1, line->len, stdout) == line->len;
}

static MgLibrary *
open_library (void)
{
  g_autoptr (MgLibrary) library = mg_library_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  if (!mg_library_update (library, NULL, &error))
    {
      mg_cli_fail (_ ("the library cannot be read: %s"), error->message);
      return NULL;
    }

  return g_steal_pointer (&library);
}

static int
finish_output (void)
{
  if (fflush (stdout) != 0)
    {
      mg_cli_fail (_ ("cannot write the list: %s"), g_strerror (errno));
      return MG_CLI_FAILED;
    }

  return MG_CLI_OK;
}

/**
 * mg_cli_run_list:
 *
 * `marginalia --list`: one line per document of the library, the most
 * recently read first: title, path (or URI; "-" when unknown), number of
 * highlights, when it was last read (ISO 8601, UTC; "-" when unknown).
 *
 * Returns: the exit status
 */
int
mg_cli_run_list (void)
{
  g_autoptr (MgLibrary) library = open_library ();
  GListModel *documents;

  if (library == NULL)
    return MG_CLI_FAILED;

  documents = mg_library_get_documents (library);
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr (MgLibraryDocument) document = g_list_model_get_item (documents, i);
      g_autoptr (GString) line = g_string_new (NULL);
      g_autofree char *count = g_strdup_printf ("%u", mg_library_document_get_n_highlights (document));
      g_autofree char *when = NULL;
      const char      *path = mg_library_document_get_path (document);
      gint64           last_read = mg_library_document_get_last_read (document);

      if (last_read > 0)
        {
          g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (last_read);

          when = time != NULL ? g_date_time_format_iso8601 (time) : NULL;
        }

      append_field (line, mg_library_document_get_title (document));
      append_field (line, path != NULL ? path : mg_library_document_get_uri (document));
      append_field (line, count);
      append_field (line, when);
      if (!print_line (line))
        break;
    }

  return finish_output ();
}

/**
 * mg_cli_run_search:
 * @query: what to look for, as in the library window's search
 *
 * `marginalia --search=QUERY`: one line per matching annotation, the best
 * first: the document's title, its path (or URI; "-"), a
 * `marginalia://open?document=…&annotation=…` link to the passage, the
 * quote and the note ("-" when none).
 *
 * Returns: the exit status: %MG_CLI_NO_MATCH when nothing matches
 */
int
mg_cli_run_search (const char *query)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (query));

  if (*stripped == '\0')
    {
      mg_cli_fail (_ ("--search needs words to look for, e.g. marginalia --search=\"memory palace\""));
      return MG_CLI_USAGE;
    }

  library = open_library ();
  if (library == NULL)
    return MG_CLI_FAILED;

  /* The whole query is typed: the last word is not a prefix. */
  {
    g_autofree char *complete = g_strconcat (query, " ", NULL);

    hits = mg_library_search (library, complete, NULL, NULL, &error);
  }
  if (hits == NULL)
    {
      mg_cli_fail (_ ("the library cannot be searched: %s"), error->message);
      return MG_CLI_FAILED;
    }

  for (guint i = 0; i < hits->len; i++)
    {
      MgLibraryHit *hit = g_ptr_array_index (hits, i);
      g_autoptr (GString) line = g_string_new (NULL);
      g_autofree char *link = mg_library_hit_get_link (hit);
      g_autofree char *path = NULL;
      const char      *uri = mg_library_hit_get_document_uri (hit);

      if (uri != NULL)
        path = g_filename_from_uri (uri, NULL, NULL);

      append_field (line, mg_library_hit_get_document_title (hit));
      append_field (line, path != NULL ? path : uri);
      append_field (line, link);
      append_field (line, mg_library_hit_get_quote (hit));
      append_field (line, mg_library_hit_get_note (hit));
      if (!print_line (line))
        break;
    }

  if (finish_output () != MG_CLI_OK)
    return MG_CLI_FAILED;

  return hits->len > 0 ? MG_CLI_OK : MG_CLI_NO_MATCH;
}
