/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-loader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg-document-builder.h"
#include "mg-document-loader.h"
#include "mg-document-private.h"
#include "mg-file-private.h"
#include "mg-html-renderer.h"
#include "mg-markdown-renderer.h"
#include "mg-text-decoder.h"

/*
 * The document loader: the one way to open a document, a file or bytes in,
 * a MgDocument out. It decides the format (by name, content type, first
 * bytes), enforces the limits, and runs a load in a worker thread; the
 * work itself is done by the parts it calls, each independent of the
 * others:
 *
 *  1. Decoding (mg-text-decoder.c): find the encoding of the bytes and
 *     turn them into normalised UTF-8, with invalid bytes replaced and
 *     flagged. Binary data is refused there.
 *  2. Rendering, for Markdown (mg-markdown-renderer.c, libcmark) and HTML
 *     (mg-html-renderer.c and its reader mode, libxml2): both parsers
 *     produce a tree, and both trees are walked into the same document
 *     builder (mg-document-builder.c), which writes the text a reader sees
 *     (no markup) and records spans of structure in code points of that
 *     text. One block is one line: blocks are separated by a single "\n",
 *     as in plain text where the reader view adds the space between
 *     paragraphs.
 *  3. The document: mg_document_new_rendered() with the text, the
 *     structure, the encoding that was used and whether bytes were
 *     repaired.
 *
 * Nothing here touches the network: links are only recorded, never
 * followed.
 *
 * Documents made to hurt open, or are refused, within seconds: only
 * regular files are read, and at most MG_DOCUMENT_MAX_SIZE of them (see
 * "Reading files" below); spans nest at most MG_DOCUMENT_MAX_DEPTH deep,
 * the builder flattening deeper structure; and the renderers keep to work
 * linear in the size of the file (the HTML renderer caps the attributes
 * of a tag, for libxml2's sake).
 */

/* The one message for a document over the size limit. */
static void
set_too_large_error (GError **error,
                     guint64  size)
{
  g_autofree char *formatted = g_format_size (size);

  g_set_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_TOO_LARGE,
               _ ("The file is too large to open (%s; the limit is 64 MB)."),
               formatted);
}

/* Format guessing --------------------------------------------------------- */

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
  while (mg_is_html_space (*p))
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

/* Loading ----------------------------------------------------------------- */

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
  g_auto (MgDecodedText) decoded = { 0 };
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

  if (!mg_text_decode (data, len, format, &decoded, error))
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
      g_autoptr (MgDocumentMetadata) metadata = NULL;
      MgDocumentBuilder builder;
      char             *text = NULL;
      gsize             n_bytes = 0;

      mg_document_builder_init (&builder, decoded.len);
      if (format == MG_DOCUMENT_FORMAT_MARKDOWN)
        mg_markdown_render (&builder, decoded.text, decoded.len, uri, &title, &metadata);
      else
        mg_html_render (&builder, decoded.text, decoded.len, uri, &title, &metadata);
      structure = mg_document_builder_finish (&builder, &text, &n_bytes);
      mg_document_builder_clear (&builder);

      document = mg_document_new_rendered_take (text, n_bytes,
                                                title != NULL ? title : title_hint, uri, format,
                                                decoded.encoding, decoded.repaired, structure);
      if (document != NULL && metadata != NULL)
        mg_document_set_metadata (document, g_steal_pointer (&metadata));
    }

  /* Only a bug here can leave no document; the caller still gets a reason. */
  if (document == NULL)
    mg_set_not_text_error (error);

  return document;
}

/* Reading files
 *
 * Only regular files are read, after following links: a device such as
 * /dev/zero or /dev/urandom never ends, and a FIFO blocks until someone
 * writes to it. The type is asked before opening, and for a local file
 * asked again of what was opened (without blocking, should it have become
 * a FIFO in between), and no more than the size limit is ever read, should
 * the file grow while it is read.
 */

static gboolean
check_file_type (GFileType type,
                 GError  **error)
{
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_IS_DIRECTORY,
                           _ ("This is a folder, not a document."));
      return FALSE;
    }

  if (type != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_REGULAR,
                           _ ("This is a device, a pipe or another special file, not a document. Marginalia opens documents saved as files."));
      return FALSE;
    }

  return TRUE;
}

static void
set_open_error (GError    **error,
                int         saved_errno,
                const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _ ("Could not open “%s”: %s"), name, g_strerror (saved_errno));
}

