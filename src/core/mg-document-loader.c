/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-loader"

#include "config.h"

#include <cmark.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <string.h>

#include "mg-document-loader.h"
#include "mg-document-private.h"
#include "mg-file-private.h"

/*
 * The document loader: bytes in, a MgDocument out.
 *
 * Three steps, each independent of the others:
 *
 *  1. Decoding: find the encoding of the bytes (byte order mark, then the
 *     charset an HTML page declares, then a heuristic for legacy 8-bit
 *     text) and turn them into normalised UTF-8, with invalid bytes
 *     replaced and flagged. Binary data is refused here.
 *  2. Rendering, for Markdown (libcmark) and HTML (libxml2's HTML parser):
 *     both parsers produce a tree, and both trees are walked into the same
 *     Builder, which writes the text a reader sees (no markup) and records
 *     spans of structure in code points of that text. One block is one
 *     line: blocks are separated by a single "\n", as in plain text where
 *     the reader view adds the space between paragraphs.
 *  3. The document: mg_document_new_rendered() with the text, the
 *     structure, the encoding that was used and whether bytes were
 *     repaired.
 *
 * Nothing here touches the network: libxml2 runs with HTML_PARSE_NONET and
 * never loads a DTD, and links are only recorded, never followed.
 */

#define HTML_OPTIONS (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER | XML_PARSE_HUGE)

/* What a rule (<hr>, "***") shows as: a line of its own, which the view can
 * center or replace by a drawn line through the MG_SPAN_RULE span. */
#define RULE_TEXT "* * *"

/* How far into an HTML page a <meta charset> is looked for. The HTML
 * standard says 1024 bytes; saved pages often have long comments and
 * scripts before it, and looking further costs nothing. */
#define CHARSET_SNIFF_LENGTH 8192

static void
set_not_text_error (GError **error)
{
  g_set_error_literal (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT,
                       _ ("The file does not contain text. Marginalia opens plain text, Markdown and HTML articles."));
}

static void
set_too_large_error (GError **error,
                     guint64  size)
{
  g_autofree char *formatted = g_format_size (size);

  g_set_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_TOO_LARGE,
               _ ("The file is too large to open (%s; the limit is 64 MB)."),
               formatted);
}

static inline gboolean
is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline gboolean
is_control (guchar c)
{
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F;
}

/* Collapses runs of white space to one space and trims both ends, as a
 * browser shows a title. */
