/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-export"

#include "config.h"

#include <cmark.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-export.h"

/*
 * Exports: Markdown for a notebook (Obsidian, Zettlr, a paper draft) and
 * W3C Web Annotation JSON-LD for other annotation tools.
 *
 * Both describe the document as it is now: an annotation found in the text
 * is exported with the text and position where it was found (for a moved
 * annotation that is not its stored target), an orphan with its stored
 * target. Both list annotations in document order, orphans last, whatever
 * the order of the model they are given.
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

/* Every annotation exported, with what both exporters need of it. */
typedef struct
{
  MgAnnotation     *annotation;
  MgAnnotationState state;
  guint             start; /* the current range, or the stored one for orphans */
  guint             end;
  gint64            created;
  char             *block_id;
} Item;

typedef struct
{
  MgDocument            *document;
  const MgExportOptions *options;
  char                  *title; /* valid UTF-8, as are all the outputs */
  char                  *uri;
  GArray                *items; /* Item */
  const gunichar        *chars;
  gsize                  n_chars;
  guint                 *paragraphs; /* code-point offsets where paragraphs start */
  guint                  n_paragraphs;
} Export;

static const MgExportOptions default_options = { 0 };

/* Highlight colours as the reader shows them in a light theme, for the
 * stylesheet of the W3C export. */
static const char *const css_colors[MG_N_COLORS] = {
  [MG_COLOR_YELLOW] = "rgba(248, 228, 92, 0.55)",
  [MG_COLOR_GREEN] = "rgba(143, 240, 164, 0.55)",
  [MG_COLOR_BLUE] = "rgba(153, 193, 241, 0.6)",
  [MG_COLOR_PINK] = "rgba(255, 170, 200, 0.6)",
  [MG_COLOR_PURPLE] = "rgba(220, 170, 235, 0.6)",
  [MG_COLOR_ORANGE] = "rgba(255, 190, 111, 0.6)",
};

/* Whether @note says anything: a note of white space is no note. */
static gboolean
has_note (const char *note)
{
  for (const char *p = note; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_wanted (MgAnnotation          *annotation,
           const MgExportOptions *options)
{
  if (options->notes_only && !has_note (mg_annotation_get_note (annotation)))
    return FALSE;

  if (options->color_mask != 0 && (options->color_mask & (1u << mg_annotation_get_color (annotation))) == 0)
    return FALSE;

  if (options->tag != NULL && !mg_annotation_has_tag (annotation, options->tag))
    return FALSE;

  return TRUE;
}

/* The order of MgAnnotationList: found annotations by range, orphans last
 * by stored start; then creation time and id. */
static int
item_compare (gconstpointer a,
              gconstpointer b)
{
  const Item *x = a;
  const Item *y = b;
  gboolean    x_orphan = x->state == MG_ANNOTATION_STATE_ORPHANED;
  gboolean    y_orphan = y->state == MG_ANNOTATION_STATE_ORPHANED;

  if (x_orphan != y_orphan)
    return x_orphan ? 1 : -1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;

  return strcmp (mg_annotation_get_id (x->annotation), mg_annotation_get_id (y->annotation));
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->annotation);
  g_clear_pointer (&item->block_id, g_free);
}

/* A title made from a file name that is not UTF-8 may not be either. */
static char *
make_valid (const char *str)
{
  if (str == NULL)
    return g_strdup ("");

  return g_utf8_make_valid (str, -1);
}

static void
export_init (Export                *self,
             MgDocument            *document,
             GListModel            *annotations,
             const MgExportOptions *options)
{
  guint n = g_list_model_get_n_items (annotations);
  guint i;

  self->document = document;
  self->options = options != NULL ? options : &default_options;
  self->title = make_valid (mg_document_get_title (document));
  self->uri = make_valid (mg_document_get_uri (document));
  self->chars = mg_document_get_chars (document, &self->n_chars);
  self->paragraphs = NULL;
  self->n_paragraphs = 0;
  self->items = g_array_sized_new (FALSE, TRUE, sizeof (Item), n);
  g_array_set_clear_func (self->items, item_clear);

  for (i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (annotations, i);
      GDateTime *created;
      Item       item = { 0 };

      if (!MG_IS_ANNOTATION (annotation) || !is_wanted (annotation, self->options))
        continue;

      item.state = mg_annotation_get_state (annotation);
      if (item.state != MG_ANNOTATION_STATE_ORPHANED)
        {
          item.start = mg_annotation_get_range_start (annotation);
          item.end = mg_annotation_get_range_end (annotation);

          /* A range that is not in this document is no anchoring of it. */
          if (item.start > item.end || item.end > self->n_chars)
            item.state = MG_ANNOTATION_STATE_ORPHANED;
        }
      if (item.state == MG_ANNOTATION_STATE_ORPHANED)
        {
          item.start = mg_annotation_get_start (annotation);
          item.end = mg_annotation_get_end (annotation);
        }

      created = mg_annotation_get_created (annotation);
      item.created = g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);
      item.annotation = g_steal_pointer (&annotation);
      g_array_append_val (self->items, item);
    }

  /* A GArray sorts stably: equal items keep the model's order. */
  g_array_sort (self->items, item_compare);
}

