/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-export"

#include "config.h"

#include <cmark.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-document-ids.h"
#include "mg-export-private.h"

/*
 * The Markdown export, for a notebook (Obsidian, Zettlr, a paper draft):
 * a YAML front matter, then one entry per annotation in document order
 * (mg-export.c chooses and orders them).
 *
 * How a passage is quoted in Markdown, so that a CommonMark renderer shows
 * exactly its characters (see mg_export_append_blockquote()):
 *
 * - Lines. The passage is cut at each "\n". Between two lines that hold
 *   something, one "\n" is a hard line break (a "\" at the end of the
 *   source line) and a run of k >= 2 is a paragraph break (a ">" line)
 *   followed by k - 2 "&#10;" at the start of the next paragraph. A run at
 *   the very start or end of the passage is written as "&#10;" each. Every
 *   source line starts with "> ", so nothing falls out of the quote. A
 *   renderer's text is then: text, each line break as "\n", and "\n\n"
 *   between paragraphs.
 * - White space at either end of a line (which a parser strips, and which
 *   would make indented code or a hard break) is written as a numeric
 *   character reference ("&#32;"), as is every "\r" (a line ending).
 *   CommonMark decodes a numeric reference to its character in the text
 *   (only U+0000 becomes U+FFFD, and no document holds one).
 * - ASCII punctuation with a meaning anywhere in a line is escaped with a
 *   backslash, which CommonMark defines for every ASCII punctuation
 *   character: \ ` * _ [ ] < > # | ~ ^ $ always; "&" before a letter, digit
 *   or "#" (a character reference); "=" and "%" next to another one or, for
 *   "=", at the start of a line (Obsidian's ==highlight== and %%comment%%,
 *   setext underlines); "@" at the start of a word (pandoc citations).
 * - At the start of a line, what would open a block: "-" and "+" (lists,
 *   thematic breaks, setext underlines), and the "." or ")" after leading
 *   digits (ordered lists). "#", ">", "*", "_", "`", "~", "<", "[", "|"
 *   and "=" are already escaped, and leading white space is a reference.
 *
 * With every character that could start an inline construct escaped, the
 * inline parser sees only text, escapes, references and line breaks; with
 * every line starting with something that opens no block, the block parser
 * sees one paragraph per run of lines. "!" needs no escape: an image needs
 * a "[" after it, and every "[" is escaped.
 */

enum
{
  PLAIN = 0,
  ALWAYS,      /* escaped wherever it is */
  AMPERSAND,   /* before a letter, a digit or "#" */
  DOUBLED,     /* next to another one ("=" also at the start of a line) */
  AT,          /* at the start of a word */
  LINE_ENDING, /* "\r": always a reference */
};

static const guint8 special_bytes[256] = {
  ['\\'] = ALWAYS,
  ['`'] = ALWAYS,
  ['*'] = ALWAYS,
  ['_'] = ALWAYS,
  ['['] = ALWAYS,
  [']'] = ALWAYS,
  ['<'] = ALWAYS,
  ['>'] = ALWAYS,
  ['#'] = ALWAYS,
  ['|'] = ALWAYS,
  ['~'] = ALWAYS,
  ['^'] = ALWAYS,
  ['$'] = ALWAYS,
  ['&'] = AMPERSAND,
  ['='] = DOUBLED,
  ['%'] = DOUBLED,
  ['@'] = AT,
  ['\r'] = LINE_ENDING,
};

/* White space that a Markdown parser may strip at the ends of a line: all
 * of Unicode's, as some parsers (markdown-it) trim with JavaScript's
 * rules, and U+000B and U+FEFF, which cmark or JavaScript also trim (and
 * GLib does not count as space). */
static inline gboolean
is_edge_space (gunichar c)
{
  return g_unichar_isspace (c) || c == '\v' || c == 0xFEFF;
}

static void
append_reference (GString *out,
                  gunichar c)
{
  char buf[16];
  int  len = g_snprintf (buf, sizeof buf, "&#%u;", (guint) c);

  g_string_append_len (out, buf, len);
}

/* Whether @byte could be part of a word before an "@": an ASCII letter or
 * digit, or any byte of a non-ASCII character. */
static inline gboolean
is_word_byte (guchar byte)
{
  return g_ascii_isalnum (byte) || byte >= 0x80;
}

/* Appends one line of text (no "\n" in it) so that it shows as exactly its
 * characters, wherever it stands in a paragraph. */