static char *
collapse_whitespace (const char *str)
{
  GString    *out;
  gboolean    space = FALSE;
  const char *p;

  if (str == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (p = str; *p != '\0'; p++)
    {
      if (is_html_space (*p))
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

/* Format guessing {{{1 */

static const struct
{
  const char      *suffix;
  MgDocumentFormat format;
} format_suffixes[] = {
  { ".md", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".markdown", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".mdown", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".mdwn", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".mkd", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".mkdn", MG_DOCUMENT_FORMAT_MARKDOWN },
  { ".html", MG_DOCUMENT_FORMAT_HTML },
  { ".htm", MG_DOCUMENT_FORMAT_HTML },
  { ".xhtml", MG_DOCUMENT_FORMAT_HTML },
  { ".shtml", MG_DOCUMENT_FORMAT_HTML },
  { ".txt", MG_DOCUMENT_FORMAT_TEXT },
  { ".text", MG_DOCUMENT_FORMAT_TEXT },
};

static gboolean
content_type_is (const char *content_type,
                 const char *mime_type)
{
  g_autofree char *type = g_content_type_from_mime_type (mime_type);

  if (g_ascii_strcasecmp (content_type, mime_type) == 0)
    return TRUE;

  return type != NULL && g_content_type_is_a (content_type, type);
}

static gboolean
head_looks_like_html (GBytes *head)
{
  g_autofree char *lower = NULL;
  const char      *data;
  const char      *p;
  gsize            len;

  data = g_bytes_get_data (head, &len);
  if (data == NULL || len == 0)
    return FALSE;

  lower = g_ascii_strdown (data, MIN (len, 1024));
  p = lower;
  if (g_str_has_prefix (p, "\xEF\xBB\xBF"))
    p += 3;
  while (is_html_space (*p))
    p++;

  if (g_str_has_prefix (p, "<!doctype html") || g_str_has_prefix (p, "<html"))
    return TRUE;

  /* XHTML, or a page that starts with a comment. */
  return (g_str_has_prefix (p, "<?xml") || g_str_has_prefix (p, "<!--")) && strstr (p, "<html") != NULL;
}

/**
 * mg_document_format_guess:
 * @filename_or_uri: (nullable): a file name, path or URI
 * @content_type: (nullable): the content type, when known
 * @head: (nullable): the first bytes of the contents
 *
 * Decides how a file is read: by its name's extension first (an HTML page
 * saved as `.txt` is shown as its source, as the user asked), then by its
 * content type, then by a look at its first bytes (`<!DOCTYPE html>` or
 * `<html>`). Everything else is plain text.
 *
 * Returns: the format to read the file as
 */
MgDocumentFormat
mg_document_format_guess (const char *filename_or_uri,
                          const char *content_type,
                          GBytes     *head)
{
  if (filename_or_uri != NULL)
    {
      g_autofree char *name = g_ascii_strdown (filename_or_uri, -1);

      /* A query or fragment is not part of the name, but only in a URI:
       * in a path, '#' and '?' are ordinary characters. */
      if (g_uri_peek_scheme (name) != NULL)
        name[strcspn (name, "?#")] = '\0';

      for (guint i = 0; i < G_N_ELEMENTS (format_suffixes); i++)
        if (g_str_has_suffix (name, format_suffixes[i].suffix))
          return format_suffixes[i].format;
    }

  if (content_type != NULL)
    {
      if (content_type_is (content_type, "text/markdown") || content_type_is (content_type, "text/x-markdown"))
        return MG_DOCUMENT_FORMAT_MARKDOWN;
      if (content_type_is (content_type, "text/html") || content_type_is (content_type, "application/xhtml+xml"))
        return MG_DOCUMENT_FORMAT_HTML;
    }

  if (head != NULL && head_looks_like_html (head))
    return MG_DOCUMENT_FORMAT_HTML;

  return MG_DOCUMENT_FORMAT_TEXT;
}

/**
 * mg_document_format_to_string:
 * @format: a #MgDocumentFormat
 *
 * Returns: a short stable name: "text", "markdown" or "html"
 */
const char *
mg_document_format_to_string (MgDocumentFormat format)
{
  switch (format)
    {
    case MG_DOCUMENT_FORMAT_MARKDOWN:
      return "markdown";
    case MG_DOCUMENT_FORMAT_HTML:
      return "html";
    case MG_DOCUMENT_FORMAT_TEXT:
    default:
      return "text";
    }
}

/* Decoding {{{1
 *
 * The order of the evidence, strongest first:
 *
 *  1. A byte order mark: UTF-8, UTF-16 or UTF-32, little or big endian.
 *  2. NUL bytes: UTF-16 without a byte order mark when the NULs fall on
 *     every other byte, as they do for text in Latin script; binary
 *     otherwise (a NUL never occurs in UTF-8 or 8-bit text).
 *  3. Valid UTF-8 is UTF-8, whatever a page declares: text in a legacy
 *     encoding almost never forms valid multi-byte UTF-8 sequences, and a
 *     page re-saved as UTF-8 often keeps its old declaration.
 *  4. For HTML, the charset the page declares in <meta> (or an XML
 *     declaration), when iconv knows it.
 *  5. The heuristic for bytes that are not valid UTF-8, counted in one
 *     pass: control characters (other than tab, newline, carriage return
 *     and form feed) in more than 2% of the bytes mean binary data; more
 *     well-formed multi-byte UTF-8 sequences than invalid bytes mean UTF-8
 *     with a few damaged bytes, repaired; anything else is legacy 8-bit
 *     text: the locale's charset when it is a non-UTF-8, non-ASCII one,
 *     else Windows-1252, which is what the web and Windows have used for
 *     Western text, and a superset of ISO-8859-1 in every printable
 *     character (so a Latin-1 file reads the same).
 */

typedef struct
{
  char    *text; /* normalised UTF-8 */
  gsize    len;
  char    *encoding; /* a name to show, NULL for UTF-8 */
  gboolean repaired;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->text, g_free);
  g_clear_pointer (&decoded->encoding, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decoded, decoded_clear)

typedef struct
{
  gsize invalid;   /* bytes that start no valid UTF-8 sequence */
  gsize sequences; /* valid multi-byte sequences */
  gsize controls;  /* control characters other than white space */
} Utf8Stats;

static void
scan_utf8 (const char *data,
           gsize       len,
           Utf8Stats  *stats)
{
  const char *p = data;
  const char *end = data + len;

  memset (stats, 0, sizeof *stats);

  while (p < end)
    {
      const char *valid_end = NULL;
      gboolean    valid = g_utf8_validate_len (p, end - p, &valid_end);
      const char *q;

      for (q = p; q < valid_end; q++)
        {
          guchar c = (guchar) *q;

          if (c >= 0xC0)
            stats->sequences++;
          else if (is_control (c))
            stats->controls++;
        }

      if (valid)
        break;

      stats->invalid++;
      p = valid_end + 1;
    }
}

static gsize
count_controls (const char *text,
                gsize       len)
{
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    if (is_control ((guchar) text[i]))
      n++;

  return n;
}

/* UTF-16 without a byte order mark: text in Latin script has a NUL in
 * almost every other byte, on the odd bytes for little endian (at least
 * 30% of the code units), and hardly any on the others (at most one for
 * eight; a character such as U+DE00 has one). Binary data rarely has that
 * pattern over 64 KB, and what slips through is refused after decoding if
 * it holds NULs or control characters. */
static const char *
guess_utf16 (const char *data,
             gsize       len)
{
  gsize n = MIN (len, 65536) & ~(gsize) 1;
  gsize pairs = n / 2;
  gsize zero_even = 0;
  gsize zero_odd = 0;

  if (pairs < 2)
    return NULL;

  for (gsize i = 0; i < n; i += 2)
    {
      if (data[i] == '\0')
        zero_even++;
      if (data[i + 1] == '\0')
        zero_odd++;
    }

  if (zero_odd * 10 >= pairs * 3 && zero_even * 8 <= zero_odd)
    return "UTF-16LE";
  if (zero_even * 10 >= pairs * 3 && zero_odd * 8 <= zero_even)
    return "UTF-16BE";

  return NULL;
}

/* Converts to UTF-8 with iconv, replacing what cannot be converted by
 * U+FFFD: an invalid sequence skips one code unit (@unit bytes), an
 * incomplete one at the end ends the text. Returns NULL when iconv does
 * not know @charset. */
static char *
convert_to_utf8 (const char *data,
                 gsize       len,
                 const char *charset,
                 gsize       unit,
                 gsize      *out_len,
                 gboolean   *repaired)
{
  GIConv   cd;
  GString *out;
  char    *in = (char *) data;
  gsize    in_left = len;
  char     buffer[8192];
  char    *outp;
  gsize    out_left;

  cd = g_iconv_open ("UTF-8", charset);
  if (cd == (GIConv) -1)
    return NULL;

  out = g_string_sized_new (len + len / 2 + 1);
  while (in_left > 0)
    {
      gsize result;
      int   saved_errno;

      outp = buffer;
      out_left = sizeof buffer;
      result = g_iconv (cd, &in, &in_left, &outp, &out_left);
      saved_errno = errno;
      g_string_append_len (out, buffer, outp - buffer);

      if (result != (gsize) -1 || saved_errno == E2BIG)
        continue;

      g_string_append (out, "\xEF\xBF\xBD");
      *repaired = TRUE;
      if (saved_errno == EINVAL)
        break;
      in += MIN (unit, in_left);
      in_left -= MIN (unit, in_left);
    }

  /* Stateful encodings (ISO-2022-JP) may owe a final shift sequence. */
  outp = buffer;
  out_left = sizeof buffer;
  g_iconv (cd, NULL, NULL, &outp, &out_left);
  g_string_append_len (out, buffer, outp - buffer);
  g_iconv_close (cd);

  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* ISO-8859-1 by hand, for a system whose iconv has no Windows-1252: every
 * byte is the code point of the same value, so it cannot fail. */
static char *
latin1_to_utf8 (const char *data,
                gsize       len,
                gsize      *out_len)
{
  GString *out = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_unichar (out, (guchar) data[i]);

  *out_len = out->len;
  return g_string_free (out, FALSE);
}

static gboolean
is_ascii_or_latin1 (const char *charset)
{
  static const char *const names[] = {
    "ANSI_X3.4-1968",
    "ASCII",
    "US-ASCII",
    "646",
    "ISO-8859-1",
    "ISO8859-1",
    "ISO_8859-1",
    "LATIN1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (charset, names[i]) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
iconv_knows (const char *charset)
{
  GIConv cd = g_iconv_open ("UTF-8", charset);

  if (cd == (GIConv) -1)
    return FALSE;

  g_iconv_close (cd);
  return TRUE;
}

/* The name shown to the user for an iconv charset name. */
static char *
display_charset (const char *charset)
{
  if (g_ascii_strncasecmp (charset, "WINDOWS-", 8) == 0)
    return g_strconcat ("Windows-", charset + 8, NULL);

  return g_ascii_strup (charset, -1);
}

/* The charset for legacy 8-bit text: the locale's when it is neither UTF-8
 * nor ASCII (a KOI8-R or ISO-8859-2 desktop), Windows-1252 otherwise. */
static const char *
legacy_charset (void)
{
  const char *charset = NULL;

  if (!g_get_charset (&charset) && charset != NULL && !is_ascii_or_latin1 (charset) && iconv_knows (charset))
    return charset;

  return "WINDOWS-1252";
}

/* Maps a charset label an HTML page declares to an iconv name, following
 * the WHATWG Encoding standard where it differs from the label: Latin-1
 * and ASCII mean Windows-1252, a declared UTF-16 in an ASCII-compatible
 * page means UTF-8. Returns NULL for labels iconv does not know. */
static char *
charset_for_label (const char *label)
{
  static const struct
  {
    const char *label;
    const char *charset;
  } aliases[] = {
    { "utf-8", "UTF-8" },
    { "utf8", "UTF-8" },
    { "unicode-1-1-utf-8", "UTF-8" },
    { "utf-16", "UTF-8" },
    { "utf-16le", "UTF-8" },
    { "utf-16be", "UTF-8" },
    { "unicode", "UTF-8" },
    { "iso-8859-1", "WINDOWS-1252" },
    { "iso8859-1", "WINDOWS-1252" },
    { "iso_8859-1", "WINDOWS-1252" },
    { "latin1", "WINDOWS-1252" },
    { "l1", "WINDOWS-1252" },
    { "us-ascii", "WINDOWS-1252" },
    { "ascii", "WINDOWS-1252" },
    { "cp1252", "WINDOWS-1252" },
    { "x-cp1252", "WINDOWS-1252" },
    { "windows-1252", "WINDOWS-1252" },
    { "cp819", "WINDOWS-1252" },
    { "iso-8859-9", "WINDOWS-1254" },
    { "latin5", "WINDOWS-1254" },
    { "tis-620", "WINDOWS-874" },
    { "gb2312", "GBK" },
    { "x-gbk", "GBK" },
    { "ks_c_5601-1987", "CP949" },
    { "euc-kr", "CP949" },
    { "x-sjis", "SHIFT_JIS" },
  };
  g_autofree char *lower = g_ascii_strdown (label, -1);

  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (lower, aliases[i].label) == 0)
      return g_strdup (aliases[i].charset);

  if (iconv_knows (label))
    return g_ascii_strup (label, -1);

  return NULL;
}

/* Reads a `charset=` value from @p, just after the word "charset". */
static char *
read_charset_value (const char *p)
{
  const char *start;

  while (is_html_space (*p))
    p++;
  if (*p != '=')
    return NULL;
  p++;
  while (is_html_space (*p) || *p == '"' || *p == '\'')
    p++;

  start = p;
  while (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == ':')
    p++;

  return p > start ? g_strndup (start, p - start) : NULL;
}

/* The charset an HTML page declares, in a <meta charset="…">, a
 * <meta http-equiv="Content-Type" content="…; charset=…"> or an XML
 * declaration; the lower-case label, or NULL. */
static char *
sniff_html_charset (const char *data,
                    gsize       len)
{
  g_autofree char *lower = g_ascii_strdown (data, MIN (len, CHARSET_SNIFF_LENGTH));
  const char      *p;

  if (g_str_has_prefix (lower, "<?xml"))
    {
      const char *decl_end = strstr (lower, "?>");
      const char *encoding = strstr (lower, "encoding");

      if (decl_end != NULL && encoding != NULL && encoding < decl_end)
        return read_charset_value (encoding + strlen ("encoding"));
    }

  for (p = strstr (lower, "<meta"); p != NULL; p = strstr (p + 1, "<meta"))
    {
      const char *tag_end = strchr (p, '>');
      const char *charset = strstr (p, "charset");

      if (charset != NULL && (tag_end == NULL || charset < tag_end))
        {
          char *value = read_charset_value (charset + strlen ("charset"));

          if (value != NULL)
            return value;
        }
    }

  return NULL;
}

static gboolean
decode_unicode (const char *data,
                gsize       len,
                const char *charset,
                gsize       unit,
                gboolean    guessed,
                Decoded    *out,
                GError    **error)
{
  g_autofree char *converted = NULL;
  gsize            converted_len = 0;
  gboolean         repaired = FALSE;
  gboolean         normalize_repaired = FALSE;

  converted = convert_to_utf8 (data, len, charset, unit, &converted_len, &repaired);

  /* A U+0000 is no more text in UTF-16 than a NUL is in UTF-8; for a
   * guessed UTF-16, control characters also give binary data away. */
  if (converted == NULL || memchr (converted, '\0', converted_len) != NULL || (guessed && count_controls (converted, converted_len) * 50 > converted_len))
    {
      set_not_text_error (error);
      return FALSE;
    }

  out->text = mg_document_normalize_text (converted, converted_len, &normalize_repaired);
  out->len = strlen (out->text);
  out->encoding = g_strdup (charset);
  out->repaired = repaired || normalize_repaired;

  return TRUE;
}

static void
decode_utf8 (const char *data,
             gsize       len,
             Decoded    *out)
{
  out->text = mg_document_normalize_text (data, len, &out->repaired);
  out->len = strlen (out->text);
}

static void
decode_legacy (const char *data,
               gsize       len,
               const char *charset,
               Decoded    *out)
{
  g_autofree char *converted = NULL;
  gsize            converted_len = 0;
  gboolean         repaired = FALSE;

  converted = convert_to_utf8 (data, len, charset, 1, &converted_len, &repaired);
  if (converted == NULL)
    {
      charset = "ISO-8859-1";
      converted = latin1_to_utf8 (data, len, &converted_len);
    }

  out->text = mg_document_normalize_text (converted, converted_len, NULL);
  out->len = strlen (out->text);
  out->encoding = display_charset (charset);
  out->repaired = repaired;
}

static gboolean
decode (const char      *data,
        gsize            len,
        MgDocumentFormat format,
        Decoded         *out,
        GError         **error)
{
  Utf8Stats        stats;
  g_autofree char *declared = NULL;
  const char      *utf16;

  memset (out, 0, sizeof *out);

  /* 1. Byte order marks. UTF-32 LE starts like UTF-16 LE, so first. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      decode_utf8 (data, len, out);
      return TRUE;
    }
  if (len >= 4 && memcmp (data, "\xFF\xFE\0\0", 4) == 0)
    return decode_unicode (data + 4, len - 4, "UTF-32LE", 4, FALSE, out, error);
  if (len >= 4 && memcmp (data, "\0\0\xFE\xFF", 4) == 0)
    return decode_unicode (data + 4, len - 4, "UTF-32BE", 4, FALSE, out, error);
  if (len >= 2 && memcmp (data, "\xFF\xFE", 2) == 0)
    return decode_unicode (data + 2, len - 2, "UTF-16LE", 2, FALSE, out, error);
  if (len >= 2 && memcmp (data, "\xFE\xFF", 2) == 0)
    return decode_unicode (data + 2, len - 2, "UTF-16BE", 2, FALSE, out, error);

  /* 2. NUL bytes. */
  if (memchr (data, '\0', len) != NULL)
    {
      utf16 = guess_utf16 (data, len);
      if (utf16 != NULL)
        return decode_unicode (data, len, utf16, 2, TRUE, out, error);

      set_not_text_error (error);
      return FALSE;
    }

  /* 3. Valid UTF-8. */
  scan_utf8 (data, len, &stats);
  if (stats.invalid == 0)
    {
      decode_utf8 (data, len, out);
      return TRUE;
    }

  /* 4. A declared charset. */
  if (format == MG_DOCUMENT_FORMAT_HTML)
    declared = sniff_html_charset (data, len);
  if (declared != NULL)
    {
      g_autofree char *charset = charset_for_label (declared);

      if (charset != NULL && strcmp (charset, "UTF-8") == 0)
        {
          decode_utf8 (data, len, out);
          return TRUE;
        }
      if (charset != NULL)
        {
          decode_legacy (data, len, charset, out);
          return TRUE;
        }
    }

  /* 5. The heuristic. */
  if (stats.controls * 50 > len)
    {
      set_not_text_error (error);
      return FALSE;
    }

  if (stats.sequences > stats.invalid)
    {
      decode_utf8 (data, len, out);
      return TRUE;
    }

  decode_legacy (data, len, legacy_charset (), out);
  return TRUE;
}

/* The builder {{{1
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

typedef enum
{
  LINE_EMPTY,   /* nothing on the current line */
  LINE_PREFIX,  /* only a bullet or number */
  LINE_CONTENT, /* text */
} LineState;

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

typedef struct
{
  GString      *text;
  guint         n_chars;
  guint         pending_breaks;
  char          pending_separator;
  LineState     line;
  GArray       *open;     /* OpenSpan, innermost last */
  GArray       *spans;    /* MgSpan, strings in @strings */
  GArray       *headings; /* MgHeading, strings in @strings */
  GStringChunk *strings;
  GArray       *lists; /* ListContext, innermost last */
  guint         quote_depth;
  guint         pre_depth;
  gboolean      pre_fresh;
} Builder;

static void
builder_init (Builder *self,
              gsize    size_hint)
{
  memset (self, 0, sizeof *self);
  self->text = g_string_sized_new (size_hint);
  self->open = g_array_new (FALSE, FALSE, sizeof (OpenSpan));
  self->spans = g_array_new (FALSE, FALSE, sizeof (MgSpan));
  self->headings = g_array_new (FALSE, FALSE, sizeof (MgHeading));
  self->strings = g_string_chunk_new (16384);
  self->lists = g_array_new (FALSE, FALSE, sizeof (ListContext));
}

static void
builder_clear (Builder *self)
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
builder_flush (Builder *self)
{
  if (self->pending_breaks > 0)
    {
      if (self->text->len > 0)
        {
          for (guint i = 0; i < self->pending_breaks; i++)
            g_string_append_c (self->text, '\n');
          self->n_chars += self->pending_breaks;
          self->line = LINE_EMPTY;
        }
      self->pending_breaks = 0;
      self->pending_separator = 0;
    }

  if (self->pending_separator != 0)
    {
      if (self->line == LINE_CONTENT)
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

static void
builder_append_content (Builder    *self,
                        const char *str,
                        gsize       len)
{
  if (len == 0)
    return;

  builder_flush (self);
  g_string_append_len (self->text, str, len);
  self->n_chars += g_utf8_strlen (str, len);
  self->line = LINE_CONTENT;
}

/* Text that closes something (a closing quotation mark): white space
 * before it is dropped, as it would be at the end of a line. */
static void
builder_append_closing (Builder    *self,
                        const char *str)
{
  if (self->pending_breaks == 0)
    self->pending_separator = 0;
  builder_append_content (self, str, strlen (str));
}

static void
builder_append_prefix (Builder    *self,
                       const char *str)
{
  builder_flush (self);
  g_string_append (self->text, str);
  self->n_chars += g_utf8_strlen (str, -1);
  self->line = LINE_PREFIX;
}

/* A block starts or ends: the next content goes on a new line. Right after
 * a bullet, the first block of the item stays on the bullet's line. */
static void
builder_request_break (Builder *self)
{
  if (self->line == LINE_CONTENT)
    self->pending_breaks = MAX (self->pending_breaks, 1);
}

/* A hard line break (<br>, a Markdown backslash break). Two in a row make
 * an empty line; more do not add to it. */
static void
builder_line_break (Builder *self)
{
  if (self->text->len > 0)
    self->pending_breaks = MIN (self->pending_breaks + 1, 2);
}

/* Preformatted text: white space kept, each line ending a line break. The
 * source has "\n" endings, but a character reference (&#13;) can still
 * bring a carriage return: CR and CRLF are line endings too. */
static void
builder_append_preformatted (Builder    *self,
                             const char *str,
                             gsize       len)
{
  const char *p = str;
  const char *end = str + len;

  while (p < end)
    {
      const char *eol = p;

      while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
      builder_append_content (self, p, eol - p);
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
static void
builder_append_text (Builder    *self,
                     const char *str,
                     gsize       len)
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
      builder_append_preformatted (self, p, len);
      return;
    }

  while (p < end)
    {
      const char *q = p;

      if (is_html_space (*p))
        {
          while (q < end && is_html_space (*q))
            q++;
          if (self->line == LINE_CONTENT && self->pending_separator == 0)
            self->pending_separator = ' ';
        }
      else
        {
          while (q < end && !is_html_space (*q))
            q++;
          builder_append_content (self, p, q - p);
        }
      p = q;
    }
}

static void
builder_open (Builder    *self,
              MgSpanKind  kind,
              guint       level,
              const char *url)
{
  OpenSpan span = { 0 };

  span.kind = kind;
  span.level = level;
  span.url = g_strdup (url);
  g_array_append_val (self->open, span);
}

static void
builder_close (Builder *self)
{
  OpenSpan *open;

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
          g_autofree char *text = collapse_whitespace (raw);
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

static void
builder_begin_block (Builder *self)
{
  builder_request_break (self);
}

static void
builder_end_block (Builder *self)
{
  builder_request_break (self);
}

static void
builder_begin_heading (Builder *self,
                       guint    level)
{
  builder_request_break (self);
  builder_open (self, MG_SPAN_HEADING, CLAMP (level, 1, 6), NULL);
}

static void
builder_end_heading (Builder *self)
{
  builder_close (self);
  builder_request_break (self);
}

static void
builder_begin_quote (Builder *self)
{
  builder_request_break (self);
  self->quote_depth++;
  builder_open (self, MG_SPAN_BLOCK_QUOTE, self->quote_depth, NULL);
}

static void
builder_end_quote (Builder *self)
{
  builder_close (self);
  self->quote_depth--;
  builder_request_break (self);
}

static void
builder_begin_code_block (Builder *self)
{
  builder_request_break (self);
  builder_open (self, MG_SPAN_CODE_BLOCK, 0, NULL);
  self->pre_depth++;
  self->pre_fresh = TRUE;
}

static void
builder_end_code_block (Builder *self)
{
  self->pre_depth--;
  builder_close (self);
  /* Newlines at the end of the block are not part of it. */
  self->pending_breaks = 0;
  builder_request_break (self);
}

static void
builder_begin_list (Builder *self,
                    gboolean ordered,
                    int      start,
                    char     delimiter)
{
  ListContext list;

  list.ordered = ordered;
  list.number = start;
  list.delimiter = delimiter;
  g_array_append_val (self->lists, list);
  builder_request_break (self);
}

static void
builder_end_list (Builder *self)
{
  g_assert (self->lists->len > 0);

  g_array_set_size (self->lists, self->lists->len - 1);
  builder_request_break (self);
}

/* A list item: its bullet or number is text, so that it shows in the plain
 * text and in copies; the span starts at the bullet, its level is the depth
 * of the list, for the view's indentation. @value, when positive, sets the
 * item's number (<li value>). */
static void
builder_begin_item (Builder *self,
                    int      value)
{
  static const char *const bullets[] = { "\u2022 ", "\u25E6 ", "\u25AA " };
  guint                    depth = MAX (self->lists->len, 1);

  builder_request_break (self);
  builder_open (self, MG_SPAN_LIST_ITEM, depth, NULL);

  if (self->lists->len > 0 && g_array_index (self->lists, ListContext, self->lists->len - 1).ordered)
    {
      ListContext     *list = &g_array_index (self->lists, ListContext, self->lists->len - 1);
      g_autofree char *number = NULL;

      if (value > 0)
        list->number = value;
      number = g_strdup_printf ("%d%c ", list->number, list->delimiter);
      list->number++;
      builder_append_prefix (self, number);
    }
  else
    {
      builder_append_prefix (self, bullets[MIN (depth, G_N_ELEMENTS (bullets)) - 1]);
    }
}

static void
builder_end_item (Builder *self)
{
  builder_close (self);
  if (self->line != LINE_EMPTY)
    self->pending_breaks = MAX (self->pending_breaks, 1);
}

static void
builder_rule (Builder *self)
{
  builder_request_break (self);
  builder_open (self, MG_SPAN_RULE, 0, NULL);
  builder_append_content (self, RULE_TEXT, strlen (RULE_TEXT));
  builder_close (self);
  builder_request_break (self);
}

/* The title a document gives itself: its first level-one heading, or
 * failing that its first heading. */
static char *
builder_dup_heading_title (Builder *self)
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
 * the spans and headings, cut to the final text, to a new structure. */
static MgDocumentStructure *
builder_finish (Builder *self)
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

  return structure;
}

/* Links {{{1 */

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
static char *
resolve_link (const char *base,
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

/* HTML {{{1
 *
 * What is shown of a page, as in a browser's reader mode:
 *
 *  - Never: script, style, noscript, template, head, iframe, svg, canvas,
 *    video, audio, object, embed, dialog, nav, aside, form controls, and
 *    comments. A <form> is dropped unless it holds the article or the
 *    <h1> (old ASP.NET pages wrap the whole page in one).
 *  - Page chrome: <header> and <footer> of the page (not those of an
 *    article or section, which hold its headline and byline, nor a page
 *    header that holds the <h1>), elements
 *    with a navigation, banner, contentinfo, complementary, search or
 *    dialog role, and elements whose class or id names page furniture
 *    (cookie, consent, newsletter, share, social, related, comments,
 *    advert, sidebar, breadcrumb, ...) unless it also names content
 *    (article, content, main, story, post, entry, body, text).
 *  - Hidden: the hidden attribute, aria-hidden="true", an inline style
 *    with display:none or visibility:hidden, and the usual hiding classes
 *    (hidden, sr-only, visually-hidden, screen-reader-text).
 *
 * Chrome and hidden rules never drop the content root or its ancestors: a
 * page saved with a cookie dialog open often has aria-hidden on the
 * wrapper of everything. If they still leave nothing, the page is
 * rendered again without them.
 *
 * The content root: the largest <article> when it holds at least half the
 * visible text of its <main> (or of the body, without a <main>): a news
 * page's story is one article, with teasers of other stories as small
 * ones; an index of posts has many articles of similar size, and is shown
 * whole. When the <h1> is outside that article but inside its <main>, the
 * <main> is the root, so the headline stays. Else the first <main> with
 * text, else the body.
 *
 * The title: og:title (the headline as the site shares it, without the
 * " | Site name" a <title> usually has), else <title>, else the first <h1>
 * of the content, else its first heading. Relative links resolve against
 * <base>, else, for a page saved to disk, the address it was saved from
 * (<link rel="canonical"> or og:url), else the file.
 */

typedef enum
{
  ELEMENT_INLINE = 0, /* unknown elements too, as in a browser */
  ELEMENT_BLOCK,
  ELEMENT_DROP,
  ELEMENT_FORM,
  ELEMENT_CHROME,
  ELEMENT_HEADING,
  ELEMENT_PRE,
  ELEMENT_QUOTE,
  ELEMENT_LIST,
  ELEMENT_ORDERED_LIST,
  ELEMENT_ITEM,
  ELEMENT_RULE,
  ELEMENT_BREAK,
  ELEMENT_IMAGE,
  ELEMENT_LINK,
  ELEMENT_EMPHASIS,
  ELEMENT_STRONG,
  ELEMENT_CODE,
  ELEMENT_ROW,
  ELEMENT_CELL,
  ELEMENT_QUOTATION,
} ElementKind;

static const struct
{
  const char *name;
  ElementKind kind;
} element_kinds[] = {
  { "address", ELEMENT_BLOCK },
  { "article", ELEMENT_BLOCK },
  { "body", ELEMENT_BLOCK },
  { "caption", ELEMENT_BLOCK },
  { "center", ELEMENT_BLOCK },
  { "dd", ELEMENT_BLOCK },
  { "details", ELEMENT_BLOCK },
  { "div", ELEMENT_BLOCK },
  { "dl", ELEMENT_BLOCK },
  { "dt", ELEMENT_BLOCK },
  { "fieldset", ELEMENT_BLOCK },
  { "figcaption", ELEMENT_BLOCK },
  { "figure", ELEMENT_BLOCK },
  { "hgroup", ELEMENT_BLOCK },
  { "html", ELEMENT_BLOCK },
  { "legend", ELEMENT_BLOCK },
  { "main", ELEMENT_BLOCK },
  { "p", ELEMENT_BLOCK },
  { "section", ELEMENT_BLOCK },
  { "summary", ELEMENT_BLOCK },
  { "table", ELEMENT_BLOCK },
  { "tbody", ELEMENT_BLOCK },
  { "tfoot", ELEMENT_BLOCK },
  { "thead", ELEMENT_BLOCK },

  { "aside", ELEMENT_DROP },
  { "audio", ELEMENT_DROP },
  { "button", ELEMENT_DROP },
  { "canvas", ELEMENT_DROP },
  { "datalist", ELEMENT_DROP },
  { "dialog", ELEMENT_DROP },
  { "embed", ELEMENT_DROP },
  { "frameset", ELEMENT_DROP },
  { "head", ELEMENT_DROP },
  { "iframe", ELEMENT_DROP },
  { "input", ELEMENT_DROP },
  { "map", ELEMENT_DROP },
  { "meta", ELEMENT_DROP },
  { "nav", ELEMENT_DROP },
  { "noembed", ELEMENT_DROP },
  { "noframes", ELEMENT_DROP },
  { "noscript", ELEMENT_DROP },
  { "object", ELEMENT_DROP },
  { "option", ELEMENT_DROP },
  { "script", ELEMENT_DROP },
  { "select", ELEMENT_DROP },
  { "style", ELEMENT_DROP },
  { "svg", ELEMENT_DROP },
  { "template", ELEMENT_DROP },
  { "textarea", ELEMENT_DROP },
  { "title", ELEMENT_DROP },
  { "video", ELEMENT_DROP },

  { "form", ELEMENT_FORM },
  { "header", ELEMENT_CHROME },
  { "footer", ELEMENT_CHROME },

  { "h1", ELEMENT_HEADING },
  { "h2", ELEMENT_HEADING },
  { "h3", ELEMENT_HEADING },
  { "h4", ELEMENT_HEADING },
  { "h5", ELEMENT_HEADING },
  { "h6", ELEMENT_HEADING },
  { "listing", ELEMENT_PRE },
  { "plaintext", ELEMENT_PRE },
  { "pre", ELEMENT_PRE },
  { "xmp", ELEMENT_PRE },
  { "blockquote", ELEMENT_QUOTE },
  { "dir", ELEMENT_LIST },
  { "menu", ELEMENT_LIST },
  { "ul", ELEMENT_LIST },
  { "ol", ELEMENT_ORDERED_LIST },
  { "li", ELEMENT_ITEM },
  { "hr", ELEMENT_RULE },
  { "br", ELEMENT_BREAK },
  { "img", ELEMENT_IMAGE },
  { "a", ELEMENT_LINK },
  { "cite", ELEMENT_EMPHASIS },
  { "dfn", ELEMENT_EMPHASIS },
  { "em", ELEMENT_EMPHASIS },
  { "i", ELEMENT_EMPHASIS },
  { "var", ELEMENT_EMPHASIS },
  { "b", ELEMENT_STRONG },
  { "strong", ELEMENT_STRONG },
  { "code", ELEMENT_CODE },
  { "kbd", ELEMENT_CODE },
  { "samp", ELEMENT_CODE },
  { "tt", ELEMENT_CODE },
  { "tr", ELEMENT_ROW },
  { "td", ELEMENT_CELL },
  { "th", ELEMENT_CELL },
  { "q", ELEMENT_QUOTATION },
};

static ElementKind
element_kind (const xmlNode *node)
{
  static GHashTable *kinds;

  if (g_once_init_enter (&kinds))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (element_kinds); i++)
        g_hash_table_insert (table, (gpointer) element_kinds[i].name,
                             GINT_TO_POINTER (element_kinds[i].kind));
      g_once_init_leave (&kinds, table);
    }

  return GPOINTER_TO_INT (g_hash_table_lookup (kinds, node->name));
}

static inline gboolean
is_element (const xmlNode *node,
            const char    *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

/* An attribute's value, or NULL; the HTML parser lower-cases names. The
 * parser stores a value as one text node, entities decoded, so it is read
 * in place: these lookups run for every element, twice. Only an odd value
 * of several nodes is copied, into @storage. */
static const char *
attribute_value (xmlNode    *node,
                 const char *name,
                 char      **storage)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      xmlChar *value;

      if (attr->ns != NULL || strcmp ((const char *) attr->name, name) != 0)
        continue;
      if (attr->children == NULL)
        return "";
      if (attr->children->next == NULL && attr->children->type == XML_TEXT_NODE)
        return (const char *) attr->children->content;

      value = xmlNodeListGetString (node->doc, attr->children, 1);
      *storage = g_strdup (value != NULL ? (const char *) value : "");
      xmlFree (value);
      return *storage;
    }

  return NULL;
}

static char *
get_attribute (xmlNode    *node,
               const char *name)
{
  g_autofree char *storage = NULL;

  return g_strdup (attribute_value (node, name, &storage));
}

/* Whether an attribute's value is @value, ignoring case and white space
 * around it. */
static gboolean
attribute_equals (xmlNode    *node,
                  const char *name,
                  const char *value)
{
  g_autofree char *storage = NULL;
  const char      *actual = attribute_value (node, name, &storage);
  gsize            len = strlen (value);

  if (actual == NULL)
    return FALSE;

  while (is_html_space (*actual))
    actual++;
  if (g_ascii_strncasecmp (actual, value, len) != 0)
    return FALSE;
  for (actual += len; *actual != '\0'; actual++)
    if (!is_html_space (*actual))
      return FALSE;

  return TRUE;
}

typedef enum
{
  FLAG_HOLDS_CONTENT = 1 << 0, /* an <article> or <main>, or holds one */
  FLAG_HOLDS_TITLE = 1 << 1,   /* holds an <h1> */
} NodeFlags;

typedef struct
{
  Builder    *builder;
  GHashTable *flags;   /* xmlNode → NodeFlags */
  GHashTable *lengths; /* xmlNode → visible text length, for candidates */
  GPtrArray  *articles;
  GPtrArray  *mains;
  xmlNode    *body;
  char       *title;
  char       *og_title;
  char       *uri;
  char       *base_href; /* <base href> */
  char       *canonical; /* <link rel="canonical">, or og:url */
  char       *base;      /* what relative links resolve against */
  gboolean    lenient;
  GArray     *counts; /* gsize, one per open element while measuring */
} HtmlContext;

static void
html_context_init (HtmlContext *ctx,
                   Builder     *builder,
                   const char  *uri)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->builder = builder;
  ctx->flags = g_hash_table_new (NULL, NULL);
  ctx->lengths = g_hash_table_new (NULL, NULL);
  ctx->articles = g_ptr_array_new ();
  ctx->mains = g_ptr_array_new ();
  ctx->uri = g_strdup (uri);
  ctx->base = g_strdup (uri);
  ctx->counts = g_array_new (FALSE, FALSE, sizeof (gsize));
}

static void
html_context_clear (HtmlContext *ctx)
{
  g_hash_table_unref (ctx->flags);
  g_hash_table_unref (ctx->lengths);
  g_ptr_array_unref (ctx->articles);
  g_ptr_array_unref (ctx->mains);
  g_free (ctx->title);
  g_free (ctx->og_title);
  g_free (ctx->uri);
  g_free (ctx->base_href);
  g_free (ctx->canonical);
  g_free (ctx->base);
  g_array_unref (ctx->counts);
}

static NodeFlags
node_flags (HtmlContext *ctx,
            xmlNode     *node)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (ctx->flags, node));
}

/* Marks @node and its ancestors; stops at the first ancestor marked
 * already, so marking every article costs one walk over the tree. */
static void
mark_ancestors (HtmlContext *ctx,
                xmlNode     *node,
                NodeFlags    flag)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      NodeFlags flags = node_flags (ctx, node);

      if (flags & flag)
        break;
      g_hash_table_insert (ctx->flags, node, GUINT_TO_POINTER (flags | flag));
    }
}

