/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document-metadata.h"
#include "mg-export.h"

/* Tests of the metadata for citing a document: what the test pages in
 * tests/data/metadata carry (modelled on a news site, a blog, a reference
 * handbook and a bare page), Markdown front matter, and the citation's
 * format. */

static MgDocument *
load_page (const char      *name,
           const char      *uri,
           MgDocumentFormat format)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "metadata", name, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *file_uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr (GBytes) bytes = NULL;
  gsize       len;
  MgDocument *document;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  document = mg_document_loader_load_bytes (bytes, uri != NULL ? uri : file_uri, "Hint", format, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);

  return document;
}

static const MgDocumentMetadata *
metadata_of (MgDocument *document)
{
  const MgDocumentMetadata *metadata = mg_document_get_metadata (document);

  g_assert_nonnull (metadata);
  g_assert_nonnull (metadata->authors);
  return metadata;
}

static char *
joined_authors (const MgDocumentMetadata *metadata)
{
  return g_strjoinv ("; ", metadata->authors);
}

static void
test_news_article (void)
{
  g_autoptr (MgDocument) document = load_page ("news-article.html", NULL, MG_DOCUMENT_FORMAT_HTML);
  const MgDocumentMetadata *m = metadata_of (document);
  g_autofree char          *authors = joined_authors (m);
  g_autofree char          *day = mg_document_metadata_dup_day (m);

  /* citation_* first; "Okafor, Amara" said as a name. */
  g_assert_cmpstr (m->title, ==, "Tidal Power Gets a Second Look in the North Sea");
  g_assert_cmpstr (mg_document_get_title (document), ==, m->title);
  g_assert_cmpstr (authors, ==, "Amara Okafor; Per Lindqvist");
  g_assert_cmpstr (m->site_name, ==, "The Morning Ledger");
  g_assert_cmpstr (day, ==, "2026-03-14");
  g_assert_cmpstr (m->url, ==, "https://ledger.example.com/energy/tidal-power");
  g_assert_cmpstr (m->language, ==, "en-GB");
}

static void
test_blog_post (void)
{
  g_autoptr (MgDocument) document = load_page ("blog-post.html", NULL, MG_DOCUMENT_FORMAT_HTML);
  const MgDocumentMetadata *m = metadata_of (document);
  g_autofree char          *authors = joined_authors (m);
  g_autofree char          *day = mg_document_metadata_dup_day (m);

  /* Open Graph and the byline: article:author is an address, not a name;
   * the commenter is not an author. */
  g_assert_cmpstr (m->title, ==, "Notes on slow bread");
  g_assert_cmpstr (authors, ==, "Élise Marchand");
  g_assert_cmpstr (m->site_name, ==, "Crumb & Crust");
  g_assert_cmpstr (day, ==, "2025-11-02");
  g_assert_cmpstr (m->url, ==, "https://crumb.example.org/2025/11/slow-bread/");
  g_assert_cmpstr (m->language, ==, "fr");
}

static void
test_reference_page (void)
{
  g_autoptr (MgDocument) document = load_page ("reference-page.html", NULL, MG_DOCUMENT_FORMAT_HTML);
  const MgDocumentMetadata *m = metadata_of (document);
  g_autofree char          *authors = joined_authors (m);

  /* Dublin Core. */
  g_assert_cmpstr (m->title, ==, "Glossary: Watermark");
  g_assert_cmpstr (authors, ==, "Greta Hoffmann; Jonas Brandt");
  g_assert_cmpstr (m->site_name, ==, "Institut für Papierrestaurierung");
  g_assert_cmpstr (m->date, ==, "2019-06-30");
  g_assert_cmpstr (m->url, ==, "https://papier.example.de/handbuch/glossar/wasserzeichen");
  g_assert_cmpstr (m->language, ==, "de");
}

static void
test_title_only (void)
{
  g_autoptr (MgDocument) local = load_page ("title-only.html", NULL, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) snapshot = load_page ("title-only.html", "https://coastal.example.com/lighthouses", MG_DOCUMENT_FORMAT_HTML);
  const MgDocumentMetadata *m = metadata_of (local);
  const MgDocumentMetadata *web = metadata_of (snapshot);

  /* "Article – Site Name": the site's name goes from the title to the
   * site. A local file has no canonical address; a web page's snapshot
   * has the one it was fetched from. */
  g_assert_cmpstr (m->title, ==, "Why Lighthouses Were Painted in Stripes");
  g_assert_cmpstr (mg_document_get_title (local), ==, "Why Lighthouses Were Painted in Stripes");
  g_assert_cmpstr (m->site_name, ==, "Coastal Notes");
  g_assert_cmpuint (g_strv_length (m->authors), ==, 0);
  g_assert_null (m->date);
  g_assert_null (m->url);
  g_assert_null (m->language);
  g_assert_cmpstr (web->url, ==, "https://coastal.example.com/lighthouses");
}

