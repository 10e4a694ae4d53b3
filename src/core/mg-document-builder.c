/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-builder"

#include "config.h"

#include <string.h>

#include "mg-document-builder.h"

/*
 * The document builder: writes the text a reader sees and records its
 * spans of structure (headings, emphasis, quotes, list items, links) in
 * code points of that text. Both renderers (mg-markdown-renderer.c and
 * mg-html-renderer.c) write through it, so Markdown and HTML come out
 * the same way; links are resolved here too.
 *
 * Both renderers write through these calls. Text and breaks are written
 * lazily: a block asks for a line break, and the break is written only
 * when content follows, so empty blocks leave nothing and the text never
 * ends with a newline. Collapsed white space is owed the same way, so it
 * never ends a line. A span starts at the first content written after it
 * opens (after any owed break or space), and ends where the content ends,
 * so spans never hold the white space around them; a span that got no
 * content is not recorded.
 */

/* What a rule (<hr>, "***") shows as: a line of its own, which the view can
 * center or replace by a drawn line through the MG_SPAN_RULE span. */
#define RULE_TEXT "* * *"

typedef struct
{
  MgSpanKind kind;
  guint      level;
  char      *url;
  gboolean   started;
  gsize      start_byte;
  guint      start_char;
} OpenSpan;

typedef struct
{
  gboolean ordered;
  int      number;
  char     delimiter;
} ListContext;

/* Collapses runs of white space to one space and trims both ends, as a
 * browser shows a title. */