typedef gboolean (*EnterFunc) (xmlNode *node,
                               gpointer data);
typedef void (*LeaveFunc) (xmlNode *node,
                           gpointer data);

/* Walks the tree under @root without recursion, so that no page, however
 * deeply nested, can exhaust the stack. @enter returns whether to go into
 * a node; @leave is called for every node gone into. */
static void
walk (xmlNode  *root,
      EnterFunc enter,
      LeaveFunc leave,
      gpointer  data)
{
  xmlNode *node = root;

  if (root == NULL)
    return;

  for (;;)
    {
      if (enter (node, data))
        {
          if (node->children != NULL)
            {
              node = node->children;
              continue;
            }
          if (leave != NULL)
            leave (node, data);
        }

      while (node != root && node->next == NULL)
        {
          node = node->parent;
          if (leave != NULL)
            leave (node, data);
        }
      if (node == root)
        break;
      node = node->next;
    }
}

static char *
node_text (xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char    *text = collapse_whitespace ((const char *) content);

  xmlFree (content);
  return text;
}

/* Pass one: the facts about the page, and the marks that protect the
 * content from the chrome rules. */
static gboolean
scan_enter (xmlNode *node,
            gpointer data)
{
  HtmlContext *ctx = data;
  const char  *name;

  if (node->type != XML_ELEMENT_NODE)
    return FALSE;

  name = (const char *) node->name;
  if (strcmp (name, "article") == 0)
    {
      g_ptr_array_add (ctx->articles, node);
      mark_ancestors (ctx, node, FLAG_HOLDS_CONTENT);
    }
  else if (strcmp (name, "main") == 0 || attribute_equals (node, "role", "main"))
    {
      g_ptr_array_add (ctx->mains, node);
      mark_ancestors (ctx, node, FLAG_HOLDS_CONTENT);
    }
  else if (strcmp (name, "h1") == 0)
    {
      mark_ancestors (ctx, node, FLAG_HOLDS_TITLE);
    }
  else if (strcmp (name, "body") == 0 && ctx->body == NULL)
    {
      ctx->body = node;
    }
  else if (strcmp (name, "title") == 0 && ctx->title == NULL && is_element (node->parent, "head"))
    {
      ctx->title = node_text (node);
    }
  else if (strcmp (name, "meta") == 0 && ctx->og_title == NULL && (attribute_equals (node, "property", "og:title") || attribute_equals (node, "name", "og:title")))
    {
      g_autofree char *content = get_attribute (node, "content");

      ctx->og_title = collapse_whitespace (content);
    }
  else if (strcmp (name, "meta") == 0 && ctx->canonical == NULL && (attribute_equals (node, "property", "og:url") || attribute_equals (node, "name", "og:url")))
    {
      ctx->canonical = get_attribute (node, "content");
    }
  else if (strcmp (name, "link") == 0 && attribute_equals (node, "rel", "canonical"))
    {
      g_free (ctx->canonical);
      ctx->canonical = get_attribute (node, "href");
    }
  else if (strcmp (name, "base") == 0 && ctx->base_href == NULL)
    {
      ctx->base_href = get_attribute (node, "href");
    }

  return TRUE;
}

