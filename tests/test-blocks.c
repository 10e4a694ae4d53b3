/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-document-loader.h"

/* The blocks of rendered documents that the view shows apart from body
 * text: tables (with their header rows) and images, as spans of their
 * own. The text stays what it was before these spans existed, so that
 * highlights anchored to it stay where they were. */

static MgDocument *
load (const char      *source,
      const char      *uri,
      MgDocumentFormat format)
{
  g_autoptr (GBytes) bytes = g_bytes_new (source, strlen (source));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, uri, NULL, format, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);

  return document;
}

/* The text of the @nth span of @kind, or NULL. */
static char *
span_text (MgDocument *document,
           MgSpanKind  kind,
           guint       nth)
{
  guint           n_spans = 0;
  const MgSpan   *spans = mg_document_get_spans (document, &n_spans);
  const gunichar *chars = mg_document_get_chars (document, NULL);

  for (guint i = 0; i < n_spans; i++)
    {
      if (spans[i].kind != kind || nth-- > 0)
        continue;

      return g_ucs4_to_utf8 (chars + spans[i].start, spans[i].end - spans[i].start, NULL, NULL, NULL);
    }

  return NULL;
}

static guint
count_spans (MgDocument *document,
             MgSpanKind  kind)
{
  guint         n_spans = 0, n = 0;
  const MgSpan *spans = mg_document_get_spans (document, &n_spans);

  for (guint i = 0; i < n_spans; i++)
    n += spans[i].kind == kind;

  return n;
}

static void
test_html_table (void)
{
  g_autoptr (MgDocument) document = load ("<p>Before</p>"
                                          "<table><thead><tr><th>Name</th><th>Count</th></tr></thead>"
                                          "<tbody><tr><td>Apple</td><td>3</td></tr>"
                                          "<tr><td>Banana</td><td>12</td></tr></tbody></table>"
                                          "<p>After</p>",
                                          "file:///tmp/table.html", MG_DOCUMENT_FORMAT_HTML);
  g_autofree char *table = span_text (document, MG_SPAN_TABLE, 0);
  g_autofree char *header = span_text (document, MG_SPAN_TABLE_HEADER, 0);

  /* The text as before: rows on lines, cells set off by tabs. */
  g_assert_cmpstr (mg_document_get_text (document), ==, "Before\nName\tCount\nApple\t3\nBanana\t12\nAfter");
  g_assert_cmpstr (table, ==, "Name\tCount\nApple\t3\nBanana\t12");
  g_assert_cmpstr (header, ==, "Name\tCount");
  g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE_HEADER), ==, 1);
}

/* Without <thead>, a row of <th> cells is the header; a row with a <th>
 * at its start (a row heading) is not. */
static void
test_html_table_th_row (void)
{
  g_autoptr (MgDocument) document = load ("<table><tr><th>A</th><th>B</th></tr>"
                                          "<tr><th>row</th><td>1</td></tr></table>",
                                          "file:///tmp/th.html", MG_DOCUMENT_FORMAT_HTML);
  g_autofree char *header = span_text (document, MG_SPAN_TABLE_HEADER, 0);

  g_assert_cmpstr (mg_document_get_text (document), ==, "A\tB\nrow\t1");
  g_assert_cmpstr (header, ==, "A\tB");
  g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE_HEADER), ==, 1);
  g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE), ==, 1);
}

static void
test_html_image (void)
{
  g_autoptr (MgDocument) document = load ("<p>Text before.</p><figure><img src=\"a.png\" alt=\"A  diagram\">"
                                          "<figcaption>Figure 1</figcaption></figure>"
                                          "<p>Inline <img src=\"b.png\" alt=\"icon\"> and <img src=\"c.png\"> done.</p>"
                                          "<p><img src=\"d.png\" alt=\"A map\"></p>",
                                          "file:///tmp/image.html", MG_DOCUMENT_FORMAT_HTML);
  g_autofree char *first = span_text (document, MG_SPAN_IMAGE, 0);
  g_autofree char *second = span_text (document, MG_SPAN_IMAGE, 1);

  /* An image that stands alone is one line saying so, with its
   * description unless a caption describes it; one inside a line of text
   * leaves its description in the text, without a span. */
  g_assert_cmpstr (mg_document_get_text (document), ==,
                   "Text before.\n[Image]\nFigure 1\nInline icon and done.\n[Image: A map]");
  g_assert_cmpstr (first, ==, "[Image]");
  g_assert_cmpstr (second, ==, "[Image: A map]");
  g_assert_cmpuint (count_spans (document, MG_SPAN_IMAGE), ==, 2);
}