static void
export_clear (Export *self)
{
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->paragraphs, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->uri, g_free);
}

/* The text of [start, end) of the document, as UTF-8. */
static char *
document_slice (Export *self,
                guint   start,
                guint   end)
{
  char *text;

  g_assert (start <= end && end <= self->n_chars);

  text = g_ucs4_to_utf8 (self->chars + start, end - start, NULL, NULL, NULL);

  /* The document's text is valid, so this never fails; stay safe if so. */
  return text != NULL ? text : g_strdup ("");
}

/* The passage as the document holds it now: the stored quote where it was
 * found unchanged, the text found for a moved one, the stored quote for an
 * orphan. @to_free receives what must be freed. */
static const char *
item_passage (Export     *self,
              const Item *item,
              char      **to_free)
{
  *to_free = NULL;

  if (item->state == MG_ANNOTATION_STATE_MOVED)
    return *to_free = document_slice (self, item->start, item->end);

  return mg_annotation_get_exact (item->annotation);
}

/*
 * Paragraphs. A plain-text document shows them in one of two ways: one
 * paragraph per line (most articles saved from the web), or paragraphs
 * hard-wrapped into short lines and separated by blank lines (e-texts,
 * e-mail). A text that has blank lines and whose lines are mostly short
 * (at most WRAPPED_LINE_LENGTH code points) is taken as wrapped, and its
 * paragraphs are runs of lines that are not blank; in any other text each
 * line that is not blank is a paragraph.
 */

#define WRAPPED_LINE_LENGTH 100

typedef struct
{
  guint start; /* code-point offset */
  guint blank : 1;
  guint short_line : 1;
} Line;