static gboolean
is_inside_sectioning (xmlNode *node)
{
  for (node = node->parent; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      const char *name = (const char *) node->name;

      if (strcmp (name, "article") == 0 || strcmp (name, "section") == 0 || strcmp (name, "main") == 0 || strcmp (name, "aside") == 0 || strcmp (name, "nav") == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
style_hides (const char *style)
{
  g_autoptr (GString) compact = g_string_new (NULL);

  for (const char *p = style; *p != '\0'; p++)
    if (!is_html_space (*p))
      g_string_append_c (compact, g_ascii_tolower (*p));

  return strstr (compact->str, "display:none") != NULL || strstr (compact->str, "visibility:hidden") != NULL;
}

static gboolean
is_hidden (xmlNode *node)
{
  g_autofree char *storage = NULL;
  const char      *style;

  if (xmlHasProp (node, (const xmlChar *) "hidden") != NULL)
    return TRUE;
  if (attribute_equals (node, "aria-hidden", "true"))
    return TRUE;

  style = attribute_value (node, "style", &storage);
  return style != NULL && style_hides (style);
}

static gboolean
is_chrome_role (xmlNode *node)
{
  static const char *const roles[] = {
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menubar",
  };

  if (node->properties == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (attribute_equals (node, "role", roles[i]))
      return TRUE;

  return FALSE;
}

static gboolean
word_is_one_of (const char        *word,
                gsize              len,
                const char *const *list,
                gsize              n_list)
{
  for (gsize i = 0; i < n_list; i++)
    if (strlen (list[i]) == len && g_ascii_strncasecmp (word, list[i], len) == 0)
      return TRUE;

  return FALSE;
}

/* Whether a class or id value names page furniture. Values are split into
 * words at white space, '-' and '_', so "cookie-banner" and "share_tools"
 * match, and "header" or "loaded" never match "ad". */
static gboolean
names_chrome (const char *value)
{
  static const char *const hiding[] = {
    "hidden",
    "hide",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "d-none",
  };
  static const char *const chrome[] = {
    "ad",
    "ads",
    "advert",
    "advertisement",
    "breadcrumb",
    "breadcrumbs",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "disqus",
    "footer",
    "gdpr",
    "header",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "pagination",
    "paywall",
    "popup",
    "promo",
    "related",
    "share",
    "sharing",
    "sidebar",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "toolbar",
  };
  static const char *const content[] = {
    "article",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "text",
  };
  const char *p = value;
  gboolean    chrome_word = FALSE;

  if (value == NULL)
    return FALSE;

  while (*p != '\0')
    {
      const char *token;
      const char *word;

      while (is_html_space (*p))
        p++;
      token = p;
      while (*p != '\0' && !is_html_space (*p))
        p++;
      if (p == token)
        continue;

      if (word_is_one_of (token, p - token, hiding, G_N_ELEMENTS (hiding)))
        return TRUE;

      for (word = token;;)
        {
          const char *word_end = word;

          while (word_end < p && *word_end != '-' && *word_end != '_')
            word_end++;
          if (word_is_one_of (word, word_end - word, content, G_N_ELEMENTS (content)))
            return FALSE;
          if (word_is_one_of (word, word_end - word, chrome, G_N_ELEMENTS (chrome)))
            chrome_word = TRUE;
          if (word_end == p)
            break;
          word = word_end + 1;
        }
    }

  return chrome_word;
}

static gboolean
is_page_chrome (xmlNode *node)
{
  g_autofree char *class_storage = NULL;
  g_autofree char *id_storage = NULL;

  if (node->properties == NULL)
    return FALSE;

  return is_chrome_role (node) || names_chrome (attribute_value (node, "class", &class_storage)) || names_chrome (attribute_value (node, "id", &id_storage));
}

static gboolean
should_drop (HtmlContext *ctx,
             xmlNode     *node,
             ElementKind  kind)
{
  NodeFlags flags;

  if (kind == ELEMENT_DROP)
    return TRUE;

  if (is_element (node, "html") || is_element (node, "body"))
    return FALSE;

  flags = node_flags (ctx, node);
  if (flags & FLAG_HOLDS_CONTENT)
    return FALSE;

  if (kind == ELEMENT_FORM)
    return (flags & FLAG_HOLDS_TITLE) == 0;

  if (kind == ELEMENT_CHROME && !is_inside_sectioning (node))
    {
      /* A page header that holds the only <h1> holds the headline. */
      if (!(is_element (node, "header") && (flags & FLAG_HOLDS_TITLE)))
        return TRUE;
    }

  if (ctx->lenient)
    return FALSE;

  return is_hidden (node) || is_page_chrome (node);
}

static gsize
count_visible (const char *text)
{
  gsize n = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!is_html_space (*p))
      n++;

  return n;
}

/* What relative links resolve against: the page's <base>; for a page
 * saved to disk, the address it was saved from (its canonical link or
 * og:url), since "/authors/ana" means something there and nothing on
 * the disk; else the document's own URI. */
static void
choose_base (HtmlContext *ctx)
{
  g_autofree char *base = NULL;

  if (ctx->base_href != NULL)
    base = resolve_link (ctx->uri, ctx->base_href);

  if (base == NULL && ctx->canonical != NULL && g_str_has_prefix (ctx->uri, "file:"))
    {
      g_autofree char *canonical = g_strstrip (g_strdup (ctx->canonical));
      const char      *scheme = g_uri_peek_scheme (canonical);

      if (scheme != NULL && (strcmp (scheme, "http") == 0 || strcmp (scheme, "https") == 0))
        base = g_steal_pointer (&canonical);
    }

  if (base != NULL)
    {
      g_free (ctx->base);
      ctx->base = g_steal_pointer (&base);
    }
}

/* Pass two: how much visible text each candidate root holds. */
static gboolean
measure_enter (xmlNode *node,
               gpointer data)
{
  HtmlContext *ctx = data;
  gsize        zero = 0;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      if (ctx->counts->len > 0)
        g_array_index (ctx->counts, gsize, ctx->counts->len - 1) += count_visible ((const char *) node->content);
      return FALSE;
    }

  if (node->type != XML_ELEMENT_NODE || should_drop (ctx, node, element_kind (node)))
    return FALSE;

  g_array_append_val (ctx->counts, zero);
  return TRUE;
}

static void
measure_leave (xmlNode *node,
               gpointer data)
{
  HtmlContext *ctx = data;
  gsize        count;

  g_assert (ctx->counts->len > 0);

  count = g_array_index (ctx->counts, gsize, ctx->counts->len - 1);
  g_array_set_size (ctx->counts, ctx->counts->len - 1);
  if (ctx->counts->len > 0)
    g_array_index (ctx->counts, gsize, ctx->counts->len - 1) += count;

  if (node_flags (ctx, node) & FLAG_HOLDS_CONTENT || node == ctx->body)
    g_hash_table_insert (ctx->lengths, node, GSIZE_TO_POINTER (count));
}

static gsize
visible_length (HtmlContext *ctx,
                xmlNode     *node)
{
  return node != NULL ? GPOINTER_TO_SIZE (g_hash_table_lookup (ctx->lengths, node)) : 0;
}

static gboolean
is_ancestor (xmlNode *ancestor,
             xmlNode *node)
{
  for (; node != NULL; node = node->parent)
    if (node == ancestor)
      return TRUE;

  return FALSE;
}

static xmlNode *
choose_content_root (HtmlContext *ctx,
                     xmlNode     *root)
{
  xmlNode *article = NULL;
  xmlNode *main_node = NULL;
  xmlNode *container;

  ctx->counts->len = 0;
  walk (root, measure_enter, measure_leave, ctx);

  for (guint i = 0; i < ctx->articles->len; i++)
    {
      xmlNode *candidate = g_ptr_array_index (ctx->articles, i);

      if (visible_length (ctx, candidate) > visible_length (ctx, article))
        article = candidate;
    }

  for (guint i = 0; i < ctx->mains->len && main_node == NULL; i++)
    if (visible_length (ctx, g_ptr_array_index (ctx->mains, i)) > 0)
      main_node = g_ptr_array_index (ctx->mains, i);

  container = main_node != NULL && is_ancestor (main_node, article) ? main_node : ctx->body;
  if (article != NULL && (container == NULL || visible_length (ctx, article) * 2 >= visible_length (ctx, container)))
    {
      /* A headline above the article, in the same <main>, belongs to it. */
      if (container == main_node && !(node_flags (ctx, article) & FLAG_HOLDS_TITLE) && (node_flags (ctx, main_node) & FLAG_HOLDS_TITLE))
        return main_node;
      return article;
    }
  if (main_node != NULL)
    return main_node;
  if (ctx->body != NULL)
    return ctx->body;

  return root;
}

/* Pass three: the text. */
static gboolean
render_enter (xmlNode *node,
              gpointer data)
{
  HtmlContext *ctx = data;
  Builder     *b = ctx->builder;
  ElementKind  kind;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      if (node->content != NULL)
        builder_append_text (b, (const char *) node->content, strlen ((const char *) node->content));
      return FALSE;
    }

  if (node->type != XML_ELEMENT_NODE)
    return FALSE;

  kind = element_kind (node);
  if (should_drop (ctx, node, kind))
    return FALSE;

  switch (kind)
    {
    case ELEMENT_BLOCK:
    case ELEMENT_FORM:
    case ELEMENT_CHROME:
    case ELEMENT_ROW:
      builder_begin_block (b);
      break;

    case ELEMENT_HEADING:
      builder_begin_heading (b, node->name[1] - '0');
      break;

    case ELEMENT_PRE:
      builder_begin_code_block (b);
      break;

    case ELEMENT_QUOTE:
      builder_begin_quote (b);
      break;

    case ELEMENT_LIST:
      builder_begin_list (b, FALSE, 1, '.');
      break;

    case ELEMENT_ORDERED_LIST:
      {
        g_autofree char *start = get_attribute (node, "start");

        builder_begin_list (b, TRUE, start != NULL ? atoi (start) : 1, '.');
      }
      break;

    case ELEMENT_ITEM:
      {
        g_autofree char *value = get_attribute (node, "value");

        builder_begin_item (b, value != NULL ? atoi (value) : 0);
      }
      break;

    case ELEMENT_RULE:
      builder_rule (b);
      return FALSE;

    case ELEMENT_BREAK:
      if (b->pre_depth > 0)
        b->pending_breaks++;
      else
        builder_line_break (b);
      return FALSE;

    case ELEMENT_IMAGE:
      {
        g_autofree char *alt = get_attribute (node, "alt");

        if (alt != NULL)
          builder_append_text (b, alt, strlen (alt));
      }
      return FALSE;

    case ELEMENT_LINK:
      {
        g_autofree char *href = get_attribute (node, "href");
        g_autofree char *url = resolve_link (ctx->base, href);

        builder_open (b, MG_SPAN_LINK, 0, url);
      }
      break;

    case ELEMENT_EMPHASIS:
      builder_open (b, MG_SPAN_EMPHASIS, 0, NULL);
      break;

    case ELEMENT_STRONG:
      builder_open (b, MG_SPAN_STRONG, 0, NULL);
      break;

    case ELEMENT_CODE:
      /* Inside <pre> the block is code already. */
      if (b->pre_depth == 0)
        builder_open (b, MG_SPAN_CODE, 0, NULL);
      break;

    case ELEMENT_CELL:
      if (b->pending_breaks == 0 && b->line == LINE_CONTENT)
        b->pending_separator = '\t';
      break;

    case ELEMENT_QUOTATION:
      builder_append_content (b, "\u201C", strlen ("\u201C"));
      break;

    case ELEMENT_DROP:
    case ELEMENT_INLINE:
    default:
      break;
    }

  return TRUE;
}

static void
render_leave (xmlNode *node,
              gpointer data)
{
  HtmlContext *ctx = data;
  Builder     *b = ctx->builder;

  switch (element_kind (node))
    {
    case ELEMENT_BLOCK:
    case ELEMENT_FORM:
    case ELEMENT_CHROME:
    case ELEMENT_ROW:
      builder_end_block (b);
      break;

    case ELEMENT_HEADING:
      builder_end_heading (b);
      break;

    case ELEMENT_PRE:
      builder_end_code_block (b);
      break;

    case ELEMENT_QUOTE:
      builder_end_quote (b);
      break;

    case ELEMENT_LIST:
    case ELEMENT_ORDERED_LIST:
      builder_end_list (b);
      break;

    case ELEMENT_ITEM:
      builder_end_item (b);
      break;

    case ELEMENT_LINK:
    case ELEMENT_EMPHASIS:
    case ELEMENT_STRONG:
      builder_close (b);
      break;

    case ELEMENT_CODE:
      if (b->pre_depth == 0)
        builder_close (b);
      break;

    case ELEMENT_QUOTATION:
      builder_append_closing (b, "\u201D");
      break;

    case ELEMENT_RULE:
    case ELEMENT_BREAK:
    case ELEMENT_IMAGE:
    case ELEMENT_CELL:
    case ELEMENT_DROP:
    case ELEMENT_INLINE:
    default:
      break;
    }
}

static void
ensure_libxml (void)
{
  static gsize initialized;

  /* xmlInitParser() must run once before threads parse. */
  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }
}

