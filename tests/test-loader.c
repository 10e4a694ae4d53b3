/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg-document-loader.h"

/* Helpers {{{1 */

static MgDocument *
load (const char      *data,
      gssize           len,
      MgDocumentFormat format,
      GError         **error)
{
  static const char *const uris[] = {
    [MG_DOCUMENT_FORMAT_TEXT] = "file:///tmp/doc/test.txt",
    [MG_DOCUMENT_FORMAT_MARKDOWN] = "file:///tmp/doc/test.md",
    [MG_DOCUMENT_FORMAT_HTML] = "file:///tmp/doc/test.html",
  };
  g_autoptr (GBytes) bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);

  return mg_document_loader_load_bytes (bytes, uris[format], "Hint", format, error);
}

static MgDocument *
load_ok (const char      *data,
         gssize           len,
         MgDocumentFormat format)
{
  g_autoptr (GError) error = NULL;
  MgDocument *document = load (data, len, format, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

/* The text of a span, from the code points, as the view would take it. */
static char *
span_text (MgDocument   *document,
           const MgSpan *span)
{
  const gunichar *chars = mg_document_get_chars (document, NULL);

  return g_ucs4_to_utf8 (chars + span->start, span->end - span->start, NULL, NULL, NULL);
}

/* The @nth span of @kind, in document order. */
static const MgSpan *
find_span (MgDocument *document,
           MgSpanKind  kind,
           guint       nth)
{
  guint         n = 0;
  const MgSpan *spans = mg_document_get_spans (document, &n);

  for (guint i = 0; i < n; i++)
    if (spans[i].kind == kind && nth-- == 0)
      return &spans[i];

  return NULL;
}

static guint
count_spans (MgDocument *document,
             MgSpanKind  kind)
{
  guint         n = 0;
  guint         count = 0;
  const MgSpan *spans = mg_document_get_spans (document, &n);

  for (guint i = 0; i < n; i++)
    if (spans[i].kind == kind)
      count++;

  return count;
}

static void
assert_span (MgDocument *document,
             MgSpanKind  kind,
             guint       nth,
             const char *text)
{
  const MgSpan    *span = find_span (document, kind, nth);
  g_autofree char *actual = NULL;

  g_assert_nonnull (span);
  actual = span_text (document, span);
  g_assert_cmpstr (actual, ==, text);
}

/* What every structure must be: spans inside the text, sorted, properly
 * nested; headings in order, matching heading spans. Returns how deep the
 * spans nest. */
static guint
assert_structure_valid (MgDocument *document)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (const MgSpan *));
  guint            depth = 0;
  gsize            length = mg_document_get_length (document);
  guint            n_spans = 0;
  guint            n_headings = 0;
  const MgSpan    *spans = mg_document_get_spans (document, &n_spans);
  const MgHeading *headings = mg_document_get_headings (document, &n_headings);

  g_assert_true (g_utf8_validate (mg_document_get_text (document), mg_document_get_n_bytes (document), NULL));
  g_assert_null (memchr (mg_document_get_text (document), '\r', mg_document_get_n_bytes (document)));

  for (guint i = 0; i < n_spans; i++)
    {
      const MgSpan *span = &spans[i];

      g_assert_cmpuint (span->start, <, span->end);
      g_assert_cmpuint (span->end, <=, length);
      if (i > 0)
        g_assert_cmpuint (spans[i - 1].start, <=, span->start);
      g_assert_true ((span->kind == MG_SPAN_LINK) == (span->url != NULL));

      while (stack->len > 0 && g_array_index (stack, const MgSpan *, stack->len - 1)->end <= span->start)
        g_array_set_size (stack, stack->len - 1);
      if (stack->len > 0)
        g_assert_cmpuint (span->end, <=, g_array_index (stack, const MgSpan *, stack->len - 1)->end);
      g_array_append_val (stack, span);
      depth = MAX (depth, stack->len);
    }

  g_assert_cmpuint (n_headings, ==, count_spans (document, MG_SPAN_HEADING));
  for (guint i = 0; i < n_headings; i++)
    {
      g_assert_cmpuint (headings[i].start, <, headings[i].end);
      g_assert_cmpuint (headings[i].end, <=, length);
      g_assert_cmpuint (headings[i].level, >=, 1);
      g_assert_cmpuint (headings[i].level, <=, 6);
      if (i > 0)
        g_assert_cmpuint (headings[i - 1].start, <, headings[i].start);
    }

  return depth;
}

static char *
read_test_file (const char *name,
                gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "loader", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static MgDocument *
load_test_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "loader", name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  assert_structure_valid (document);
  return document;
}

/* Golden files end with a newline, as editors write them; the text never
 * does. */
static void
assert_text_matches_golden (MgDocument *document,
                            const char *golden)
{
  gsize            len = 0;
  g_autofree char *expected = read_test_file (golden, &len);

  if (len > 0 && expected[len - 1] == '\n')
    expected[len - 1] = '\0';

  g_assert_cmpstr (mg_document_get_text (document), ==, expected);
}

/* Format {{{1 */