static GInputStream *
open_regular_file (GFile        *file,
                   const char   *display_name,
                   GCancellable *cancellable,
                   GError      **error)
{
  g_autofree char *path = g_file_get_path (file);
  struct stat      st;
  int              fd;
  int              flags;

  if (path == NULL)
    return G_INPUT_STREAM (g_file_read (file, cancellable, error));

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      set_open_error (error, errno, display_name != NULL ? display_name : path);
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      set_open_error (error, errno, display_name != NULL ? display_name : path);
      close (fd);
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      check_file_type (S_ISDIR (st.st_mode) ? G_FILE_TYPE_DIRECTORY : G_FILE_TYPE_SPECIAL, error);
      close (fd);
      return NULL;
    }

  /* Reads from a regular file never wait; blocking mode all the same. */
  flags = fcntl (fd, F_GETFL);
  if (flags != -1)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);

  return g_unix_input_stream_new (fd, TRUE);
}

typedef void (*HeadFunc) (const char *data,
                          gsize       len,
                          gpointer    user_data);

/* Reads @stream to its end, @size_hint bytes expected, and at most
 * MG_DOCUMENT_MAX_SIZE: one more byte means the file is too large. With
 * @head, the first @head_len bytes are read alone and given to it before
 * the rest, unless the file ends first. */
static GBytes *
read_bounded (GInputStream *stream,
              goffset       size_hint,
              gsize         head_len,
              HeadFunc      head,
              gpointer      head_data,
              GCancellable *cancellable,
              GError      **error)
{
  g_autofree char *data = NULL;
  gsize            allocated;
  gsize            length = 0;

  /* The size of the file and one byte, so that a file read in one piece
   * is copied once, and its end is seen without growing the buffer. */
  allocated = (gsize) CLAMP (size_hint, 0, MG_DOCUMENT_MAX_SIZE) + 1;
  data = mg_try_alloc_big (allocated + 1);
  if (data == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, g_strerror (ENOMEM));
      return NULL;
    }

  for (;;)
    {
      gssize n;

      if (length == allocated)
        {
          if (allocated > MG_DOCUMENT_MAX_SIZE)
            {
              set_too_large_error (error, length);
              return NULL;
            }
          allocated = MIN (allocated * 2, (gsize) MG_DOCUMENT_MAX_SIZE + 1);
          data = g_realloc (data, allocated + 1);
        }

      n = g_input_stream_read (stream, data + length,
                               head != NULL ? MIN (allocated - length, MAX (head_len, length + 1) - length) : allocated - length,
                               cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      length += n;
      if (head != NULL && length >= head_len)
        {
          head (data, length, head_data);
          head = NULL;
        }
    }

  data[length] = '\0';

  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* The first screen ---------------------------------------------------------
 *
 * A book of megabytes takes tens of milliseconds to read and decode, in a
 * worker thread, but on a busy machine that thread takes the processor
 * from the one that builds and paints the window. So a plain text file's
 * first FIRST_SCREEN_BYTES are read alone; their text, when
 * mg_text_first_screen() finds one, is handed to the caller's main
 * context, and the worker waits until the caller has painted it
 * (mg_first_screen_resume()), or FIRST_SCREEN_WAIT_USEC at most, before
 * it reads and decodes the rest. The document that follows usually starts
 * with the same text; the caller checks (mg_first_screen_is_prefix_of()),
 * and shows the document from its start when not.
 *
 * A window that is not shown yet can wait for the first screen a moment
 * and show it at once (mg_first_screen_show_now()): its first frame then
 * has the text rather than a spinner, and it is measured once.
 *
 * Such a load runs in a thread of its own, not in a pool's: once the
 * first screen is handed over, the rest is work the reader does not wait
 * for, and the thread lowers its priority for it
 * (mg_thread_set_background()), so that on a busy machine it does not
 * slow the frames that show the first screen, in the app and in the
 * display server. */

#define FIRST_SCREEN_BYTES (64 * 1024)
#define FIRST_SCREEN_WAIT_USEC (300 * G_TIME_SPAN_MILLISECOND)

struct _MgFirstScreen
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           cond;
  gboolean        resumed;
  /* Set by the worker: the text is there; or none will come. */
  gboolean ready;
  gboolean ended;
  /* In the caller's context: func was called, or will not be. */
  gboolean          dispatched;
  char             *text;
  gsize             len;
  MgFirstScreenFunc func;
  gpointer          user_data;
  GDestroyNotify    notify;
  GMainContext     *context;
  GCancellable     *cancellable;
};

G_DEFINE_BOXED_TYPE (MgFirstScreen, mg_first_screen, mg_first_screen_ref, mg_first_screen_unref)

static MgFirstScreen *
mg_first_screen_new (MgFirstScreenFunc func,
                     gpointer          user_data,
                     GDestroyNotify    notify,
                     GCancellable     *cancellable)
{
  MgFirstScreen *self = g_new0 (MgFirstScreen, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->func = func;
  self->user_data = user_data;
  self->notify = notify;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  return self;
}

MgFirstScreen *
mg_first_screen_ref (MgFirstScreen *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
mg_first_screen_unref (MgFirstScreen *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->notify != NULL)
    self->notify (self->user_data);
  g_main_context_unref (self->context);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->text);
  g_free (self);
}

