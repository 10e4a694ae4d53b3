/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document"

#include "config.h"

#include <string.h>

#include "mg-data-resources.h"
#include "mg-document-private.h"
#include "mg-file-private.h"

/**
 * MgDocument:
 *
 * The text a reader shows, as UTF-8 with `\n` line endings, plus where it
 * came from. Offsets into a document are Unicode code points, the unit of
 * #GtkTextIter offsets and of the W3C position selector; the code-point
 * array for anchoring is built on first use and kept.
 *
 * A document read from Markdown or HTML holds the rendered text, without
 * markup, and a #MgDocumentStructure with its headings, emphasis, links and
 * blocks; see mg_document_new_rendered().
 *
 * A document is immutable once built.
 */
struct _MgDocument
{
  GObject parent_instance;

  char     *title;
  char     *uri;
  char     *text;
  gsize     n_bytes;
  gsize     length;
  gunichar *chars;
  char     *sha256;
  char     *encoding;
  guint     repaired : 1;

  MgDocumentFormat     format;
  MgDocumentStructure *structure;
  MgDocumentMetadata  *metadata;

  /* @chars and @sha256 are made on first use, under this lock: a store's
   * load makes them in a worker thread while the window may ask too. */
  GMutex lazy_lock;
};

G_DEFINE_FINAL_TYPE (MgDocument, mg_document, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_URI,
  PROP_TEXT,
  PROP_REPAIRED,
  PROP_ENCODING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (mg_document_error_quark, mg_document_error)

static void
mg_document_finalize (GObject *object)
{
  MgDocument *self = (MgDocument *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->metadata, mg_document_metadata_free);
  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->chars, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_mutex_clear (&self->lazy_lock);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->structure, mg_document_structure_unref);

  G_OBJECT_CLASS (mg_document_parent_class)->finalize (object);
}