static void
test_format_guess (void)
{
  g_autoptr (GBytes) html_head = g_bytes_new_static ("\xEF\xBB\xBF  <!DOCTYPE html>\n<html>", 25);
  g_autoptr (GBytes) xhtml_head = g_bytes_new_static ("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", 65);
  g_autoptr (GBytes) text_head = g_bytes_new_static ("Just some text", 14);

  g_assert_cmpint (mg_document_format_guess ("notes.md", NULL, NULL), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpint (mg_document_format_guess ("/home/me/Notes.MarkDown", NULL, NULL), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpint (mg_document_format_guess ("file:///x/Page.HTML", NULL, NULL), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpint (mg_document_format_guess ("https://example.org/a.htm?page=2#top", NULL, NULL), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpint (mg_document_format_guess ("/tmp/what#is.md", NULL, NULL), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpint (mg_document_format_guess ("README", "text/markdown", NULL), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpint (mg_document_format_guess ("saved", "text/html", NULL), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpint (mg_document_format_guess ("saved", NULL, html_head), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpint (mg_document_format_guess ("saved", NULL, xhtml_head), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpint (mg_document_format_guess ("saved", NULL, text_head), ==, MG_DOCUMENT_FORMAT_TEXT);
  /* The name wins: an HTML page saved as .txt is shown as its source. */
  g_assert_cmpint (mg_document_format_guess ("page.txt", "text/html", html_head), ==, MG_DOCUMENT_FORMAT_TEXT);
  g_assert_cmpint (mg_document_format_guess (NULL, NULL, NULL), ==, MG_DOCUMENT_FORMAT_TEXT);
}

/* Plain text and encodings {{{1 */

static void
test_text_utf8 (void)
{
  g_autoptr (MgDocument) document = load_ok ("Caf\xC3\xA9\r\nsecond line\n\n", -1, MG_DOCUMENT_FORMAT_TEXT);
  guint n = 42;

  g_assert_cmpstr (mg_document_get_text (document), ==, "Caf\xC3\xA9\nsecond line");
  g_assert_cmpint (mg_document_get_format (document), ==, MG_DOCUMENT_FORMAT_TEXT);
  g_assert_null (mg_document_get_encoding (document));
  g_assert_false (mg_document_get_repaired (document));
  g_assert_cmpstr (mg_document_get_title (document), ==, "Hint");
  g_assert_null (mg_document_get_spans (document, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (mg_document_get_structure (document));
  g_assert_null (mg_document_loader_dup_encoding_notice (document));
}

static void
test_text_utf8_bom (void)
{
  g_autoptr (MgDocument) document = load_ok ("\xEF\xBB\xBFHello, w\xC3\xB6rld", -1, MG_DOCUMENT_FORMAT_TEXT);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Hello, w\xC3\xB6rld");
  g_assert_cmpuint (mg_document_get_length (document), ==, 12);
  g_assert_null (mg_document_get_encoding (document));
}

/* "Héllo “wörld” 😀" CRLF "line", in UTF-16. */
static const char utf16_text[] = "H\xC3\xA9llo \xE2\x80\x9Cw\xC3\xB6rld\xE2\x80\x9D \xF0\x9F\x98\x80\r\nline";

static void
check_utf16 (const char *charset,
             const char *bom,
             const char *expected_encoding)
{
  g_autofree char *converted = NULL;
  g_autoptr (GString) bytes = g_string_new (bom);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  gsize written = 0;

  converted = g_convert (utf16_text, -1, charset, "UTF-8", NULL, &written, &error);
  g_assert_no_error (error);
  g_string_append_len (bytes, converted, written);

  document = load_ok (bytes->str, bytes->len, MG_DOCUMENT_FORMAT_TEXT);
  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "H\xC3\xA9llo \xE2\x80\x9Cw\xC3\xB6rld\xE2\x80\x9D \xF0\x9F\x98\x80\nline");
  /* The emoji is one code point, not a surrogate pair. */
  g_assert_cmpuint (mg_document_get_length (document), ==, 20);
  g_assert_cmpstr (mg_document_get_encoding (document), ==, expected_encoding);
  g_assert_false (mg_document_get_repaired (document));
}

static void
test_text_utf16le_bom (void)
{
  check_utf16 ("UTF-16LE", "\xFF\xFE", "UTF-16LE");
}

static void
test_text_utf16be_bom (void)
{
  check_utf16 ("UTF-16BE", "\xFE\xFF", "UTF-16BE");
}

static void
test_text_utf16le_without_bom (void)
{
  check_utf16 ("UTF-16LE", "", "UTF-16LE");
}

static void
test_text_utf16_broken (void)
{
  /* "ab", a lone high surrogate, "cd", and half a code unit. */
  static const char data[] = "\xFF\xFE"
                             "a\0b\0"
                             "\x00\xD8"
                             "c\0d\0"
                             "x";
  g_autoptr (MgDocument) document = load_ok (data, sizeof data - 1, MG_DOCUMENT_FORMAT_TEXT);

  g_assert_cmpstr (mg_document_get_text (document), ==, "ab\xEF\xBF\xBD"
                                                        "cd\xEF\xBF\xBD");
  g_assert_true (mg_document_get_repaired (document));
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "UTF-16LE");
}

static void
test_text_windows_1252 (void)
{
  /* "café — “quoted”" in Windows-1252: é, em dash and curly quotes are
   * single bytes that are not valid UTF-8. */
  g_autoptr (MgDocument) document = load_ok ("caf\xE9 \x97 \x93quoted\x94\r\n", -1, MG_DOCUMENT_FORMAT_TEXT);
  g_autofree char *notice = NULL;

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "caf\xC3\xA9 \xE2\x80\x94 \xE2\x80\x9Cquoted\xE2\x80\x9D");
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "Windows-1252");
  g_assert_false (mg_document_get_repaired (document));
  g_assert_cmpuint (mg_document_get_length (document), ==, 15);

  notice = mg_document_loader_dup_encoding_notice (document);
  g_assert_cmpstr (notice, ==, "Read as Windows-1252");
}

static void
test_text_windows_1252_undefined_byte (void)
{
  /* 0x81 has no character in Windows-1252. */
  g_autoptr (MgDocument) document = load_ok ("na\xEFve \x81!", -1, MG_DOCUMENT_FORMAT_TEXT);

  g_assert_cmpstr (mg_document_get_text (document), ==, "na\xC3\xAFve \xEF\xBF\xBD!");
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "Windows-1252");
  g_assert_true (mg_document_get_repaired (document));
}

static void
test_text_invalid_utf8_repaired (void)
{
  /* Mostly UTF-8, with two damaged bytes: repaired, not re-read as 8-bit. */
  g_autoptr (MgDocument) document = load_ok ("\xC3\x9C"
                                             "ber f\xC3\xBC"
                                             "nf \xC3\x84pfel \xE2\x80\x94 \xFF kaputt \xC3",
                                             -1, MG_DOCUMENT_FORMAT_TEXT);

  g_assert_cmpstr (mg_document_get_text (document), ==, "\xC3\x9C"
                                                        "ber f\xC3\xBC"
                                                        "nf \xC3\x84pfel \xE2\x80\x94 \xEF\xBF\xBD kaputt \xEF\xBF\xBD");
  g_assert_true (mg_document_get_repaired (document));
  g_assert_null (mg_document_get_encoding (document));
}

static void
test_refuse_binary (void)
{
  static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10";
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) controls = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;

  for (MgDocumentFormat format = MG_DOCUMENT_FORMAT_TEXT; format <= MG_DOCUMENT_FORMAT_HTML; format++)
    {
      document = load (png, sizeof png - 1, format, &error);
      g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT);
      g_assert_null (document);
      g_clear_error (&error);
    }

  /* No NUL at all, but control characters and invalid UTF-8 throughout. */
  for (guint i = 0; i < 64; i++)
    g_string_append (controls, "\x01\x02\x03\x1B\x90\xFF\x7F");
  document = load (controls->str, controls->len, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT);
  g_assert_null (document);
}

static void
test_refuse_too_large (void)
{
  gsize size = MG_DOCUMENT_MAX_SIZE + 1;
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_malloc0 (size), size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = NULL;

  document = mg_document_loader_load_bytes (bytes, "file:///tmp/big.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_TOO_LARGE);
  g_assert_null (document);
}

static void
test_refuse_directory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-loader-XXXXXX", &error);
  g_autoptr (GFile) file = NULL;
  g_autoptr (MgDocument) document = NULL;

  g_assert_no_error (error);
  file = g_file_new_for_path (dir);
  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_IS_DIRECTORY);
  g_assert_null (document);
  g_rmdir (dir);
}

/* Files {{{1 */

static char *
write_temp_file (const char *name,
                 const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-loader-XXXXXX", &error);
  char            *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_temp_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_file_markdown_by_name (void)
{
  g_autofree char *path = write_temp_file ("notes.md", "Some *notes*.\n");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = NULL;

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mg_document_get_format (document), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpstr (mg_document_get_text (document), ==, "Some notes.");
  /* No heading: the file's name. */
  g_assert_cmpstr (mg_document_get_title (document), ==, "notes.md");
  remove_temp_file (path);
}

static void
load_async_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  MgDocument **document = user_data;
  g_autoptr (GError) error = NULL;

  *document = mg_document_loader_load_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_file_async (void)
{
  g_autofree char *path = write_temp_file ("page.html", "<title>Async</title><p>Loaded <em>off</em> the main thread.");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) document = NULL;

  mg_document_loader_load_file_async (file, NULL, load_async_cb, &document);
  while (document == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (mg_document_get_format (document), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpstr (mg_document_get_title (document), ==, "Async");
  g_assert_cmpstr (mg_document_get_text (document), ==, "Loaded off the main thread.");
  assert_span (document, MG_SPAN_EMPHASIS, 0, "off");
  remove_temp_file (path);
}

/* The first screen of a big plain text file comes before its document,
 * and is a prefix of its text; a small file or a Markdown one has none. */
typedef struct
{
  MgFirstScreen *first_screen;
  MgDocument    *document;
  gboolean       screen_before_document;
  int            worker_nice;
  /* mg_first_screen_show_now() first, with a timeout of a minute: whether
   * it showed the screen, and how long it took. */
  gboolean show_now;
  gboolean shown_now;
  gint64   show_now_usec;
} StreamedLoad;

/* The nice value of this process's thread named @name, from
 * /proc/self/task, or G_MININT if there is none. */
static int
thread_nice (const char *name)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      g_auto (GStrv) fields = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_equal (g_strchomp (comm), name)
          || !g_file_get_contents (stat_path, &stat, NULL, NULL) || strrchr (stat, ')') == NULL)
        continue;

      /* After "pid (comm)": state is field 3, nice field 19. */
      fields = g_strsplit (strrchr (stat, ')') + 2, " ", -1);
      g_assert_cmpuint (g_strv_length (fields), >, 16);
      return atoi (fields[16]);
    }

  return G_MININT;
}

static void
streamed_first_screen_cb (MgFirstScreen *first_screen,
                          gpointer       user_data)
{
  StreamedLoad *load = user_data;

  g_assert_null (load->first_screen);
  load->first_screen = mg_first_screen_ref (first_screen);
  load->screen_before_document = load->document == NULL;
  /* The rest is read and decoded at a lower priority, in a thread of its
   * own, waiting now for this resume. */
  load->worker_nice = thread_nice ("mg-load");
  mg_first_screen_resume (first_screen);
}

static void
streamed_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StreamedLoad *load = user_data;
  g_autoptr (GError) error = NULL;

  load->document = mg_document_loader_load_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
load_streamed (const char   *name,
               const char   *contents,
               gssize        len,
               StreamedLoad *load)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  {
    gboolean show_now = load->show_now;
    g_autoptr (MgFirstScreen) handle = NULL;

    memset (load, 0, sizeof *load);
    handle = mg_document_loader_load_file_streamed_async (file, streamed_first_screen_cb, load, NULL, NULL, streamed_done_cb, load);
    g_assert_nonnull (handle);
    if (show_now)
      {
        gint64 start = g_get_monotonic_time ();

        load->shown_now = mg_first_screen_show_now (handle, 60 * G_USEC_PER_SEC);
        load->show_now_usec = g_get_monotonic_time () - start;
        /* At once, without the main loop; and only once. */
        g_assert_true (load->shown_now == (load->first_screen != NULL));
        g_assert_false (mg_first_screen_show_now (handle, 0));
      }
  }
  while (load->document == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_unlink (path);
}

static void
test_file_first_screen (void)
{
  g_autoptr (GString) text = g_string_new ("Caf\xc3\xa9 au lait\n");
  StreamedLoad load = { NULL };
  const char  *screen;
  gsize        screen_len = 0;

  for (guint i = 0; text->len < 300 * 1024; i++)
    g_string_append_printf (text, "Verse %u: in the beginning was a line of text.\n", i);

  load_streamed ("marginalia-first-screen.txt", text->str, text->len, &load);
  g_assert_nonnull (load.first_screen);
  g_assert_true (load.screen_before_document);
#ifdef __linux__
  /* This thread's own priority (the process's) is as it was. */
  g_assert_cmpint (load.worker_nice, ==, MIN (getpriority (PRIO_PROCESS, 0) + 10, 19));
#endif
  screen = mg_first_screen_get_text (load.first_screen, &screen_len);
  g_assert_cmpuint (screen_len, >, 1024);
  g_assert_cmpuint (screen_len, <=, 64 * 1024);
  g_assert_cmpint (screen[screen_len - 1], ==, '\n');
  g_assert_true (mg_first_screen_is_prefix_of (load.first_screen, load.document));
  g_assert_cmpuint (mg_document_get_n_bytes (load.document), ==, text->len - 1);
  g_assert_true (memcmp (mg_document_get_text (load.document), screen, screen_len) == 0);
  g_clear_pointer (&load.first_screen, mg_first_screen_unref);
  g_clear_object (&load.document);

  /* Invalid bytes later on make the whole file Windows-1252: the first
   * screen, read as UTF-8, is no prefix, and the caller starts again. */
  for (guint i = 0; i < 16; i++)
    g_string_append (text, "na\xefve\n");
  load_streamed ("marginalia-first-screen-1252.txt", text->str, text->len, &load);
  g_assert_nonnull (load.first_screen);
  g_assert_cmpstr (mg_document_get_encoding (load.document), ==, "Windows-1252");
  g_assert_false (mg_first_screen_is_prefix_of (load.first_screen, load.document));
  g_clear_pointer (&load.first_screen, mg_first_screen_unref);
  g_clear_object (&load.document);

  /* Markdown is rendered: no first screen. */
  load_streamed ("marginalia-first-screen.md", text->str, text->len, &load);
  g_assert_null (load.first_screen);
  g_clear_object (&load.document);

  /* A small file: no first screen. */
  load_streamed ("marginalia-first-screen-small.txt", "A short note.\nTwo lines.\n", -1, &load);
  g_assert_null (load.first_screen);
  g_assert_cmpstr (mg_document_get_text (load.document), ==, "A short note.\nTwo lines.");
  g_clear_object (&load.document);
}

/* A window not shown yet waits for the first screen and shows it at once;
 * for a file that has none, it does not wait long: the worker says so. */
static void
test_file_first_screen_show_now (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  StreamedLoad load = { .show_now = TRUE };

  for (guint i = 0; text->len < 300 * 1024; i++)
    g_string_append_printf (text, "Verse %u: in the beginning was a line of text.\n", i);

  load_streamed ("marginalia-show-now.txt", text->str, text->len, &load);
  g_assert_true (load.shown_now);
  g_assert_true (load.screen_before_document);
  g_assert_true (mg_first_screen_is_prefix_of (load.first_screen, load.document));
  g_clear_pointer (&load.first_screen, mg_first_screen_unref);
  g_clear_object (&load.document);

  load.show_now = TRUE;
  load_streamed ("marginalia-show-now.md", text->str, text->len, &load);
  g_assert_false (load.shown_now);
  g_assert_null (load.first_screen);
  g_assert_cmpint (load.show_now_usec, <, 30 * G_USEC_PER_SEC);
  g_clear_object (&load.document);

  load.show_now = TRUE;
  load_streamed ("marginalia-show-now-small.txt", "A short note.\n", -1, &load);
  g_assert_false (load.shown_now);
  g_assert_null (load.first_screen);
  g_assert_cmpint (load.show_now_usec, <, 30 * G_USEC_PER_SEC);
  g_clear_object (&load.document);
}

static void
test_file_missing (void)
{
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent/marginalia/file.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = NULL;

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (document);
}

/* Markdown {{{1 */

static void
test_markdown_golden (void)
{
  g_autoptr (MgDocument) document = load_test_file ("notes.md");
  guint            n = 0;
  const MgHeading *headings;

  assert_text_matches_golden (document, "notes.expected.txt");
  g_assert_cmpint (mg_document_get_format (document), ==, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_cmpstr (mg_document_get_title (document), ==, "Reading notes: deltas and sediment");

  headings = mg_document_get_headings (document, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (headings[0].text, ==, "Deltas and sediment");
  g_assert_cmpuint (headings[0].level, ==, 1);
  g_assert_cmpuint (headings[0].start, ==, 0);
  g_assert_cmpstr (headings[1].text, ==, "Why it matters \xE2\x80\x94 \xE2\x80\x9Chalf a billion people\xE2\x80\x9D");
  g_assert_cmpuint (headings[1].level, ==, 2);
  g_assert_cmpstr (headings[2].text, ==, "Measuring it");
  g_assert_cmpuint (headings[2].level, ==, 3);

  assert_span (document, MG_SPAN_LINK, 0, "the USGS primer");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 0)->url, ==, "https://www.usgs.gov/deltas");
  assert_span (document, MG_SPAN_CODE, 0, "subsidence");
  assert_span (document, MG_SPAN_CODE_BLOCK, 1, "def subsidence(rate_cm, years):\n    return rate_cm * years");
  assert_span (document, MG_SPAN_BLOCK_QUOTE, 1, "Most of them live less than five metres above the sea.");
  g_assert_cmpuint (find_span (document, MG_SPAN_BLOCK_QUOTE, 1)->level, ==, 2);
  assert_span (document, MG_SPAN_RULE, 0, "* * *");
  /* The emphasis inside the HTML block. */
  assert_span (document, MG_SPAN_EMPHASIS, 2, "HTML");
}

static void
test_markdown_emphasis (void)
{
  /* Two-byte, three-byte and four-byte characters before the spans: the
   * offsets are code points ("Über “café” 😀 " is 14 of them). */
  g_autoptr (MgDocument) document = load_ok ("\xC3\x9C"
                                             "ber \xE2\x80\x9C"
                                             "caf\xC3\xA9\xE2\x80\x9D \xF0\x9F\x98\x80 *emph* and **strong** and ***both***",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);
  const MgSpan *emphasis;
  const MgSpan *strong;

  g_assert_cmpstr (mg_document_get_text (document), ==, "\xC3\x9C"
                                                        "ber \xE2\x80\x9C"
                                                        "caf\xC3\xA9\xE2\x80\x9D \xF0\x9F\x98\x80 emph and strong and both");
  emphasis = find_span (document, MG_SPAN_EMPHASIS, 0);
  g_assert_cmpuint (emphasis->start, ==, 14);
  g_assert_cmpuint (emphasis->end, ==, 18);
  strong = find_span (document, MG_SPAN_STRONG, 0);
  g_assert_cmpuint (strong->start, ==, 23);
  g_assert_cmpuint (strong->end, ==, 29);
  assert_span (document, MG_SPAN_EMPHASIS, 1, "both");
  assert_span (document, MG_SPAN_STRONG, 1, "both");
  assert_structure_valid (document);
}

static void
test_markdown_headings (void)
{
  g_autoptr (MgDocument) document = load_ok ("Intro text.\n\n## Second *level*\n\nBody.\n\nSetext one\n===\n\n###### Six\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);
  guint            n = 0;
  const MgHeading *headings = mg_document_get_headings (document, &n);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Intro text.\nSecond level\nBody.\nSetext one\nSix");
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (headings[0].level, ==, 2);
  g_assert_cmpstr (headings[0].text, ==, "Second level");
  g_assert_cmpuint (headings[0].start, ==, 12);
  g_assert_cmpuint (headings[1].level, ==, 1);
  g_assert_cmpuint (headings[2].level, ==, 6);
  g_assert_cmpuint (find_span (document, MG_SPAN_HEADING, 2)->level, ==, 6);
  assert_span (document, MG_SPAN_EMPHASIS, 0, "level");
  /* The first level-one heading is the title, not the first heading. */
  g_assert_cmpstr (mg_document_get_title (document), ==, "Setext one");
}

static void
test_markdown_links (void)
{
  g_autoptr (MgDocument) document = load_ok ("See [the docs](https://example.org/docs), [a sibling](other%20notes.md), "
                                             "<https://auto.example/>, [mail](mailto:a@example.org) and "
                                             "[nothing](javascript:alert(1)).",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "See the docs, a sibling, https://auto.example/, mail and nothing.");
  g_assert_cmpuint (count_spans (document, MG_SPAN_LINK), ==, 4);
  assert_span (document, MG_SPAN_LINK, 0, "the docs");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 0)->url, ==, "https://example.org/docs");
  /* Relative links resolve against the document, so the view can open them. */
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 1)->url, ==, "file:///tmp/doc/other%20notes.md");
  assert_span (document, MG_SPAN_LINK, 2, "https://auto.example/");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 3)->url, ==, "mailto:a@example.org");
  assert_structure_valid (document);
}

