/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-metadata"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-document-builder.h"
#include "mg-document-metadata.h"
#include "mg-export.h"

/*
 * What a document says about itself, for citing it: its title, authors,
 * site, publication date, canonical address and language. The loader
 * fills it off the main thread, from an HTML page's tags
 * (mg-document-metadata-html.c) or a Markdown file's front matter (here);
 * the window shows it under the title, the Markdown export writes it into
 * its front matter, and Copy with Citation formats it after the passage
 * as "Author, *Title*, Site, Date, URL".
 */

G_DEFINE_BOXED_TYPE (MgDocumentMetadata, mg_document_metadata, mg_document_metadata_copy, mg_document_metadata_free)

MgDocumentMetadata *
mg_document_metadata_new (void)
{
  MgDocumentMetadata *self = g_new0 (MgDocumentMetadata, 1);

  self->authors = g_new0 (char *, 1);
  return self;
}

MgDocumentMetadata *
mg_document_metadata_copy (const MgDocumentMetadata *self)
{
  MgDocumentMetadata *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MgDocumentMetadata, 1);
  copy->title = g_strdup (self->title);
  copy->authors = self->authors != NULL ? g_strdupv (self->authors) : g_new0 (char *, 1);
  copy->site_name = g_strdup (self->site_name);
  copy->date = g_strdup (self->date);
  copy->url = g_strdup (self->url);
  copy->language = g_strdup (self->language);
  return copy;
}

void
mg_document_metadata_free (MgDocumentMetadata *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_strfreev (self->authors);
  g_free (self->site_name);
  g_free (self->date);
  g_free (self->url);
  g_free (self->language);
  g_free (self);
}

/**
 * mg_document_metadata_is_empty:
 *
 * Returns: whether @self knows nothing that a citation would show.
 */
gboolean
mg_document_metadata_is_empty (const MgDocumentMetadata *self)
{
  return self == NULL || (self->title == NULL && (self->authors == NULL || self->authors[0] == NULL) && self->site_name == NULL && self->date == NULL && self->url == NULL);
}

/**
 * mg_document_metadata_add_author:
 *
 * Adds @author (white space collapsed) unless it is empty or already
 * there.
 */
void
mg_document_metadata_add_author (MgDocumentMetadata *self,
                                 const char         *author)
{
  g_autofree char *name = NULL;
  guint            n;

  g_return_if_fail (self != NULL);

  if (author == NULL)
    return;
  name = mg_collapse_whitespace (author);
  if (name == NULL || *name == '\0')
    return;

  if (self->authors == NULL)
    self->authors = g_new0 (char *, 1);
  if (g_strv_contains ((const char *const *) self->authors, name))
    return;

  n = g_strv_length (self->authors);
  self->authors = g_renew (char *, self->authors, n + 2);
  self->authors[n] = g_steal_pointer (&name);
  self->authors[n + 1] = NULL;
}

/**
 * mg_document_metadata_dup_authors:
 *
 * Returns: (nullable): the authors as a reader says them: "A", "A and B",
 *   "A, B, and C"; %NULL when none is known.
 */