/* Parses with a context of our own rather than htmlReadMemory() only to
 * keep every white-space text node: the HTML parser drops some it judges
 * "blank" (between two unknown elements), and white space between two
 * words is a space in the text. Options as htmlReadMemory() would get
 * them; the encoding is always UTF-8, since the bytes were decoded
 * before, so a <meta charset> cannot make the parser decode them again. */
static xmlDoc *
parse_html (const char *text,
            gsize       len,
            const char *uri)
{
  htmlParserCtxtPtr ctxt;
  xmlDoc           *doc;

  if (len == 0 || len > G_MAXINT)
    return NULL;

  ensure_libxml ();

  ctxt = htmlNewParserCtxt ();
  if (ctxt == NULL)
    return NULL;

  ctxt->sax->ignorableWhitespace = xmlSAX2Characters;
  doc = htmlCtxtReadMemory (ctxt, text, (int) len, uri, "UTF-8", HTML_OPTIONS);
  htmlFreeParserCtxt (ctxt);

  return doc;
}

static void
render_html (Builder    *builder,
             const char *text,
             gsize       len,
             const char *uri,
             char      **title)
{
  HtmlContext ctx;
  xmlDoc     *doc;
  xmlNode    *root;
  xmlNode    *content;

  doc = parse_html (text, len, uri);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root == NULL)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      return;
    }

  html_context_init (&ctx, builder, uri);
  walk (root, scan_enter, NULL, &ctx);
  choose_base (&ctx);

  content = choose_content_root (&ctx, root);
  walk (content, render_enter, render_leave, &ctx);

  /* Chrome and hidden rules that swallowed everything were wrong about
   * this page. */
  if (builder->text->len == 0)
    {
      ctx.lenient = TRUE;
      builder->pending_breaks = 0;
      builder->pending_separator = 0;
      walk (ctx.body != NULL ? ctx.body : root, render_enter, render_leave, &ctx);
    }

  if (ctx.og_title != NULL)
    *title = g_strdup (ctx.og_title);
  else if (ctx.title != NULL)
    *title = g_strdup (ctx.title);
  else
    *title = builder_dup_heading_title (builder);

  html_context_clear (&ctx);
  xmlFreeDoc (doc);
}