static void
append_escaped_line (GString    *out,
                     const char *line,
                     gsize       len)
{
  const char *end = line + len;
  const char *body = line;
  const char *body_end = end;
  const char *marker = NULL; /* a byte that would open a block */
  const char *run;
  const char *p;
  gunichar    first;
  gunichar    last = 0;

  if (len == 0)
    return;

  first = g_utf8_get_char (line);
  if (is_edge_space (first))
    {
      append_reference (out, first);
      body = g_utf8_next_char (line);
    }

  if (body < end)
    {
      const char *prev = g_utf8_find_prev_char (body, end);

      if (prev == NULL)
        prev = body;
      last = g_utf8_get_char (prev);
      if (is_edge_space (last))
        body_end = prev;
    }

  /* What would open a block at the start of the line. The leading white
   * space, if any, is a reference already, so this is the first byte. */
  if (body == line && body < body_end)
    {
      if (*body == '-' || *body == '+')
        {
          marker = body;
        }
      else if (g_ascii_isdigit (*body))
        {
          const char *q = body;

          while (q < body_end && g_ascii_isdigit (*q))
            q++;
          if (q < body_end && (*q == '.' || *q == ')'))
            marker = q;
        }
    }

  run = body;
  for (p = body; p < body_end; p++)
    {
      guchar   byte = (guchar) *p;
      gboolean escape;

      if (special_bytes[byte] == PLAIN && p != marker)
        continue;

      switch (special_bytes[byte])
        {
        case ALWAYS:
          escape = TRUE;
          break;

        case AMPERSAND:
          escape = p + 1 < body_end && (g_ascii_isalnum (p[1]) || p[1] == '#');
          break;

        case DOUBLED:
          escape = (p > body && p[-1] == *p) || (p + 1 < body_end && p[1] == *p) || (*p == '=' && p == line);
          break;

        case AT:
          escape = p == body || !is_word_byte ((guchar) p[-1]);
          break;

        case LINE_ENDING:
          g_string_append_len (out, run, p - run);
          append_reference (out, '\r');
          run = p + 1;
          continue;

        case PLAIN:
        default:
          escape = p == marker;
          break;
        }

      if (!escape)
        continue;

      g_string_append_len (out, run, p - run);
      g_string_append_c (out, '\\');
      run = p;
    }
  g_string_append_len (out, run, body_end - run);

  if (body_end < end)
    append_reference (out, last);
}

/* The same, for text inside a line of our own (a heading, a label):
 * line breaks in it become spaces. */
static void
append_escaped_inline (GString    *out,
                       const char *text)
{
  const char *p = text;

  for (;;)
    {
      const char *nl = strchr (p, '\n');

      if (nl == NULL)
        {
          append_escaped_line (out, p, strlen (p));
          return;
        }
      append_escaped_line (out, p, nl - p);
      g_string_append_c (out, ' ');
      p = nl + 1;
    }
}

static void
append_newline_references (GString *out,
                           gsize    n)
{
  while (n-- > 0)
    g_string_append (out, "&#10;");
}

/**
 * mg_export_append_blockquote:
 * @out: where to append
 * @text: the passage, UTF-8
 *
 * Appends @text as a Markdown blockquote, every line of which starts with
 * "> ", and which a CommonMark renderer shows as exactly the characters of
 * @text: its text nodes, with each line break as "\n" and "\n\n" between
 * its paragraphs, are @text. A single "\n" becomes a hard line break, a
 * blank line a paragraph break; white space at the ends of lines and "\r"
 * become character references; Markdown punctuation is escaped. The
 * blockquote ends with a newline; a blank line must follow it before
 * anything else, or a paragraph would continue it.
 */
void
mg_export_append_blockquote (GString    *out,
                             const char *text)
{
  const char *p;
  gsize       owed = 0; /* newlines to write as references at the next line */

  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL);

  p = text;
  while (*p == '\n')
    {
      owed++;
      p++;
    }

  g_string_append (out, "> ");
  if (*p == '\0')
    {
      append_newline_references (out, owed);
      g_string_append_c (out, '\n');
      return;
    }

  for (;;)
    {
      const char *nl = strchr (p, '\n');
      gsize       k = 0;

      append_newline_references (out, owed);
      owed = 0;

      if (nl == NULL)
        {
          append_escaped_line (out, p, strlen (p));
          g_string_append_c (out, '\n');
          return;
        }

      append_escaped_line (out, p, nl - p);
      for (p = nl; *p == '\n'; p++)
        k++;

      if (*p == '\0')
        {
          /* Newlines at the very end: there is no line to break to. */
          append_newline_references (out, k);
          g_string_append_c (out, '\n');
          return;
        }

      if (k == 1)
        {
          g_string_append (out, "\\\n> ");
        }
      else
        {
          g_string_append (out, "\n>\n> ");
          owed = k - 2;
        }
    }
}