static void
test_markdown_code (void)
{
  g_autoptr (MgDocument) document = load_ok ("Run `make  all` now.\n\n```\n  indented\n\n\tTabbed  line\n```\n\n    four spaces\n    more\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Run make all now.\n  indented\n\n\tTabbed  line\nfour spaces\nmore");
  assert_span (document, MG_SPAN_CODE, 0, "make all");
  assert_span (document, MG_SPAN_CODE_BLOCK, 0, "  indented\n\n\tTabbed  line");
  assert_span (document, MG_SPAN_CODE_BLOCK, 1, "four spaces\nmore");
  assert_structure_valid (document);
}

static void
test_markdown_nested_lists (void)
{
  g_autoptr (MgDocument) document = load_ok ("- one\n- two\n  - two a\n    - two a i\n  - two b\n- three\n\n"
                                             "7) seven\n8) eight\n   1. inner\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);
  const MgSpan *item;

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "\xE2\x80\xA2 one\n"
                   "\xE2\x80\xA2 two\n"
                   "\xE2\x97\xA6 two a\n"
                   "\xE2\x96\xAA two a i\n"
                   "\xE2\x97\xA6 two b\n"
                   "\xE2\x80\xA2 three\n"
                   "7) seven\n"
                   "8) eight\n"
                   "1. inner");
  item = find_span (document, MG_SPAN_LIST_ITEM, 1);
  g_assert_cmpuint (item->level, ==, 1);
  g_assert_cmpuint (find_span (document, MG_SPAN_LIST_ITEM, 2)->level, ==, 2);
  g_assert_cmpuint (find_span (document, MG_SPAN_LIST_ITEM, 3)->level, ==, 3);
  /* An item holds its nested lists. */
  assert_span (document, MG_SPAN_LIST_ITEM, 1, "\xE2\x80\xA2 two\n\xE2\x97\xA6 two a\n\xE2\x96\xAA two a i\n\xE2\x97\xA6 two b");
  assert_structure_valid (document);
}