/* A raw HTML block inside Markdown: the same walk, over the fragment's
 * body, with no content selection. */
static void
render_html_fragment (Builder    *builder,
                      const char *html,
                      const char *uri)
{
  HtmlContext ctx;
  xmlDoc     *doc;
  xmlNode    *root;

  if (html == NULL)
    return;

  doc = parse_html (html, strlen (html), uri);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root != NULL)
    {
      html_context_init (&ctx, builder, uri);
      walk (root, scan_enter, NULL, &ctx);
      choose_base (&ctx);
      walk (ctx.body != NULL ? ctx.body : root, render_enter, render_leave, &ctx);
      html_context_clear (&ctx);
    }

  g_clear_pointer (&doc, xmlFreeDoc);
}

/* Markdown {{{1 */

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
      return collapse_whitespace (copy + 1);
    }

  return collapse_whitespace (copy);
}

/* YAML front matter ("---" lines around "key: value" lines), as Obsidian,
 * Zettlr, Pandoc and static site generators write it: not shown, since
 * CommonMark would render it as a rule and a heading; its title, if any,
 * is the document's. Returns how many bytes it takes. */
static gsize
skip_front_matter (const char *text,
                   gsize       len,
                   char      **title)
{
  const char *end = text + len;
  const char *line;
  gboolean    has_key = FALSE;

  if (len < 4 || strncmp (text, "---\n", 4) != 0)
    return 0;

  for (line = text + 4; line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *line_end = nl != NULL ? nl : end;
      gsize       n = line_end - line;

      while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;

      if (n == 3 && (strncmp (line, "---", 3) == 0 || strncmp (line, "...", 3) == 0))
        {
          if (!has_key)
            break;
          return (nl != NULL ? nl + 1 : end) - text;
        }

      if (is_yaml_key_line (line, n))
        {
          has_key = TRUE;
          if (*title == NULL && n > 6 && strncmp (line, "title:", 6) == 0)
            *title = yaml_scalar (line + 6, n - 6);
        }

      line = nl != NULL ? nl + 1 : end;
    }

  g_clear_pointer (title, g_free);
  return 0;
}

