/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-document-loader.h"
#include "mg-document.h"

static MgDocument *
document_from_string (const char *data,
                      gssize      len)
{
  return mg_document_new_from_text (data, len, NULL, "file:///tmp/test.txt");
}

static void
test_bundled_article (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  path = g_test_build_filename (G_TEST_DIST, "..", "data", "article.txt", NULL);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  /* The shown text is the file minus its trailing blank lines. */
  while (len > 0 && contents[len - 1] == '\n')
    len--;
  contents[len] = '\0';

  g_assert_cmpstr (mg_document_get_text (document), ==, contents);
  g_assert_cmpuint (mg_document_get_n_bytes (document), ==, len);
  g_assert_true (g_str_has_prefix (mg_document_get_text (document), "In a move that has sent ripples"));
  g_assert_true (g_str_has_suffix (mg_document_get_text (document), "future.\""));
  g_assert_cmpstr (mg_document_get_title (document), ==, "US lifts export ban on Anthropic's AI tools");
  g_assert_true (mg_document_is_bundled (document));
  g_assert_false (mg_document_get_repaired (document));
  g_assert_cmpuint (mg_document_get_length (document), ==, g_utf8_strlen (contents, -1));
}

static void
test_crlf (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = document_from_string ("one\r\ntwo\r\n\r\nthree\rfour\r\n", -1);

  g_assert_no_error (error);
  g_assert_cmpstr (mg_document_get_text (document), ==, "one\ntwo\n\nthree\nfour");
  g_assert_false (mg_document_get_repaired (document));
}

static void
test_bom (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = document_from_string ("\xEF\xBB\xBFHello, w\xC3\xB6rld", -1);

  g_assert_no_error (error);
  g_assert_cmpstr (mg_document_get_text (document), ==, "Hello, w\xC3\xB6rld");
  g_assert_cmpuint (mg_document_get_length (document), ==, 12);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = document_from_string ("caf\xE9 au lait \xFF!", -1);

  g_assert_no_error (error);
  g_assert_true (mg_document_get_repaired (document));
  g_assert_cmpstr (mg_document_get_text (document), ==, "caf\xEF\xBF\xBD au lait \xEF\xBF\xBD!");
  g_assert_true (g_utf8_validate (mg_document_get_text (document), -1, NULL));
}

static void
test_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = document_from_string ("", 0);
  gsize n_chars = 99;

  g_assert_no_error (error);
  g_assert_cmpstr (mg_document_get_text (document), ==, "");
  g_assert_cmpuint (mg_document_get_length (document), ==, 0);
  g_assert_nonnull (mg_document_get_chars (document, &n_chars));
  g_assert_cmpuint (n_chars, ==, 0);
}

static void
test_trailing_blank_lines (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = document_from_string ("last line  \n\n \n\t\n", -1);

  g_assert_no_error (error);
  /* Whole blank lines go; the spaces that belong to the last line stay. */
  g_assert_cmpstr (mg_document_get_text (document), ==, "last line  ");
}

/* Text that is valid UTF-8 without a CR is copied as it is; other text is
 * rebuilt. Both ways give the same document. */