char *
mg_document_metadata_dup_authors (const MgDocumentMetadata *self)
{
  GString *out;
  guint    n;

  if (self == NULL || self->authors == NULL || self->authors[0] == NULL)
    return NULL;

  n = g_strv_length (self->authors);
  if (n == 1)
    return g_strdup (self->authors[0]);
  if (n == 2)
    /* TRANSLATORS: two authors of a cited article */
    return g_strdup_printf (_ ("%s and %s"), self->authors[0], self->authors[1]);

  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i == n - 1)
        /* TRANSLATORS: before the last of three or more authors */
        g_string_append (out, _ (", and "));
      else if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, self->authors[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * mg_document_metadata_dup_day:
 *
 * Returns: (nullable): the publication date without its time: "2024-03-05"
 *   of "2024-03-05T09:30:00+01:00" or "2024/03/05"; a date in any other
 *   form as given.
 */
char *
mg_document_metadata_dup_day (const MgDocumentMetadata *self)
{
  const char *d;

  if (self == NULL || self->date == NULL)
    return NULL;

  /* "2024-03-05T09:30:00+01:00", or "2024/03/05" as citation_date has
   * it. */
  d = self->date;
  if (strlen (d) >= 10 && g_ascii_isdigit (d[0]) && g_ascii_isdigit (d[1]) && g_ascii_isdigit (d[2]) && g_ascii_isdigit (d[3]) && (d[4] == '-' || d[4] == '/') && g_ascii_isdigit (d[5]) && g_ascii_isdigit (d[6]) && d[7] == d[4] && g_ascii_isdigit (d[8]) && g_ascii_isdigit (d[9]))
    return g_strdup_printf ("%.4s-%.2s-%.2s", d, d + 5, d + 8);

  return g_strdup (d);
}

/* The separators that put a site's name before or after a page's title
 * in its <title>. */
static const char *const title_separators[] = { " | ", " – ", " — ", " - ", " :: ", " · ", " » ", NULL };

static guint
count_words (const char *text,
             gsize       len)
{
  guint    n = 0;
  gboolean in_word = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      gboolean space = g_ascii_isspace (text[i]);

      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

/**
 * mg_document_metadata_strip_site:
 * @title: a page's <title> (white space collapsed)
 * @site_name: (inout) (nullable): the site's name if known; else set to the
 *   one the title gives, if any
 * @guess: whether to take a short last part for the site's name
 *
 * Removes the site's name from a title such as "Article – Site Name" or
 * "Site Name | Article": the known name at either end, else (if @guess) a
 * short last part (four words at most) after the last separator, which is then the
 * site's name if none was known.
 *
 * Returns: the title alone.
 */
char *
mg_document_metadata_strip_site (const char *title,
                                 char      **site_name,
                                 gboolean    guess)
{
  gsize       len;
  const char *best = NULL;
  const char *best_sep = NULL;

  g_return_val_if_fail (title != NULL, NULL);

  len = strlen (title);
  for (guint i = 0; title_separators[i] != NULL; i++)
    {
      const char *sep = title_separators[i];
      gsize       sep_len = strlen (sep);
      const char *p;

      if (site_name != NULL && *site_name != NULL)
        {
          gsize site_len = strlen (*site_name);

          if (len > site_len + sep_len && strcmp (title + len - site_len, *site_name) == 0 && strncmp (title + len - site_len - sep_len, sep, sep_len) == 0)
            return g_strndup (title, len - site_len - sep_len);
          if (len > site_len + sep_len && strncmp (title, *site_name, site_len) == 0 && strncmp (title + site_len, sep, sep_len) == 0)
            return g_strdup (title + site_len + sep_len);
        }

      for (p = strstr (title, sep); p != NULL; p = strstr (p + 1, sep))
        if (best == NULL || p > best)
          {
            best = p;
            best_sep = sep;
          }
    }

  if (guess && best != NULL && best > title)
    {
      const char *site = best + strlen (best_sep);
      guint       site_words = count_words (site, strlen (site));

      if (site_words > 0 && site_words <= 4)
        {
          if (site_name != NULL && *site_name == NULL)
            *site_name = g_strdup (site);
          return g_strndup (title, best - title);
        }
    }

  return g_strdup (title);
}

/* Front matter: simple "key: value" lines, and lists of authors either
 * inline ("[A, B]") or as "- A" lines under the key. */

static gboolean
is_yaml_key_line (const char *line,
                  gsize       len)
{
  gsize i = 0;

  if (len == 0 || !(g_ascii_isalpha (line[0]) || line[0] == '_'))
    return FALSE;

  while (i < len && (g_ascii_isalnum (line[i]) || line[i] == '_' || line[i] == '-' || line[i] == ' '))
    i++;

  return i < len && line[i] == ':' && (i + 1 == len || line[i + 1] == ' ');
}

static char *
yaml_scalar (const char *value,
             gsize       len)
{
  g_autofree char *copy = g_strstrip (g_strndup (value, len));
  gsize            n = strlen (copy);

  if (n >= 2 && (copy[0] == '"' || copy[0] == '\'') && copy[n - 1] == copy[0])
    {
      copy[n - 1] = '\0';
      return mg_collapse_whitespace (copy + 1);
    }

  return mg_collapse_whitespace (copy);
}

static void
add_yaml_authors (MgDocumentMetadata *metadata,
                  const char         *value)
{
  gsize n = strlen (value);

  if (n >= 2 && value[0] == '[' && value[n - 1] == ']')
    {
      g_autofree char *inner = g_strndup (value + 1, n - 2);
      g_auto (GStrv) parts = g_strsplit (inner, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *name = yaml_scalar (parts[i], strlen (parts[i]));

          mg_document_metadata_add_author (metadata, name);
        }
    }
  else
    {
      mg_document_metadata_add_author (metadata, value);
    }
}

static void
set_if_unset (char      **field,
              const char *value)
{
  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

static void
take_front_matter_value (MgDocumentMetadata *metadata,
                         const char         *key,
                         const char         *value)
{
  if (strcmp (key, "title") == 0)
    set_if_unset (&metadata->title, value);
  else if (strcmp (key, "author") == 0 || strcmp (key, "authors") == 0)
    add_yaml_authors (metadata, value);
  else if (strcmp (key, "site") == 0 || strcmp (key, "site_name") == 0 || strcmp (key, "publisher") == 0 || strcmp (key, "journal") == 0)
    set_if_unset (&metadata->site_name, value);
  else if (strcmp (key, "date") == 0 || strcmp (key, "published") == 0)
    set_if_unset (&metadata->date, value);
  else if (strcmp (key, "url") == 0 || strcmp (key, "canonical_url") == 0 || strcmp (key, "link") == 0)
    set_if_unset (&metadata->url, value);
  else if (strcmp (key, "lang") == 0 || strcmp (key, "language") == 0)
    set_if_unset (&metadata->language, value);
}

/**
 * mg_document_metadata_parse_front_matter:
 * @metadata: (out) (transfer full) (nullable): what the front matter says,
 *   or %NULL when there is none
 *
 * Reads a YAML front matter ("---" lines around "key: value" lines), as
 * Obsidian, Zettlr, Pandoc and static site generators write it.
 *
 * Returns: how many bytes it takes at the start of @text (0: none).
 */
gsize
mg_document_metadata_parse_front_matter (const char          *text,
                                         gsize                len,
                                         MgDocumentMetadata **metadata)
{
  g_autoptr (MgDocumentMetadata) found = NULL;
  g_autofree char *list_key = NULL;
  const char      *end = text + len;
  const char      *line;
  gboolean         has_key = FALSE;

  *metadata = NULL;
  if (len < 4 || strncmp (text, "---\n", 4) != 0)
    return 0;

  found = mg_document_metadata_new ();
  for (line = text + 4; line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *line_end = nl != NULL ? nl : end;
      gsize       n = line_end - line;

      while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;

      if (n == 3 && (strncmp (line, "---", 3) == 0 || strncmp (line, "...", 3) == 0))
        {
          if (!has_key)
            break;
          *metadata = g_steal_pointer (&found);
          return (nl != NULL ? nl + 1 : end) - text;
        }

      if (is_yaml_key_line (line, n))
        {
          const char      *colon = memchr (line, ':', n);
          g_autofree char *key = g_ascii_strdown (line, colon - line);
          g_autofree char *value = yaml_scalar (colon + 1, n - (colon + 1 - line));

          has_key = TRUE;
          g_strstrip (key);
          g_clear_pointer (&list_key, g_free);
          if (value == NULL || *value == '\0')
            list_key = g_steal_pointer (&key);
          else
            take_front_matter_value (found, key, value);
        }
      else if (list_key != NULL)
        {
          gsize i = 0;

          while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
          if (i + 1 < n && line[i] == '-' && line[i + 1] == ' ')
            {
              g_autofree char *value = yaml_scalar (line + i + 2, n - i - 2);

              if (strcmp (list_key, "author") == 0 || strcmp (list_key, "authors") == 0)
                mg_document_metadata_add_author (found, value);
            }
        }

      line = nl != NULL ? nl + 1 : end;
    }

  return 0;
}

/* The title in a Markdown citation: emphasised, so the characters that
 * would end or break the emphasis are escaped. */
static void
append_escaped_inline (GString    *out,
                       const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("\\`*_[]<>#", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

static void
append_part (GString    *out,
             const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append (out, part);
}

/**
 * mg_document_metadata_dup_byline:
 * @self: (nullable): the metadata
 *
 * Returns: (nullable): "Author · Site · Date" for under the title, with
 *   what is known; %NULL if nothing is.
 */
char *
mg_document_metadata_dup_byline (const MgDocumentMetadata *self)
{
  g_autofree char *authors = mg_document_metadata_dup_authors (self);
  g_autofree char *day = mg_document_metadata_dup_day (self);
  const char      *parts[3];
  GString         *out = g_string_new (NULL);

  parts[0] = authors;
  parts[1] = self != NULL ? self->site_name : NULL;
  parts[2] = day;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL && *parts[i] != '\0')
      {
        if (out->len > 0)
          g_string_append (out, " · ");
        g_string_append (out, parts[i]);
      }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * mg_document_metadata_format_citation:
 * @self: (nullable): the metadata
 * @title: (nullable): the title to use when @self has none (the
 *   document's)
 *
 * Returns: "Author, *Title*, Site, Date, URL", leaving out what is not
 *   known; an empty string if nothing is.
 */
char *
mg_document_metadata_format_citation (const MgDocumentMetadata *self,
                                      const char               *title)
{
  g_autofree char *authors = mg_document_metadata_dup_authors (self);
  g_autofree char *day = mg_document_metadata_dup_day (self);
  GString         *out = g_string_new (NULL);

  if (self != NULL && self->title != NULL)
    title = self->title;

  append_part (out, authors);
  if (title != NULL && *title != '\0')
    {
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_c (out, '*');
      append_escaped_inline (out, title);
      g_string_append_c (out, '*');
    }
  if (self != NULL)
    append_part (out, self->site_name);
  append_part (out, day);
  if (self != NULL)
    append_part (out, self->url);

  return g_string_free (out, FALSE);
}

/**
 * mg_document_metadata_format_quote:
 * @self: (nullable): the metadata
 * @title: (nullable): the title to use when @self has none
 * @passage: the quoted text
 *
 * Returns: @passage as a Markdown blockquote (escaped as in the export),
 *   a blank line, and the citation, for Copy with Citation.
 */
char *
mg_document_metadata_format_quote (const MgDocumentMetadata *self,
                                   const char               *title,
                                   const char               *passage)
{
  g_autofree char *citation = mg_document_metadata_format_citation (self, title);
  GString         *out = g_string_new (NULL);

  g_return_val_if_fail (passage != NULL, NULL);

  mg_export_append_blockquote (out, passage);
  if (*citation != '\0')
    {
      g_string_append_c (out, '\n');
      g_string_append (out, citation);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
