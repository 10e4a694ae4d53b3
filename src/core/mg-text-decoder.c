/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-text-decoder"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-text-decoder.h"

/*
 * Text decoding: the raw bytes of a document in, normalised UTF-8 out (one
 * job, before any rendering; the loader calls it, the renderers get its
 * text). Nothing here knows about markup beyond finding the charset an
 * HTML page declares.
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

/* How far into an HTML page a <meta charset> is looked for. The HTML
 * standard says 1024 bytes; saved pages often have long comments and
 * scripts before it, and looking further costs nothing. */
#define CHARSET_SNIFF_LENGTH 8192

/**
 * mg_set_not_text_error:
 * @error: return location for a #GError
 *
 * Sets the error for data that is not text: the one message for it.
 */
void
mg_set_not_text_error (GError **error)
{
  g_set_error_literal (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT,
                       _ ("The file does not contain text. Marginalia opens plain text, Markdown and HTML articles."));
}

static inline gboolean
is_control (guchar c)
{
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F;
}

/**
 * mg_decoded_text_clear:
 * @decoded: a #MgDecodedText
 *
 * Frees what @decoded holds, leaving it empty.
 */
void
mg_decoded_text_clear (MgDecodedText *decoded)
{
  g_clear_pointer (&decoded->text, g_free);
  g_clear_pointer (&decoded->encoding, g_free);
}

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

/* Whether a charset browsers read a page in: one that leaves the ASCII of
 * markup as it is. UTF-7 turns everything after a '+' (in a script, a URL)
 * into base64 noise, and took the whole page with it; EBCDIC, UTF-32 and
 * UCS-2 would read no tag at all. The ISO-2022 encodings that shift with
 * escape sequences and HZ, which WHATWG maps to "replacement" (nothing
 * but an error), are named. '\\' and '~' are not tested: Shift_JIS in
 * iconv reads them as yen and overline. */
static gboolean
is_web_charset (const char *charset)
{
  static const char *const refused[] = {
    "ISO-2022-KR",
    "CSISO2022KR",
    "ISO-2022-CN",
    "ISO-2022-CN-EXT",
    "HZ-GB-2312",
    "HZ",
  };
  static const char probe[] = "<meta charset=\"x\"> <a href='/a-b_c?d&e#f'>!%()*+,-.:;@[]^{|}`</a>\n"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 +-";
  g_autofree char  *converted = NULL;
  gsize             converted_len = 0;
  gboolean          repaired = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    if (g_ascii_strcasecmp (charset, refused[i]) == 0)
      return FALSE;

  converted = convert_to_utf8 (probe, strlen (probe), charset, 1, &converted_len, &repaired);

  return converted != NULL && !repaired && converted_len == strlen (probe) && memcmp (converted, probe, converted_len) == 0;
}

/* Maps a charset label an HTML page declares to an iconv name, following
 * the WHATWG Encoding standard where it differs from the label: Latin-1
 * and ASCII mean Windows-1252, a declared UTF-16 in an ASCII-compatible
 * page means UTF-8. Returns NULL for labels iconv does not know, and for
 * charsets browsers refuse (is_web_charset()): as a browser does, the
 * page is then read as if it declared nothing. */
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

  if (iconv_knows (label) && is_web_charset (label))
    return g_ascii_strup (label, -1);

  return NULL;
}

/* Reads a `charset=` value from @p, just after the word "charset". */
static char *
read_charset_value (const char *p)
{
  const char *start;

  while (mg_is_html_space (*p))
    p++;
  if (*p != '=')
    return NULL;
  p++;
  while (mg_is_html_space (*p) || *p == '"' || *p == '\'')
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
decode_unicode (const char    *data,
                gsize          len,
                const char    *charset,
                gsize          unit,
                gboolean       guessed,
                MgDecodedText *out,
                GError       **error)
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
      mg_set_not_text_error (error);
      return FALSE;
    }

  out->text = mg_document_normalize_text (converted, converted_len, &normalize_repaired);
  out->len = strlen (out->text);
  out->encoding = g_strdup (charset);
  out->repaired = repaired || normalize_repaired;

  return TRUE;
}

static void
decode_utf8 (const char    *data,
             gsize          len,
             MgDecodedText *out)
{
  out->text = mg_document_normalize_text (data, len, &out->repaired);
  out->len = strlen (out->text);
}

static void
decode_legacy (const char    *data,
               gsize          len,
               const char    *charset,
               MgDecodedText *out)
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

/**
 * mg_text_decode:
 * @data: the raw contents
 * @len: the length of @data in bytes
 * @format: what @data is; only HTML declares its charset
 * @out: (out caller-allocates): the text, cleared with
 *   mg_decoded_text_clear()
 * @error: return location for a #GError
 *
 * Finds the encoding of @data as the top of this file describes and turns
 * it into normalised UTF-8 (mg_document_normalize_text()). Binary data is
 * refused with %MG_DOCUMENT_ERROR_NOT_TEXT.
 *
 * Returns: %TRUE with @out filled, %FALSE with @error set
 */
gboolean
mg_text_decode (const char      *data,
                gsize            len,
                MgDocumentFormat format,
                MgDecodedText   *out,
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

      mg_set_not_text_error (error);
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
      mg_set_not_text_error (error);
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

/**
 * mg_text_first_screen:
 * @data: the first bytes of a plain text file
 * @len: how many
 * @out_len: (out): the length of the prefix
 *
 * The first screen of a plain text file, to show before the rest is read:
 * @data up to its last line break, when that is valid UTF-8 without a
 * byte order mark, NUL or carriage return, that is when decoding the
 * whole file most likely gives the same bytes first (step 3 above). The
 * caller checks that it did, and starts again when not: a later invalid
 * byte can make the heuristic choose another encoding, and trailing blank
 * lines are dropped.
 *
 * Returns: (nullable): a pointer into @data, or %NULL when these bytes
 *   give no first screen
 */
const char *
mg_text_first_screen (const char *data,
                      gsize       len,
                      gsize      *out_len)
{
  gsize n;

  *out_len = 0;
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return NULL;

  for (n = len; n > 0 && data[n - 1] != '\n'; n--)
    ;
  if (n == 0)
    return NULL;

  if (memchr (data, '\0', n) != NULL || memchr (data, '\r', n) != NULL || !g_utf8_validate_len (data, n, NULL))
    return NULL;

  /* Control characters: let the decoder decide whether this is text. */
  if (count_controls (data, n) > 0)
    return NULL;

  *out_len = n;

  return data;
}