/**
 * mg_first_screen_get_text:
 * @self: a #MgFirstScreen
 * @len: (out) (optional): its length in bytes
 *
 * Returns: the first screen's text: whole lines of valid UTF-8
 */
const char *
mg_first_screen_get_text (MgFirstScreen *self,
                          gsize         *len)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len != NULL)
    *len = self->len;

  return self->text;
}

/**
 * mg_first_screen_resume:
 * @self: a #MgFirstScreen
 *
 * Tells the worker that the first screen is shown (or will not be): it
 * reads and decodes the rest now.
 */
void
mg_first_screen_resume (MgFirstScreen *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->resumed = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * mg_first_screen_is_prefix_of:
 * @self: a #MgFirstScreen
 * @document: the document that was loaded
 *
 * Returns: %TRUE when @document's text starts with the first screen's
 */
gboolean
mg_first_screen_is_prefix_of (MgFirstScreen *self,
                              MgDocument    *document)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (MG_IS_DOCUMENT (document), FALSE);

  return mg_document_get_format (document) == MG_DOCUMENT_FORMAT_TEXT
         && mg_document_get_n_bytes (document) >= self->len
         && memcmp (mg_document_get_text (document), self->text, self->len) == 0;
}

static gboolean
first_screen_dispatch (gpointer user_data)
{
  MgFirstScreen *self = user_data;

  if (self->dispatched)
    return G_SOURCE_REMOVE;
  self->dispatched = TRUE;

  if (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
    mg_first_screen_resume (self);
  else
    self->func (self, self->user_data);

  return G_SOURCE_REMOVE;
}

/**
 * mg_first_screen_show_now:
 * @self: a #MgFirstScreen, from mg_document_loader_load_file_streamed_async()
 * @timeout_usec: how long to wait for it, in microseconds
 *
 * Waits until the worker has the first screen, @timeout_usec at most, and
 * then calls the first screen function at once rather than from the main
 * context; it is not called again from there. In the thread that started
 * the load, before the window that shows the text is presented.
 *
 * Returns: whether the first screen function was called
 */
gboolean
mg_first_screen_show_now (MgFirstScreen *self,
                          gint64         timeout_usec)
{
  gint64   deadline;
  gboolean ready;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->dispatched || (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable)))
    return FALSE;

  deadline = g_get_monotonic_time () + timeout_usec;
  g_mutex_lock (&self->mutex);
  while (!self->ready && !self->ended)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  ready = self->ready;
  g_mutex_unlock (&self->mutex);

  if (!ready)
    return FALSE;

  self->dispatched = TRUE;
  self->func (self, self->user_data);

  return TRUE;
}