/* A YAML double-quoted scalar: valid whatever @str holds. Escaped are the
 * quote and backslash, the characters that YAML does not allow in a
 * stream (C0 and C1 controls, DEL, U+FEFF, U+FFFE, U+FFFF) and its line
 * breaks (U+0085, U+2028, U+2029). */
static void
append_yaml_string (GString    *out,
                    const char *str)
{
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case 0x85:
          g_string_append (out, "\\N");
          break;
        case 0x2028:
          g_string_append (out, "\\L");
          break;
        case 0x2029:
          g_string_append (out, "\\P");
          break;
        case 0xFEFF:
        case 0xFFFE:
        case 0xFFFF:
          g_string_append_printf (out, "\\u%04X", (guint) c);
          break;
        default:
          if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
            g_string_append_printf (out, "\\x%02X", (guint) c);
          else
            g_string_append_unichar (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static inline gboolean
is_tag_letter (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/**
 * mg_export_tag_name:
 * @tag: a tag as the user wrote it
 *
 * The tag as a Markdown `#tag` that Obsidian and Zettlr recognise and that
 * CommonMark shows as written: letters (of any script), digits and
 * combining marks are kept; "/" (nested tags) is kept between words; "_"
 * is kept between letters or digits, where it cannot start or end
 * emphasis; every other run of characters (spaces, punctuation, symbols)
 * becomes one "-". A tag without any letter gets "tag-" before it, as
 * Obsidian needs one that is not a digit.
 *
 * Returns: (transfer full) (nullable): the name without "#", or %NULL
 *   when nothing of @tag can be kept
 */
char *
mg_export_tag_name (const char *tag)
{
  g_autofree gunichar *chars = NULL;
  glong                n = 0;
  GString             *out;
  gboolean             pending_dash = FALSE;
  gboolean             has_letter = FALSE;
  glong                i;

  g_return_val_if_fail (tag != NULL, NULL);

  chars = g_utf8_to_ucs4_fast (tag, -1, &n);
  out = g_string_sized_new (strlen (tag) + 4);

  for (i = 0; i < n; i++)
    {
      gunichar c = chars[i];

      if (c == '_' && i > 0 && i + 1 < n && is_tag_letter (chars[i - 1]) && is_tag_letter (chars[i + 1]))
        {
          g_string_append_c (out, '_');
        }
      else if (is_tag_letter (c))
        {
          if (pending_dash && out->len > 0 && out->str[out->len - 1] != '/')
            g_string_append_c (out, '-');
          pending_dash = FALSE;
          has_letter |= !g_unichar_isdigit (c);
          g_string_append_unichar (out, c);
        }
      else if (c == '/')
        {
          pending_dash = FALSE;
          if (out->len > 0 && out->str[out->len - 1] != '/')
            g_string_append_c (out, '/');
        }
      else
        {
          pending_dash = TRUE;
        }
    }

  while (out->len > 0 && out->str[out->len - 1] == '/')
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  if (!has_letter)
    g_string_prepend (out, "tag-");

  return g_string_free (out, FALSE);
}

static gboolean
has_uuid_prefix (const char *id)
{
  /* Usually written in lower case: compare that first, it is quicker. */
  return strncmp (id, "urn:uuid:", 9) == 0 || g_ascii_strncasecmp (id, "urn:uuid:", 9) == 0;
}

/**
 * mg_export_block_id:
 * @id: an annotation id
 *
 * The Obsidian block id of an annotation in the Markdown export, the same
 * at every export: "mg-" and the first 8 hex digits of the UUID of a
 * "urn:uuid:" id, or of the SHA-256 of any other id.
 *
 * Returns: (transfer full): the block id, without "^"
 */
char *
mg_export_block_id (const char *id)
{
  g_autofree char *digest = NULL;
  const char      *hex = id;
  char             block_id[sizeof "mg-01234567"];
  guint            i;

  g_return_val_if_fail (id != NULL, NULL);

  if (has_uuid_prefix (hex))
    hex += 9;

  for (i = 0; i < 8; i++)
    {
      if (!g_ascii_isxdigit (hex[i]))
        break;
    }

  if (i < 8)
    hex = digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);

  memcpy (block_id, "mg-", 3);
  for (i = 0; i < 8; i++)
    block_id[3 + i] = g_ascii_tolower (hex[i]);
  block_id[11] = '\0';

  return g_strdup (block_id);
}

/* Eight more hex digits for a block id that two exported annotations
 * share: the next ones of the UUID, or of the id's SHA-256. */
static char *
longer_block_id (const char *id)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  g_autofree char *base = mg_export_block_id (id);
  GString         *hex = g_string_new (NULL);
  const char      *p = id;

  if (has_uuid_prefix (p))
    {
      /* Skip the 8 digits already used, then take the next 8. */
      guint skipped = 0;

      for (p += 9; *p != '\0' && hex->len < 8; p++)
        {
          if (!g_ascii_isxdigit (*p))
            continue;
          if (skipped < 8)
            skipped++;
          else
            g_string_append_c (hex, g_ascii_tolower (*p));
        }
    }

  if (hex->len < 8)
    {
      g_string_truncate (hex, 0);
      g_string_append_len (hex, digest + 8, 8);
    }

  g_string_prepend_c (hex, '-');
  g_string_prepend (hex, base);

  return g_string_free (hex, FALSE);
}

/* Block ids for every item, lengthened where two would be the same. */
static void
assign_block_ids (MgExport *self)
{
  /* By the 32 bits of the 8 hex digits: no string copies. */
  g_autoptr (GHashTable) count = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint i;

  for (i = 0; i < self->items->len; i++)
    {
      MgExportItem *item = &g_array_index (self->items, MgExportItem, i);
      gpointer      key;
      guint         n;

      item->block_id = mg_export_block_id (mg_annotation_get_id (item->annotation));
      key = GUINT_TO_POINTER ((guint) g_ascii_strtoull (item->block_id + 3, NULL, 16));
      n = GPOINTER_TO_UINT (g_hash_table_lookup (count, key));
      g_hash_table_insert (count, key, GUINT_TO_POINTER (n + 1));
    }

  for (i = 0; i < self->items->len; i++)
    {
      MgExportItem *item = &g_array_index (self->items, MgExportItem, i);
      gpointer      key = GUINT_TO_POINTER ((guint) g_ascii_strtoull (item->block_id + 3, NULL, 16));

      if (GPOINTER_TO_UINT (g_hash_table_lookup (count, key)) > 1)
        {
          g_free (item->block_id);
          item->block_id = longer_block_id (mg_annotation_get_id (item->annotation));
        }
    }
}

/*
 * Notes are the user's own Markdown and are written as they are. What must
 * not happen is that one swallows what comes after it: a fenced code block
 * or an HTML block of the kinds that end only at a closing marker runs on
 * to the end of the file when it is left open. A note that could hold one
 * (it has "`", "~" or "<") is parsed with a sentinel paragraph after it;
 * if the sentinel is not a paragraph of its own, the note is closed with
 * the first closing line that makes it one, and failing that it is written
 * as a fenced block of Markdown source.
 */

#define NOTE_SENTINEL "mg-note-sentinel-1f0c"

static gboolean
note_is_closed (const char *note,
                gsize       len)
{
  g_autoptr (GString) doc = g_string_sized_new (len + sizeof NOTE_SENTINEL + 2);
  cmark_node *root;
  cmark_node *last;
  cmark_node *child;
  gboolean    closed = FALSE;

  g_string_append_len (doc, note, len);
  g_string_append (doc, "\n\n" NOTE_SENTINEL "\n");

  root = cmark_parse_document (doc->str, doc->len, CMARK_OPT_DEFAULT);
  last = cmark_node_last_child (root);
  if (last != NULL && cmark_node_get_type (last) == CMARK_NODE_PARAGRAPH)
    {
      child = cmark_node_first_child (last);
      closed = child != NULL && cmark_node_next (child) == NULL && cmark_node_get_type (child) == CMARK_NODE_TEXT && g_strcmp0 (cmark_node_get_literal (child), NOTE_SENTINEL) == 0;
    }
  cmark_node_free (root);

  return closed;
}

static gsize
longest_run (const char *text,
             gsize       len,
             char        c)
{
  gsize longest = 0;
  gsize run = 0;
  gsize i;

  for (i = 0; i < len; i++)
    {
      run = text[i] == c ? run + 1 : 0;
      longest = MAX (longest, run);
    }

  return longest;
}

static void
append_note (GString    *out,
             const char *note)
{
  static const char *const closers[] = {
    "-->",
    "?>",
    ">",
    "]]>",
    "</script>",
    "</pre>",
    "</style>",
    "</textarea>",
  };
  const char *begin = note;
  const char *end = note + strlen (note);
  gsize       len;
  gsize       mark;
  guint       i;

  /* Blank lines before the note and white space after it say nothing. */
  for (const char *p = note; p < end; p++)
    {
      if (*p == '\n')
        begin = p + 1;
      else if (!g_ascii_isspace (*p))
        break;
    }
  while (end > begin && g_ascii_isspace (end[-1]))
    end--;
  len = end - begin;

  if (memchr (begin, '`', len) == NULL && memchr (begin, '~', len) == NULL && memchr (begin, '<', len) == NULL)
    goto as_is;

  if (note_is_closed (begin, len))
    goto as_is;

  /* A fence longer than any run in the note closes any fence it opened. */
  for (i = 0; i < 2; i++)
    {
      char  c = i == 0 ? '`' : '~';
      gsize fence = MAX (3, longest_run (begin, len, c));
      g_autoptr (GString) closed = g_string_new_len (begin, len);

      g_string_append_c (closed, '\n');
      for (gsize k = 0; k < fence; k++)
        g_string_append_c (closed, c);

      if (note_is_closed (closed->str, closed->len))
        {
          g_string_append_len (out, closed->str, closed->len);
          g_string_append_c (out, '\n');
          return;
        }
    }

  for (i = 0; i < G_N_ELEMENTS (closers); i++)
    {
      g_autoptr (GString) closed = g_string_new_len (begin, len);

      g_string_append_c (closed, '\n');
      g_string_append (closed, closers[i]);

      if (note_is_closed (closed->str, closed->len))
        {
          g_string_append_len (out, closed->str, closed->len);
          g_string_append_c (out, '\n');
          return;
        }
    }

  /* The note's source, shown as such: no line of it can close a fence
   * longer than its longest run of backticks. */
  mark = MAX (3, longest_run (begin, len, '`') + 1);
  for (gsize k = 0; k < mark; k++)
    g_string_append_c (out, '`');
  g_string_append (out, "markdown\n");
  g_string_append_len (out, begin, len);
  g_string_append_c (out, '\n');
  for (gsize k = 0; k < mark; k++)
    g_string_append_c (out, '`');
  g_string_append_c (out, '\n');
  return;

as_is:
  g_string_append_len (out, begin, len);
  g_string_append_c (out, '\n');
}

/* "2026-11-30T10:28:37Z": UTC, to the second. */
static char *
format_export_time (const MgExportOptions *options)
{
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) utc = NULL;

  now = options->now != NULL ? g_date_time_ref (options->now) : g_date_time_new_now_utc ();
  utc = g_date_time_to_utc (now);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The #tags of an annotation, each name made once per export. */
static const char *
cached_tag_name (GHashTable *names,
                 const char *tag)
{
  char *name;

  if (g_hash_table_lookup_extended (names, tag, NULL, (gpointer *) &name))
    return name;

  name = mg_export_tag_name (tag);
  g_hash_table_insert (names, g_strdup (tag), name);

  return name;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* What the document says about itself, as Zotero, Obsidian's Web Clipper
 * and Pandoc's citation keys name it: only what is known, so a plain
 * text file's export stays as it was. The address only when it is not
 * the source already (a web page's snapshot). */
static void
append_front_matter_metadata (GString                  *out,
                              const MgDocumentMetadata *metadata,
                              const char               *uri)
{
  g_autofree char *day = NULL;

  if (metadata == NULL)
    return;

  if (metadata->authors != NULL && metadata->authors[0] != NULL)
    {
      g_string_append (out, "\nauthor: [");
      for (guint i = 0; metadata->authors[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          append_yaml_string (out, metadata->authors[i]);
        }
      g_string_append_c (out, ']');
    }
  if (metadata->site_name != NULL)
    {
      g_string_append (out, "\nsite: ");
      append_yaml_string (out, metadata->site_name);
    }
  day = mg_document_metadata_dup_day (metadata);
  if (day != NULL)
    {
      g_string_append (out, "\npublished: ");
      append_yaml_string (out, day);
    }
  if (metadata->url != NULL && g_strcmp0 (metadata->url, uri) != 0)
    {
      g_string_append (out, "\nurl: ");
      append_yaml_string (out, metadata->url);
    }
  if (metadata->language != NULL)
    {
      g_string_append (out, "\nlang: ");
      append_yaml_string (out, metadata->language);
    }
}

static void
append_front_matter (MgExport   *self,
                     GString    *out,
                     GHashTable *tag_names,
                     const char *exported)
{
  g_autoptr (GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  guint i;

  for (i = 0; i < self->items->len; i++)
    {
      MgExportItem      *item = &g_array_index (self->items, MgExportItem, i);
      const char *const *tags = mg_annotation_get_tags (item->annotation);

      for (gsize t = 0; tags[t] != NULL; t++)
        {
          const char *name = cached_tag_name (tag_names, tags[t]);

          if (name != NULL && g_hash_table_add (used, (gpointer) name))
            g_ptr_array_add (sorted, (gpointer) name);
        }
    }
  g_ptr_array_sort (sorted, compare_strings);

  g_string_append (out, "---\ntitle: ");
  append_yaml_string (out, self->title);
  append_front_matter_metadata (out, mg_document_get_metadata (self->document), self->uri);
  g_string_append (out, "\nsource: ");
  append_yaml_string (out, self->uri);
  g_string_append (out, "\nexported: ");
  append_yaml_string (out, exported);
  g_string_append_printf (out, "\nannotations: %u\ntags: [", self->items->len);
  for (i = 0; i < sorted->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_yaml_string (out, g_ptr_array_index (sorted, i));
    }
  g_string_append (out, "]\n---\n\n");
}

/* Appends " · " between the parts of a line of details. */
static void
append_separator (GString  *out,
                  gboolean *first)
{
  if (!*first)
    g_string_append (out, " · ");
  *first = FALSE;
}

/* Where the passage's first character that is not white space is: a
 * passage that starts at the end of a paragraph belongs to the next. */
static guint
first_visible_offset (MgExport           *self,
                      const MgExportItem *item)
{
  guint i;

  for (i = item->start; i < item->end; i++)
    {
      if (!g_unichar_isspace (self->chars[i]))
        return i;
    }

  return item->start;
}

/* @text, a link back to the passage when the document's id is known (a
 * marginalia:// URI: a click in Obsidian or Zettlr opens Marginalia
 * there). */
static void
append_link (MgExport           *self,
             GString            *out,
             const MgExportItem *item,
             const char         *text)
{
  g_autofree char *link = NULL;

  if (self->options->document_id == NULL || !mg_document_id_is_valid (self->options->document_id))
    {
      append_escaped_inline (out, text);
      return;
    }

  link = mg_document_link_new (self->options->document_id, mg_annotation_get_id (item->annotation));
  g_string_append_c (out, '[');
  append_escaped_inline (out, text);
  g_string_append (out, "](");
  g_string_append (out, link);
  g_string_append_c (out, ')');
}

static void
append_entry (MgExport           *self,
              GString            *out,
              const MgExportItem *item,
              GHashTable         *tag_names)
{
  g_autofree char   *passage_copy = NULL;
  const char        *passage = mg_export_item_passage (self, item, &passage_copy);
  const char        *note = mg_annotation_get_note (item->annotation);
  const char *const *tags = mg_annotation_get_tags (item->annotation);
  gboolean           first = TRUE;
  gsize              t;

  mg_export_append_blockquote (out, passage);
  g_string_append (out, "\n^");
  g_string_append (out, item->block_id);
  g_string_append (out, "\n\n");

  if (mg_export_has_note (note))
    {
      append_note (out, note);
      g_string_append_c (out, '\n');
    }

  for (t = 0; tags[t] != NULL; t++)
    {
      const char *name = cached_tag_name (tag_names, tags[t]);

      if (name == NULL)
        continue;
      if (first)
        {
          /* Translators: in a Markdown export, before an annotation's #tags. */
          append_escaped_inline (out, _ ("Tags:"));
          first = FALSE;
        }
      g_string_append (out, " #");
      g_string_append (out, name);
    }

  append_separator (out, &first);
  /* Translators: in a Markdown export, before the colour's name. */
  append_escaped_inline (out, _ ("Color:"));
  g_string_append_c (out, ' ');
  append_escaped_inline (out, mg_color_get_label (mg_annotation_get_color (item->annotation)));

  if (item->state != MG_ANNOTATION_STATE_ORPHANED)
    {
      guint            offset = first_visible_offset (self, item);
      guint            paragraph = mg_export_paragraph_at (self, offset);
      g_autofree char *section = NULL;
      g_autofree char *location = NULL;

      if (self->options->section_func != NULL)
        section = self->options->section_func (self->document, offset, self->options->section_data);
      else
        section = mg_export_heading_at (self->document, offset);

      if (section != NULL && section[0] != '\0')
        /* Translators: a passage's location in a Markdown export: the
         * section (a heading of the document) and the paragraph number. */
        location = g_strdup_printf (_ ("%s, paragraph %u"), section, paragraph);
      else
        /* Translators: a passage's location in a Markdown export. */
        location = g_strdup_printf (_ ("paragraph %u"), paragraph);

      append_separator (out, &first);
      /* Translators: in a Markdown export, before a passage's location. */
      append_escaped_inline (out, _ ("Location:"));
      g_string_append_c (out, ' ');
      append_link (self, out, item, location);
    }
  else if (self->options->document_id != NULL)
    {
      append_separator (out, &first);
      /* Translators: in a Markdown export, a link that opens Marginalia. */
      append_link (self, out, item, _ ("Open in Marginalia"));
    }

  g_string_append (out, "\n\n");
}

/**
 * mg_export_markdown:
 * @document: the annotated #MgDocument
 * @annotations: a #GListModel of #MgAnnotation, anchored in @document
 * @options: (nullable): what to export; %NULL exports everything
 *
 * Exports annotations as Markdown for a notebook. The file starts with a
 * YAML front matter (title, source, exported, annotations, tags), then a
 * heading with the document's title, then one entry per annotation in
 * document order: the passage as a blockquote that a CommonMark renderer
 * shows as exactly the passage, an Obsidian block id (`^mg-…`, the same at
 * every export), the note as written (Markdown), and a line with the
 * #tags, the colour and the location (the paragraph, and the section when
 * @options has a #MgExportSectionFunc). Orphans (passages not in this
 * version of the document) come last, under a heading of their own, each
 * with its stored quote, note, #tags and colour, and no location.
 *
 * Returns: (transfer full): the Markdown text
 */
char *
mg_export_markdown (MgDocument            *document,
                    GListModel            *annotations,
                    const MgExportOptions *options)
{
  g_autoptr (GHashTable) tag_names = NULL;
  g_autofree char *exported = NULL;
  MgExport         self;
  GString         *out;
  gboolean         in_orphans = FALSE;
  guint            i;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (annotations), NULL);

  mg_export_init (&self, document, annotations, options);
  assign_block_ids (&self);
  tag_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  exported = format_export_time (self.options);

  out = g_string_sized_new (4096 + self.items->len * 512);

  append_front_matter (&self, out, tag_names, exported);

  g_string_append (out, "# ");
  append_escaped_inline (out, self.title);
  g_string_append (out, "\n\n");

  if (self.items->len == 0)
    {
      append_escaped_inline (out, _ ("No annotations to export."));
      g_string_append_c (out, '\n');
    }

  for (i = 0; i < self.items->len; i++)
    {
      const MgExportItem *item = &g_array_index (self.items, MgExportItem, i);

      if (item->state == MG_ANNOTATION_STATE_ORPHANED && !in_orphans)
        {
          g_string_append (out, "## ");
          /* Translators: the heading of the annotations of a Markdown export
           * whose passage is no longer in the document. */
          append_escaped_inline (out, _ ("Not found in the document"));
          g_string_append (out, "\n\n");
          /* Translators: under that heading in a Markdown export. */
          append_escaped_inline (out, _ ("The passages of these highlights are not in this version of the document. They are quoted as they were highlighted."));
          g_string_append (out, "\n\n");
          in_orphans = TRUE;
        }

      append_entry (&self, out, item, tag_names);
    }

  /* One newline at the end, not a blank line. */
  while (out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);

  mg_export_clear (&self);

  return g_string_free (out, FALSE);
}