/* An image is shown as its alternative text: the text of its children. */
static void
append_image_alt (Builder    *builder,
                  cmark_node *image)
{
  cmark_iter      *iter = cmark_iter_new (image);
  cmark_event_type event;
  g_autoptr (GString) alt = g_string_new (NULL);

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);

      if (event != CMARK_EVENT_ENTER)
        continue;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          g_string_append (alt, cmark_node_get_literal (node));
          break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
          g_string_append_c (alt, ' ');
          break;
        default:
          break;
        }
    }
  cmark_iter_free (iter);

  builder_append_text (builder, alt->str, alt->len);
}

static gboolean
is_html_line_break (const char *html)
{
  g_autofree char *lower = NULL;

  if (html == NULL)
    return FALSE;

  lower = g_ascii_strdown (html, -1);
  g_strstrip (lower);
  return strcmp (lower, "<br>") == 0 || strcmp (lower, "<br/>") == 0 || strcmp (lower, "<br />") == 0;
}

static void
render_markdown (Builder    *b,
                 const char *text,
                 gsize       len,
                 const char *uri,
                 char      **title)
{
  cmark_node      *document;
  cmark_iter      *iter;
  cmark_event_type event;
  gsize            skip;

  skip = skip_front_matter (text, len, title);
  document = cmark_parse_document (text + skip, len - skip, CMARK_OPT_DEFAULT);
  iter = cmark_iter_new (document);

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);
      gboolean    entering = event == CMARK_EVENT_ENTER;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_PARAGRAPH:
          if (entering)
            builder_begin_block (b);
          else
            builder_end_block (b);
          break;

        case CMARK_NODE_HEADING:
          if (entering)
            builder_begin_heading (b, cmark_node_get_heading_level (node));
          else
            builder_end_heading (b);
          break;

        case CMARK_NODE_BLOCK_QUOTE:
          if (entering)
            builder_begin_quote (b);
          else
            builder_end_quote (b);
          break;

        case CMARK_NODE_LIST:
          if (entering)
            builder_begin_list (b, cmark_node_get_list_type (node) == CMARK_ORDERED_LIST,
                                cmark_node_get_list_start (node),
                                cmark_node_get_list_delim (node) == CMARK_PAREN_DELIM ? ')' : '.');
          else
            builder_end_list (b);
          break;

        case CMARK_NODE_ITEM:
          if (entering)
            builder_begin_item (b, 0);
          else
            builder_end_item (b);
          break;

        case CMARK_NODE_CODE_BLOCK:
          {
            const char *literal = cmark_node_get_literal (node);
            gsize       n = literal != NULL ? strlen (literal) : 0;

            /* The literal ends with the newline of its last line. */
            while (n > 0 && literal[n - 1] == '\n')
              n--;
            builder_begin_code_block (b);
            builder_append_preformatted (b, literal, n);
            builder_end_code_block (b);
          }
          break;

        case CMARK_NODE_HTML_BLOCK:
          builder_begin_block (b);
          render_html_fragment (b, cmark_node_get_literal (node), uri);
          builder_end_block (b);
          break;

        case CMARK_NODE_THEMATIC_BREAK:
          builder_rule (b);
          break;

        case CMARK_NODE_TEXT:
          {
            const char *literal = cmark_node_get_literal (node);

            if (literal != NULL)
              builder_append_text (b, literal, strlen (literal));
          }
          break;

        case CMARK_NODE_SOFTBREAK:
          builder_append_text (b, " ", 1);
          break;

        case CMARK_NODE_LINEBREAK:
          builder_line_break (b);
          break;

        case CMARK_NODE_CODE:
          {
            const char *literal = cmark_node_get_literal (node);

            builder_open (b, MG_SPAN_CODE, 0, NULL);
            if (literal != NULL)
              builder_append_text (b, literal, strlen (literal));
            builder_close (b);
          }
          break;

        case CMARK_NODE_HTML_INLINE:
          /* Inline tags are dropped, their text stays; only <br> shows. */
          if (is_html_line_break (cmark_node_get_literal (node)))
            builder_line_break (b);
          break;

        case CMARK_NODE_EMPH:
          if (entering)
            builder_open (b, MG_SPAN_EMPHASIS, 0, NULL);
          else
            builder_close (b);
          break;

        case CMARK_NODE_STRONG:
          if (entering)
            builder_open (b, MG_SPAN_STRONG, 0, NULL);
          else
            builder_close (b);
          break;

        case CMARK_NODE_LINK:
          if (entering)
            {
              g_autofree char *url = resolve_link (uri, cmark_node_get_url (node));

              builder_open (b, MG_SPAN_LINK, 0, url);
            }
          else
            {
              builder_close (b);
            }
          break;

        case CMARK_NODE_IMAGE:
          if (entering)
            {
              append_image_alt (b, node);
              cmark_iter_reset (iter, node, CMARK_EVENT_EXIT);
            }
          break;

        case CMARK_NODE_DOCUMENT:
        case CMARK_NODE_CUSTOM_BLOCK:
        case CMARK_NODE_CUSTOM_INLINE:
        default:
          break;
        }
    }

  cmark_iter_free (iter);
  cmark_node_free (document);

  if (*title == NULL)
    *title = builder_dup_heading_title (b);
}