static void
test_fast_and_slow_paths_agree (void)
{
  static const char *const texts[] = {
    "Caf\xC3\xA9 \xF0\x9F\x98\x80 line one\nline two  \n\n \n",
    "\xEF\xBB\xBF"
    "BOM first\n\n",
    "no newline at all",
    "\n\n\n",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GString) crlf = g_string_new (texts[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (MgDocument) lf_document = NULL;
      g_autoptr (MgDocument) crlf_document = NULL;
      gsize n_chars = 0;

      g_string_replace (crlf, "\n", "\r\n", 0);
      lf_document = document_from_string (texts[i], -1);
      g_assert_no_error (error);
      crlf_document = document_from_string (crlf->str, crlf->len);
      g_assert_no_error (error);

      g_assert_cmpstr (mg_document_get_text (lf_document), ==, mg_document_get_text (crlf_document));
      g_assert_cmpstr (mg_document_get_sha256 (lf_document), ==, mg_document_get_sha256 (crlf_document));
      g_assert_cmpuint (mg_document_get_length (lf_document), ==, g_utf8_strlen (mg_document_get_text (lf_document), -1));
      mg_document_get_chars (crlf_document, &n_chars);
      g_assert_cmpuint (n_chars, ==, mg_document_get_length (lf_document));
    }
}

static void
test_chars (void)
{
  g_autoptr (GError) error = NULL;
  /* An emoji outside the BMP and a combining accent: offsets count code
   * points, not bytes. */
  g_autoptr (MgDocument) document = document_from_string ("a\xF0\x9F\x98\x80"
                                                          "e\xCC\x81z",
                                                          -1);
  const gunichar *chars;
  gsize           n = 0;

  g_assert_no_error (error);
  chars = mg_document_get_chars (document, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (chars[0], ==, 'a');
  g_assert_cmpuint (chars[1], ==, 0x1F600);
  g_assert_cmpuint (chars[2], ==, 'e');
  g_assert_cmpuint (chars[3], ==, 0x301);
  g_assert_cmpuint (chars[4], ==, 'z');
  g_assert_cmpuint (chars[5], ==, 0);
}

/* The code points of a text of every length of UTF-8 sequence, ASCII in
 * runs and alone between others, are GLib's. */
static void
test_chars_agree_with_glib (void)
{
  static const char *const pieces[] = { "plain words, ", "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9F\x98\x80", "x", "\n" };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  g_autofree gunichar *expected = NULL;
  const gunichar      *chars;
  glong                n_expected = 0;
  gsize                n = 0;

  for (guint i = 0; i < 500; i++)
    g_string_append (text, pieces[(i * 7 + i / 3) % G_N_ELEMENTS (pieces)]);
  g_string_append (text, "end");

  document = document_from_string (text->str, -1);
  expected = g_utf8_to_ucs4_fast (mg_document_get_text (document), mg_document_get_n_bytes (document), &n_expected);
  chars = mg_document_get_chars (document, &n);
  g_assert_cmpuint (n, ==, n_expected);
  g_assert_cmpmem (chars, (n + 1) * sizeof (gunichar), expected, (n_expected + 1) * sizeof (gunichar));
}

static void
test_sha256_ignores_line_endings (void)
{
  g_autoptr (MgDocument) lf = document_from_string ("a\nb", -1);
  g_autoptr (MgDocument) crlf = document_from_string ("a\r\nb\r\n", -1);
  g_autoptr (MgDocument) other = document_from_string ("a\nc", -1);

  g_assert_cmpstr (mg_document_get_sha256 (lf), ==, mg_document_get_sha256 (crlf));
  g_assert_cmpstr (mg_document_get_sha256 (lf), !=, mg_document_get_sha256 (other));
  g_assert_cmpuint (strlen (mg_document_get_sha256 (lf)), ==, 64);
}

static void
test_binary_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/test.txt", NULL,
                                                                   MG_DOCUMENT_FORMAT_TEXT, &error);

  g_assert_null (document);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT);
}

static void
test_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-document-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "Notes on reading.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) document = NULL;
  g_autofree char *uri = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, "Some text.\r\n", -1, &error);
  g_assert_no_error (error);

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  uri = g_file_get_uri (file);
  g_assert_cmpstr (mg_document_get_uri (document), ==, uri);
  g_assert_cmpstr (mg_document_get_title (document), ==, "Notes on reading.txt");
  g_assert_cmpstr (mg_document_get_text (document), ==, "Some text.");
  g_assert_false (mg_document_is_bundled (document));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent/marginalia/missing.txt");
  g_autoptr (MgDocument) document = mg_document_loader_load_file (file, NULL, &error);

  g_assert_null (document);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_directory_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr (MgDocument) document = mg_document_loader_load_file (file, NULL, &error);

  g_assert_null (document);
  g_assert_error (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_IS_DIRECTORY);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MgDocument **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = mg_document_loader_load_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_load_async (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "article.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) bundled = mg_document_new_bundled ();
  MgDocument *document = NULL;

  mg_document_loader_load_file_async (file, NULL, load_cb, &document);
  while (document == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (mg_document_get_text (document), ==, mg_document_get_text (bundled));
  g_assert_cmpstr (mg_document_get_title (document), ==, "article.txt");
  g_object_unref (document);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/document/bundled-article", test_bundled_article);
  g_test_add_func ("/document/normalize/crlf", test_crlf);
  g_test_add_func ("/document/normalize/bom", test_bom);
  g_test_add_func ("/document/normalize/invalid-utf8-repaired", test_invalid_utf8);
  g_test_add_func ("/document/normalize/empty", test_empty);
  g_test_add_func ("/document/normalize/trailing-blank-lines", test_trailing_blank_lines);
  g_test_add_func ("/document/normalize/fast-and-slow-paths-agree", test_fast_and_slow_paths_agree);
  g_test_add_func ("/document/chars/code-points", test_chars);
  g_test_add_func ("/document/chars/agree-with-glib", test_chars_agree_with_glib);
  g_test_add_func ("/document/sha256/ignores-line-endings", test_sha256_ignores_line_endings);
  g_test_add_func ("/document/refuse/binary", test_binary_refused);
  g_test_add_func ("/document/refuse/directory", test_directory_refused);
  g_test_add_func ("/document/file/read", test_file);
  g_test_add_func ("/document/file/missing", test_missing_file);
  g_test_add_func ("/document/file/async", test_load_async);

  return g_test_run ();
}