char *
mg_collapse_whitespace (const char *str)
{
  GString    *out;
  gboolean    space = FALSE;
  const char *p;

  if (str == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (p = str; *p != '\0'; p++)
    {
      if (mg_is_html_space (*p))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

void
mg_document_builder_init (MgDocumentBuilder *self,
                          gsize              size_hint)
{
  memset (self, 0, sizeof *self);
  self->text = g_string_sized_new (size_hint);
  self->open = g_array_new (FALSE, FALSE, sizeof (OpenSpan));
  self->spans = g_array_new (FALSE, FALSE, sizeof (MgSpan));
  self->headings = g_array_new (FALSE, FALSE, sizeof (MgHeading));
  self->strings = g_string_chunk_new (16384);
  self->lists = g_array_new (FALSE, FALSE, sizeof (ListContext));
}

void
mg_document_builder_clear (MgDocumentBuilder *self)
{
  for (guint i = 0; i < self->open->len; i++)
    g_free (g_array_index (self->open, OpenSpan, i).url);

  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_array_unref (self->open);
  g_array_unref (self->spans);
  g_array_unref (self->headings);
  g_string_chunk_free (self->strings);
  g_array_unref (self->lists);
}

/* Writes what is owed before content: line breaks or a separator, then
 * starts the spans that are waiting for content. */
static void
builder_flush (MgDocumentBuilder *self)
{
  if (self->pending_breaks > 0)
    {
      if (self->text->len > 0)
        {
          for (guint i = 0; i < self->pending_breaks; i++)
            g_string_append_c (self->text, '\n');
          self->n_chars += self->pending_breaks;
          self->line = MG_BUILDER_LINE_EMPTY;
        }
      self->pending_breaks = 0;
      self->pending_separator = 0;
    }

  if (self->pending_separator != 0)
    {
      if (self->line == MG_BUILDER_LINE_CONTENT)
        {
          g_string_append_c (self->text, self->pending_separator);
          self->n_chars++;
        }
      self->pending_separator = 0;
    }

  /* Spans waiting for content are always the innermost ones. */
  for (guint i = self->open->len; i > 0; i--)
    {
      OpenSpan *span = &g_array_index (self->open, OpenSpan, i - 1);

      if (span->started)
        break;
      span->started = TRUE;
      span->start_byte = self->text->len;
      span->start_char = self->n_chars;
    }
}

void
mg_document_builder_append_content (MgDocumentBuilder *self,
                                    const char        *str,
                                    gsize              len)
{
  if (len == 0)
    return;

  builder_flush (self);
  g_string_append_len (self->text, str, len);
  self->n_chars += g_utf8_strlen (str, len);
  self->line = MG_BUILDER_LINE_CONTENT;
}

/* Text that closes something (a closing quotation mark): white space
 * before it is dropped, as it would be at the end of a line. */
void
mg_document_builder_append_closing (MgDocumentBuilder *self,
                                    const char        *str)
{
  if (self->pending_breaks == 0)
    self->pending_separator = 0;
  mg_document_builder_append_content (self, str, strlen (str));
}

void
mg_document_builder_append_prefix (MgDocumentBuilder *self,
                                   const char        *str)
{
  builder_flush (self);
  g_string_append (self->text, str);
  self->n_chars += g_utf8_strlen (str, -1);
  self->line = MG_BUILDER_LINE_PREFIX;
}

/* A block starts or ends: the next content goes on a new line. Right after
 * a bullet, the first block of the item stays on the bullet's line. */
void
mg_document_builder_request_break (MgDocumentBuilder *self)
{
  if (self->line == MG_BUILDER_LINE_CONTENT)
    self->pending_breaks = MAX (self->pending_breaks, 1);
}

/* A hard line break (<br>, a Markdown backslash break). Two in a row make
 * an empty line; more do not add to it. */
void
mg_document_builder_line_break (MgDocumentBuilder *self)
{
  if (self->text->len > 0)
    self->pending_breaks = MIN (self->pending_breaks + 1, 2);
}

/* A hard line break inside preformatted text is one more line; elsewhere
 * it is mg_document_builder_line_break(). */
void
mg_document_builder_hard_break (MgDocumentBuilder *self)
{
  if (self->pre_depth > 0)
    self->pending_breaks++;
  else
    mg_document_builder_line_break (self);
}

/* A table cell after another on the same line is set off by a tab. */
void
mg_document_builder_cell (MgDocumentBuilder *self)
{
  if (self->pending_breaks == 0 && self->line == MG_BUILDER_LINE_CONTENT)
    self->pending_separator = '\t';
}

gboolean
mg_document_builder_in_preformatted (MgDocumentBuilder *self)
{
  return self->pre_depth > 0;
}

gboolean
mg_document_builder_is_empty (MgDocumentBuilder *self)
{
  return self->text->len == 0;
}

/* Forgets owed breaks and spaces, for a renderer that starts over. */
void
mg_document_builder_drop_pending (MgDocumentBuilder *self)
{
  self->pending_breaks = 0;
  self->pending_separator = 0;
}

/* Preformatted text: white space kept, each line ending a line break. The
 * source has "\n" endings, but a character reference (&#13;) can still
 * bring a carriage return: CR and CRLF are line endings too. */
void
mg_document_builder_append_preformatted (MgDocumentBuilder *self,
                                         const char        *str,
                                         gsize              len)
{
  const char *p = str;
  const char *end = str + len;

  while (p < end)
    {
      const char *eol = p;

      while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
      mg_document_builder_append_content (self, p, eol - p);
      if (eol == end)
        break;
      if (self->text->len > 0)
        self->pending_breaks++;
      p = eol + 1;
      if (*eol == '\r' && p < end && *p == '\n')
        p++;
    }
}

/* Inline text, white space collapsed as a browser does outside <pre>. */
void
mg_document_builder_append_text (MgDocumentBuilder *self,
                                 const char        *str,
                                 gsize              len)
{
  const char *p = str;
  const char *end = str + len;

  if (self->pre_depth > 0)
    {
      /* A newline right after <pre> is not part of its content. */
      if (self->pre_fresh && len > 0 && *str == '\n')
        {
          p++;
          len--;
        }
      self->pre_fresh = FALSE;
      mg_document_builder_append_preformatted (self, p, len);
      return;
    }

  while (p < end)
    {
      const char *q = p;

      if (mg_is_html_space (*p))
        {
          while (q < end && mg_is_html_space (*q))
            q++;
          if (self->line == MG_BUILDER_LINE_CONTENT && self->pending_separator == 0)
            self->pending_separator = ' ';
        }
      else
        {
          while (q < end && !mg_is_html_space (*q))
            q++;
          mg_document_builder_append_content (self, p, q - p);
        }
      p = q;
    }
}

void
mg_document_builder_open (MgDocumentBuilder *self,
                          MgSpanKind         kind,
                          guint              level,
                          const char        *url)
{
  OpenSpan span = { 0 };

  /* Beyond the deepest nesting a reader can follow, structure is
   * flattened into the span at that depth: a hostile document nesting
   * 100,000 quotes or lists gives 32 spans, not 100,000 the view would
   * have to lay out one inside the other. Opens and closes come in pairs,
   * so a count is enough to skip the matching closes. */
  if (self->open->len >= MG_DOCUMENT_MAX_DEPTH)
    {
      self->n_flattened++;
      return;
    }

  span.kind = kind;
  span.level = level;
  span.url = g_strdup (url);
  g_array_append_val (self->open, span);
}

void
mg_document_builder_close (MgDocumentBuilder *self)
{
  OpenSpan *open;

  if (self->n_flattened > 0)
    {
      self->n_flattened--;
      return;
    }

  g_assert (self->open->len > 0);

  open = &g_array_index (self->open, OpenSpan, self->open->len - 1);

  /* Links without a usable target are kept as text only. */
  if (open->started && open->start_char < self->n_chars && (open->kind != MG_SPAN_LINK || open->url != NULL))
    {
      MgSpan span;

      span.start = open->start_char;
      span.end = self->n_chars;
      span.kind = open->kind;
      span.level = open->level;
      span.url = open->url != NULL ? g_string_chunk_insert_const (self->strings, open->url) : NULL;
      g_array_append_val (self->spans, span);

      if (open->kind == MG_SPAN_HEADING)
        {
          g_autofree char *raw = g_strndup (self->text->str + open->start_byte,
                                            self->text->len - open->start_byte);
          g_autofree char *text = mg_collapse_whitespace (raw);
          MgHeading        heading;

          heading.text = g_string_chunk_insert (self->strings, text != NULL ? text : "");
          heading.level = open->level;
          heading.start = span.start;
          heading.end = span.end;
          g_array_append_val (self->headings, heading);
        }
    }

  g_free (open->url);
  g_array_set_size (self->open, self->open->len - 1);
}

void
mg_document_builder_begin_block (MgDocumentBuilder *self)
{
  mg_document_builder_request_break (self);
}

void
mg_document_builder_end_block (MgDocumentBuilder *self)
{
  mg_document_builder_request_break (self);
}

void
mg_document_builder_begin_heading (MgDocumentBuilder *self,
                                   guint              level)
{
  mg_document_builder_request_break (self);
  mg_document_builder_open (self, MG_SPAN_HEADING, CLAMP (level, 1, 6), NULL);
}

void
mg_document_builder_end_heading (MgDocumentBuilder *self)
{
  mg_document_builder_close (self);
  mg_document_builder_request_break (self);
}

void
mg_document_builder_begin_quote (MgDocumentBuilder *self)
{
  mg_document_builder_request_break (self);
  self->quote_depth++;
  mg_document_builder_open (self, MG_SPAN_BLOCK_QUOTE, MIN (self->quote_depth, MG_DOCUMENT_MAX_DEPTH), NULL);
}

void
mg_document_builder_end_quote (MgDocumentBuilder *self)
{
  mg_document_builder_close (self);
  self->quote_depth--;
  mg_document_builder_request_break (self);
}

void
mg_document_builder_begin_code_block (MgDocumentBuilder *self)
{
  mg_document_builder_request_break (self);
  mg_document_builder_open (self, MG_SPAN_CODE_BLOCK, 0, NULL);
  self->pre_depth++;
  self->pre_fresh = TRUE;
}

void
mg_document_builder_end_code_block (MgDocumentBuilder *self)
{
  self->pre_depth--;
  mg_document_builder_close (self);
  /* Newlines at the end of the block are not part of it. */
  self->pending_breaks = 0;
  mg_document_builder_request_break (self);
}

void
mg_document_builder_begin_list (MgDocumentBuilder *self,
                                gboolean           ordered,
                                int                start,
                                char               delimiter)
{
  ListContext list;

  list.ordered = ordered;
  list.number = start;
  list.delimiter = delimiter;
  g_array_append_val (self->lists, list);
  mg_document_builder_request_break (self);
}

void
mg_document_builder_end_list (MgDocumentBuilder *self)
{
  g_assert (self->lists->len > 0);

  g_array_set_size (self->lists, self->lists->len - 1);
  mg_document_builder_request_break (self);
}

/* A list item: its bullet or number is text, so that it shows in the plain
 * text and in copies; the span starts at the bullet, its level is the depth
 * of the list, for the view's indentation. @value, when positive, sets the
 * item's number (<li value>). */
void
mg_document_builder_begin_item (MgDocumentBuilder *self,
                                int                value)
{
  static const char *const bullets[] = { "\u2022 ", "\u25E6 ", "\u25AA " };
  guint                    depth = CLAMP (self->lists->len, 1, MG_DOCUMENT_MAX_DEPTH);

  mg_document_builder_request_break (self);
  mg_document_builder_open (self, MG_SPAN_LIST_ITEM, depth, NULL);

  /* An item flattened into its ancestor gets no bullet either, so that
   * 100,000 nested items do not make a line of 100,000 bullets. */
  if (self->n_flattened > 0)
    return;

  if (self->lists->len > 0 && g_array_index (self->lists, ListContext, self->lists->len - 1).ordered)
    {
      ListContext     *list = &g_array_index (self->lists, ListContext, self->lists->len - 1);
      g_autofree char *number = NULL;

      if (value > 0)
        list->number = value;
      number = g_strdup_printf ("%d%c ", list->number, list->delimiter);
      list->number++;
      mg_document_builder_append_prefix (self, number);
    }
  else
    {
      mg_document_builder_append_prefix (self, bullets[MIN (depth, G_N_ELEMENTS (bullets)) - 1]);
    }
}

void
mg_document_builder_end_item (MgDocumentBuilder *self)
{
  mg_document_builder_close (self);
  if (self->line != MG_BUILDER_LINE_EMPTY)
    self->pending_breaks = MAX (self->pending_breaks, 1);
}

void
mg_document_builder_rule (MgDocumentBuilder *self)
{
  mg_document_builder_request_break (self);
  mg_document_builder_open (self, MG_SPAN_RULE, 0, NULL);
  mg_document_builder_append_content (self, RULE_TEXT, strlen (RULE_TEXT));
  mg_document_builder_close (self);
  mg_document_builder_request_break (self);
}

/* The title a document gives itself: its first level-one heading, or
 * failing that its first heading. */
char *
mg_document_builder_dup_heading_title (MgDocumentBuilder *self)
{
  const MgHeading *first = NULL;

  for (guint i = 0; i < self->headings->len; i++)
    {
      const MgHeading *heading = &g_array_index (self->headings, MgHeading, i);

      if (*heading->text == '\0')
        continue;
      if (heading->level == 1)
        return g_strdup (heading->text);
      if (first == NULL)
        first = heading;
    }

  return first != NULL ? g_strdup (first->text) : NULL;
}

/* Ends the text as mg_document_normalize_text() ends a plain text (no
 * trailing blank lines; only a preformatted block can leave some) and hands
 * the spans and headings, cut to the final text, to a new structure. The
 * text is handed over in @text and @len; only mg_document_builder_clear()
 * may follow. */
MgDocumentStructure *
mg_document_builder_finish (MgDocumentBuilder *self,
                            char             **text,
                            gsize             *len)
{
  MgDocumentStructure *structure = mg_document_structure_new ();
  gsize                keep = self->text->len;
  const char          *nl;

  g_assert (self->open->len == 0);

  while (keep > 0 && g_ascii_isspace (self->text->str[keep - 1]))
    keep--;
  nl = memchr (self->text->str + keep, '\n', self->text->len - keep);
  if (nl != NULL)
    {
      /* Only ASCII white space is cut: one byte, one code point. */
      self->n_chars -= self->text->len - (nl - self->text->str);
      g_string_truncate (self->text, nl - self->text->str);
    }

  for (guint i = 0; i < self->spans->len; i++)
    {
      const MgSpan *span = &g_array_index (self->spans, MgSpan, i);
      guint         end = MIN (span->end, self->n_chars);

      if (span->start < end)
        mg_document_structure_add_span (structure, span->kind, span->start, end, span->level, span->url);
    }

  for (guint i = 0; i < self->headings->len; i++)
    {
      const MgHeading *heading = &g_array_index (self->headings, MgHeading, i);
      guint            end = MIN (heading->end, self->n_chars);

      if (heading->start < end)
        mg_document_structure_add_heading (structure, heading->level, heading->start, end, heading->text);
    }

  *len = self->text->len;
  *text = g_string_free (g_steal_pointer (&self->text), FALSE);

  return structure;
}

/* Links ------------------------------------------------------------------- */

/* Whether g_uri_resolve_relative() can take @base and @ref. In GLib 2.74
 * it fails with a critical, not an error, when the result cannot be
 * written back (a path starting with "//" and no authority): it only gets
 * a base with an authority and an absolute path (every file:// and
 * http(s):// URI), and a well-formed relative reference. */
static gboolean
can_resolve (const char *base,
             const char *ref)
{
  g_autoptr (GUri) uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  const char *path;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;

  path = g_uri_get_path (uri);
  if (*path != '\0' && *path != '/')
    return FALSE;

  return g_uri_split (ref, G_URI_FLAGS_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* The target of a link, made absolute against @base when it is relative.
 * Script and data URLs, and "#" alone (a button in disguise), are no
 * targets: the text stays, without a link. */
char *
mg_resolve_link (const char *base,
                 const char *href)
{
  g_autofree char *target = NULL;
  g_autofree char *escaped = NULL;
  const char      *scheme;
  char            *resolved;

  if (href == NULL)
    return NULL;

  target = g_strstrip (g_strdup (href));
  if (*target == '\0' || strcmp (target, "#") == 0)
    return NULL;

  scheme = g_uri_peek_scheme (target);
  if (scheme != NULL)
    {
      if (strcmp (scheme, "javascript") == 0 || strcmp (scheme, "vbscript") == 0 || strcmp (scheme, "data") == 0)
        return NULL;
      return g_steal_pointer (&target);
    }

  /* Spaces and non-ASCII characters, which pages and notes write as they
   * are, are escaped: "my notes.md" is "my%20notes.md". */
  escaped = g_uri_escape_string (target,
                                 G_URI_RESERVED_CHARS_GENERIC_DELIMITERS G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS "%",
                                 FALSE);
  if (base == NULL || !can_resolve (base, escaped))
    return g_steal_pointer (&target);

  resolved = g_uri_resolve_relative (base, escaped, G_URI_FLAGS_NONE, NULL);
  return resolved != NULL ? resolved : g_steal_pointer (&target);
}