static void
test_json_ld_only (void)
{
  static const char page[] = "<html><head><title>Ignored | Example</title>"
                             "<script type=\"application/ld+json\">[{\"@type\": \"Organization\", \"name\": \"Org\"},"
                             "{\"@type\": [\"BlogPosting\", \"CreativeWork\"], \"headline\": \"Keeping Bees in Town\","
                             "\"author\": [\"Sam Ortiz\", {\"@type\": \"Person\", \"name\": \"Kim Ahn\"}],"
                             "\"datePublished\": \"2023-05-01\", \"inLanguage\": \"nl\","
                             "\"publisher\": {\"@type\": \"Organization\", \"name\": \"Hive Weekly\"},"
                             "\"mainEntityOfPage\": {\"@type\": \"WebPage\", \"@id\": \"https://hive.example/bees\"}}]</script>"
                             "<script type=\"application/ld+json\">{ broken</script>"
                             "</head><body><p>Text.</p></body></html>";
  g_autoptr (GBytes) bytes = g_bytes_new_static (page, sizeof page - 1);
  g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/bees.html", "Hint", MG_DOCUMENT_FORMAT_HTML, NULL);
  const MgDocumentMetadata *m = metadata_of (document);
  g_autofree char          *authors = joined_authors (m);

  /* The headline is below Open Graph's title, above the <title>. */
  g_assert_cmpstr (m->title, ==, "Keeping Bees in Town");
  g_assert_cmpstr (authors, ==, "Sam Ortiz; Kim Ahn");
  g_assert_cmpstr (m->site_name, ==, "Hive Weekly");
  g_assert_cmpstr (m->date, ==, "2023-05-01");
  g_assert_cmpstr (m->url, ==, "https://hive.example/bees");
  g_assert_cmpstr (m->language, ==, "nl");
}

static void
test_front_matter (void)
{
  g_autoptr (MgDocument) document = load_page ("front-matter.md", NULL, MG_DOCUMENT_FORMAT_MARKDOWN);
  const MgDocumentMetadata *m = metadata_of (document);
  g_autofree char          *authors = joined_authors (m);

  g_assert_cmpstr (m->title, ==, "Field Notes: Moss on North Walls");
  g_assert_cmpstr (mg_document_get_title (document), ==, "Field Notes: Moss on North Walls");
  g_assert_cmpstr (authors, ==, "Ines Duarte; Tom Byrne");
  g_assert_cmpstr (m->site_name, ==, "The Walking Botanist");
  g_assert_cmpstr (m->date, ==, "2024-09-21");
  g_assert_cmpstr (m->url, ==, "https://botanist.example.net/moss");
  g_assert_cmpstr (m->language, ==, "en-IE");

  /* Not shown as text. */
  g_assert_true (g_str_has_prefix (mg_document_get_text (document), "Field Notes\n"));
  g_assert_null (strstr (mg_document_get_text (document), "Ines"));
  g_assert_null (strstr (mg_document_get_text (document), "---"));
}

static void
test_front_matter_inline_authors (void)
{
  static const char text[] = "---\nauthors: [Ada Byron, 'Charles Babbage']\ntitle: Notes\n---\nBody\n";
  g_autoptr (MgDocumentMetadata) m = NULL;
  gsize skip;

  skip = mg_document_metadata_parse_front_matter (text, strlen (text), &m);
  g_assert_cmpuint (skip, ==, strlen (text) - strlen ("Body\n"));
  g_assert_nonnull (m);
  g_assert_cmpuint (g_strv_length (m->authors), ==, 2);
  g_assert_cmpstr (m->authors[0], ==, "Ada Byron");
  g_assert_cmpstr (m->authors[1], ==, "Charles Babbage");

  /* No closing line: no front matter. */
  g_clear_pointer (&m, mg_document_metadata_free);
  skip = mg_document_metadata_parse_front_matter ("---\ntitle: x\n", 13, &m);
  g_assert_cmpuint (skip, ==, 0);
  g_assert_null (m);
}

static void
test_strip_site (void)
{
  g_autofree char *site = NULL;
  g_autofree char *known = g_strdup ("Site");
  g_autofree char *a = mg_document_metadata_strip_site ("Article – Site Name", &site, TRUE);
  g_autofree char *b = mg_document_metadata_strip_site ("Site | A Long Story", &known, TRUE);
  g_autofree char *c = mg_document_metadata_strip_site ("Why X matters - and what we can do about it", NULL, TRUE);
  g_autofree char *d = mg_document_metadata_strip_site ("Tea - A History", NULL, FALSE);

  g_assert_cmpstr (a, ==, "Article");
  g_assert_cmpstr (site, ==, "Site Name");
  g_assert_cmpstr (b, ==, "A Long Story");
  g_assert_cmpstr (c, ==, "Why X matters - and what we can do about it");
  g_assert_cmpstr (d, ==, "Tea - A History");
}