/* Whether a line holds nothing but white space. */
static gboolean
is_blank_line (const char *line,
               const char *end)
{
  const char *p;

  for (p = line; p < end; p = g_utf8_next_char (p))
    {
      if ((guchar) *p < 0x80 ? !g_ascii_isspace (*p) : !g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/* The number of code points in [p, end): the bytes that do not continue
 * a character. */
static gsize
count_code_points (const char *p,
                   const char *end)
{
  gsize n = 0;

  for (; p < end; p++)
    n += ((guchar) *p & 0xC0) != 0x80;

  return n;
}

static void
build_paragraphs (Export *self)
{
  const char *text = mg_document_get_text (self->document);
  const char *end = text + mg_document_get_n_bytes (self->document);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  GArray     *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *p = text;
  gsize       offset = 0;
  gsize       n_blank = 0;
  gsize       n_short = 0;
  gboolean    wrapped;
  gboolean    in_paragraph = FALSE;
  guint       i;

  /* One pass over the text: where each line starts, and what it is. */
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      gsize       length = count_code_points (p, line_end);
      Line        line = { 0 };

      line.start = (guint) offset;
      line.blank = is_blank_line (p, line_end);
      line.short_line = length <= WRAPPED_LINE_LENGTH;
      g_array_append_val (lines, line);

      n_blank += line.blank;
      n_short += !line.blank && line.short_line;
      offset += length + 1;
      p = line_end + 1;
    }

  wrapped = n_blank > 0 && n_short * 2 > lines->len - n_blank;

  for (i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (line->blank)
        {
          in_paragraph = FALSE;
        }
      else if (!in_paragraph || !wrapped)
        {
          g_array_append_val (starts, line->start);
          in_paragraph = TRUE;
        }
    }

  self->n_paragraphs = starts->len;
  self->paragraphs = (guint *) (void *) g_array_free (starts, FALSE);
}

/* The paragraph (from 1) holding @offset; an offset in blank lines belongs
 * to the paragraph before them, one before any paragraph to the first. */
static guint
paragraph_at (Export *self,
              guint   offset)
{
  guint lo = 0;
  guint hi;

  if (self->paragraphs == NULL)
    build_paragraphs (self);

  /* The number of paragraphs that start at or before @offset. */
  hi = self->n_paragraphs;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->paragraphs[mid] <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  return MAX (lo, 1);
}

/* Where the passage's first character that is not white space is: a
 * passage that starts at the end of a paragraph belongs to the next. */
static guint
first_visible_offset (Export     *self,
                      const Item *item)
{
  guint i;

  for (i = item->start; i < item->end; i++)
    {
      if (!g_unichar_isspace (self->chars[i]))
        return i;
    }

  return item->start;
}

/**
 * mg_export_heading_at:
 * @document: a document
 * @offset: a code-point offset in @document
 *
 * The section a passage sits in, for documents with headings (Markdown
 * and HTML): the text of the last heading that starts at or before
 * @offset. It is the location an export gives when the caller names no
 * section function of its own.
 *
 * Returns: (transfer full) (nullable): the heading's text, or %NULL
 */
char *
mg_export_heading_at (MgDocument *document,
                      guint       offset)
{
  const MgHeading *headings;
  guint            n = 0;
  guint            lo = 0;
  guint            hi;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);

  headings = mg_document_get_headings (document, &n);
  if (headings == NULL || n == 0)
    return NULL;

  /* Headings are in document order: find the last one starting at or
   * before the offset. */
  hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (headings[mid].start <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == 0)
    return NULL;

  return g_strdup (headings[lo - 1].text);
}

/**
 * mg_export_paragraph_number:
 * @document: a #MgDocument
 * @offset: a code-point offset in @document
 *
 * The number, from 1, of the paragraph that holds @offset, as the Markdown
 * export gives it: each line that is not blank is a paragraph, but in a
 * text hard-wrapped into short lines with blank lines between paragraphs,
 * each run of lines that are not blank is one. An offset in blank lines
 * belongs to the paragraph before them. This scans the whole document:
 * the exporters scan once for all annotations.
 *
 * Returns: the paragraph number, from 1
 */
guint
mg_export_paragraph_number (MgDocument *document,
                            guint       offset)
{
  Export self = { 0 };
  guint  number;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), 1);

  self.document = document;
  self.chars = mg_document_get_chars (document, &self.n_chars);
  number = paragraph_at (&self, offset);
  g_free (self.paragraphs);

  return number;
}