static void
test_markdown_image (void)
{
  g_autoptr (MgDocument) document = load ("Some text.\n\n![A diagram of *the* flow](flow.png)\n\nMore text.\n",
                                          "file:///tmp/image.md", MG_DOCUMENT_FORMAT_MARKDOWN);
  g_autofree char *image = span_text (document, MG_SPAN_IMAGE, 0);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Some text.\nA diagram of the flow\nMore text.");
  g_assert_cmpstr (image, ==, "A diagram of the flow");
  g_assert_cmpstr (mg_span_kind_to_string (MG_SPAN_IMAGE), ==, "image");
  g_assert_cmpstr (mg_span_kind_to_string (MG_SPAN_TABLE), ==, "table");
  g_assert_cmpstr (mg_span_kind_to_string (MG_SPAN_TABLE_HEADER), ==, "table-header");
}

/* A table in a Markdown file's HTML block is the HTML renderer's table. */
static void
test_markdown_html_table (void)
{
  g_autoptr (MgDocument) document = load ("Intro.\n\n<table>\n<tr><th>X</th><th>Y</th></tr>\n<tr><td>1</td><td>2</td></tr>\n</table>\n\nEnd.\n",
                                          "file:///tmp/table.md", MG_DOCUMENT_FORMAT_MARKDOWN);
  g_autofree char *table = span_text (document, MG_SPAN_TABLE, 0);
  g_autofree char *header = span_text (document, MG_SPAN_TABLE_HEADER, 0);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Intro.\nX\tY\n1\t2\nEnd.");
  g_assert_cmpstr (table, ==, "X\tY\n1\t2");
  g_assert_cmpstr (header, ==, "X\tY");
}

/* GitHub's pipe tables, which CommonMark lacks: rows as lines, cells set
 * off by tabs, the first row a header, the delimiter row not shown. */
static void
test_markdown_pipe_table (void)
{
  g_autoptr (MgDocument) document = load ("Intro.\n\n"
                                          "| Name | Value |\n"
                                          "|:-----|------:|\n"
                                          "| *alpha* | `1|2` |\n"
                                          "| beta gamma | [22](https://example.org) |\n"
                                          "\nEnd.\n",
                                          "file:///tmp/table.md", MG_DOCUMENT_FORMAT_MARKDOWN);
  g_autofree char *table = span_text (document, MG_SPAN_TABLE, 0);
  g_autofree char *header = span_text (document, MG_SPAN_TABLE_HEADER, 0);
  g_autofree char *emphasis = span_text (document, MG_SPAN_EMPHASIS, 0);
  g_autofree char *code = span_text (document, MG_SPAN_CODE, 0);
  g_autofree char *link = span_text (document, MG_SPAN_LINK, 0);

  g_assert_cmpstr (mg_document_get_text (document), ==, "Intro.\nName\tValue\nalpha\t1|2\nbeta gamma\t22\nEnd.");
  g_assert_cmpstr (table, ==, "Name\tValue\nalpha\t1|2\nbeta gamma\t22");
  g_assert_cmpstr (header, ==, "Name\tValue");
  g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE_HEADER), ==, 1);
  g_assert_cmpstr (emphasis, ==, "alpha");
  g_assert_cmpstr (code, ==, "1|2");
  g_assert_cmpstr (link, ==, "22");
}

/* Without outer pipes, as GitHub also allows. */
static void
test_markdown_pipe_table_bare (void)
{
  g_autoptr (MgDocument) document = load ("a | b\n--- | ---\n1 | 2\n", "file:///tmp/bare.md", MG_DOCUMENT_FORMAT_MARKDOWN);

  g_assert_cmpstr (mg_document_get_text (document), ==, "a\tb\n1\t2");
  g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE), ==, 1);
}

/* Paragraphs that only look a little like tables stay paragraphs. */
static void
test_markdown_not_pipe_table (void)
{
  const char *sources[] = {
    /* No delimiter row. */
    "a | b\nc | d\n",
    /* Columns that do not match. */
    "| a | b |\n| --- |\n| 1 | 2 |\n",
    /* A delimiter row without a dash. */
    "| a | b |\n| :: | :: |\n",
    /* Emphasis that runs from one line into the next. */
    "| *a | b |\n| --- | --- |\n| 1 | 2* |\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr (MgDocument) document = load (sources[i], "file:///tmp/not.md", MG_DOCUMENT_FORMAT_MARKDOWN);

      g_assert_cmpuint (count_spans (document, MG_SPAN_TABLE), ==, 0);
      g_assert_null (strchr (mg_document_get_text (document), '\t'));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blocks/html/table", test_html_table);
  g_test_add_func ("/blocks/html/table-th-row", test_html_table_th_row);
  g_test_add_func ("/blocks/html/image", test_html_image);
  g_test_add_func ("/blocks/markdown/image", test_markdown_image);
  g_test_add_func ("/blocks/markdown/html-table", test_markdown_html_table);
  g_test_add_func ("/blocks/markdown/pipe-table", test_markdown_pipe_table);
  g_test_add_func ("/blocks/markdown/pipe-table-bare", test_markdown_pipe_table_bare);
  g_test_add_func ("/blocks/markdown/not-pipe-table", test_markdown_not_pipe_table);

  return g_test_run ();
}