static void
test_citation_format (void)
{
  g_autoptr (MgDocumentMetadata) m = mg_document_metadata_new ();
  g_autofree char *title_only = NULL;
  g_autofree char *none = NULL;
  g_autofree char *one = NULL;
  g_autofree char *full = NULL;
  g_autofree char *three = NULL;
  g_autofree char *quote = NULL;
  g_autofree char *byline = NULL;

  none = mg_document_metadata_format_citation (NULL, NULL);
  g_assert_cmpstr (none, ==, "");
  title_only = mg_document_metadata_format_citation (m, "Fallback *Title*");
  g_assert_cmpstr (title_only, ==, "*Fallback \\*Title\\**");

  m->title = g_strdup ("Tidal Power");
  m->url = g_strdup ("https://ledger.example.com/tidal");
  one = mg_document_metadata_format_citation (m, "Ignored");
  g_assert_cmpstr (one, ==, "*Tidal Power*, https://ledger.example.com/tidal");

  mg_document_metadata_add_author (m, "Amara Okafor");
  mg_document_metadata_add_author (m, "Per  Lindqvist");
  mg_document_metadata_add_author (m, "Amara Okafor");
  m->site_name = g_strdup ("The Morning Ledger");
  m->date = g_strdup ("2026-03-14T06:00:00Z");
  full = mg_document_metadata_format_citation (m, NULL);
  g_assert_cmpstr (full, ==, "Amara Okafor and Per Lindqvist, *Tidal Power*, The Morning Ledger, 2026-03-14, https://ledger.example.com/tidal");

  byline = mg_document_metadata_dup_byline (m);
  g_assert_cmpstr (byline, ==, "Amara Okafor and Per Lindqvist · The Morning Ledger · 2026-03-14");

  mg_document_metadata_add_author (m, "Jo Lee");
  g_clear_pointer (&m->url, g_free);
  three = mg_document_metadata_format_citation (m, NULL);
  g_assert_cmpstr (three, ==, "Amara Okafor, Per Lindqvist, and Jo Lee, *Tidal Power*, The Morning Ledger, 2026-03-14");

  quote = mg_document_metadata_format_quote (m, NULL, "First *line*\n\nSecond");
  g_assert_cmpstr (quote, ==, "> First \\*line\\*\n>\n> Second\n\nAmara Okafor, Per Lindqvist, and Jo Lee, *Tidal Power*, The Morning Ledger, 2026-03-14\n");
}

static void
test_export_front_matter (void)
{
  g_autoptr (MgDocument) document = load_page ("news-article.html", NULL, MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (MgDocument) snapshot = load_page ("title-only.html", "https://coastal.example.com/lighthouses", MG_DOCUMENT_FORMAT_HTML);
  g_autoptr (GListStore) none = g_list_store_new (MG_TYPE_ANNOTATION);
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (none), NULL);
  g_autofree char *web = mg_export_markdown (snapshot, G_LIST_MODEL (none), NULL);

  g_assert_true (g_str_has_prefix (markdown, "---\ntitle: \"Tidal Power Gets a Second Look in the North Sea\"\n"
                                             "author: [\"Amara Okafor\", \"Per Lindqvist\"]\n"
                                             "site: \"The Morning Ledger\"\n"
                                             "published: \"2026-03-14\"\n"
                                             "url: \"https://ledger.example.com/energy/tidal-power\"\n"
                                             "lang: \"en-GB\"\n"
                                             "source: \"file://"));
  /* The snapshot's address is its source already. */
  g_assert_true (g_str_has_prefix (web, "---\ntitle: \"Why Lighthouses Were Painted in Stripes\"\n"
                                        "site: \"Coastal Notes\"\n"
                                        "source: \"https://coastal.example.com/lighthouses\"\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metadata/html/news-article", test_news_article);
  g_test_add_func ("/metadata/html/blog-post", test_blog_post);
  g_test_add_func ("/metadata/html/reference-page", test_reference_page);
  g_test_add_func ("/metadata/html/title-only", test_title_only);
  g_test_add_func ("/metadata/html/json-ld-only", test_json_ld_only);
  g_test_add_func ("/metadata/markdown/front-matter", test_front_matter);
  g_test_add_func ("/metadata/markdown/inline-authors", test_front_matter_inline_authors);
  g_test_add_func ("/metadata/title/strip-site", test_strip_site);
  g_test_add_func ("/metadata/citation/format", test_citation_format);
  g_test_add_func ("/metadata/export/front-matter", test_export_front_matter);

  return g_test_run ();
}