static void
mg_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MgDocument *self = MG_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_REPAIRED:
      g_value_set_boolean (value, self->repaired);
      break;

    case PROP_ENCODING:
      g_value_set_string (value, self->encoding);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_document_class_init (MgDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_document_finalize;
  object_class->get_property = mg_document_get_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPAIRED] = g_param_spec_boolean ("repaired", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] = g_param_spec_string ("encoding", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_document_init (MgDocument *self)
{
  g_mutex_init (&self->lazy_lock);
}

/* The length of @text without its trailing blank lines: back to the end
 * of the last line that holds something other than white space, keeping
 * that line's own trailing spaces. */
static gsize
without_trailing_blank_lines (const char *text,
                              gsize       len)
{
  gsize       keep = len;
  const char *nl;

  while (keep > 0 && g_ascii_isspace (text[keep - 1]))
    keep--;
  if (keep == len)
    return len;

  nl = memchr (text + keep, '\n', len - keep);

  return nl != NULL ? (gsize) (nl - text) : len;
}

/**
 * mg_document_normalize_text:
 * @data: raw bytes, in UTF-8 as far as they are valid
 * @len: length of @data in bytes
 * @repaired: (out) (optional): set to %TRUE when invalid bytes were replaced
 *
 * Turns raw file contents into document text: a leading byte order mark is
 * dropped, CRLF and lone CR line endings become `\n`, invalid UTF-8 is
 * replaced by U+FFFD, and trailing blank lines are removed (they are never
 * part of what a reader reads, and a final newline would only show as an
 * empty line).
 *
 * Returns: (transfer full): the normalised text
 */
char *
mg_document_normalize_text (const char *data,
                            gsize       len,
                            gboolean   *repaired)
{
  g_autofree char *valid = NULL;
  GString         *out;
  const char      *p;
  const char      *end;
  gboolean         is_valid;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  is_valid = g_utf8_validate_len (data, len, NULL);
  if (repaired != NULL)
    *repaired = !is_valid;

  /* Most files: valid, with Unix line endings, so one copy. */
  if (is_valid && memchr (data, '\r', len) == NULL)
    {
      gsize kept = without_trailing_blank_lines (data, len);
      char *copy = mg_try_alloc_big (kept + 1);

      if (copy == NULL)
        return g_strndup (data, kept);
      memcpy (copy, data, kept);
      copy[kept] = '\0';
      return copy;
    }

  if (!is_valid)
    {
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
    }

  out = g_string_sized_new (len);
  end = data + len;
  for (p = data; p < end;)
    {
      const char *cr = memchr (p, '\r', end - p);

      if (cr == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, cr - p);
      g_string_append_c (out, '\n');
      p = cr + 1;
      if (p < end && *p == '\n')
        p++;
    }

  g_string_truncate (out, without_trailing_blank_lines (out->str, out->len));

  return g_string_free (out, FALSE);
}

/* g_utf8_strlen() of valid UTF-8, in a loop the compiler vectorises: a
 * code point is a byte that does not continue a sequence. That one steps
 * through the sequences, a fifth of the time it takes to open a book. */
static gsize
utf8_length (const char *text,
             gsize       n_bytes)
{
  const guchar *p = (const guchar *) text;
  gsize         n = 0;

  for (gsize i = 0; i < n_bytes; i++)
    n += (p[i] & 0xC0) != 0x80;

  return n;
}

static void
set_title (MgDocument *self,
           const char *title,
           const char *uri)
{
  if (title != NULL && *title != '\0')
    {
      self->title = g_strdup (title);
    }
  else
    {
      g_autoptr (GFile) file = g_file_new_for_uri (uri);
      g_autofree char *basename = g_file_get_basename (file);

      if (basename != NULL && g_utf8_validate (basename, -1, NULL))
        self->title = g_steal_pointer (&basename);
      else
        self->title = g_uri_unescape_string (uri, NULL);
      if (self->title == NULL)
        self->title = g_strdup (uri);
    }
}

/**
 * mg_document_new_from_text:
 * @text: the text, in UTF-8 as far as it is valid
 * @len: length of @text in bytes, or -1 if it is nul-terminated
 * @title: (nullable): the title; %NULL derives one from @uri
 * @uri: the document's URI
 *
 * A plain text document made of @text, normalised as
 * mg_document_normalize_text() describes: for tests and generated text.
 * Files and raw bytes are opened by the document loader
 * (mg_document_loader_load_file(), mg_document_loader_load_bytes()), which
 * finds their encoding and format and enforces the limits.
 *
 * Returns: (transfer full): the document
 */
MgDocument *
mg_document_new_from_text (const char *text,
                           gssize      len,
                           const char *title,
                           const char *uri)
{
  MgDocument *self;
  gboolean    repaired = FALSE;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (text == NULL)
    text = "";
  if (len < 0)
    len = strlen (text);

  self = g_object_new (MG_TYPE_DOCUMENT, NULL);
  self->uri = g_strdup (uri);
  self->text = mg_document_normalize_text (text, len, &repaired);
  self->n_bytes = strlen (self->text);
  self->length = utf8_length (self->text, self->n_bytes);
  self->repaired = repaired;
  set_title (self, title, uri);

  return self;
}

/**
 * mg_document_new_rendered:
 * @text: the text to show: valid UTF-8 with `\n` line endings, as
 *   mg_document_normalize_text() or a renderer makes it; a U+FEFF at its
 *   start is a character of the text, the byte order mark being gone
 * @len: length of @text in bytes, or -1 if it is nul-terminated
 * @title: (nullable): the title; %NULL derives one from @uri
 * @uri: the document's URI
 * @format: what the text was read from
 * @encoding: (nullable): the encoding the source was read as, when it was
 *   not UTF-8, for the window to say so (e.g. "Windows-1252")
 * @repaired: whether invalid bytes in the source were replaced by U+FFFD
 * @structure: (nullable): the spans and headings of @text; sealed here
 *
 * Builds a document from text a loader has already decoded and rendered.
 * Nothing is changed in @text, since the offsets of @structure point into
 * it; text that is not valid UTF-8 or still holds carriage returns, or a
 * structure reaching past the end of @text, is a programming error.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL on a
 *   programming error
 */
MgDocument *
mg_document_new_rendered (const char          *text,
                          gssize               len,
                          const char          *title,
                          const char          *uri,
                          MgDocumentFormat     format,
                          const char          *encoding,
                          gboolean             repaired,
                          MgDocumentStructure *structure)
{
  gsize n_bytes;

  g_return_val_if_fail (text != NULL, NULL);

  n_bytes = len < 0 ? strlen (text) : (gsize) len;

  return mg_document_new_rendered_take (g_strndup (text, n_bytes), n_bytes, title, uri,
                                        format, encoding, repaired, structure);
}

/**
 * mg_document_new_rendered_take: (skip)
 * @text: (transfer full): the text, nul-terminated at @len
 * @len: length of @text in bytes
 *
 * mg_document_new_rendered() taking @text rather than a copy of it: for
 * the loader, whose text of a big book is not copied once more.
 */
MgDocument *
mg_document_new_rendered_take (char                *text,
                               gsize                len,
                               const char          *title,
                               const char          *uri,
                               MgDocumentFormat     format,
                               const char          *encoding,
                               gboolean             repaired,
                               MgDocumentStructure *structure)
{
  g_autofree char *owned = text;
  MgDocument      *self;
  gsize            length;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (text[len] == '\0', NULL);
  g_return_val_if_fail (g_utf8_validate_len (text, len, NULL), NULL);
  g_return_val_if_fail (memchr (text, '\r', len) == NULL, NULL);

  length = utf8_length (text, len);
  g_return_val_if_fail (structure == NULL || mg_document_structure_get_end (structure) <= length, NULL);

  self = g_object_new (MG_TYPE_DOCUMENT, NULL);
  self->uri = g_strdup (uri);
  self->text = g_steal_pointer (&owned);
  self->n_bytes = len;
  self->length = length;
  self->repaired = !!repaired;
  self->format = format;
  self->encoding = g_strdup (encoding);
  if (structure != NULL)
    {
      mg_document_structure_seal (structure);
      self->structure = mg_document_structure_ref (structure);
    }
  set_title (self, title, uri);

  return self;
}

/**
 * mg_document_new_bundled:
 *
 * The article that ships with Marginalia, shown on first run. Its title is
 * kept in a key file beside the text, so the text stays byte for byte as
 * written.
 *
 * Returns: (transfer full): the bundled article
 */
MgDocument *
mg_document_new_bundled (void)
{
  g_autoptr (GBytes) text = NULL;
  g_autoptr (GBytes) meta = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  MgDocument      *self;

  /* Reference the resource so that the linker keeps it in the static core
   * library's users. */
  g_assert (mg_data_get_resource () != NULL);

  text = g_resources_lookup_data (RESOURCE_PREFIX "/article.txt", 0, &error);
  g_assert_no_error (error);
  meta = g_resources_lookup_data (RESOURCE_PREFIX "/article.ini", 0, &error);
  g_assert_no_error (error);

  if (g_key_file_load_from_bytes (keyfile, meta, G_KEY_FILE_NONE, &error))
    title = g_key_file_get_string (keyfile, "Article", "Title", &error);
  if (error != NULL)
    g_warning ("Bundled article metadata: %s", error->message);

  self = mg_document_new_from_text (g_bytes_get_data (text, NULL), g_bytes_get_size (text),
                                    title, MG_DOCUMENT_BUNDLED_URI);

  return self;
}

const char *
mg_document_get_title (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->title;
}

/**
 * mg_document_get_metadata:
 *
 * Returns: (nullable): what the document says about itself (authors,
 *   site, date, address) for citing it, or %NULL if it says nothing.
 */
const MgDocumentMetadata *
mg_document_get_metadata (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->metadata;
}

/* Called by the loader before the document is handed out, so a document
 * still never changes once anyone sees it. */
void
mg_document_set_metadata (MgDocument         *self,
                          MgDocumentMetadata *metadata)
{
  g_return_if_fail (MG_IS_DOCUMENT (self));

  g_clear_pointer (&self->metadata, mg_document_metadata_free);
  self->metadata = metadata;
}

const char *
mg_document_get_uri (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->uri;
}

const char *
mg_document_get_text (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->text;
}

/**
 * mg_document_get_n_bytes:
 * @self: a #MgDocument
 *
 * Returns: the length of the text in bytes
 */
gsize
mg_document_get_n_bytes (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), 0);

  return self->n_bytes;
}