static void
test_markdown_images (void)
{
  g_autoptr (MgDocument) document = load_ok ("Before ![a *red* `chart`](chart.png) after.\n\n"
                                             "[![logo](logo.png)](https://example.org)\n\n![](empty.png)\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Before a red chart after.\nlogo");
  /* Alternative text is plain text. */
  g_assert_null (find_span (document, MG_SPAN_EMPHASIS, 0));
  assert_span (document, MG_SPAN_LINK, 0, "logo");
}

static void
test_markdown_quotes_and_rules (void)
{
  g_autoptr (MgDocument) document = load_ok ("> one\n> two\n>\n> > deep\n\n---\n\nafter\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "one two\ndeep\n* * *\nafter");
  assert_span (document, MG_SPAN_BLOCK_QUOTE, 0, "one two\ndeep");
  assert_span (document, MG_SPAN_BLOCK_QUOTE, 1, "deep");
  g_assert_cmpuint (find_span (document, MG_SPAN_BLOCK_QUOTE, 1)->level, ==, 2);
  assert_span (document, MG_SPAN_RULE, 0, "* * *");
}

static void
test_markdown_line_breaks (void)
{
  /* Two trailing spaces and a backslash are hard breaks; a plain newline
   * is a space. */
  g_autoptr (MgDocument) document = load_ok ("one  \ntwo\\\nthree\nfour", -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "one\ntwo\nthree four");
}

static void
test_markdown_title_first_heading (void)
{
  g_autoptr (MgDocument) with_heading = load_ok ("Some text first.\n\n## Only a second level\n",
                                                 -1, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_autoptr (MgDocument) without = load_ok ("No heading at all.\n", -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_title (with_heading), ==, "Only a second level");
  g_assert_cmpstr (mg_document_get_title (without), ==, "Hint");
}

static void
test_markdown_front_matter (void)
{
  g_autoptr (MgDocument) document = load_ok ("---\ntitle: 'From YAML'\ndate: 2024-03-02\n---\n# Heading\n\nText.\n",
                                             -1, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_autoptr (MgDocument) not_yaml = load_ok ("---\nJust a heading\n---\n\nText.\n", -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Heading\nText.");
  g_assert_cmpstr (mg_document_get_title (document), ==, "From YAML");
  g_assert_cmpuint (find_span (document, MG_SPAN_HEADING, 0)->start, ==, 0);

  /* Without "key: value" lines it is Markdown: a rule and a heading. */
  g_assert_cmpstr (mg_document_get_text (not_yaml), ==, "* * *\nJust a heading\nText.");
}

static void
test_markdown_windows_1252 (void)
{
  g_autoptr (MgDocument) document = load_ok ("# Caf\xE9\r\n\r\n*na\xEFve* \x93quote\x94\r\n", -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Caf\xC3\xA9\nna\xC3\xAFve \xE2\x80\x9Cquote\xE2\x80\x9D");
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "Windows-1252");
  assert_span (document, MG_SPAN_EMPHASIS, 0, "na\xC3\xAFve");
  g_assert_cmpstr (mg_document_get_title (document), ==, "Caf\xC3\xA9");
}

/* HTML {{{1 */

static void
test_html_golden (void)
{
  g_autoptr (MgDocument) document = load_test_file ("article.html");
  const char      *text;
  guint            n = 0;
  const MgHeading *headings;
  const MgSpan    *link;

  assert_text_matches_golden (document, "article.expected.txt");
  g_assert_cmpint (mg_document_get_format (document), ==, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpstr (mg_document_get_title (document), ==, "Rivers on the Move: Why Deltas Are Sinking");

  /* What must be gone, said explicitly, beyond the golden text. */
  text = mg_document_get_text (document);
  g_assert_null (strstr (text, "cookies"));
  g_assert_null (strstr (text, "dataLayer"));
  g_assert_null (strstr (text, "Science"));
  g_assert_null (strstr (text, "Share on"));
  g_assert_null (strstr (text, "Advertisement"));
  g_assert_null (strstr (text, "Tracking pixel"));
  g_assert_null (strstr (text, "hidden until"));
  g_assert_null (strstr (text, "The land drops two"));
  g_assert_null (strstr (text, "Great piece"));
  g_assert_null (strstr (text, "Sea walls"));
  g_assert_null (strstr (text, "Most read"));
  g_assert_null (strstr (text, "newsletter"));
  g_assert_null (strstr (text, "Template text"));
  g_assert_null (strstr (text, "\xC2\xA9 2024"));
  g_assert_null (strstr (text, "Logo"));
  g_assert_null (strstr (text, "Google Tag"));

  headings = mg_document_get_headings (document, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (headings[0].level, ==, 1);
  g_assert_cmpstr (headings[0].text, ==, "Rivers on the Move: Why Deltas Are Sinking");
  g_assert_cmpuint (headings[1].level, ==, 2);
  g_assert_cmpstr (headings[1].text, ==, "What the measurements show");

  /* Relative links resolve against the address the page was saved from. */
  link = find_span (document, MG_SPAN_LINK, 0);
  g_assert_cmpstr (link->url, ==, "https://news.example.com/authors/ana-lima");
  assert_span (document, MG_SPAN_LINK, 1, "Delta Institute");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 1)->url, ==, "https://example.org/institute");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 2)->url, ==,
                   "https://news.example.com/science/2024/03/02/data/methods.html");
  /* The javascript: link is text only. */
  g_assert_cmpuint (count_spans (document, MG_SPAN_LINK), ==, 3);
  g_assert_nonnull (strstr (text, "interactive map"));

  assert_span (document, MG_SPAN_EMPHASIS, 0, "quietly");
  assert_span (document, MG_SPAN_STRONG, 0, "mostly human");
  assert_span (document, MG_SPAN_CODE, 0, "python subsidence.py --delta mekong");
  assert_span (document, MG_SPAN_CODE_BLOCK, 0, "year  drop_cm\n2020    2.1\n2021    2.4\n\ntotal   4.5");
  assert_span (document, MG_SPAN_BLOCK_QUOTE, 0, "Deltas are where rivers meet the sea, and where half a billion people live.");
  assert_span (document, MG_SPAN_LIST_ITEM, 4, "\xE2\x80\xA2 historical maps.");
  assert_span (document, MG_SPAN_LIST_ITEM, 5, "3. Stop new wells.");
  assert_span (document, MG_SPAN_RULE, 0, "* * *");
}

static void
test_html_spans_in_code_points (void)
{
  g_autoptr (MgDocument) document = load_ok ("<p>\xC3\x9C"
                                             "ber &ldquo;caf&eacute;&rdquo; \xF0\x9F\x98\x80 <em>emph</em> "
                                             "<a href=\"https://example.org/\">link</a> <code>x</code></p>"
                                             "<h3>\xE6\x97\xA5\xE6\x9C\xAC</h3>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);
  const MgSpan *span;

  g_assert_cmpstr (mg_document_get_text (document), ==, "\xC3\x9C"
                                                        "ber \xE2\x80\x9C"
                                                        "caf\xC3\xA9\xE2\x80\x9D \xF0\x9F\x98\x80 emph link x\n"
                                                        "\xE6\x97\xA5\xE6\x9C\xAC");
  span = find_span (document, MG_SPAN_EMPHASIS, 0);
  g_assert_cmpuint (span->start, ==, 14);
  g_assert_cmpuint (span->end, ==, 18);
  span = find_span (document, MG_SPAN_LINK, 0);
  g_assert_cmpuint (span->start, ==, 19);
  g_assert_cmpuint (span->end, ==, 23);
  g_assert_cmpstr (span->url, ==, "https://example.org/");
  span = find_span (document, MG_SPAN_CODE, 0);
  g_assert_cmpuint (span->start, ==, 24);
  g_assert_cmpuint (span->end, ==, 25);
  span = find_span (document, MG_SPAN_HEADING, 0);
  g_assert_cmpuint (span->start, ==, 26);
  g_assert_cmpuint (span->end, ==, 28);
  g_assert_cmpuint (span->level, ==, 3);
  assert_structure_valid (document);
}

static void
test_html_title_element (void)
{
  g_autoptr (MgDocument) document = load_ok ("<html><head><title>\n  Spaced\n   title </title></head>"
                                             "<body><h1>Heading</h1></body></html>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_title (document), ==, "Spaced title");
}

static void
test_html_title_og (void)
{
  g_autoptr (MgDocument) document = load_ok ("<head><title>Story | Site</title>"
                                             "<meta property=\"og:title\" content=\"Story &amp; more\"></head>"
                                             "<body><h1>Heading</h1></body>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_title (document), ==, "Story & more");
}

static void
test_html_title_first_heading (void)
{
  g_autoptr (MgDocument) h1 = load_ok ("<h2>Sub</h2><p>x</p><h1>Main   heading</h1>", -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) h2 = load_ok ("<p>x</p><h2>Only <em>second</em></h2>", -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) none = load_ok ("<p>No title at all.</p>", -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_title (h1), ==, "Main heading");
  g_assert_cmpstr (mg_document_get_title (h2), ==, "Only second");
  g_assert_cmpstr (mg_document_get_title (none), ==, "Hint");
}

static void
test_html_pre (void)
{
  g_autoptr (MgDocument) document = load_ok ("<p>a   b</p><pre>\n  x  <b>y</b>\n\n\tz &lt;w&gt;\n</pre><p>c</p>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "a b\n  x  y\n\n\tz <w>\nc");
  assert_span (document, MG_SPAN_CODE_BLOCK, 0, "  x  y\n\n\tz <w>");
  assert_span (document, MG_SPAN_STRONG, 0, "y");
  assert_structure_valid (document);
}

static void
test_html_whitespace (void)
{
  g_autoptr (MgDocument) document = load_ok ("<div>\n  <p>  one\n two  <b> three </b>four<i> </i>five</p>\n"
                                             "<p>a<br>b<br><br><br>c</p>\n\n<p> </p><div></div><p>end&nbsp;</p></div>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "one two three four five\na\nb\n\nc\nend\xC2\xA0");
  /* No span holds the white space around its text. */
  assert_span (document, MG_SPAN_STRONG, 0, "three");
  g_assert_null (find_span (document, MG_SPAN_EMPHASIS, 0));
}

static void
test_html_entities (void)
{
  g_autoptr (MgDocument) document = load_ok ("<p>&amp; &lt;tag&gt; &eacute;&#233;&#xE9; &#x1F600; &hellip; &mdash; &unknown; &copy;</p>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "& <tag> \xC3\xA9\xC3\xA9\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA6 \xE2\x80\x94 &unknown; \xC2\xA9");
}

static void
test_html_nested_lists (void)
{
  g_autoptr (MgDocument) document = load_ok ("<ul><li>one<ul><li>one a</li><li>one b<ol start=\"4\"><li>four</li>"
                                             "<li value=\"9\">nine</li><li>ten</li></ol></li></ul></li><li><p>two</p><p>more</p></li>"
                                             "<li></li><li>last</li></ul>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "\xE2\x80\xA2 one\n"
                   "\xE2\x97\xA6 one a\n"
                   "\xE2\x97\xA6 one b\n"
                   "4. four\n"
                   "9. nine\n"
                   "10. ten\n"
                   "\xE2\x80\xA2 two\n"
                   "more\n"
                   "\xE2\x80\xA2 \n"
                   "\xE2\x80\xA2 last");
  g_assert_cmpuint (find_span (document, MG_SPAN_LIST_ITEM, 4)->level, ==, 3);
  assert_span (document, MG_SPAN_LIST_ITEM, 6, "\xE2\x80\xA2 two\nmore");
  assert_structure_valid (document);
}

static void
test_html_images (void)
{
  g_autoptr (MgDocument) document = load_ok ("<p>See <img src=\"a.png\" alt=\"a  chart\"> here.</p><p><img src=\"b.png\"></p>"
                                             "<p><a href=\"https://example.org\"><img src=\"l.png\" alt=\"Logo\"></a></p>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  /* An image in a line of text leaves its description there; one that
   * stands alone, a line saying an image was there; a tracking pixel,
   * nothing; a figure's caption describes its image. */
  g_autoptr (MgDocument) figure = load_ok ("<figure><img src=\"f.png\" alt=\"A map\"><figcaption>The map.</figcaption></figure>"
                                           "<img src=\"p.gif\" width=\"1\" height=\"1\"><figure><img src=\"g.png\"></figure>",
                                           -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "See a chart here.\n[Image]\n[Image: Logo]");
  assert_span (document, MG_SPAN_LINK, 0, "[Image: Logo]");
  assert_span (document, MG_SPAN_IMAGE, 0, "[Image]");
  assert_span (document, MG_SPAN_IMAGE, 1, "[Image: Logo]");
  g_assert_cmpstr (mg_document_get_text (figure), ==, "[Image]\nThe map.\n[Image]");
}

static void
test_html_hidden (void)
{
  g_autoptr (MgDocument) document = load_ok ("<p>a<span hidden>1</span><span aria-hidden=\"true\">2</span>"
                                             "<span style=\"COLOR: red; DISPLAY : none;\">3</span>"
                                             "<span style=\"visibility:hidden\">4</span><span class=\"sr-only\">5</span>b"
                                             "<!-- a comment --><script>var c;</script><style>p{}</style>c</p>"
                                             "<noscript>Enable JavaScript</noscript><template><p>t</p></template>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "abc");
}

static void
test_html_main_without_article (void)
{
  g_autoptr (MgDocument) document = load_ok ("<body><header><p>Site name</p></header><div class=\"layout\">"
                                             "<main><h1>Title</h1><p>Body text.</p></main></div>"
                                             "<p>Outside main.</p><footer>Footer</footer></body>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Title\nBody text.");
}

static void
test_html_headline_outside_article (void)
{
  g_autoptr (MgDocument) document = load_ok ("<body><main><div class=\"headline-box\"><h1>Headline</h1></div>"
                                             "<article><p>The whole story, at length.</p></article>"
                                             "<div class=\"related\">More</div></main></body>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Headline\nThe whole story, at length.");
}

static void
test_html_index_of_articles (void)
{
  /* Posts of similar length: none is the content, the main is. */
  g_autoptr (MgDocument) document = load_ok ("<main><article><h2>First</h2><p>First post text.</p></article>"
                                             "<article><h2>Second</h2><p>Second post text.</p></article>"
                                             "<article><h2>Third</h2><p>Third post text.</p></article></main>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "First\nFirst post text.\nSecond\nSecond post text.\nThird\nThird post text.");
}

static void
test_html_content_protected (void)
{
  /* Saved with a cookie dialog open: everything else is aria-hidden. */
  g_autoptr (MgDocument) wrapped = load_ok ("<body><div id=\"page\" aria-hidden=\"true\" class=\"has-sidebar\">"
                                            "<article><p>The story.</p></article></div>"
                                            "<div class=\"cookie-dialog\">We use cookies.</div></body>",
                                            -1, MG_DOCUMENT_FORMAT_HTML);
  /* No article at all: the rules that removed everything are dropped. */
  g_autoptr (MgDocument) fallback = load_ok ("<body><div aria-hidden=\"true\"><p>Everything.</p></div></body>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);
  /* An ASP.NET page: one form around the whole page. */
  g_autoptr (MgDocument) form = load_ok ("<body><form id=\"aspnetForm\"><h1>Title</h1><p>Body.</p>"
                                         "<input type=\"text\"><button>Send</button></form>"
                                         "<form class=\"search\"><p>Search the site</p></form></body>",
                                         -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (wrapped), ==, "The story.");
  g_assert_cmpstr (mg_document_get_text (fallback), ==, "Everything.");
  g_assert_cmpstr (mg_document_get_text (form), ==, "Title\nBody.");
}

static void
test_html_chrome_classes (void)
{
  g_autoptr (MgDocument) document = load_ok ("<body><div class=\"article-header\"><p>Kept header</p></div>"
                                             "<div class=\"site-header\"><p>Site header</p></div>"
                                             "<div class=\"social-share\">Share</div><div id=\"related_posts\">Related</div>"
                                             "<div class=\"headline loaded\"><p>Loaded is not ad</p></div>"
                                             "<div role=\"navigation\">Menu</div><div class=\"post-content ad-free\"><p>Body</p></div></body>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Kept header\nLoaded is not ad\nBody");
}

static void
test_html_links (void)
{
  g_autoptr (MgDocument) plain = load_ok ("<p><a href=\"javascript:void(0)\">j</a> <a href=\"#\">h</a> <a>none</a> "
                                          "<a href=\" mailto:a@example.org \">m</a> <a href=\"rel/x.html#s\">r</a></p>",
                                          -1, MG_DOCUMENT_FORMAT_HTML);
  /* Bases and references GLib cannot join are kept as written. */
  g_autoptr (MgDocument) odd = load_ok ("<head><base href=\"http:/a\"></head><p><a href=\".//:\">o</a></p>",
                                        -1, MG_DOCUMENT_FORMAT_HTML);
  /* Spaces and non-ASCII characters are escaped when resolving. */
  g_autoptr (MgDocument) spaces = load_ok ("<p><a href=\"my notes/caf\xC3\xA9.html\">s</a></p>", -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) based = load_ok ("<head><base href=\"https://example.org/dir/\"></head>"
                                          "<p><a href=\"rel/x.html\">r</a> <a href=\"/root\">root</a></p>",
                                          -1, MG_DOCUMENT_FORMAT_HTML);
  MgDocumentStructure *structure;

  g_assert_cmpstr (mg_document_get_text (plain), ==, "j h none m r");
  g_assert_cmpuint (count_spans (plain, MG_SPAN_LINK), ==, 2);
  g_assert_cmpstr (find_span (plain, MG_SPAN_LINK, 0)->url, ==, "mailto:a@example.org");
  g_assert_cmpstr (find_span (plain, MG_SPAN_LINK, 1)->url, ==, "file:///tmp/doc/rel/x.html#s");

  g_assert_cmpstr (find_span (based, MG_SPAN_LINK, 0)->url, ==, "https://example.org/dir/rel/x.html");
  g_assert_cmpstr (find_span (based, MG_SPAN_LINK, 1)->url, ==, "https://example.org/root");

  g_assert_cmpstr (find_span (odd, MG_SPAN_LINK, 0)->url, ==, ".//:");
  g_assert_cmpstr (find_span (spaces, MG_SPAN_LINK, 0)->url, ==, "file:///tmp/doc/my%20notes/caf%C3%A9.html");

  /* The view asks which link is under the pointer. */
  structure = mg_document_get_structure (based);
  g_assert_null (mg_document_structure_get_link_at (structure, 1));
  g_assert_cmpstr (mg_document_structure_get_link_at (structure, 0)->url, ==, "https://example.org/dir/rel/x.html");
  g_assert_cmpstr (mg_document_structure_get_link_at (structure, 3)->url, ==, "https://example.org/root");
  g_assert_cmpstr (mg_document_structure_get_link_at (structure, 5)->url, ==, "https://example.org/root");
  g_assert_null (mg_document_structure_get_link_at (structure, 6));
}

static void
test_html_tables_and_quotes (void)
{
  g_autoptr (MgDocument) document = load_ok ("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td></td><td>3</td></tr></table>"
                                             "<p>He said <q>hi </q>.</p>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "A\tB\n1\t3\nHe said \xE2\x80\x9Chi\xE2\x80\x9D.");
}

static void
test_html_declared_charset (void)
{
  /* "ąćę łódź" in ISO-8859-2, declared. */
  g_autoptr (MgDocument) declared = load_ok ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-2\">"
                                             "</head><body><p>\xB1\xE6\xEA \xB3\xF3"
                                             "d\xBC</p></body></html>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);
  /* Declared Windows-1252, but re-saved as UTF-8: the bytes win. */
  g_autoptr (MgDocument) stale = load_ok ("<meta charset=\"windows-1252\"><p>caf\xC3\xA9</p>", -1, MG_DOCUMENT_FORMAT_HTML);
  /* Latin-1 declared means Windows-1252, as in browsers. */
  g_autoptr (MgDocument) latin1 = load_ok ("<meta charset=iso-8859-1><p>\x93quoted\x94</p>", -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (declared), ==, "\xC4\x85\xC4\x87\xC4\x99 \xC5\x82\xC3\xB3"
                                                        "d\xC5\xBA");
  g_assert_cmpstr (mg_document_get_encoding (declared), ==, "ISO-8859-2");
  g_assert_cmpstr (mg_document_get_text (stale), ==, "caf\xC3\xA9");
  g_assert_null (mg_document_get_encoding (stale));
  g_assert_cmpstr (mg_document_get_text (latin1), ==, "\xE2\x80\x9Cquoted\xE2\x80\x9D");
  g_assert_cmpstr (mg_document_get_encoding (latin1), ==, "Windows-1252");
}

static void
test_html_utf16 (void)
{
  g_autofree char *converted = NULL;
  g_autoptr (GString) bytes = g_string_new ("\xFF\xFE");
  g_autoptr (MgDocument) document = NULL;
  gsize written = 0;

  converted = g_convert ("<title>T\xC3\xAFtle</title><p>Body <b>bold</b></p>", -1, "UTF-16LE", "UTF-8", NULL, &written, NULL);
  g_string_append_len (bytes, converted, written);
  document = load_ok (bytes->str, bytes->len, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Body bold");
  g_assert_cmpstr (mg_document_get_title (document), ==, "T\xC3\xAFtle");
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "UTF-16LE");
}

static void
test_html_no_network (void)
{
  /* A doctype and entities that name remote resources: nothing is
   * fetched (HTML_PARSE_NONET), and loading returns at once. */
  g_autoptr (MgDocument) document = load_ok ("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                                             "\"http://192.0.2.1/never.dtd\"><html><body>"
                                             "<img src=\"http://192.0.2.1/x.png\" alt=\"pic\">"
                                             "<iframe src=\"http://192.0.2.1/\">frame</iframe><p>ok</p></body></html>",
                                             -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "[Image: pic]\nok");
}

static void
test_html_odd_characters (void)
{
  /* A carriage return by reference in <pre> is a line ending; a U+FEFF at
   * the start of the text is a character, not a byte order mark. */
  g_autoptr (MgDocument) pre = load_ok ("<pre>a&#13;b&#13;&#10;c</pre>", -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) feff = load_ok ("<p>&#xFEFF;text</p>", -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) two_boms = load_ok ("\xEF\xBB\xBF\xEF\xBB\xBFx", -1, MG_DOCUMENT_FORMAT_TEXT);

  g_assert_cmpstr (mg_document_get_text (pre), ==, "a\nb\nc");
  g_assert_cmpstr (mg_document_get_text (feff), ==, "\xEF\xBB\xBFtext");
  g_assert_cmpstr (mg_document_get_text (two_boms), ==, "\xEF\xBB\xBFx");
}

static void
test_html_empty (void)
{
  g_autoptr (MgDocument) empty = load_ok ("", 0, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) only_head = load_ok ("<html><head><title>T</title><script>x</script></head></html>",
                                              -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (empty), ==, "");
  g_assert_cmpstr (mg_document_get_text (only_head), ==, "");
  g_assert_cmpstr (mg_document_get_title (only_head), ==, "T");
}

/* Robustness and size {{{1 */

/* Mutated fixtures, in every format: a document with a valid structure or
 * a clear refusal, never a crash (the sanitizer build checks the rest). */
static void
test_robustness_mutations (void)
{
  static const char *const fixtures[] = { "article.html", "notes.md" };
  static const char *const insertions[] = {
    "<",
    "</div>",
    "<pre>",
    "</li>",
    "<li>",
    "`",
    "*",
    "**",
    "[",
    "](",
    "\xFF",
    "\r",
    "\xE2\x80",
    "&",
    "&#x",
    "<!--",
    "\n---\n",
    "> ",
    "    ",
    "<a href=\"",
    "<br>",
    "\t",
    "<script>",
    "\n```\n",
    "- ",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240302);
  guint iterations = g_test_slow () ? 400 : 60;

  for (guint f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      gsize            len = 0;
      g_autofree char *original = read_test_file (fixtures[f], &len);

      for (guint i = 0; i < iterations; i++)
        {
          g_autoptr (GString) mutated = g_string_new_len (original, len);
          guint n_edits = g_rand_int_range (rand, 1, 12);

          for (guint e = 0; e < n_edits; e++)
            {
              gsize pos = g_rand_int_range (rand, 0, mutated->len + 1);
              gsize span = g_rand_int_range (rand, 1, 64);

              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  g_string_truncate (mutated, pos);
                  break;
                case 1:
                  if (pos < mutated->len)
                    mutated->str[pos] = (char) g_rand_int_range (rand, 1, 256);
                  break;
                case 2:
                  g_string_erase (mutated, pos, MIN (span, mutated->len - pos));
                  break;
                default:
                  g_string_insert (mutated, pos, insertions[g_rand_int_range (rand, 0, G_N_ELEMENTS (insertions))]);
                  break;
                }
            }

          for (MgDocumentFormat format = MG_DOCUMENT_FORMAT_TEXT; format <= MG_DOCUMENT_FORMAT_HTML; format++)
            {
              g_autoptr (GError) error = NULL;
              g_autoptr (MgDocument) document = load (mutated->str, mutated->len, format, &error);

              if (document == NULL)
                g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT);
              else
                assert_structure_valid (document);
            }
        }
    }
}

static void
test_robustness_deep_nesting (void)
{
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (GString) markdown = g_string_new (NULL);
  g_autoptr (MgDocument) html_document = NULL;
  g_autoptr (MgDocument) markdown_document = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append (html, "<div><blockquote><ul><li><em>");
  g_string_append (html, "deep");
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (markdown, '>');
  g_string_append (markdown, " deep *quote*\n");

  html_document = load_ok (html->str, html->len, MG_DOCUMENT_FORMAT_HTML);
  markdown_document = load_ok (markdown->str, markdown->len, MG_DOCUMENT_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (mg_document_get_text (html_document), "deep"));
  g_assert_nonnull (strstr (mg_document_get_text (markdown_document), "deep quote"));
  assert_structure_valid (html_document);
  assert_structure_valid (markdown_document);
}

static void
test_large_plain_text (void)
{
  static const char paragraph[] = "\xC3\x9Cnicode fa\xC3\xA7"
                                  "ade \xE2\x80\x94 \xE2\x80\x9Cquotes\xE2\x80\x9D and plenty of words for a reader. ";
  g_autoptr (GString) text = g_string_sized_new (4 * 1024 * 1024 + 1024);
  g_autoptr (MgDocument) document = NULL;
  gint64 start;
  gint64 elapsed;

  while (text->len < 4 * 1024 * 1024)
    {
      for (guint i = 0; i < 8; i++)
        g_string_append (text, paragraph);
      g_string_append (text, "\r\n");
    }

  start = g_get_monotonic_time ();
  document = load_ok (text->str, text->len, MG_DOCUMENT_FORMAT_TEXT);
  mg_document_get_chars (document, NULL);
  elapsed = g_get_monotonic_time () - start;

  g_test_message ("4 MB of plain text loaded in %.1f ms", elapsed / 1000.0);
  g_assert_cmpuint (mg_document_get_n_bytes (document), >, 4 * 1000 * 1000);
}

static void
test_large_html (void)
{
  gsize            len = 0;
  g_autofree char *article = read_test_file ("article.html", &len);
  const char      *body = strstr (article, "<p>Across");
  const char      *end = strstr (article, "<hr>");
  g_autoptr (GString) html = g_string_new_len (article, body - article);
  g_autoptr (MgDocument) document = NULL;
  gint64 start;
  gint64 elapsed;

  while (html->len < 4 * 1024 * 1024)
    g_string_append_len (html, body, end - body);
  g_string_append (html, end);

  start = g_get_monotonic_time ();
  document = load_ok (html->str, html->len, MG_DOCUMENT_FORMAT_HTML);
  elapsed = g_get_monotonic_time () - start;

  g_test_message ("%.1f MB of HTML loaded in %.1f ms, %u spans", html->len / 1048576.0, elapsed / 1000.0,
                  count_spans (document, MG_SPAN_LINK) + count_spans (document, MG_SPAN_STRONG));
  g_assert_cmpuint (count_spans (document, MG_SPAN_HEADING), >, 1000);
  assert_structure_valid (document);
}

/* Hostile documents {{{1
 *
 * Each opens, with its text and spans small enough for the reader view:
 * spans nest at most MG_DOCUMENT_MAX_DEPTH deep, deeper structure is
 * flattened into the span at that depth. How long they take is the
 * bench's to measure (open_nested_100k, open_entities_1m); these check
 * the outcome. */

static char *
repeat (const char *unit,
        guint       n,
        const char *tail)
{
  GString *out = g_string_sized_new (strlen (unit) * n + strlen (tail));

  for (guint i = 0; i < n; i++)
    g_string_append (out, unit);
  g_string_append (out, tail);

  return g_string_free (out, FALSE);
}

/* Asserts the structure is valid and bounded: no span deeper or of a
 * higher level than MG_DOCUMENT_MAX_DEPTH, at most @max_spans spans. */
static void
assert_bounded (MgDocument *document,
                guint       max_spans)
{
  guint         n = 0;
  const MgSpan *spans = mg_document_get_spans (document, &n);

  g_assert_cmpuint (assert_structure_valid (document), <=, MG_DOCUMENT_MAX_DEPTH);
  g_assert_cmpuint (n, <=, max_spans);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (spans[i].level, <=, MG_DOCUMENT_MAX_DEPTH);
}

static void
test_hostile_markdown_nested_lists (void)
{
  g_autofree char *markdown = repeat ("- ", 100000, "item\n");
  g_autoptr (MgDocument) document = load_ok (markdown, -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);
  g_assert_cmpuint (count_spans (document, MG_SPAN_LIST_ITEM), ==, MG_DOCUMENT_MAX_DEPTH);
  g_assert_true (g_str_has_suffix (mg_document_get_text (document), "item"));
  /* Bullets for the first levels only, not a line of 100,000. */
  g_assert_cmpuint (mg_document_get_length (document), <, 200);
}

static void
test_hostile_markdown_nested_quotes (void)
{
  g_autofree char *markdown = repeat ("> ", 100000, "text *in* it\n");
  g_autoptr (MgDocument) document = load_ok (markdown, -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);
  g_assert_cmpstr (mg_document_get_text (document), ==, "text in it");
  /* 32 quotes, one in the other, each holding all the text. */
  g_assert_cmpuint (count_spans (document, MG_SPAN_BLOCK_QUOTE), ==, MG_DOCUMENT_MAX_DEPTH);
  for (guint i = 0; i < MG_DOCUMENT_MAX_DEPTH; i++)
    assert_span (document, MG_SPAN_BLOCK_QUOTE, i, "text in it");
}

/* Lines each indented one level deeper than the one before. */
static void
test_hostile_markdown_long_indented_list (void)
{
  g_autoptr (GString) markdown = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  g_auto (GStrv) lines = NULL;

  for (guint i = 0; i < 3000; i++)
    {
      for (guint j = 0; j < i; j++)
        g_string_append (markdown, "  ");
      g_string_append_printf (markdown, "- item %u\n", i);
    }

  document = load_ok (markdown->str, markdown->len, MG_DOCUMENT_FORMAT_MARKDOWN);
  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);

  /* Every item keeps its line and its text. */
  lines = g_strsplit (mg_document_get_text (document), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3000);
  g_assert_true (g_str_has_suffix (lines[0], "item 0"));
  g_assert_true (g_str_has_suffix (lines[2999], "item 2999"));
}

static void
test_hostile_markdown_nested_emphasis (void)
{
  g_autofree char *open = repeat ("*", 50000, "x");
  g_autofree char *markdown = repeat ("*", 50000, "\n");
  g_autofree char *both = g_strconcat (open, markdown, NULL);
  g_autoptr (MgDocument) document = load_ok (both, -1, MG_DOCUMENT_FORMAT_MARKDOWN);

  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);
  g_assert_cmpstr (mg_document_get_text (document), ==, "x");
}

static void
test_hostile_html_nested_lists (void)
{
  g_autofree char *items = repeat ("<ul><li>", 100000, "x");
  g_autofree char *lists = repeat ("<ol>", 100000, "<li>y");
  g_autoptr (MgDocument) document = load_ok (items, -1, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) bare = load_ok (lists, -1, MG_DOCUMENT_FORMAT_HTML);

  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);
  g_assert_true (g_str_has_suffix (mg_document_get_text (document), "x"));
  g_assert_cmpuint (mg_document_get_length (document), <, 200);

  /* 100,000 lists around one item: its level is the deepest there is. */
  assert_bounded (bare, 1);
  g_assert_cmpuint (find_span (bare, MG_SPAN_LIST_ITEM, 0)->level, ==, MG_DOCUMENT_MAX_DEPTH);
}

static void
test_hostile_html_nested_inline (void)
{
  g_autofree char *html = repeat ("<b><i><a href=\"https://example.org/\">", 30000, "deep");
  g_autoptr (MgDocument) document = load_ok (html, -1, MG_DOCUMENT_FORMAT_HTML);

  assert_bounded (document, MG_DOCUMENT_MAX_DEPTH);
  g_assert_cmpstr (mg_document_get_text (document), ==, "deep");
}

/* Was quadratic: each footer asked all its ancestors whether one was an
 * article. */
static void
test_hostile_html_nested_footers (void)
{
  g_autofree char *footers = repeat ("<footer>", 100000, "kept</article>");
  g_autofree char *html = g_strconcat ("<body><header>Site</header><article>", footers, NULL);
  g_autoptr (MgDocument) document = load_ok (html, -1, MG_DOCUMENT_FORMAT_HTML);

  /* The page's header goes, the article's footers stay. */
  g_assert_cmpstr (mg_document_get_text (document), ==, "kept");
}

static void
test_hostile_html_million_entities (void)
{
  g_autofree char *html = repeat ("&amp;", 1000000, "</p>");
  g_autofree char *page = g_strconcat ("<p>", html, NULL);
  g_autoptr (MgDocument) document = load_ok (page, -1, MG_DOCUMENT_FORMAT_HTML);
  const char *text = mg_document_get_text (document);

  g_assert_cmpuint (mg_document_get_length (document), ==, 1000000);
  g_assert_cmpuint (strspn (text, "&"), ==, 1000000);
}

/* libxml2 is quadratic in the attributes of one tag: a tag keeps 128. */
static void
test_hostile_html_many_attributes (void)
{
  g_autoptr (GString) html = g_string_new ("<p><a href=\"https://example.org/\" title='a > b'");
  g_autoptr (MgDocument) document = NULL;

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (html, " a%u=\"%u\"", i, i);
  g_string_append (html, " class=\"hidden\">link</a> then <b>bold</b>"
                         "<script>if (a < b && c > d) { s = '<x y z>'; }</script>"
                         "<!-- <i a b c> --> and <em class=x>more</em></p>");

  document = load_ok (html->str, html->len, MG_DOCUMENT_FORMAT_HTML);
  assert_structure_valid (document);
  /* The attributes before the cut count, those after it are gone (the
   * class that would hide the link), and the rest of the page is read as
   * it was. */
  g_assert_cmpstr (mg_document_get_text (document), ==, "link then bold and more");
  g_assert_cmpstr (find_span (document, MG_SPAN_LINK, 0)->url, ==, "https://example.org/");
  assert_span (document, MG_SPAN_STRONG, 0, "bold");
  assert_span (document, MG_SPAN_EMPHASIS, 0, "more");
}

/* A tag with fewer attributes than the cut is given to the parser as it
 * is, whatever it holds. */
static void
test_hostile_html_attributes_under_cap (void)
{
  g_autoptr (GString) html = g_string_new ("<p><span");
  g_autoptr (MgDocument) document = NULL;

  for (guint i = 0; i < 120; i++)
    g_string_append_printf (html, " data-%u='%u'", i, i);
  g_string_append (html, " class=\"hidden\">hidden</span>shown</p>");

  document = load_ok (html->str, html->len, MG_DOCUMENT_FORMAT_HTML);
  g_assert_cmpstr (mg_document_get_text (document), ==, "shown");
}

static void
assert_not_regular (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = mg_document_loader_load_file (file, NULL, &error);

  g_assert_null (document);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_REGULAR);
  g_assert_nonnull (strstr (error->message, "not a document"));
}

static void
test_refuse_devices (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-loader-XXXXXX", &error);
  g_autofree char *link = g_build_filename (dir, "zero.txt", NULL);

  g_assert_no_error (error);
  assert_not_regular ("/dev/zero");
  if (g_file_test ("/dev/urandom", G_FILE_TEST_EXISTS))
    assert_not_regular ("/dev/urandom");

  /* A link is followed: what it points to is read, or refused. */
  g_assert_cmpint (symlink ("/dev/zero", link), ==, 0);
  assert_not_regular (link);

  g_unlink (link);
  g_rmdir (dir);
}

static void
refused_async_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError    **out = user_data;
  MgDocument *document = mg_document_loader_load_file_finish (result, out);

  g_assert_null (document);
  g_assert_nonnull (*out);
}

/* A FIFO blocks whoever opens it until a writer comes: it is refused, and
 * not opened at all. */
static void
test_refuse_fifo (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-loader-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "pipe.md", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (fifo);
  GError *async_error = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_not_regular (fifo);

  mg_document_loader_load_file_async (file, NULL, refused_async_cb, &async_error);
  while (async_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (async_error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_REGULAR);
  g_clear_error (&async_error);

  g_unlink (fifo);
  g_rmdir (dir);
}

/* A page that declares UTF-7, which browsers refuse: read as if it
 * declared nothing. Read as UTF-7, everything after the '+' in the script
 * was base64 noise, and the page lost its text. */
static void
test_html_utf7_declared (void)
{
  static const char page[] = "<html><head><meta charset=\"utf-7\">"
                             "<script>var n = 1+2;</script><title>Caf\xE9</title></head>"
                             "<body><p>Caf\xE9 au lait, +ADw-not markup+AD4-.</p><p>The rest.</p></body></html>";
  g_autoptr (MgDocument) document = load_ok (page, -1, MG_DOCUMENT_FORMAT_HTML);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Caf\xC3\xA9 au lait, +ADw-not markup+AD4-.\nThe rest.");
  g_assert_cmpstr (mg_document_get_title (document), ==, "Caf\xC3\xA9");
  g_assert_cmpstr (mg_document_get_encoding (document), ==, "Windows-1252");
}

/* The same for the other charsets that are not ASCII-compatible, or that
 * WHATWG refuses; charsets browsers know stay honoured. */
static void
test_html_refused_charsets (void)
{
  static const char *const refused[] = { "utf-7", "UTF-32", "ucs-2", "cp037", "hz-gb-2312", "iso-2022-kr" };
  static const struct
  {
    const char *charset;
    const char *text;
  } honoured[] = {
    { "koi8-r", "x \xD0\x98 y" },
    { "iso-8859-2", "x \xC3\xA9 y" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *page = g_strdup_printf ("<meta charset=\"%s\"><p>x \xE9 y+z</p>", refused[i]);
      g_autoptr (MgDocument) document = load_ok (page, -1, MG_DOCUMENT_FORMAT_HTML);

      g_assert_cmpstr (mg_document_get_text (document), ==, "x \xC3\xA9 y+z");
    }

  for (guint i = 0; i < G_N_ELEMENTS (honoured); i++)
    {
      g_autofree char *page = g_strdup_printf ("<meta charset=\"%s\"><p>x \xE9 y</p>", honoured[i].charset);
      g_autoptr (MgDocument) document = load_ok (page, -1, MG_DOCUMENT_FORMAT_HTML);

      g_assert_cmpstr (mg_document_get_text (document), ==, honoured[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/loader/format/guess", test_format_guess);

  g_test_add_func ("/loader/text/utf8", test_text_utf8);
  g_test_add_func ("/loader/text/utf8-bom", test_text_utf8_bom);
  g_test_add_func ("/loader/text/utf16le-bom", test_text_utf16le_bom);
  g_test_add_func ("/loader/text/utf16be-bom", test_text_utf16be_bom);
  g_test_add_func ("/loader/text/utf16le-without-bom", test_text_utf16le_without_bom);
  g_test_add_func ("/loader/text/utf16-broken-repaired", test_text_utf16_broken);
  g_test_add_func ("/loader/text/windows-1252", test_text_windows_1252);
  g_test_add_func ("/loader/text/windows-1252-undefined-byte", test_text_windows_1252_undefined_byte);
  g_test_add_func ("/loader/text/invalid-utf8-repaired", test_text_invalid_utf8_repaired);

  g_test_add_func ("/loader/refuse/binary", test_refuse_binary);
  g_test_add_func ("/loader/refuse/too-large", test_refuse_too_large);
  g_test_add_func ("/loader/refuse/directory", test_refuse_directory);
  g_test_add_func ("/loader/refuse/devices", test_refuse_devices);
  g_test_add_func ("/loader/refuse/fifo", test_refuse_fifo);

  g_test_add_func ("/loader/file/markdown-by-name", test_file_markdown_by_name);
  g_test_add_func ("/loader/file/async", test_file_async);
  g_test_add_func ("/loader/file/missing", test_file_missing);
  g_test_add_func ("/loader/file/first-screen", test_file_first_screen);
  g_test_add_func ("/loader/file/first-screen-show-now", test_file_first_screen_show_now);

  g_test_add_func ("/loader/markdown/golden", test_markdown_golden);
  g_test_add_func ("/loader/markdown/emphasis", test_markdown_emphasis);
  g_test_add_func ("/loader/markdown/headings", test_markdown_headings);
  g_test_add_func ("/loader/markdown/links", test_markdown_links);
  g_test_add_func ("/loader/markdown/code", test_markdown_code);
  g_test_add_func ("/loader/markdown/nested-lists", test_markdown_nested_lists);
  g_test_add_func ("/loader/markdown/images", test_markdown_images);
  g_test_add_func ("/loader/markdown/quotes-and-rules", test_markdown_quotes_and_rules);
  g_test_add_func ("/loader/markdown/line-breaks", test_markdown_line_breaks);
  g_test_add_func ("/loader/markdown/title/first-heading", test_markdown_title_first_heading);
  g_test_add_func ("/loader/markdown/title/front-matter", test_markdown_front_matter);
  g_test_add_func ("/loader/markdown/windows-1252", test_markdown_windows_1252);

  g_test_add_func ("/loader/html/golden", test_html_golden);
  g_test_add_func ("/loader/html/spans-in-code-points", test_html_spans_in_code_points);
  g_test_add_func ("/loader/html/title/title-element", test_html_title_element);
  g_test_add_func ("/loader/html/title/og-title", test_html_title_og);
  g_test_add_func ("/loader/html/title/first-heading", test_html_title_first_heading);
  g_test_add_func ("/loader/html/pre-keeps-whitespace", test_html_pre);
  g_test_add_func ("/loader/html/whitespace-collapsed", test_html_whitespace);
  g_test_add_func ("/loader/html/entities", test_html_entities);
  g_test_add_func ("/loader/html/nested-lists", test_html_nested_lists);
  g_test_add_func ("/loader/html/images", test_html_images);
  g_test_add_func ("/loader/html/hidden-dropped", test_html_hidden);
  g_test_add_func ("/loader/html/content/main-without-article", test_html_main_without_article);
  g_test_add_func ("/loader/html/content/headline-outside-article", test_html_headline_outside_article);
  g_test_add_func ("/loader/html/content/index-of-articles", test_html_index_of_articles);
  g_test_add_func ("/loader/html/content/protected", test_html_content_protected);
  g_test_add_func ("/loader/html/content/chrome-classes", test_html_chrome_classes);
  g_test_add_func ("/loader/html/links", test_html_links);
  g_test_add_func ("/loader/html/tables-and-quotes", test_html_tables_and_quotes);
  g_test_add_func ("/loader/html/declared-charset", test_html_declared_charset);
  g_test_add_func ("/loader/html/utf16", test_html_utf16);
  g_test_add_func ("/loader/html/no-network", test_html_no_network);
  g_test_add_func ("/loader/html/odd-characters", test_html_odd_characters);
  g_test_add_func ("/loader/html/empty", test_html_empty);
  g_test_add_func ("/loader/html/charset/utf7-ignored", test_html_utf7_declared);
  g_test_add_func ("/loader/html/charset/refused-ignored", test_html_refused_charsets);

  g_test_add_func ("/loader/robustness/mutations", test_robustness_mutations);
  g_test_add_func ("/loader/robustness/deep-nesting", test_robustness_deep_nesting);
  g_test_add_func ("/loader/hostile/markdown-nested-lists", test_hostile_markdown_nested_lists);
  g_test_add_func ("/loader/hostile/markdown-nested-quotes", test_hostile_markdown_nested_quotes);
  g_test_add_func ("/loader/hostile/markdown-long-indented-list", test_hostile_markdown_long_indented_list);
  g_test_add_func ("/loader/hostile/markdown-nested-emphasis", test_hostile_markdown_nested_emphasis);
  g_test_add_func ("/loader/hostile/html-nested-lists", test_hostile_html_nested_lists);
  g_test_add_func ("/loader/hostile/html-nested-inline", test_hostile_html_nested_inline);
  g_test_add_func ("/loader/hostile/html-nested-footers", test_hostile_html_nested_footers);
  g_test_add_func ("/loader/hostile/html-million-entities", test_hostile_html_million_entities);
  g_test_add_func ("/loader/hostile/html-many-attributes", test_hostile_html_many_attributes);
  g_test_add_func ("/loader/hostile/html-attributes-under-cap", test_hostile_html_attributes_under_cap);
  g_test_add_func ("/loader/large/plain-text-4mb", test_large_plain_text);
  g_test_add_func ("/loader/large/html-4mb", test_large_html);

  return g_test_run ();
}