/* Loading {{{1 */

/**
 * mg_document_loader_load_bytes:
 * @bytes: the raw contents
 * @uri: the document's URI; relative links are resolved against it
 * @title_hint: (nullable): the title to use when the document has none of
 *   its own, usually the file's display name; %NULL derives one from @uri
 * @format: how to read @bytes, see mg_document_format_guess()
 * @error: return location for a #GError
 *
 * Decodes and, for Markdown and HTML, renders @bytes into a document. The
 * encoding is found as described at the top of this file; the document
 * says which one was used when it was not UTF-8, and whether invalid bytes
 * were replaced. A Markdown or HTML document's title is its own (YAML
 * front matter, og:title, <title>, first heading), else @title_hint.
 *
 * Binary data (MG_DOCUMENT_ERROR_NOT_TEXT) and data over
 * %MG_DOCUMENT_MAX_SIZE (MG_DOCUMENT_ERROR_TOO_LARGE) are refused. Any
 * other input gives a document: markup errors are recovered from.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
MgDocument *
mg_document_loader_load_bytes (GBytes          *bytes,
                               const char      *uri,
                               const char      *title_hint,
                               MgDocumentFormat format,
                               GError         **error)
{
  g_auto (Decoded) decoded = { 0 };
  g_autofree char *title = NULL;
  const char      *data;
  gsize            len;
  MgDocument      *document;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (data == NULL)
    data = "";

  if (len > MG_DOCUMENT_MAX_SIZE)
    {
      set_too_large_error (error, len);
      return NULL;
    }

  if (!decode (data, len, format, &decoded, error))
    return NULL;

  if (format == MG_DOCUMENT_FORMAT_TEXT)
    {
      document = mg_document_new_rendered_take (g_steal_pointer (&decoded.text), decoded.len,
                                                title_hint, uri, format,
                                                decoded.encoding, decoded.repaired, NULL);
    }
  else
    {
      g_autoptr (MgDocumentStructure) structure = NULL;
      Builder builder;

      builder_init (&builder, decoded.len);
      if (format == MG_DOCUMENT_FORMAT_MARKDOWN)
        render_markdown (&builder, decoded.text, decoded.len, uri, &title);
      else
        render_html (&builder, decoded.text, decoded.len, uri, &title);
      structure = builder_finish (&builder);

      {
        gsize n_bytes = builder.text->len;
        char *text = g_string_free (g_steal_pointer (&builder.text), FALSE);

        document = mg_document_new_rendered_take (text, n_bytes,
                                                  title != NULL ? title : title_hint, uri, format,
                                                  decoded.encoding, decoded.repaired, structure);
      }
      builder_clear (&builder);
    }

  /* Only a bug here can leave no document; the caller still gets a reason. */
  if (document == NULL)
    set_not_text_error (error);

  return document;
}

/**
 * mg_document_loader_load_file:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @file synchronously, guesses its format from its name, content
 * type and first bytes, and loads it with mg_document_loader_load_bytes().
 * For threads and the command line; the window uses
 * mg_document_loader_load_file_async().
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
MgDocument *
mg_document_loader_load_file (GFile        *file,
                              GCancellable *cancellable,
                              GError      **error)
{
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) head = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *basename = NULL;
  const char      *content_type = NULL;
  const char      *display_name = NULL;
  MgDocumentFormat format;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return NULL;

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_IS_DIRECTORY,
                           _ ("This is a folder, not a document."));
      return NULL;
    }

  if (g_file_info_get_size (info) > MG_DOCUMENT_MAX_SIZE)
    {
      set_too_large_error (error, g_file_info_get_size (info));
      return NULL;
    }

  {
    char *contents = NULL;
    gsize length = 0;

    if (!mg_file_load_contents (file, cancellable, &contents, &length, NULL, error))
      return NULL;
    bytes = g_bytes_new_take (contents, length);
  }

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE))
    content_type = g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE);
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME))
    display_name = g_file_info_get_display_name (info);

  uri = g_file_get_uri (file);
  basename = g_file_get_basename (file);
  head = g_bytes_new_from_bytes (bytes, 0, MIN (g_bytes_get_size (bytes), 1024));
  format = mg_document_format_guess (basename != NULL ? basename : uri, content_type, head);

  return mg_document_loader_load_bytes (bytes, uri, display_name, format, error);
}

static void
load_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError     *error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_file (G_FILE (task_data), cancellable, &error);
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

/**
 * mg_document_loader_load_file_async:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the document is ready
 * @user_data: data for @callback
 *
 * Reads, decodes and renders @file in a worker thread, as
 * mg_document_loader_load_file() does.
 */
void
mg_document_loader_load_file_async (GFile              *file,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_document_loader_load_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_file_thread);
}

/**
 * mg_document_loader_load_file_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
MgDocument *
mg_document_loader_load_file_finish (GAsyncResult *result,
                                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mg_document_loader_load_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mg_document_loader_dup_encoding_notice:
 * @document: a #MgDocument
 *
 * What the window tells the user when a document was not read as UTF-8,
 * so that a wrong guess is understood for what it is.
 *
 * Returns: (transfer full) (nullable): a sentence such as “Read as
 *   Windows-1252”, or %NULL for a UTF-8 document
 */
char *
mg_document_loader_dup_encoding_notice (MgDocument *document)
{
  const char *encoding;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);

  encoding = mg_document_get_encoding (document);
  if (encoding == NULL)
    return NULL;

  /* Translators: %s is the name of a character encoding, such as “Windows-1252”. */
  return g_strdup_printf (_ ("Read as %s"), encoding);
}