/**
 * mg_document_get_length:
 * @self: a #MgDocument
 *
 * Returns: the length of the text in Unicode code points
 */
gsize
mg_document_get_length (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), 0);

  return self->length;
}

/* The code points of @text (valid UTF-8 of @n_chars characters), then a
 * 0. What g_utf8_to_ucs4_fast() gives, with the length known and a short
 * way for ASCII: 2.6 ms instead of 14 for a book in English, in memory
 * that comes in huge pages (mg_try_alloc_big()). */
static gunichar *
text_to_chars (const char *text,
               gsize       n_bytes,
               gsize       n_chars)
{
  gunichar   *chars = mg_try_alloc_big ((n_chars + 1) * sizeof (gunichar));
  const char *p = text;
  const char *end = text + n_bytes;
  gsize       i = 0;

  if (chars == NULL)
    g_error ("%s: out of memory for %" G_GSIZE_FORMAT " code points", G_STRLOC, n_chars);

  while (p < end && i < n_chars)
    {
      if ((guchar) *p < 0x80)
        chars[i++] = (guchar) *p++;
      else
        {
          chars[i++] = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
        }
    }
  g_assert (i == n_chars && p == end);
  chars[n_chars] = 0;

  return chars;
}

/**
 * mg_document_get_chars:
 * @self: a #MgDocument
 * @n_chars: (out) (optional): the number of code points
 *
 * The text as an array of code points, for anchoring, where offsets must
 * be reached in constant time. Built on first use, in any thread, and
 * kept with the document.
 *
 * Returns: (transfer none) (array length=n_chars): the code points,
 *   followed by a 0
 */