/*
 * Markdown.
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
assign_block_ids (Export *self)
{
  /* By the 32 bits of the 8 hex digits: no string copies. */
  g_autoptr (GHashTable) count = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint i;

  for (i = 0; i < self->items->len; i++)
    {
      Item    *item = &g_array_index (self->items, Item, i);
      gpointer key;
      guint    n;

      item->block_id = mg_export_block_id (mg_annotation_get_id (item->annotation));
      key = GUINT_TO_POINTER ((guint) g_ascii_strtoull (item->block_id + 3, NULL, 16));
      n = GPOINTER_TO_UINT (g_hash_table_lookup (count, key));
      g_hash_table_insert (count, key, GUINT_TO_POINTER (n + 1));
    }

  for (i = 0; i < self->items->len; i++)
    {
      Item    *item = &g_array_index (self->items, Item, i);
      gpointer key = GUINT_TO_POINTER ((guint) g_ascii_strtoull (item->block_id + 3, NULL, 16));

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

static void
append_front_matter (Export     *self,
                     GString    *out,
                     GHashTable *tag_names,
                     const char *exported)
{
  g_autoptr (GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  guint i;

  for (i = 0; i < self->items->len; i++)
    {
      Item              *item = &g_array_index (self->items, Item, i);
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

static void
append_entry (Export     *self,
              GString    *out,
              const Item *item,
              GHashTable *tag_names)
{
  g_autofree char   *passage_copy = NULL;
  const char        *passage = item_passage (self, item, &passage_copy);
  const char        *note = mg_annotation_get_note (item->annotation);
  const char *const *tags = mg_annotation_get_tags (item->annotation);
  gboolean           first = TRUE;
  gsize              t;

  mg_export_append_blockquote (out, passage);
  g_string_append (out, "\n^");
  g_string_append (out, item->block_id);
  g_string_append (out, "\n\n");

  if (has_note (note))
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
  /* Translators: in a Markdown export, before the colour's name (yellow...). */
  append_escaped_inline (out, _ ("Color:"));
  g_string_append_c (out, ' ');
  g_string_append (out, mg_color_to_string (mg_annotation_get_color (item->annotation)));

  if (item->state != MG_ANNOTATION_STATE_ORPHANED)
    {
      guint            offset = first_visible_offset (self, item);
      guint            paragraph = paragraph_at (self, offset);
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
      append_escaped_inline (out, location);
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
 * @options has a #MgExportSectionFunc). Orphans come last, under a
 * heading of their own.
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
  Export           self;
  GString         *out;
  gboolean         in_orphans = FALSE;
  guint            i;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (annotations), NULL);

  export_init (&self, document, annotations, options);
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
      const Item *item = &g_array_index (self.items, Item, i);

      if (item->state == MG_ANNOTATION_STATE_ORPHANED && !in_orphans)
        {
          g_string_append (out, "## ");
          /* Translators: the heading of the annotations of a Markdown export
           * whose passage is no longer in the document. */
          append_escaped_inline (out, _ ("Not found in the document"));
          g_string_append (out, "\n\n");
          in_orphans = TRUE;
        }

      append_entry (&self, out, item, tag_names);
    }

  /* One newline at the end, not a blank line. */
  while (out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);

  export_clear (&self);

  return g_string_free (out, FALSE);
}

/*
 * W3C Web Annotation JSON-LD, written by hand: a fixed key order, the
 * layout below, and no tree of nodes for ten thousand annotations.
 */

typedef struct
{
  GString *out;
  guint    depth;
  guint64  has_items; /* bit n: the container at depth n has an element */
  gboolean after_key;
} JsonWriter;

static void
json_newline (JsonWriter *w)
{
  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->out, "  ");
}

/* Before a value: a comma and a new line in an array, nothing after a key. */
static void
json_value_prefix (JsonWriter *w)
{
  if (w->after_key)
    {
      w->after_key = FALSE;
      return;
    }

  if (w->depth == 0)
    return;

  if (w->has_items & (G_GUINT64_CONSTANT (1) << w->depth))
    g_string_append_c (w->out, ',');
  w->has_items |= G_GUINT64_CONSTANT (1) << w->depth;
  json_newline (w);
}

static void
json_begin (JsonWriter *w,
            char        bracket)
{
  json_value_prefix (w);
  g_string_append_c (w->out, bracket);
  w->depth++;
  g_assert (w->depth < 64);
  w->has_items &= ~(G_GUINT64_CONSTANT (1) << w->depth);
}

static void
json_end (JsonWriter *w,
          char        bracket)
{
  gboolean had_items = (w->has_items & (G_GUINT64_CONSTANT (1) << w->depth)) != 0;

  w->has_items &= ~(G_GUINT64_CONSTANT (1) << w->depth);
  w->depth--;
  if (had_items)
    json_newline (w);
  g_string_append_c (w->out, bracket);
}

static void
json_append_escaped (GString    *out,
                     const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      /* U+2028 and U+2029 are valid in JSON but not in older JavaScript. */
      if (c >= 0x20 && c != '"' && c != '\\' && !(c == 0xE2 && (guchar) p[1] == 0x80 && ((guchar) p[2] == 0xA8 || (guchar) p[2] == 0xA9)))
        continue;

      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case 0xE2:
          g_string_append (out, (guchar) p[2] == 0xA8 ? "\\u2028" : "\\u2029");
          p += 2;
          break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
json_key (JsonWriter *w,
          const char *key)
{
  if (w->has_items & (G_GUINT64_CONSTANT (1) << w->depth))
    g_string_append_c (w->out, ',');
  w->has_items |= G_GUINT64_CONSTANT (1) << w->depth;
  json_newline (w);
  json_append_escaped (w->out, key);
  g_string_append (w->out, ": ");
  w->after_key = TRUE;
}

static void
json_string (JsonWriter *w,
             const char *value)
{
  json_value_prefix (w);
  json_append_escaped (w->out, value);
}

static void
json_uint (JsonWriter *w,
           guint       value)
{
  json_value_prefix (w);
  g_string_append_printf (w->out, "%u", value);
}

static void
json_member_string (JsonWriter *w,
                    const char *key,
                    const char *value)
{
  json_key (w, key);
  json_string (w, value);
}

static void
json_member_uint (JsonWriter *w,
                  const char *key,
                  guint       value)
{
  json_key (w, key);
  json_uint (w, value);
}

/**
 * mg_export_uuid_urn_for_name:
 * @name: any text, e.g. a URL
 *
 * A name-based (version 5, SHA-1) UUID in the URL namespace, as a URN: the
 * same name always gives the same id (RFC 4122, section 4.3). For ids
 * that must stay the same at every export or import.
 *
 * Returns: (transfer full): "urn:uuid:" and the UUID
 */
char *
mg_export_uuid_urn_for_name (const char *name)
{
  static const guint8 url_namespace[16] = {
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
  };
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize  len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);

  g_checksum_update (sha1, url_namespace, sizeof url_namespace);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);

  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

/* What the collection holds, for its id: a different selection of the
 * same document is a different collection. */
static char *
collection_name (Export *self)
{
  const MgExportOptions *options = self->options;

  return g_strdup_printf ("marginalia:annotations?source=%s&notes-only=%d&colors=%u&tag=%s",
                          self->uri,
                          options->notes_only ? 1 : 0,
                          options->color_mask,
                          options->tag != NULL ? options->tag : "");
}

static void
write_annotation (Export     *self,
                  JsonWriter *w,
                  const Item *item)
{
  MgAnnotation      *annotation = item->annotation;
  const char        *note = mg_annotation_get_note (annotation);
  const char *const *tags = mg_annotation_get_tags (annotation);
  const char        *color = mg_color_to_string (mg_annotation_get_color (annotation));
  gboolean           with_note = has_note (note);
  g_autofree char   *created = mg_format_timestamp (mg_annotation_get_created (annotation));
  g_autofree char   *modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  g_autofree char   *css = g_strdup_printf (".%s { background-color: %s; }", color,
                                            css_colors[mg_annotation_get_color (annotation)]);
  g_autofree char   *exact_copy = NULL;
  g_autofree char   *prefix_copy = NULL;
  g_autofree char   *suffix_copy = NULL;
  const char        *exact;
  const char        *prefix;
  const char        *suffix;

  if (item->state == MG_ANNOTATION_STATE_ORPHANED)
    {
      exact = mg_annotation_get_exact (annotation);
      prefix = mg_annotation_get_prefix (annotation);
      suffix = mg_annotation_get_suffix (annotation);
    }
  else
    {
      guint before = item->start >= MG_ANNOTATION_CONTEXT_LENGTH ? item->start - MG_ANNOTATION_CONTEXT_LENGTH : 0;
      guint after = (guint) MIN ((gsize) item->end + MG_ANNOTATION_CONTEXT_LENGTH, self->n_chars);

      exact = item_passage (self, item, &exact_copy);
      prefix = prefix_copy = document_slice (self, before, item->start);
      suffix = suffix_copy = document_slice (self, item->end, after);
    }

  json_begin (w, '{');
  json_member_string (w, "id", mg_annotation_get_id (annotation));
  json_member_string (w, "type", "Annotation");
  json_member_string (w, "motivation", with_note ? "commenting" : "highlighting");
  json_member_string (w, "created", created);
  json_member_string (w, "modified", modified);

  json_key (w, "stylesheet");
  json_begin (w, '{');
  json_member_string (w, "type", "CssStylesheet");
  json_member_string (w, "value", css);
  json_end (w, '}');

  if (with_note || tags[0] != NULL)
    {
      json_key (w, "body");
      json_begin (w, '[');
      if (with_note)
        {
          json_begin (w, '{');
          json_member_string (w, "type", "TextualBody");
          json_member_string (w, "purpose", "commenting");
          json_member_string (w, "value", note);
          json_member_string (w, "format", "text/markdown");
          json_end (w, '}');
        }
      for (gsize t = 0; tags[t] != NULL; t++)
        {
          json_begin (w, '{');
          json_member_string (w, "type", "TextualBody");
          json_member_string (w, "purpose", "tagging");
          json_member_string (w, "value", tags[t]);
          json_end (w, '}');
        }
      json_end (w, ']');
    }

  json_key (w, "target");
  json_begin (w, '{');
  json_member_string (w, "source", self->uri);
  json_member_string (w, "styleClass", color);
  json_key (w, "selector");
  json_begin (w, '[');
  json_begin (w, '{');
  json_member_string (w, "type", "TextQuoteSelector");
  json_member_string (w, "exact", exact);
  json_member_string (w, "prefix", prefix);
  json_member_string (w, "suffix", suffix);
  json_end (w, '}');
  json_begin (w, '{');
  json_member_string (w, "type", "TextPositionSelector");
  json_member_uint (w, "start", item->start);
  json_member_uint (w, "end", item->end);
  json_end (w, '}');
  json_end (w, ']');
  json_end (w, '}');

  json_end (w, '}');
}

/**
 * mg_export_w3c:
 * @document: the annotated #MgDocument
 * @annotations: a #GListModel of #MgAnnotation, anchored in @document
 * @options: (nullable): what to export; %NULL exports everything
 *
 * Exports annotations as a W3C Web Annotation AnnotationCollection in
 * JSON-LD (`@context` "http://www.w3.org/ns/anno.jsonld"), with the
 * annotations in document order in its first and only AnnotationPage. The
 * collection and page ids are name-based UUIDs of the document's URI and
 * the options, so a new export of the same selection has the same ids.
 *
 * Each annotation has its id, type, motivation ("commenting" with a note,
 * else "highlighting"), created and modified (UTC, "Z"), a CssStylesheet
 * with a class for its colour, a body (a TextualBody for the note, purpose
 * "commenting" and format "text/markdown", and one per tag, purpose
 * "tagging"), and a target: the document's URI as source, the colour's
 * styleClass, a TextQuoteSelector and a TextPositionSelector, in code
 * points, as the annotation was found in the document (orphans: as
 * stored).
 *
 * Returns: (transfer full): the JSON text, indented, keys in a fixed order
 */
char *
mg_export_w3c (MgDocument            *document,
               GListModel            *annotations,
               const MgExportOptions *options)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *page_name = NULL;
  g_autofree char *collection_id = NULL;
  g_autofree char *page_id = NULL;
  g_autofree char *generated = NULL;
  Export           self;
  JsonWriter       w = { 0 };
  guint            i;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (annotations), NULL);

  export_init (&self, document, annotations, options);

  name = collection_name (&self);
  page_name = g_strconcat (name, "&page=1", NULL);
  collection_id = mg_export_uuid_urn_for_name (name);
  page_id = mg_export_uuid_urn_for_name (page_name);
  now = self.options->now != NULL ? g_date_time_ref (self.options->now) : g_date_time_new_now_utc ();
  generated = mg_format_timestamp (now);

  w.out = g_string_sized_new (4096 + self.items->len * 1536);

  json_begin (&w, '{');
  json_member_string (&w, "@context", "http://www.w3.org/ns/anno.jsonld");
  json_member_string (&w, "id", collection_id);
  json_member_string (&w, "type", "AnnotationCollection");
  json_member_string (&w, "label", self.title);
  json_member_string (&w, "generated", generated);
  json_member_uint (&w, "total", self.items->len);

  json_key (&w, "first");
  json_begin (&w, '{');
  json_member_string (&w, "id", page_id);
  json_member_string (&w, "type", "AnnotationPage");
  json_member_uint (&w, "startIndex", 0);
  json_key (&w, "items");
  json_begin (&w, '[');
  for (i = 0; i < self.items->len; i++)
    write_annotation (&self, &w, &g_array_index (self.items, Item, i));
  json_end (&w, ']');
  json_end (&w, '}');

  json_end (&w, '}');
  g_string_append_c (w.out, '\n');

  export_clear (&self);

  return g_string_free (w.out, FALSE);
}