/* In the worker: no first screen will come (any more). */
static void
first_screen_end (MgFirstScreen *self)
{
  g_mutex_lock (&self->mutex);
  self->ended = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* In the worker: hands the first screen over, if these first bytes make
 * one, and waits until it is shown. */
static void
first_screen_head (MgFirstScreen *self,
                   const char    *data,
                   gsize          len)
{
  const char *text;
  gsize       text_len;
  gint64      deadline;
  GSource    *source;

  text = mg_text_first_screen (data, len, &text_len);
  if (text == NULL)
    {
      first_screen_end (self);
      return;
    }

  g_mutex_lock (&self->mutex);
  self->text = g_strndup (text, text_len);
  self->len = text_len;
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  /* Before it is shown: from here on, the reader waits for nothing. */
  mg_thread_set_background ();
  /* Queued, never called from here: g_main_context_invoke() would call it
   * in this thread when no other thread owns the context. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, first_screen_dispatch, mg_first_screen_ref (self), (GDestroyNotify) mg_first_screen_unref);
  g_source_set_static_name (source, "[marginalia] first screen");
  g_source_attach (source, self->context);
  g_source_unref (source);

  deadline = g_get_monotonic_time () + FIRST_SCREEN_WAIT_USEC;
  g_mutex_lock (&self->mutex);
  while (!self->resumed)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  g_mutex_unlock (&self->mutex);
}

typedef struct
{
  MgFirstScreen *first_screen;
  GFileInfo     *info;
  GFile         *file;
} HeadData;

static void
head_cb (const char *data,
         gsize       len,
         gpointer    user_data)
{
  HeadData *head = user_data;
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, MIN (len, 1024));
  g_autofree char *basename = g_file_get_basename (head->file);
  const char      *content_type = NULL;

  if (g_file_info_has_attribute (head->info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE))
    content_type = g_file_info_get_attribute_string (head->info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE);
  if (mg_document_format_guess (basename, content_type, bytes) == MG_DOCUMENT_FORMAT_TEXT)
    first_screen_head (head->first_screen, data, len);
  else
    first_screen_end (head->first_screen);
}

static MgDocument *
load_file (GFile         *file,
           MgFirstScreen *first_screen,
           GCancellable  *cancellable,
           GError       **error);

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
 * Only a regular file is read, after following links: a folder gives
 * %MG_DOCUMENT_ERROR_IS_DIRECTORY, a device, FIFO or socket
 * %MG_DOCUMENT_ERROR_NOT_REGULAR, without ever blocking on it; and no
 * more than %MG_DOCUMENT_MAX_SIZE bytes are read.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
MgDocument *
mg_document_loader_load_file (GFile        *file,
                              GCancellable *cancellable,
                              GError      **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_file (file, NULL, cancellable, error);
}

static MgDocument *
load_file (GFile         *file,
           MgFirstScreen *first_screen,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) head = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *basename = NULL;
  const char      *content_type = NULL;
  const char      *display_name = NULL;
  MgDocumentFormat format;
  HeadData         head_data = { first_screen, NULL, file };

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return NULL;

  if (!check_file_type (g_file_info_get_file_type (info), error))
    return NULL;

  if (g_file_info_get_size (info) > MG_DOCUMENT_MAX_SIZE)
    {
      set_too_large_error (error, g_file_info_get_size (info));
      return NULL;
    }

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME))
    display_name = g_file_info_get_display_name (info);

  stream = open_regular_file (file, display_name, cancellable, error);
  if (stream == NULL)
    return NULL;
  head_data.info = info;
  bytes = read_bounded (stream, g_file_info_get_size (info),
                        FIRST_SCREEN_BYTES, first_screen != NULL ? head_cb : NULL, &head_data,
                        cancellable, error);
  if (bytes == NULL)
    return NULL;

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE))
    content_type = g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE);
  uri = g_file_get_uri (file);
  basename = g_file_get_basename (file);
  head = g_bytes_new_from_bytes (bytes, 0, MIN (g_bytes_get_size (bytes), 1024));
  format = mg_document_format_guess (basename != NULL ? basename : uri, content_type, head);

  return mg_document_loader_load_bytes (bytes, uri, display_name, format, error);
}

typedef struct
{
  GFile         *file;
  MgFirstScreen *first_screen;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->first_screen, mg_first_screen_unref);
  g_free (data);
}

static void
load_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  LoadData   *data = task_data;
  GError     *error = NULL;
  MgDocument *document;

  document = load_file (data->file, data->first_screen, cancellable, &error);
  if (data->first_screen != NULL)
    first_screen_end (data->first_screen);
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

/* A streamed load's own thread (see "The first screen"). */
static gpointer
load_file_own_thread (gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  load_file_thread (task, NULL, g_task_get_task_data (task), g_task_get_cancellable (task));

  return NULL;
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
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Without a first screen function, there is no first screen to return. */
  (void) mg_document_loader_load_file_streamed_async (file, NULL, NULL, NULL, cancellable, callback, user_data);
}

/**
 * mg_document_loader_load_file_streamed_async:
 * @file: the file to read
 * @first_screen_func: (nullable): called in the caller's thread-default
 *   main context with the first screen of a big plain text file, before
 *   the rest is read; it calls mg_first_screen_resume() once it is shown
 * @first_screen_data: data for @first_screen_func
 * @first_screen_notify: (nullable): frees @first_screen_data
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the document is ready
 * @user_data: data for @callback
 *
 * As mg_document_loader_load_file_async(), with a first screen: see "The
 * first screen" above. @first_screen_func is not called when the load is
 * cancelled first, nor for a small file, nor when the first bytes make no
 * first screen; it is called before @callback when it is.
 *
 * Returns: (transfer full) (nullable): the first screen to come, for
 *   mg_first_screen_show_now(); %NULL without @first_screen_func
 */
MgFirstScreen *
mg_document_loader_load_file_streamed_async (GFile              *file,
                                             MgFirstScreenFunc   first_screen_func,
                                             gpointer            first_screen_data,
                                             GDestroyNotify      first_screen_notify,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadData      *data;
  MgFirstScreen *first_screen = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  if (first_screen_func != NULL)
    data->first_screen = mg_first_screen_new (first_screen_func, first_screen_data, first_screen_notify, cancellable);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_document_loader_load_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  if (data->first_screen != NULL)
    {
      first_screen = mg_first_screen_ref (data->first_screen);
      g_thread_unref (g_thread_new ("mg-load", load_file_own_thread, g_steal_pointer (&task)));
    }
  else
    g_task_run_in_thread (task, load_file_thread);

  return first_screen;
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