const gunichar *
mg_document_get_chars (MgDocument *self,
                       gsize      *n_chars)
{
  const gunichar *chars;

  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  g_mutex_lock (&self->lazy_lock);
  if (self->chars == NULL)
    self->chars = text_to_chars (self->text, self->n_bytes, self->length);
  chars = self->chars;
  g_mutex_unlock (&self->lazy_lock);

  if (n_chars != NULL)
    *n_chars = self->length;

  return chars;
}

/**
 * mg_document_get_sha256:
 * @self: a #MgDocument
 *
 * The SHA-256 of the normalised text, in hexadecimal: it recognises the
 * same document after a move or rename, whatever its line endings. Made
 * on first use and kept, like mg_document_get_chars(); either may be
 * called from any thread.
 *
 * Returns: the checksum
 */
const char *
mg_document_get_sha256 (MgDocument *self)
{
  const char *sha256;

  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  /* Made on first use, like the code points: opening a book does not wait
   * for it (20 ms for 4 MB), the annotations do. */
  g_mutex_lock (&self->lazy_lock);
  if (self->sha256 == NULL)
    self->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                (const guchar *) self->text,
                                                self->n_bytes);
  sha256 = self->sha256;
  g_mutex_unlock (&self->lazy_lock);

  return sha256;
}

/**
 * mg_document_get_repaired:
 * @self: a #MgDocument
 *
 * Returns: %TRUE when invalid UTF-8 in the source was replaced by U+FFFD
 */
gboolean
mg_document_get_repaired (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), FALSE);

  return self->repaired;
}

gboolean
mg_document_is_bundled (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), FALSE);

  return g_strcmp0 (self->uri, MG_DOCUMENT_BUNDLED_URI) == 0;
}

/**
 * mg_document_get_format:
 * @self: a #MgDocument
 *
 * Returns: what the document was read from
 */
MgDocumentFormat
mg_document_get_format (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), MG_DOCUMENT_FORMAT_TEXT);

  return self->format;
}

/**
 * mg_document_get_encoding:
 * @self: a #MgDocument
 *
 * The encoding the source was read as, when it was not UTF-8: the window
 * tells the user ("Read as Windows-1252"), since a wrong guess shows as
 * odd characters.
 *
 * Returns: (nullable): the encoding's name, or %NULL for UTF-8
 */
const char *
mg_document_get_encoding (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->encoding;
}

/**
 * mg_document_get_structure:
 * @self: a #MgDocument
 *
 * Returns: (transfer none) (nullable): the sealed structure of a rendered
 *   document, or %NULL for plain text
 */
MgDocumentStructure *
mg_document_get_structure (MgDocument *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  return self->structure;
}

/**
 * mg_document_get_spans:
 * @self: a #MgDocument
 * @n_spans: (out) (optional): the number of spans
 *
 * Returns: (transfer none) (array length=n_spans) (nullable): the spans of
 *   a rendered document, sorted by start; %NULL when there are none
 */
const MgSpan *
mg_document_get_spans (MgDocument *self,
                       guint      *n_spans)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  if (self->structure == NULL)
    {
      if (n_spans != NULL)
        *n_spans = 0;
      return NULL;
    }

  return mg_document_structure_get_spans (self->structure, n_spans);
}

/**
 * mg_document_get_headings:
 * @self: a #MgDocument
 * @n_headings: (out) (optional): the number of headings
 *
 * Returns: (transfer none) (array length=n_headings) (nullable): the
 *   headings, for a table of contents; %NULL when there are none
 */
const MgHeading *
mg_document_get_headings (MgDocument *self,
                          guint      *n_headings)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (self), NULL);

  if (self->structure == NULL)
    {
      if (n_headings != NULL)
        *n_headings = 0;
      return NULL;
    }

  return mg_document_structure_get_headings (self->structure, n_headings);
}
