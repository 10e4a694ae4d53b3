/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cmark.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mg-test-utils.h"
#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-ids.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-store.h"

/* Exports: golden files for both formats, the Markdown quoting checked
 * against libcmark on thousands of adversarial passages, the YAML front
 * matter against the YAML rules, the W3C output against the must-have
 * rules of the W3C web-annotation-tests JSON schemas.
 *
 * MG_UPDATE_GOLDEN=1 rewrites the golden files in tests/data/ instead of
 * comparing with them. */

#define FIXED_NOW "2026-03-14T09:26:53Z"

/* Helpers */

static GDateTime *
fixed_now (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (FIXED_NOW, utc);
}

/* The code-point offset of the @nth (from 0) occurrence of @needle. */
static guint
offset_of (const char *text,
           const char *needle,
           guint       nth)
{
  const char *p = strstr (text, needle);

  g_assert_nonnull (p);
  while (nth-- > 0)
    {
      p = strstr (p + 1, needle);
      g_assert_nonnull (p);
    }

  return (guint) g_utf8_pointer_to_offset (text, p);
}

/* Code points [start, end) of @text, clamped to the text. */
static char *
slice (const char *text,
       glong       start,
       glong       end)
{
  glong length = g_utf8_strlen (text, -1);

  return g_utf8_substring (text, CLAMP (start, 0, length), CLAMP (end, 0, length));
}

typedef struct
{
  const char        *uuid;   /* the id without "urn:uuid:" */
  const char        *exact;  /* looked for in the document unless @orphan */
  guint              nth;    /* which occurrence */
  int                shift;  /* added to the stored position: a moved one */
  gboolean           orphan; /* @exact is not in the document */
  const char        *color;
  const char        *note;
  const char *const *tags;
  const char        *created;
  const char        *modified;
} Spec;

/* An annotation with fixed id and dates, read the way a file is read,
 * then anchored in @document. */
static MgAnnotation *
make_annotation (MgDocument *document,
                 const Spec *spec)
{
  const char *text = mg_document_get_text (document);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_strconcat ("urn:uuid:", spec->uuid, NULL);
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;
  MgAnnotation    *annotation;
  glong            start;
  glong            end;

  if (spec->orphan)
    {
      start = 100;
      prefix = g_strdup ("text that was there before the ");
      suffix = g_strdup (" and text that was there after");
    }
  else
    {
      start = offset_of (text, spec->exact, spec->nth);
      prefix = slice (text, start - MG_ANNOTATION_CONTEXT_LENGTH, start);
      suffix = slice (text, start + g_utf8_strlen (spec->exact, -1),
                      start + g_utf8_strlen (spec->exact, -1) + MG_ANNOTATION_CONTEXT_LENGTH);
    }
  end = start + g_utf8_strlen (spec->exact, -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "Annotation");
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, spec->created);
  json_builder_set_member_name (builder, "modified");
  json_builder_add_string_value (builder, spec->modified ? spec->modified : spec->created);
  json_builder_set_member_name (builder, "color");
  json_builder_add_string_value (builder, spec->color);
  json_builder_set_member_name (builder, "body");
  json_builder_begin_array (builder);
  if (spec->note != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "TextualBody");
      json_builder_set_member_name (builder, "purpose");
      json_builder_add_string_value (builder, "commenting");
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, spec->note);
      json_builder_end_object (builder);
    }
  for (guint i = 0; spec->tags != NULL && spec->tags[i] != NULL; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "TextualBody");
      json_builder_set_member_name (builder, "purpose");
      json_builder_add_string_value (builder, "tagging");
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, spec->tags[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "target");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "selector");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "TextQuoteSelector");
  json_builder_set_member_name (builder, "exact");
  json_builder_add_string_value (builder, spec->exact);
  json_builder_set_member_name (builder, "prefix");
  json_builder_add_string_value (builder, prefix);
  json_builder_set_member_name (builder, "suffix");
  json_builder_add_string_value (builder, suffix);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "TextPositionSelector");
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, start + spec->shift);
  json_builder_set_member_name (builder, "end");
  json_builder_add_int_value (builder, end + spec->shift);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  annotation = mg_annotation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (annotation);

  mg_anchor_annotation (annotation, document);

  return annotation;
}

static MgAnnotationList *
make_list (MgDocument *document,
           const Spec *specs,
           gsize       n_specs)
{
  MgAnnotationList *list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);

  for (gsize i = 0; i < n_specs; i++)
    g_ptr_array_add (annotations, make_annotation (document, &specs[i]));
  mg_annotation_list_add_many (list, annotations);

  return list;
}

/* Compares @actual with tests/data/@name, or writes it there when
 * MG_UPDATE_GOLDEN is set. A difference leaves the actual output beside
 * the test program, to diff. */
static void
check_golden (const char *name,
              const char *actual)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  if (g_getenv ("MG_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (path, actual, -1, &error);
      g_assert_no_error (error);
      g_test_message ("Updated %s", path);
      return;
    }

  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);

  if (g_strcmp0 (expected, actual) != 0)
    {
      g_autofree char *out = g_test_build_filename (G_TEST_BUILT, name, NULL);

      g_file_set_contents (out, actual, -1, NULL);
      g_test_message ("%s differs from the golden file: diff %s %s", name, path, out);
    }
  g_assert_cmpstr (actual, ==, expected);
}

/* The text a CommonMark renderer shows for a blockquote, as the export's
 * quoting scheme reads it: text nodes, a line break (soft or hard) as
 * "\n", "\n\n" between paragraphs. Anything else in the quote (emphasis,
 * code, a link, HTML, a list, a heading...) means that Markdown leaked
 * through, and fails. */
static char *
blockquote_text (cmark_node *quote)
{
  GString *text = g_string_new (NULL);

  g_assert_cmpint (cmark_node_get_type (quote), ==, CMARK_NODE_BLOCK_QUOTE);

  for (cmark_node *block = cmark_node_first_child (quote); block != NULL; block = cmark_node_next (block))
    {
      if (cmark_node_get_type (block) != CMARK_NODE_PARAGRAPH)
        g_error ("A %s inside the quote", cmark_node_get_type_string (block));

      if (block != cmark_node_first_child (quote))
        g_string_append (text, "\n\n");

      for (cmark_node *inl = cmark_node_first_child (block); inl != NULL; inl = cmark_node_next (inl))
        {
          switch (cmark_node_get_type (inl))
            {
            case CMARK_NODE_TEXT:
              g_string_append (text, cmark_node_get_literal (inl));
              break;
            case CMARK_NODE_SOFTBREAK:
            case CMARK_NODE_LINEBREAK:
              g_string_append_c (text, '\n');
              break;
            default:
              g_error ("A %s inside the quote", cmark_node_get_type_string (inl));
            }
        }
    }

  return g_string_free (text, FALSE);
}

/* The text of a paragraph's inline nodes, line breaks as "\n". */
static char *
paragraph_text (cmark_node *paragraph)
{
  GString *text = g_string_new (NULL);

  for (cmark_node *inl = cmark_node_first_child (paragraph); inl != NULL; inl = cmark_node_next (inl))
    {
      if (cmark_node_get_literal (inl) != NULL)
        g_string_append (text, cmark_node_get_literal (inl));
      else if (cmark_node_get_type (inl) == CMARK_NODE_SOFTBREAK || cmark_node_get_type (inl) == CMARK_NODE_LINEBREAK)
        g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* The export without its front matter, which CommonMark does not know. */
static const char *
skip_front_matter (const char *markdown)
{
  const char *end;

  g_assert_true (g_str_has_prefix (markdown, "---\n"));
  end = strstr (markdown + 4, "\n---\n");
  g_assert_nonnull (end);

  return end + 5;
}

typedef struct
{
  GPtrArray *passages;  /* char *: the text of each passage blockquote */
  GPtrArray *block_ids; /* char *: the block id after it */
  guint      n_details; /* top-level paragraphs starting "Tags:" or "Color:" */
} Parsed;

static void
parsed_clear (Parsed *parsed)
{
  g_clear_pointer (&parsed->passages, g_ptr_array_unref);
  g_clear_pointer (&parsed->block_ids, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear)

/* Parses a Markdown export: each passage is a top-level blockquote
 * followed by a paragraph "^mg-…"; blockquotes in notes are not. */
static void
parse_export (const char *markdown,
              Parsed     *parsed)
{
  const char *body = skip_front_matter (markdown);
  cmark_node *root = cmark_parse_document (body, strlen (body), CMARK_OPT_DEFAULT);

  parsed->passages = g_ptr_array_new_with_free_func (g_free);
  parsed->block_ids = g_ptr_array_new_with_free_func (g_free);
  parsed->n_details = 0;

  for (cmark_node *node = cmark_node_first_child (root); node != NULL; node = cmark_node_next (node))
    {
      cmark_node *next = cmark_node_next (node);

      if (cmark_node_get_type (node) == CMARK_NODE_PARAGRAPH)
        {
          g_autofree char *text = paragraph_text (node);

          if (g_str_has_prefix (text, "Tags:") || g_str_has_prefix (text, "Color:"))
            parsed->n_details++;
        }

      if (cmark_node_get_type (node) == CMARK_NODE_BLOCK_QUOTE && next != NULL && cmark_node_get_type (next) == CMARK_NODE_PARAGRAPH)
        {
          g_autofree char *id = paragraph_text (next);

          if (!g_str_has_prefix (id, "^mg-"))
            continue;
          g_ptr_array_add (parsed->passages, blockquote_text (node));
          g_ptr_array_add (parsed->block_ids, g_strdup (id + 1));
        }
    }

  cmark_node_free (root);
}

/* The bundled article and a fixed set of annotations */

static const char *const tags_policy[] = { "policy", "UK tech", NULL };
static const char *const tags_unicode[] = { "économie", "日本語", NULL };
static const char *const tags_odd[] = { "C++", "2024", "to_read", "#already", NULL };
static const char *const tags_lost[] = { "lost & found", NULL };

static const Spec article_specs[] = {
  {
      .uuid = "3f2a9c10-1b7e-4c1a-9d2e-0a1b2c3d4e5f",
      .exact = "citing national security concerns.\nFor the UK's burgeoning tech sector",
      .color = "yellow",
      .note = "**Key claim.** The ban is *lifted*, but see:\n\n- the asymmetry\n- the reciprocity\n\n> a quote inside the note",
      .tags = tags_policy,
      .created = "2026-03-01T10:00:00.000Z",
      .modified = "2026-03-02T11:30:00.250Z",
  },
  {
      .uuid = "7c9e6679-7425-40de-944b-e07fc1f90ae7",
      .exact = "\"We want to compete on a level playing field",
      .color = "green",
      .tags = tags_unicode,
      .created = "2026-03-01T10:05:00.000Z",
  },
  {
      .uuid = "a1b2c3d4-0000-4000-8000-000000000003",
      .exact = "Constitutional AI and harm reduction",
      .shift = -7,
      .color = "blue",
      .note = "Compare with `GPT-4` & <em>its</em> [safety claims](https://example.org/claims).",
      .created = "2026-03-01T10:10:00.000Z",
  },
  {
      .uuid = "b5c6d7e8-1111-4111-8111-111111111111",
      .exact = "Early adopters report significant productivity gains from Claude's ability to summarise complex documents, generate code, and handle customer inquiries with human-like nuance.\n"
               "But the broader existential question remains",
      .color = "pink",
      .tags = tags_odd,
      .created = "2026-03-01T10:15:00.000Z",
  },
  {
      .uuid = "c0ffee00-2222-4222-8222-222222222222",
      .exact = "This sentence was in the first draft of the article only.",
      .orphan = TRUE,
      .color = "purple",
      .note = "Was in the first draft.",
      .tags = tags_lost,
      .created = "2026-02-20T08:00:00.000Z",
  },
  {
      .uuid = "d00dfeed-3333-4333-8333-333333333333",
      .exact = "Industry observers expect DSIT to accelerate its own AI sandbox initiatives",
      .color = "orange",
      .note = "A fence left open:\n\n```python\nprint(\"never closed\")",
      .created = "2026-03-01T10:20:00.000Z",
  },
  {
      .uuid = "e1e2e3e4-4444-4444-8444-444444444444",
      .exact = "The question is whose values will shape our digital future.\"",
      .color = "yellow",
      .created = "2026-03-01T10:25:00.000Z",
  },
};

/* A text made of what Markdown would take for markup */

static const char special_text[] = "Stars *like this* and __strong__ and #hashtag and > angle.\n"
                                   "Code `ticks` and <b>html</b> and [x](y) and ![img](z.png) and <https://example.org>.\n"
                                   "1. A numbered line\n"
                                   "- A dash line\n"
                                   "+ A plus line\n"
                                   "Trailing spaces   \n"
                                   "    Leading spaces make code\n"
                                   "Setext heading\n"
                                   "===\n"
                                   "---\n"
                                   "Tabs\tinside | pipes | ~tildes~ ==marks== %%comment%% $math$ ^caret @cite &amp; &#42; AT&T 5 * 3 \\ backslash\n"
                                   "\n"
                                   "After a blank line.\n"
                                   "\n"
                                   "\n"
                                   "After two blank lines.\t\n"
                                   "Last line, the end.";

static const char *const tags_special[] = { "Markdown *syntax*", "_x_", "a/b/", "ünïcödé tag", NULL };

static const Spec special_specs[] = {
  {
      .uuid = "5a000011-0000-4000-8000-000000000001",
      .exact = "Stars *like this* and __strong__ and #hashtag and > angle.",
      .color = "yellow",
      .tags = tags_special,
      .created = "2026-03-02T09:00:00.000Z",
  },
  {
      .uuid = "5a000022-0000-4000-8000-000000000002",
      .exact = "Code `ticks` and <b>html</b> and [x](y) and ![img](z.png) and <https://example.org>.",
      .color = "green",
      .note = "A note with its own `code`, a [link](https://example.org) and\n\n1. a list\n2. of two",
      .created = "2026-03-02T09:01:00.000Z",
  },
  {
      .uuid = "5a000033-0000-4000-8000-000000000003",
      .exact = "1. A numbered line\n- A dash line\n+ A plus line",
      .color = "blue",
      .created = "2026-03-02T09:02:00.000Z",
  },
  {
      .uuid = "5a000044-0000-4000-8000-000000000004",
      .exact = "Trailing spaces   \n    Leading spaces make code",
      .color = "pink",
      .note = "<!-- an HTML comment left open",
      .created = "2026-03-02T09:03:00.000Z",
  },
  {
      .uuid = "5a000055-0000-4000-8000-000000000005",
      .exact = "Setext heading\n===\n---",
      .color = "purple",
      .created = "2026-03-02T09:04:00.000Z",
  },
  {
      .uuid = "5a000066-0000-4000-8000-000000000006",
      .exact = "Tabs\tinside | pipes | ~tildes~ ==marks== %%comment%% $math$ ^caret @cite &amp; &#42; AT&T 5 * 3 \\ backslash",
      .color = "orange",
      .note = "~~~\nA tilde fence, never closed",
      .created = "2026-03-02T09:05:00.000Z",
  },
  {
      .uuid = "5a000077-0000-4000-8000-000000000007",
      .exact = "backslash\n\nAfter a blank line.\n\n\nAfter two blank lines.\t\n",
      .color = "yellow",
      .created = "2026-03-02T09:06:00.000Z",
  },
  {
      .uuid = "5a000088-0000-4000-8000-000000000008",
      .exact = "\nLast line",
      .color = "green",
      .created = "2026-03-02T09:07:00.000Z",
  },
};

static MgDocument *
special_document (void)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (special_text, strlen (special_text));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, "file:///tmp/special%20chars.txt", "Special: *all* the \"markup\" #1", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mg_document_get_text (document), ==, special_text);

  return document;
}

/* Golden files */

static void
test_markdown_golden_article (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (GDateTime) now = fixed_now ();
  MgExportOptions  options = { .now = now };
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);

  check_golden ("export-article.md", markdown);
  /* The sample's place inside the program means nothing to a reader. */
  g_assert_null (strstr (markdown, "resource:"));
}

static void
test_markdown_golden_special (void)
{
  g_autoptr (MgDocument) document = special_document ();
  g_autoptr (MgAnnotationList) list = make_list (document, special_specs, G_N_ELEMENTS (special_specs));
  g_autoptr (GDateTime) now = fixed_now ();
  MgExportOptions  options = { .now = now };
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);

  check_golden ("export-special.md", markdown);
}

static void
test_w3c_golden_article (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (GDateTime) now = fixed_now ();
  MgExportOptions  options = { .now = now };
  g_autofree char *json = mg_export_w3c (document, G_LIST_MODEL (list), &options);

  check_golden ("export-article.jsonld", json);
  g_assert_null (strstr (json, "resource:"));
}

static void
test_w3c_golden_special (void)
{
  g_autoptr (MgDocument) document = special_document ();
  g_autoptr (MgAnnotationList) list = make_list (document, special_specs, G_N_ELEMENTS (special_specs));
  g_autoptr (GDateTime) now = fixed_now ();
  MgExportOptions  options = { .now = now };
  g_autofree char *json = mg_export_w3c (document, G_LIST_MODEL (list), &options);

  check_golden ("export-special.jsonld", json);
}

/* The goldens' passages, read back with cmark, are the passages. */
static void
check_passages_round_trip (MgDocument       *document,
                           MgAnnotationList *list)
{
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
  g_auto (Parsed) parsed = { 0 };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  parse_export (markdown, &parsed);
  g_assert_cmpuint (parsed.passages->len, ==, n);
  g_assert_cmpuint (parsed.n_details, ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autofree char *expected = NULL;
      g_autofree char *block_id = mg_export_block_id (mg_annotation_get_id (annotation));

      if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_MOVED)
        expected = g_utf8_substring (mg_document_get_text (document),
                                     mg_annotation_get_range_start (annotation),
                                     mg_annotation_get_range_end (annotation));
      else
        expected = g_strdup (mg_annotation_get_exact (annotation));

      g_assert_cmpstr (g_ptr_array_index (parsed.passages, i), ==, expected);
      g_assert_cmpstr (g_ptr_array_index (parsed.block_ids, i), ==, block_id);
    }
}

static void
test_markdown_round_trip_goldens (void)
{
  g_autoptr (MgDocument) article = mg_document_new_bundled ();
  g_autoptr (MgDocument) special = special_document ();
  g_autoptr (MgAnnotationList) article_list = make_list (article, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (MgAnnotationList) special_list = make_list (special, special_specs, G_N_ELEMENTS (special_specs));

  check_passages_round_trip (article, article_list);
  check_passages_round_trip (special, special_list);
}

/* The states the article's annotations are meant to be in. */
static void
test_article_states (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  guint n_states[3] = { 0 };

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      n_states[mg_annotation_get_state (annotation)]++;
    }

  g_assert_cmpuint (n_states[MG_ANNOTATION_STATE_ANCHORED], ==, 5);
  g_assert_cmpuint (n_states[MG_ANNOTATION_STATE_MOVED], ==, 1);
  g_assert_cmpuint (n_states[MG_ANNOTATION_STATE_ORPHANED], ==, 1);
}

/* Quoting, case by case */

static char *
quote (const char *text)
{
  GString *out = g_string_new (NULL);

  mg_export_append_blockquote (out, text);

  return g_string_free (out, FALSE);
}

/* @text quoted, parsed back: exactly @text, in one blockquote. */
static void
check_quote_round_trip (const char *text)
{
  g_autofree char *markdown = quote (text);
  cmark_node      *root = cmark_parse_document (markdown, strlen (markdown), CMARK_OPT_DEFAULT);
  cmark_node      *block = cmark_node_first_child (root);
  g_autofree char *shown = NULL;

  g_assert_nonnull (block);
  if (cmark_node_next (block) != NULL || cmark_node_get_type (block) != CMARK_NODE_BLOCK_QUOTE)
    g_error ("Not one blockquote for %s:\n%s", text, markdown);

  shown = blockquote_text (block);
  if (g_strcmp0 (shown, text) != 0)
    g_test_message ("Markdown:\n%s", markdown);
  g_assert_cmpstr (shown, ==, text);

  cmark_node_free (root);
}

static void
test_quote_cases (void)
{
  static const struct
  {
    const char *text;
    const char *markdown;
  } cases[] = {
    { "plain text, with punctuation: yes! (really) 'quoted' \"too\"?", "> plain text, with punctuation: yes! (really) 'quoted' \"too\"?\n" },
    { "*a* _b_ `c` [x](y) <b> # > | ~ ^ $ \\", "> \\*a\\* \\_b\\_ \\`c\\` \\[x\\](y) \\<b\\> \\# \\> \\| \\~ \\^ \\$ \\\\\n" },
    { "1. one", "> 1\\. one\n" },
    { "12) twelve", "> 12\\) twelve\n" },
    { "- dash", "> \\- dash\n" },
    { "+ plus", "> \\+ plus\n" },
    { "a - b + c 1. d", "> a - b + c 1. d\n" },
    { "trailing  ", "> trailing &#32;\n" },
    { "    code", "> &#32;   code\n" },
    { "\tTab", "> &#9;Tab\n" },
    { "one\ntwo", "> one\\\n> two\n" },
    { "one\n\ntwo", "> one\n>\n> two\n" },
    { "one\n\n\n\ntwo", "> one\n>\n> &#10;&#10;two\n" },
    { "\nfirst", "> &#10;first\n" },
    { "last\n", "> last&#10;\n" },
    { "\n", "> &#10;\n" },
    { "Setext\n===", "> Setext\\\n> \\=\\=\\=\n" },
    { "a = b", "> a = b\n" },
    { "==mark==", "> \\=\\=mark\\=\\=\n" },
    { "&amp; & &#42; AT&T", "> \\&amp; & \\&\\#42; AT\\&T\n" },
    { "50% %%c%%", "> 50% \\%\\%c\\%\\%\n" },
    { "@doe said, mail me@example.org", "> \\@doe said, mail me@example.org\n" },
    { "a\rb", "> a&#13;b\n" },
    { "non\u00a0breaking\u00a0", "> non\u00a0breaking&#160;\n" },
    { "", "> \n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markdown = quote (cases[i].text);

      g_assert_cmpstr (markdown, ==, cases[i].markdown);
      check_quote_round_trip (cases[i].text);
    }
}

/* Adversarial passages: random mixes of what Markdown (and its common
 * extensions) takes for markup, white space, line breaks and Unicode. */
static const char *const pieces[] = {
  "*",
  "**",
  "_",
  "__",
  "#",
  "# ",
  "## ",
  ">",
  "> ",
  "`",
  "```",
  "~",
  "~~~",
  "<",
  ">",
  "[",
  "]",
  "(",
  ")",
  "[x](y)",
  "![a](b)",
  "[^1]",
  "[[wiki]]",
  "[ ]",
  "<b>",
  "</b>",
  "<!--",
  "-->",
  "<?",
  "?>",
  "<div>",
  "<script>",
  "&",
  "&amp;",
  "&#32;",
  "&#x41;",
  "&copy",
  "\\",
  "\\\\",
  "\\*",
  "|",
  "| a | b |",
  "|---|",
  "=",
  "==",
  "===",
  "-",
  "--",
  "---",
  "+",
  "+ ",
  "- ",
  "* ",
  "1.",
  "1. ",
  "2)",
  "123456789. ",
  "0.",
  ":",
  ": ",
  "^",
  "^id",
  "$",
  "$$",
  "%",
  "%%",
  "@",
  "@cite",
  "!",
  "'",
  "\"",
  "...",
  "{",
  "}",
  "{.class}",
  " ",
  "  ",
  "   ",
  "    ",
  "\t",
  " \t",
  "\n",
  "\n",
  "\n",
  "\n\n",
  "\n\n\n",
  "  \n",
  "\\\n",
  "\n    ",
  "\n  - ",
  "\n> ",
  "\n# ",
  "\n1. ",
  "\n---",
  "\n===",
  "\n```",
  "\v",
  "\f",
  "\u00a0",
  "\u2003",
  "\ufeff",
  "\u2028",
  "\xc2\x85",
  "\u0301",
  "é",
  "日本",
  "😀",
  "\u200d",
  "http://example.org/a_b",
  "www.example.org",
  "<http://x.y>",
  "me@example.org",
  "word",
  "words here",
  "Text",
  "x",
  "42",
};

static char *
random_passage (GRand   *rand,
                gboolean with_cr)
{
  GString *text = g_string_new (NULL);
  guint    n = g_rand_int_range (rand, 1, 24);

  for (guint i = 0; i < n; i++)
    {
      if (with_cr && g_rand_int_range (rand, 0, 40) == 0)
        g_string_append_c (text, '\r');
      else if (g_rand_int_range (rand, 0, 8) == 0)
        g_string_append_c (text, (char) g_rand_int_range (rand, 0x21, 0x7f));
      else
        g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
    }

  return g_string_free (text, FALSE);
}

static void
test_quote_adversarial (void)
{
  GRand *rand = g_rand_new_with_seed (20260314);

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *text = random_passage (rand, TRUE);

      check_quote_round_trip (text);
    }

  g_rand_free (rand);
}

/* Notes that could swallow what follows them, and ordinary ones. */
static const char *const adversarial_notes[] = {
  NULL,
  NULL,
  "A plain note.",
  "**Bold** and *emphasis* and a [link](https://example.org).",
  "- a list\n- of items",
  "> a quote in a note",
  "```\nan unclosed fence",
  "````\nan unclosed fence with ``` inside\n```",
  "~~~ python\nunclosed tilde fence",
  "<!-- an unclosed comment",
  "<script>\nalert(1)",
  "<pre>\nunclosed pre",
  "<?php echo 1;",
  "<![CDATA[ unclosed",
  "<!DOCTYPE html",
  "<div>\nan HTML block",
  "    indented code at the end",
  "1. a list\n\n   ```\n   an unclosed fence inside a list item",
  "> ```\n> a fence inside a quote",
  "Setext\n---",
  "[ref]: https://example.org\n\nA note with a [ref].",
  "Ends with a hard break\\",
  "Trailing spaces   ",
  "\n\n  Leading blank lines",
  "A `code` span and <span>inline html</span>.",
  "```\nclosed fence\n```",
  "<!-- a closed comment -->",
};

static const char *const adversarial_tags[] = {
  "policy",
  "UK tech",
  "économie",
  "C++",
  "2024",
  "#hash",
  "a_b",
  "_x_",
  "😀",
  "a / b",
  "日本語",
};

/* Documents made of adversarial passages, with adversarial notes: every
 * passage comes back exactly, in its own blockquote, followed by its block
 * id and its line of details, whatever the notes hold. */
static void
test_markdown_adversarial_documents (void)
{
  GRand *rand = g_rand_new_with_seed (31415926);
  guint  n_passages = 0;

  for (guint doc = 0; doc < 40; doc++)
    {
      g_autoptr (GString) text = g_string_new ("Start of the document.\n");
      g_autoptr (GPtrArray) passages = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (MgDocument) document = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *markdown = NULL;
      g_auto (Parsed) parsed = { 0 };
      guint n = 100;

      for (guint i = 0; i < n; i++)
        {
          char *passage = random_passage (rand, FALSE);
          guint start = (guint) g_utf8_strlen (text->str, text->len);

          g_array_append_val (starts, start);
          g_string_append (text, passage);
          g_string_append (text, "\n§\n");
          g_ptr_array_add (passages, passage);
        }
      g_string_append (text, "End of the document.");

      bytes = g_bytes_new (text->str, text->len);
      document = mg_document_loader_load_bytes (bytes, "file:///tmp/adversarial.txt", "Adversarial", MG_DOCUMENT_FORMAT_TEXT, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mg_document_get_text (document), ==, text->str);

      for (guint i = 0; i < n; i++)
        {
          const char   *passage = g_ptr_array_index (passages, i);
          guint         start = g_array_index (starts, guint, i);
          guint         end = start + (guint) g_utf8_strlen (passage, -1);
          MgAnnotation *annotation = mg_annotation_new_for_range (document, start, end, i % MG_N_COLORS);
          const char   *tags[3] = { NULL };

          mg_annotation_set_note (annotation, adversarial_notes[g_rand_int_range (rand, 0, G_N_ELEMENTS (adversarial_notes))]);
          tags[0] = adversarial_tags[g_rand_int_range (rand, 0, G_N_ELEMENTS (adversarial_tags))];
          tags[1] = adversarial_tags[g_rand_int_range (rand, 0, G_N_ELEMENTS (adversarial_tags))];
          mg_annotation_set_tags (annotation, g_rand_boolean (rand) ? tags : NULL);
          g_ptr_array_add (annotations, annotation);
        }
      mg_annotation_list_add_many (list, annotations);

      markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
      parse_export (markdown, &parsed);

      g_assert_cmpuint (parsed.passages->len, ==, n);
      g_assert_cmpuint (parsed.n_details, ==, n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);
          g_autofree char *block_id = mg_export_block_id (mg_annotation_get_id (annotation));

          g_assert_cmpstr (g_ptr_array_index (parsed.passages, i), ==, g_ptr_array_index (passages, i));
          g_assert_cmpstr (g_ptr_array_index (parsed.block_ids, i), ==, block_id);
        }
      n_passages += n;
    }

  g_assert_cmpuint (n_passages, ==, 4000);
  g_rand_free (rand);
}

/* A note that would run on is closed, or shown as source, and what
 * follows it is intact. */
static void
test_markdown_notes_contained (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  static const char *const leaking[] = {
    "```\nunclosed",
    "~~~\nunclosed",
    "<!-- unclosed",
    "<script>\nunclosed",
    "<![CDATA[ unclosed",
  };

  for (guint i = 0; i < G_N_ELEMENTS (leaking); i++)
    {
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (MgAnnotation) first = mg_annotation_new_for_range (document, 0, 20, MG_COLOR_YELLOW);
      g_autoptr (MgAnnotation) second = mg_annotation_new_for_range (document, 30, 40, MG_COLOR_BLUE);
      g_autofree char *markdown = NULL;
      g_auto (Parsed) parsed = { 0 };

      mg_annotation_set_note (first, leaking[i]);
      mg_annotation_list_add (list, first);
      mg_annotation_list_add (list, second);

      markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
      g_assert_nonnull (strstr (markdown, leaking[i]));
      parse_export (markdown, &parsed);
      g_assert_cmpuint (parsed.passages->len, ==, 2);
      g_assert_cmpuint (parsed.n_details, ==, 2);
    }
}

/* A note is kept as the user wrote it (Markdown), only trimmed. */
static void
test_markdown_note_kept (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 0, 20, MG_COLOR_YELLOW);
  g_autofree char *markdown = NULL;
  const char      *note = "# My heading\n\n**bold**, _it_, `code`, [l](u)\n\n```c\nint x;\n```";

  mg_annotation_set_note (annotation, "\n\n# My heading\n\n**bold**, _it_, `code`, [l](u)\n\n```c\nint x;\n```  \n\n");
  mg_annotation_list_add (list, annotation);
  markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);

  g_assert_nonnull (strstr (markdown, note));
}

/* YAML front matter */

/* Reads a YAML double-quoted scalar (YAML 1.2, 7.3.1) that is all of
 * @line from @p: the escapes, and no character that YAML does not allow
 * in a stream. Returns NULL if it is not one. */
static char *
read_yaml_double_quoted (const char  *p,
                         const char **end)
{
  GString *out = g_string_new (NULL);

  if (*p++ != '"')
    goto fail;

  while (*p != '"')
    {
      gunichar c;

      if (*p == '\0' || *p == '\n')
        goto fail;

      c = g_utf8_get_char (p);
      /* c-printable, less the line breaks, which fold. */
      if (!(c == '\t' || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF)))
        goto fail;

      if (c != '\\')
        {
          g_string_append_unichar (out, c);
          p = g_utf8_next_char (p);
          continue;
        }

      p++;
      switch (*p++)
        {
        case '0':
          g_string_append_c (out, '\0');
          break;
        case 'a':
          g_string_append_c (out, '\a');
          break;
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'v':
          g_string_append_c (out, '\v');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 'e':
          g_string_append_c (out, '\x1b');
          break;
        case ' ':
          g_string_append_c (out, ' ');
          break;
        case '"':
          g_string_append_c (out, '"');
          break;
        case '/':
          g_string_append_c (out, '/');
          break;
        case '\\':
          g_string_append_c (out, '\\');
          break;
        case 'N':
          g_string_append_unichar (out, 0x85);
          break;
        case '_':
          g_string_append_unichar (out, 0xA0);
          break;
        case 'L':
          g_string_append_unichar (out, 0x2028);
          break;
        case 'P':
          g_string_append_unichar (out, 0x2029);
          break;
        case 'x':
        case 'u':
        case 'U':
          {
            int   digits = p[-1] == 'x' ? 2 : p[-1] == 'u' ? 4
                                                           : 8;
            guint value = 0;

            for (int k = 0; k < digits; k++, p++)
              {
                if (!g_ascii_isxdigit (*p))
                  goto fail;
                value = value * 16 + g_ascii_xdigit_value (*p);
              }
            g_string_append_unichar (out, value);
          }
          break;
        default:
          goto fail;
        }
    }

  *end = p + 1;
  return g_string_free (out, FALSE);

fail:
  g_string_free (out, TRUE);
  return NULL;
}

typedef struct
{
  char      *title;
  char      *source;
  char      *exported;
  gint64     annotations;
  GPtrArray *tags;
} FrontMatter;

static void
front_matter_clear (FrontMatter *fm)
{
  g_clear_pointer (&fm->title, g_free);
  g_clear_pointer (&fm->source, g_free);
  g_clear_pointer (&fm->exported, g_free);
  g_clear_pointer (&fm->tags, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FrontMatter, front_matter_clear)

/* Reads the front matter as YAML would, for the shapes the export uses
 * (key: "string", key: integer, key: ["string", ...]), and fails on
 * anything else, such as a value that would need quoting and is not. */
static void
read_front_matter (const char  *markdown,
                   FrontMatter *fm)
{
  g_auto (GStrv) lines = NULL;
  const char      *body = skip_front_matter (markdown);
  g_autofree char *head = g_strndup (markdown + 4, body - markdown - 4 - 5);
  guint            i;

  fm->tags = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (head, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);

  for (i = 0; lines[i] != NULL; i++)
    {
      const char      *colon = strstr (lines[i], ": ");
      g_autofree char *key = NULL;
      const char      *value;
      const char      *end = NULL;

      g_assert_nonnull (colon);
      key = g_strndup (lines[i], colon - lines[i]);
      value = colon + 2;

      if (g_str_equal (key, "annotations"))
        {
          char *num_end;

          fm->annotations = g_ascii_strtoll (value, &num_end, 10);
          g_assert_cmpint (*num_end, ==, '\0');
          g_assert_true (g_ascii_isdigit (*value));
        }
      else if (g_str_equal (key, "tags"))
        {
          const char *p = value;

          g_assert_cmpint (*p++, ==, '[');
          while (*p != ']')
            {
              char *tag = read_yaml_double_quoted (p, &end);

              g_assert_nonnull (tag);
              g_ptr_array_add (fm->tags, tag);
              p = end;
              if (g_str_has_prefix (p, ", "))
                p += 2;
              else
                g_assert_cmpint (*p, ==, ']');
            }
          g_assert_cmpstr (p, ==, "]");
        }
      else
        {
          char *str = read_yaml_double_quoted (value, &end);

          if (str == NULL)
            g_error ("Not a YAML double-quoted scalar: %s", value);
          g_assert_cmpstr (end, ==, "");

          if (g_str_equal (key, "title"))
            fm->title = str;
          else if (g_str_equal (key, "source"))
            fm->source = str;
          else if (g_str_equal (key, "exported"))
            fm->exported = str;
          else
            g_error ("Unknown key %s", key);
        }
    }
}

static void
test_front_matter (void)
{
  static const char *const titles[] = {
    "Plain title",
    "Title: with a colon # and a hash",
    "\"Quoted\" and 'single' and \\ backslash",
    "- starts with a dash",
    "[flow] {map} & *alias ! tag | block > folded % directive @ `tick",
    "yes",
    "null",
    "123",
    "Tab\there, nel\xc2\x85, ls\u2028, ps\u2029, bom\ufeff, del\x7f, c1\xc2\x80, bell\a",
    "日本語のタイトル — avec des accents",
    "  leading and trailing spaces  ",
  };
  const char *const tags[] = { "UK tech", "économie", "2024", "\"quoted\"", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new_static ("Some text.", 10);
      g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/a%22b.txt", titles[i], MG_DOCUMENT_FORMAT_TEXT, NULL);
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 0, 4, MG_COLOR_YELLOW);
      g_autoptr (GDateTime) now = fixed_now ();
      MgExportOptions  options = { .now = now };
      g_autofree char *markdown = NULL;
      g_auto (FrontMatter) fm = { 0 };

      mg_annotation_set_tags (annotation, tags);
      mg_annotation_list_add (list, annotation);
      markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
      read_front_matter (markdown, &fm);

      g_assert_cmpstr (fm.title, ==, titles[i]);
      g_assert_cmpstr (fm.source, ==, "file:///tmp/a%22b.txt");
      g_assert_cmpstr (fm.exported, ==, FIXED_NOW);
      g_assert_cmpint (fm.annotations, ==, 1);
      g_assert_cmpuint (fm.tags->len, ==, 4);
      /* The tags as the #tags of the body, sorted. */
      g_assert_cmpstr (g_ptr_array_index (fm.tags, 0), ==, "UK-tech");
      g_assert_cmpstr (g_ptr_array_index (fm.tags, 1), ==, "quoted");
      g_assert_cmpstr (g_ptr_array_index (fm.tags, 2), ==, "tag-2024");
      g_assert_cmpstr (g_ptr_array_index (fm.tags, 3), ==, "économie");
    }
}

/* Options, order and details */

static void
test_markdown_options (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  MgExportOptions options = { 0 };

  {
    g_autofree char *markdown = NULL;
    g_auto (Parsed) parsed = { 0 };

    options.notes_only = TRUE;
    markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
    parse_export (markdown, &parsed);
    g_assert_cmpuint (parsed.passages->len, ==, 4);
    g_assert_nonnull (strstr (markdown, "annotations: 4\n"));
  }

  {
    g_autofree char *markdown = NULL;
    g_auto (Parsed) parsed = { 0 };

    options.notes_only = FALSE;
    options.color_mask = (1u << MG_COLOR_YELLOW) | (1u << MG_COLOR_PURPLE);
    markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
    parse_export (markdown, &parsed);
    g_assert_cmpuint (parsed.passages->len, ==, 3);
    g_assert_null (strstr (markdown, "Color: Green"));
    g_assert_nonnull (strstr (markdown, "## Not found in the document"));
  }

  {
    g_autofree char *markdown = NULL;
    g_auto (Parsed) parsed = { 0 };

    options.color_mask = 0;
    options.tag = "UK tech";
    markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
    parse_export (markdown, &parsed);
    g_assert_cmpuint (parsed.passages->len, ==, 1);
    g_assert_nonnull (strstr (markdown, "tags: [\"UK-tech\", \"policy\"]\n"));
    g_assert_null (strstr (markdown, "Not found in the document"));
  }

  {
    g_autofree char *markdown = NULL;

    options.tag = "no such tag";
    markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
    g_assert_nonnull (strstr (markdown, "annotations: 0\ntags: []\n"));
    g_assert_nonnull (strstr (markdown, "No annotations to export."));
  }
}

/* Any model, in any order, is exported in document order, orphans last. */
static void
test_markdown_order (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (GListStore) store = g_list_store_new (MG_TYPE_ANNOTATION);
  g_autofree char *from_list = NULL;
  g_autofree char *from_store = NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = n; i-- > 0;)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_list_store_append (store, annotation);
    }

  from_list = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
  from_store = mg_export_markdown (document, G_LIST_MODEL (store), NULL);

  /* The same but for the export time. */
  g_assert_cmpstr (strstr (from_list, "\n---\n"), ==, strstr (from_store, "\n---\n"));
  g_assert_true (strstr (from_list, "Color: Purple") > strstr (from_list, "## Not found in the document"));
}

static char *
section_for_offset (MgDocument *document,
                    guint       offset,
                    gpointer    user_data)
{
  guint *calls = user_data;

  (*calls)++;

  return offset < 1000 ? g_strdup ("Introduction *one*") : NULL;
}

static void
test_markdown_location (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  guint            calls = 0;
  MgExportOptions  options = { .section_func = section_for_offset, .section_data = &calls };
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);

  /* Asked once per annotation found in the text; a passage that starts at
   * the end of a paragraph is in the next one. */
  g_assert_cmpuint (calls, ==, 6);
  g_assert_nonnull (strstr (markdown, "Location: Introduction \\*one\\*, paragraph 1\n"));
  g_assert_nonnull (strstr (markdown, "Location: paragraph 6\n"));
}

#define LONG_LINE "A line of more than a hundred characters, as a paragraph saved from a web page is, " \
                  "because nothing wraps it."

static void
test_paragraph_number (void)
{
  static const struct
  {
    const char *text;
    const char *at;
    guint       paragraph;
  } cases[] = {
    { "One.\nTwo.\nThree.", "One", 1 },
    { "One.\nTwo.\nThree.", "Three", 3 },
    { "One.\nTwo.\nThree.", "\nThree", 2 },
    { "Wrapped\nparagraph one.\n\nWrapped\nparagraph two.", "paragraph two", 2 },
    { "Wrapped\nparagraph one.\n\n  \t\n\nWrapped two.", "\t", 1 },
    { "\n\nAfter blank lines.", "\n", 1 },
    { "A.\n\nB.\n\nC.", "C.", 3 },
    /* Long lines are paragraphs, blank lines or not. */
    { "Title\n\n" LONG_LINE "\n" LONG_LINE " Second.\n\n" LONG_LINE, "Second", 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new_static (cases[i].text, strlen (cases[i].text));
      g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/p.txt", "P", MG_DOCUMENT_FORMAT_TEXT, NULL);
      guint offset = offset_of (mg_document_get_text (document), cases[i].at, 0);

      g_assert_cmpuint (mg_export_paragraph_number (document, offset), ==, cases[i].paragraph);
    }
}

static void
test_tag_name (void)
{
  static const struct
  {
    const char *tag;
    const char *name;
  } cases[] = {
    { "policy", "policy" },
    { "UK tech", "UK-tech" },
    { "économie", "économie" },
    { "日本語", "日本語" },
    { "Ελληνικά", "Ελληνικά" },
    { "C++", "C" },
    { "lost & found", "lost-found" },
    { "to_read", "to_read" },
    { "_x_", "x" },
    { "a_-b", "a-b" },
    { "#already", "already" },
    { "2024", "tag-2024" },
    { "1/2", "tag-1/2" },
    { "a / b/", "a/b" },
    { "/a//b/", "a/b" },
    { "*emph* [link](x)", "emph-link-x" },
    { "😀 smile", "smile" },
    { "cafe\u0301", "cafe\u0301" },
    { "!!!", NULL },
    { "😀", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = mg_export_tag_name (cases[i].tag);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* Every #tag is a CommonMark text node "#name": nothing in it is markup. */
static void
test_tag_name_is_plain_text (void)
{
  GRand *rand = g_rand_new_with_seed (271828);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *a = random_passage (rand, FALSE);
      g_autofree char *b = random_passage (rand, FALSE);
      g_autofree char *name_a = mg_export_tag_name (a);
      g_autofree char *name_b = mg_export_tag_name (b);
      g_autofree char *line = NULL;
      g_autofree char *expected = NULL;
      cmark_node      *root;
      cmark_node      *paragraph;
      g_autofree char *shown = NULL;

      if (name_a == NULL || name_b == NULL)
        continue;

      line = g_strdup_printf ("Tags: #%s #%s · Color: Yellow\n", name_a, name_b);
      expected = g_strndup (line, strlen (line) - 1);
      root = cmark_parse_document (line, strlen (line), CMARK_OPT_DEFAULT);
      paragraph = cmark_node_first_child (root);
      g_assert_cmpint (cmark_node_get_type (paragraph), ==, CMARK_NODE_PARAGRAPH);
      for (cmark_node *inl = cmark_node_first_child (paragraph); inl != NULL; inl = cmark_node_next (inl))
        g_assert_cmpint (cmark_node_get_type (inl), ==, CMARK_NODE_TEXT);
      shown = paragraph_text (paragraph);
      g_assert_cmpstr (shown, ==, expected);
      g_assert_null (strchr (name_a, ' '));
      cmark_node_free (root);
    }

  g_rand_free (rand);
}

static void
test_block_id (void)
{
  g_autofree char *uuid = mg_export_block_id ("urn:uuid:3F2A9C10-1b7e-4c1a-9d2e-0a1b2c3d4e5f");
  g_autofree char *other = mg_export_block_id ("https://hypothes.is/a/Wm8dX2EaEeq");
  g_autofree char *again = mg_export_block_id ("https://hypothes.is/a/Wm8dX2EaEeq");

  g_assert_cmpstr (uuid, ==, "mg-3f2a9c10");
  g_assert_true (g_str_has_prefix (other, "mg-"));
  g_assert_cmpuint (strlen (other), ==, 11);
  g_assert_cmpstr (other, ==, again);
}

/* Two annotations whose ids start alike get longer block ids; the others
 * keep theirs. */
static void
test_block_id_collision (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  static const Spec specs[] = {
    { .uuid = "abcdef01-1111-4111-8111-111111111111", .exact = "In a move", .color = "yellow", .created = "2026-03-01T10:00:00.000Z" },
    { .uuid = "abcdef01-2222-4222-8222-222222222222", .exact = "For the UK", .color = "yellow", .created = "2026-03-01T10:00:00.000Z" },
    { .uuid = "12345678-3333-4333-8333-333333333333", .exact = "The lifting", .color = "yellow", .created = "2026-03-01T10:00:00.000Z" },
  };
  g_autoptr (MgAnnotationList) list = make_list (document, specs, G_N_ELEMENTS (specs));
  g_autofree char *markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
  g_auto (Parsed) parsed = { 0 };

  parse_export (markdown, &parsed);
  g_assert_cmpuint (parsed.block_ids->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (parsed.block_ids, 0), ==, "mg-abcdef01-11114111");
  g_assert_cmpstr (g_ptr_array_index (parsed.block_ids, 1), ==, "mg-abcdef01-22224222");
  g_assert_cmpstr (g_ptr_array_index (parsed.block_ids, 2), ==, "mg-12345678");
}

/* W3C: the must-have rules of the W3C web-annotation-tests schemas
 * (annotations/annotationMusts.test, collections/collectionMusts.test and
 * the definitions they use), as C checks. */

#define REQUIRE(cond, ...)                    \
  G_STMT_START                                \
  {                                           \
    if (!(cond))                              \
      {                                       \
        *why = g_strdup_printf (__VA_ARGS__); \
        return FALSE;                         \
      }                                       \
  }                                           \
  G_STMT_END

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return json_object_get_member (object, name);
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node,
            gint64    minimum)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) >= minimum;
}

/* id.json#/definitions/stringUri: a string of format uri (RFC 3986): a
 * scheme, then no white space or control characters. */
static gboolean
is_uri (JsonNode *node)
{
  const char *p;

  if (!is_string (node))
    return FALSE;

  p = json_node_get_string (node);
  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p != ':')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\' || *p == '{' || *p == '}' || *p == '|' || *p == '^' || *p == '`')
        return FALSE;
    }

  return TRUE;
}

/* format date-time (RFC 3339, section 5.6); the model also wants UTC. */
static gboolean
is_date_time (JsonNode *node)
{
  g_autoptr (GRegex) regex = NULL;

  if (!is_string (node))
    return FALSE;

  regex = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$", 0, 0, NULL);

  return g_regex_match (regex, json_node_get_string (node), 0, NULL);
}

/* A string equal to @value, or an array of strings holding it. */
static gboolean
is_or_has (JsonNode   *node,
           const char *value)
{
  if (is_string (node))
    return g_str_equal (json_node_get_string (node), value);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (is_string (json_array_get_element (array, i)) && g_str_equal (json_array_get_string_element (array, i), value))
            return TRUE;
        }
    }

  return FALSE;
}

static gboolean
is_motivation (const char *value)
{
  static const char *const motivations[] = {
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
    "highlighting", "identifying", "linking", "moderating", "questioning", "replying", "tagging", NULL
  };

  return g_strv_contains (motivations, value);
}

static gboolean
validate_selector (JsonNode *node,
                   char    **why)
{
  JsonObject *selector;
  JsonNode   *type;

  REQUIRE (JSON_NODE_HOLDS_OBJECT (node), "a selector is not an object");
  selector = json_node_get_object (node);
  type = member (selector, "type");
  REQUIRE (is_string (type), "a selector has no type");

  if (g_str_equal (json_node_get_string (type), "TextQuoteSelector"))
    {
      REQUIRE (is_string (member (selector, "exact")), "TextQuoteSelector without exact");
      REQUIRE (member (selector, "prefix") == NULL || is_string (member (selector, "prefix")), "prefix not a string");
      REQUIRE (member (selector, "suffix") == NULL || is_string (member (selector, "suffix")), "suffix not a string");
    }
  else if (g_str_equal (json_node_get_string (type), "TextPositionSelector"))
    {
      REQUIRE (is_integer (member (selector, "start"), 0), "TextPositionSelector start not an integer >= 0");
      REQUIRE (is_integer (member (selector, "end"), 0), "TextPositionSelector end not an integer >= 0");
    }
  else
    {
      REQUIRE (FALSE, "unexpected selector %s", json_node_get_string (type));
    }

  return TRUE;
}

/* bodyTarget.json#/definitions/targetResourcesFound, for the kinds of
 * target we write: an IRI, or a Specific Resource (specificResource.json:
 * exactly one source, an IRI, and a selector or a styleClass). */
static gboolean
validate_target (JsonNode *node,
                 char    **why)
{
  JsonObject *target;
  JsonNode   *selector;

  if (is_uri (node))
    return TRUE;

  REQUIRE (JSON_NODE_HOLDS_OBJECT (node), "a target is neither an IRI nor an object");
  target = json_node_get_object (node);
  REQUIRE (is_uri (member (target, "source")), "a target's source is not an IRI");
  REQUIRE (member (target, "value") == NULL, "a target with a value");
  REQUIRE (member (target, "styleClass") == NULL || is_string (member (target, "styleClass")), "styleClass not a string");

  selector = member (target, "selector");
  REQUIRE (selector != NULL || member (target, "styleClass") != NULL, "a specific resource with no selector");
  if (selector != NULL && JSON_NODE_HOLDS_ARRAY (selector))
    {
      JsonArray *array = json_node_get_array (selector);

      REQUIRE (json_array_get_length (array) >= 1, "an empty selector list");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!validate_selector (json_array_get_element (array, i), why))
            return FALSE;
        }
    }
  else if (selector != NULL && !validate_selector (selector, why))
    {
      return FALSE;
    }

  return TRUE;
}

/* bodyTarget.json#/definitions/bodyResourcesFound for textual bodies, and
 * the checks of their optional keys (format, purpose). */
static gboolean
validate_body (JsonNode *node,
               char    **why)
{
  JsonObject *body;
  JsonNode   *format;
  JsonNode   *purpose;

  if (is_uri (node))
    return TRUE;

  REQUIRE (JSON_NODE_HOLDS_OBJECT (node), "a body is neither an IRI nor an object");
  body = json_node_get_object (node);
  REQUIRE (is_or_has (member (body, "type"), "TextualBody"), "a body is not a TextualBody");
  REQUIRE (is_string (member (body, "value")), "a TextualBody without a string value");

  format = member (body, "format");
  if (format != NULL)
    REQUIRE (is_string (format) && g_regex_match_simple ("^(application|audio|example|image|multipart|text|video)/", json_node_get_string (format), 0, 0),
             "a body's format is not a media type");

  purpose = member (body, "purpose");
  if (purpose != NULL)
    REQUIRE (is_string (purpose) && is_motivation (json_node_get_string (purpose)), "a body's purpose is not one of the model's");

  return TRUE;
}

/* annotations/annotationMusts.test */
static gboolean
validate_annotation (JsonNode *node,
                     gboolean  needs_context,
                     char    **why)
{
  JsonObject *annotation;
  JsonNode   *target;
  JsonNode   *body;
  JsonNode   *motivation;
  JsonNode   *stylesheet;

  REQUIRE (JSON_NODE_HOLDS_OBJECT (node), "an item is not an object");
  annotation = json_node_get_object (node);

  /* 3.1-annotationContextValidated: only at the top of a document. */
  if (needs_context)
    REQUIRE (is_or_has (member (annotation, "@context"), "http://www.w3.org/ns/anno.jsonld"), "no @context");

  /* 3.1-annotationIdValidated, 3.1-annotationTypeValidated */
  REQUIRE (is_uri (member (annotation, "id")), "an annotation's id is not one IRI");
  REQUIRE (is_or_has (member (annotation, "type"), "Annotation"), "an annotation's type is not Annotation");

  /* 3.1-targetKeyFound, 3.2-targetObjectsRecognized */
  target = member (annotation, "target");
  REQUIRE (target != NULL, "an annotation has no target");
  if (JSON_NODE_HOLDS_ARRAY (target))
    {
      JsonArray *array = json_node_get_array (target);

      REQUIRE (json_array_get_length (array) >= 1, "an empty target list");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!validate_target (json_array_get_element (array, i), why))
            return FALSE;
        }
    }
  else if (!validate_target (target, why))
    {
      return FALSE;
    }

  /* 3.2.5-notBodyBodyValue */
  body = member (annotation, "body");
  REQUIRE (body == NULL || member (annotation, "bodyValue") == NULL, "both body and bodyValue");
  if (body != NULL && JSON_NODE_HOLDS_ARRAY (body))
    {
      JsonArray *array = json_node_get_array (body);

      REQUIRE (json_array_get_length (array) >= 1, "an empty body list");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!validate_body (json_array_get_element (array, i), why))
            return FALSE;
        }
    }
  else if (body != NULL && !validate_body (body, why))
    {
      return FALSE;
    }

  /* 3.3.1-annotationCreatedValidated, ...ModifiedValidated */
  REQUIRE (member (annotation, "created") == NULL || is_date_time (member (annotation, "created")), "created is not a UTC date-time");
  REQUIRE (member (annotation, "modified") == NULL || is_date_time (member (annotation, "modified")), "modified is not a UTC date-time");

  /* 3.3.5: motivation from the model's list */
  motivation = member (annotation, "motivation");
  REQUIRE (motivation == NULL || (is_string (motivation) && is_motivation (json_node_get_string (motivation))), "an unknown motivation");

  /* 4.4: a stylesheet is an IRI, or a CssStylesheet with an id or a value */
  stylesheet = member (annotation, "stylesheet");
  if (stylesheet != NULL && !is_uri (stylesheet))
    {
      JsonObject *css;

      REQUIRE (JSON_NODE_HOLDS_OBJECT (stylesheet), "a stylesheet is not an object");
      css = json_node_get_object (stylesheet);
      REQUIRE (is_or_has (member (css, "type"), "CssStylesheet"), "a stylesheet is not a CssStylesheet");
      REQUIRE ((member (css, "id") != NULL) != (member (css, "value") != NULL), "a stylesheet needs one of id and value");
      REQUIRE (member (css, "value") == NULL || is_string (member (css, "value")), "a stylesheet value is not a string");
    }

  return TRUE;
}

/* collections/collectionMusts.test, and the page rules of section 5.2 */
static gboolean
validate_collection (JsonNode *root,
                     char    **why)
{
  JsonObject *collection;
  JsonObject *page;
  JsonNode   *first;
  JsonNode   *label;
  JsonArray  *items;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  REQUIRE (JSON_NODE_HOLDS_OBJECT (root), "not an object");
  collection = json_node_get_object (root);

  REQUIRE (is_or_has (member (collection, "@context"), "http://www.w3.org/ns/anno.jsonld"), "no anno.jsonld @context");
  REQUIRE (is_uri (member (collection, "id")), "the collection's id is not an IRI");
  REQUIRE (is_or_has (member (collection, "type"), "AnnotationCollection"), "not an AnnotationCollection");
  label = member (collection, "label");
  REQUIRE (label == NULL || is_string (label), "the label is not a string");
  REQUIRE (member (collection, "generated") == NULL || is_date_time (member (collection, "generated")), "generated is not a date-time");
  REQUIRE (is_integer (member (collection, "total"), 0), "total is not an integer >= 0");

  /* 5.1-collectionFirstValidated: required when total > 0 */
  first = member (collection, "first");
  if (json_node_get_int (member (collection, "total")) > 0)
    REQUIRE (first != NULL, "no first page");
  if (first == NULL)
    return TRUE;
  if (is_uri (first))
    return TRUE;

  REQUIRE (JSON_NODE_HOLDS_OBJECT (first), "first is neither an IRI nor a page");
  page = json_node_get_object (first);
  REQUIRE (is_or_has (member (page, "type"), "AnnotationPage"), "first is not an AnnotationPage");
  REQUIRE (is_uri (member (page, "id")), "the page's id is not an IRI");
  REQUIRE (member (page, "startIndex") == NULL || is_integer (member (page, "startIndex"), 0), "startIndex is not an integer >= 0");
  REQUIRE (member (page, "items") != NULL && JSON_NODE_HOLDS_ARRAY (member (page, "items")), "the page has no items");

  items = json_node_get_array (member (page, "items"));
  REQUIRE ((gint64) json_array_get_length (items) == json_node_get_int (member (collection, "total")),
           "total is %" G_GINT64_FORMAT ", but the only page has %u items",
           json_node_get_int (member (collection, "total")), json_array_get_length (items));

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (!validate_annotation (item, FALSE, why))
        return FALSE;
      REQUIRE (g_hash_table_add (ids, (gpointer) json_object_get_string_member (json_node_get_object (item), "id")),
               "two annotations have the same id");
    }

  return TRUE;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_valid (const char *json)
{
  g_autoptr (JsonNode) root = parse_json (json);
  g_autofree char *why = NULL;

  if (!validate_collection (root, &why))
    g_error ("Not a valid AnnotationCollection: %s", why);
}

static void
test_w3c_schema (void)
{
  g_autoptr (MgDocument) article = mg_document_new_bundled ();
  g_autoptr (MgDocument) special = special_document ();
  g_autoptr (MgAnnotationList) article_list = make_list (article, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (MgAnnotationList) special_list = make_list (special, special_specs, G_N_ELEMENTS (special_specs));
  g_autoptr (MgAnnotationList) empty = mg_annotation_list_new ();
  g_autofree char *a = mg_export_w3c (article, G_LIST_MODEL (article_list), NULL);
  g_autofree char *b = mg_export_w3c (special, G_LIST_MODEL (special_list), NULL);
  g_autofree char *c = mg_export_w3c (article, G_LIST_MODEL (empty), NULL);

  assert_valid (a);
  assert_valid (b);
  assert_valid (c);
}

/* The validator is not a rubber stamp: each broken copy fails. */
static void
test_w3c_schema_rejects (void)
{
  static const struct
  {
    const char *path; /* member to change, in the first item or at the top */
    const char *json; /* its new value; NULL removes it */
  } breaks[] = {
    { "@context", NULL },
    { "@context", "\"http://example.org/other.jsonld\"" },
    { "type", "\"Collection\"" },
    { "id", "\"not an iri\"" },
    { "total", "-1" },
    { "item:id", NULL },
    { "item:type", "\"Note\"" },
    { "item:target", NULL },
    { "item:motivation", "\"liking\"" },
    { "item:created", "\"yesterday\"" },
    { "item:modified", "\"2026-03-01T10:00:00\"" },
    { "item:bodyValue", "\"also a body\"" },
    { "item:body", "[{\"type\": \"TextualBody\", \"value\": 1}]" },
    { "item:body", "[{\"type\": \"TextualBody\", \"value\": \"x\", \"purpose\": \"liking\"}]" },
    { "item:body", "[{\"type\": \"TextualBody\", \"value\": \"x\", \"format\": \"markdown\"}]" },
    { "item:target", "{\"source\": \"not an iri\", \"selector\": []}" },
    { "item:target", "{\"source\": \"file:///a\", \"selector\": [{\"type\": \"TextPositionSelector\", \"start\": -1, \"end\": 2}]}" },
    { "item:target", "{\"source\": \"file:///a\", \"selector\": [{\"type\": \"TextQuoteSelector\"}]}" },
    { "item:stylesheet", "{\"type\": \"CssStylesheet\"}" },
  };
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autofree char *json = mg_export_w3c (document, G_LIST_MODEL (list), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (breaks); i++)
    {
      g_autoptr (JsonNode) root = parse_json (json);
      g_autofree char *why = NULL;
      JsonObject      *object = json_node_get_object (root);
      const char      *name = breaks[i].path;

      if (g_str_has_prefix (name, "item:"))
        {
          JsonObject *page = json_object_get_object_member (object, "first");
          JsonArray  *items = json_object_get_array_member (page, "items");

          object = json_array_get_object_element (items, 0);
          name += 5;
        }

      if (breaks[i].json == NULL)
        json_object_remove_member (object, name);
      else
        json_object_set_member (object, name, parse_json (breaks[i].json));

      if (validate_collection (root, &why))
        g_error ("Break %u (%s) was not caught", i, breaks[i].path);
      g_test_message ("Break %u caught: %s", i, why);
    }
}

/* What the W3C export says of each annotation. */
static void
test_w3c_content (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (GDateTime) now = fixed_now ();
  MgExportOptions  options = { .now = now };
  g_autofree char *json = mg_export_w3c (document, G_LIST_MODEL (list), &options);
  g_autofree char *again = mg_export_w3c (document, G_LIST_MODEL (list), &options);
  g_autoptr (JsonNode) root = parse_json (json);
  JsonObject *collection = json_node_get_object (root);
  JsonArray  *items = json_object_get_array_member (json_object_get_object_member (collection, "first"), "items");
  const char *text = mg_document_get_text (document);

  g_assert_cmpstr (json, ==, again);
  g_assert_cmpint (json_object_get_int_member (collection, "total"), ==, G_N_ELEMENTS (article_specs));
  g_assert_cmpstr (json_object_get_string_member (collection, "generated"), ==, "2026-03-14T09:26:53.000Z");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *target = json_object_get_object_member (item, "target");
      JsonArray  *selectors = json_object_get_array_member (target, "selector");
      JsonObject *quote = json_array_get_object_element (selectors, 0);
      gboolean    with_note = mg_annotation_get_note (annotation)[0] != '\0';
      guint       n_bodies = (with_note ? 1 : 0) + g_strv_length ((GStrv) mg_annotation_get_tags (annotation));
      const char *exact = json_object_get_string_member (quote, "exact");

      g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, mg_annotation_get_id (annotation));
      g_assert_cmpstr (json_object_get_string_member (item, "motivation"), ==, with_note ? "commenting" : "highlighting");
      g_assert_cmpstr (json_object_get_string_member (target, "source"), ==, "urn:x-marginalia:sample-article");
      g_assert_cmpstr (json_object_get_string_member (target, "styleClass"), ==,
                       mg_color_to_string (mg_annotation_get_color (annotation)));
      g_assert_cmpstr (json_object_get_string_member (quote, "type"), ==, "TextQuoteSelector");
      if (n_bodies == 0)
        g_assert_false (json_object_has_member (item, "body"));
      else
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (item, "body")), ==, n_bodies);

      if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED)
        {
          /* Its quote and context as stored, and no place: its stored
           * position now covers other words. */
          g_assert_cmpstr (exact, ==, mg_annotation_get_exact (annotation));
          g_assert_cmpstr (json_object_get_string_member (quote, "prefix"), ==, mg_annotation_get_prefix (annotation));
          g_assert_cmpstr (json_object_get_string_member (quote, "suffix"), ==, mg_annotation_get_suffix (annotation));
          g_assert_cmpuint (json_array_get_length (selectors), ==, 1);
          g_assert_cmpstr (json_object_get_string_member_with_default (target, "marginalia:state", NULL), ==, "orphaned");
        }
      else
        {
          /* Where it is now, in code points, with the text there. */
          JsonObject      *position = json_array_get_object_element (selectors, 1);
          gint64           start = json_object_get_int_member (position, "start");
          gint64           end = json_object_get_int_member (position, "end");
          g_autofree char *there = g_utf8_substring (text, start, end);
          g_autofree char *prefix = g_utf8_substring (text, MAX (start - MG_ANNOTATION_CONTEXT_LENGTH, 0), start);

          g_assert_cmpuint (json_array_get_length (selectors), ==, 2);
          g_assert_cmpstr (json_object_get_string_member (position, "type"), ==, "TextPositionSelector");
          g_assert_false (json_object_has_member (target, "marginalia:state"));
          g_assert_cmpint (start, ==, mg_annotation_get_range_start (annotation));
          g_assert_cmpint (end, ==, mg_annotation_get_range_end (annotation));
          g_assert_cmpstr (exact, ==, there);
          g_assert_cmpstr (json_object_get_string_member (quote, "prefix"), ==, prefix);
        }
    }
}

/* Offsets are code points, not bytes or UTF-16 units. */
static void
test_w3c_code_points (void)
{
  static const char text[] = "Émoji 😀 first, then the quoted words.";
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/e.txt", "É", MG_DOCUMENT_FORMAT_TEXT, NULL);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  guint start = offset_of (text, "quoted", 0);
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, start, start + 6, MG_COLOR_GREEN);
  g_autofree char *json = NULL;

  g_assert_cmpuint (start, ==, 24);
  mg_annotation_list_add (list, annotation);
  json = mg_export_w3c (document, G_LIST_MODEL (list), NULL);
  g_assert_nonnull (strstr (json, "\"start\": 24,\n"));
  g_assert_nonnull (strstr (json, "\"end\": 30\n"));
  g_assert_nonnull (strstr (json, "\"prefix\": \"Émoji 😀 first, then the \",\n"));
}

/* The collection's id depends on the document and the selection only. */
static void
test_w3c_stable_ids (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = make_list (document, article_specs, G_N_ELEMENTS (article_specs));
  g_autoptr (MgAnnotationList) empty = mg_annotation_list_new ();
  MgExportOptions notes = { .notes_only = TRUE };
  g_autoptr (JsonNode) a = NULL;
  g_autoptr (JsonNode) b = NULL;
  g_autoptr (JsonNode) c = NULL;
  g_autofree char *json_a = mg_export_w3c (document, G_LIST_MODEL (list), NULL);
  g_autofree char *json_b = mg_export_w3c (document, G_LIST_MODEL (empty), NULL);
  g_autofree char *json_c = mg_export_w3c (document, G_LIST_MODEL (list), &notes);

  a = parse_json (json_a);
  b = parse_json (json_b);
  c = parse_json (json_c);

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (a), "id"), ==,
                   json_object_get_string_member (json_node_get_object (b), "id"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (a), "id"), !=,
                   json_object_get_string_member (json_node_get_object (c), "id"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (c), "total"), ==, 4);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (a), "id"), "urn:uuid:"));
}

/* A name-based UUID, checked against one computed elsewhere
 * (Python's
 * uuid.uuid5(uuid.NAMESPACE_URL, "http://example.org/")). */
static void
test_uuid_v5 (void)
{
  g_autofree char *urn = mg_export_uuid_urn_for_name ("http://example.org/");

  g_assert_cmpstr (urn, ==, "urn:uuid:715d503b-5f95-5532-9100-00663eb45ade");
}

/* A title made from a file name in another encoding is not UTF-8: the
 * exports are, whatever the document's title. */
static void
test_invalid_utf8_title (void)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static ("Some text.", 10);
  g_autoptr (MgDocument) document = mg_document_loader_load_bytes (bytes, "file:///tmp/caf%E9.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, NULL);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 0, 4, MG_COLOR_YELLOW);
  g_autofree char *markdown = NULL;
  g_autofree char *json = NULL;
  g_auto (FrontMatter) fm = { 0 };

  g_assert_false (g_utf8_validate (mg_document_get_title (document), -1, NULL));
  mg_annotation_list_add (list, annotation);
  markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
  json = mg_export_w3c (document, G_LIST_MODEL (list), NULL);

  g_assert_true (g_utf8_validate (markdown, -1, NULL));
  g_assert_true (g_utf8_validate (json, -1, NULL));
  read_front_matter (markdown, &fm);
  g_assert_true (g_str_has_suffix (fm.title, "caf\uFFFD.txt"));
  assert_valid (json);
}

static void
test_markdown_location_heading (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "loader", "notes.md", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = mg_document_loader_load_file (file, NULL, &error);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *heading = NULL;
  const char      *text;
  const char      *hit;
  guint            start;

  g_assert_no_error (error);
  text = mg_document_get_text (document);
  hit = strstr (text, "Levees stop floods");
  g_assert_nonnull (hit);
  start = g_utf8_pointer_to_offset (text, hit);

  /* The heading a passage sits under is its section. */
  heading = mg_export_heading_at (document, start);
  g_assert_cmpstr (heading, ==, "Why it matters — “half a billion people”");
  g_clear_pointer (&heading, g_free);
  heading = mg_export_heading_at (document, 0);
  g_assert_cmpstr (heading, ==, "Deltas and sediment");

  annotation = mg_annotation_new_for_range (document, start, start + 18, MG_COLOR_GREEN);
  mg_annotation_list_add (list, annotation);
  markdown = mg_export_markdown (document, G_LIST_MODEL (list), NULL);
  g_assert_nonnull (strstr (markdown, "Location: Why it matters — “half a billion people”, paragraph"));
}

static gboolean
timeout_set (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Orphans ----------------------------------------------------------------
 *
 * An orphan's passage is not in this version of the document, and its
 * stored position now covers other words: no export may claim a place
 * for it. */

static const char orphan_text[] = "The quick brown fox jumps over the lazy dog.\n"
                                  "A second paragraph says something else entirely.\n";

/* In @document: one highlight found where it was made, one that moved,
 * and an orphan whose stored position covers "quick brown fox". */
static void
add_orphan_and_others (MgDocument       *document,
                       MgAnnotationList *list)
{
  const char *text = mg_document_get_text (document);
  guint       lazy = offset_of (text, "lazy dog", 0);
  guint       second = offset_of (text, "second paragraph", 0);
  g_autoptr (MgAnnotation) found = mg_annotation_new_for_range (document, lazy, lazy + 8, MG_COLOR_GREEN);
  g_autoptr (MgAnnotation) moved = mg_annotation_new ("second paragraph", "A ", " says", second + 5, second + 21, MG_COLOR_BLUE);
  g_autoptr (MgAnnotation) orphan = mg_annotation_new ("a sentence cut from this version", "words that came before ", " and words after it",
                                                       4, 19, MG_COLOR_PINK);
  const char *const tags[] = { "lost", "draft one", NULL };

  mg_annotation_set_note (orphan, "Cut in the second draft.");
  mg_annotation_set_tags (orphan, tags);
  mg_anchor_annotation (found, document);
  mg_anchor_annotation (moved, document);
  mg_anchor_annotation (orphan, document);
  g_assert_cmpint (mg_annotation_get_state (found), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpint (mg_annotation_get_state (moved), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ORPHANED);
  mg_annotation_list_add (list, orphan);
  mg_annotation_list_add (list, moved);
  mg_annotation_list_add (list, found);
}

static MgDocument *
orphan_document (const char *uri)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (orphan_text, strlen (orphan_text));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, uri, "Orphans", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  return document;
}

/* The W3C export gives an orphan its quote and context, no position, and
 * the mark that says it is not found; the others keep their positions. */
static void
test_w3c_orphan_claims_no_place (void)
{
  g_autoptr (MgDocument) document = orphan_document ("file:///tmp/orphans.txt");
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonArray *items;
  guint      n_positions = 0;

  add_orphan_and_others (document, list);
  json = mg_export_w3c (document, G_LIST_MODEL (list), NULL);
  assert_valid (json);

  root = parse_json (json);
  items = json_object_get_array_member (json_object_get_object_member (json_node_get_object (root), "first"), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *target = json_object_get_object_member (json_array_get_object_element (items, i), "target");
      JsonArray  *selectors = json_object_get_array_member (target, "selector");
      const char *state = json_object_get_string_member_with_default (target, "marginalia:state", NULL);

      /* Orphans last. */
      g_assert_cmpstr (state, ==, i == 2 ? "orphaned" : NULL);
      g_assert_cmpstr (json_object_get_string_member (target, "source"), ==, "file:///tmp/orphans.txt");
      for (guint k = 0; k < json_array_get_length (selectors); k++)
        n_positions += g_str_equal (json_object_get_string_member (json_array_get_object_element (selectors, k), "type"), "TextPositionSelector");
      if (i == 2)
        {
          JsonObject *quote = json_array_get_object_element (selectors, 0);

          g_assert_cmpuint (json_array_get_length (selectors), ==, 1);
          g_assert_cmpstr (json_object_get_string_member (quote, "exact"), ==, "a sentence cut from this version");
          g_assert_cmpstr (json_object_get_string_member (quote, "prefix"), ==, "words that came before ");
          g_assert_cmpstr (json_object_get_string_member (quote, "suffix"), ==, " and words after it");
        }
    }
  g_assert_cmpuint (n_positions, ==, 2);
  g_assert_null (strstr (json, "\"start\": 4,"));
}

/* The Markdown export lists orphans apart, after every passage found:
 * quote, note, #tags and colour, and no location. */
static void
test_markdown_orphans_apart (void)
{
  g_autoptr (MgDocument) document = orphan_document ("file:///tmp/orphans.txt");
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  MgExportOptions  options = { .document_id = "urn:uuid:0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b" };
  g_autofree char *markdown = NULL;
  const char      *section;

  add_orphan_and_others (document, list);
  markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);

  section = strstr (markdown, "\n## Not found in the document\n\n"
                              "The passages of these highlights are not in this version of the document. "
                              "They are quoted as they were highlighted.\n\n");
  /* The last heading. */
  g_assert_nonnull (section);
  g_assert_true (g_strrstr (markdown, "\n## ") == section);

  /* Before it, the two found; in it, the orphan alone. */
  g_assert_true (strstr (markdown, "> lazy dog\n") < section);
  g_assert_true (strstr (markdown, "> second paragraph\n") < section);
  g_assert_null (strstr (section, "lazy dog"));
  g_assert_nonnull (strstr (section, "> a sentence cut from this version\n"));
  g_assert_nonnull (strstr (section, "\nCut in the second draft.\n"));
  g_assert_nonnull (strstr (section, "Tags: #lost #draft-one · Color: Pink"));
  g_assert_null (strstr (section, "Location:"));
  g_assert_null (strstr (section, "paragraph"));
  g_assert_nonnull (strstr (markdown, "Location: [paragraph 1](marginalia://"));
}

/* Exporting only reads the store: an orphan, or a passage found moved,
 * is no change the user made, and the file is not written again. */
static void
test_export_leaves_store (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-export-store-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "store", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  g_autofree char *ids_path = g_build_filename (tmp, "document-ids.ini", NULL);
  g_autofree char *doc_path = g_build_filename (tmp, "orphans.txt", NULL);
  g_autofree char *uri = g_filename_to_uri (doc_path, NULL, NULL);
  g_autoptr (MgDocumentIds) ids = mg_document_ids_new (ids_path);
  g_autoptr (MgDocument) document = orphan_document (uri);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInfo) before_info = NULL;
  g_autofree char *before = NULL;
  gsize            before_len = 0;

  g_assert_no_error (error);

  {
    g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
    g_autoptr (MgStore) store = mg_store_new_with_ids (document, list, dir, ids);

    mg_store_set_cache_directory (store, cache);
    g_assert_true (mg_store_load (store, &error));
    g_assert_no_error (error);
    add_orphan_and_others (document, list);
    g_assert_true (mg_store_flush (store, &error));
    g_assert_no_error (error);
    file = g_object_ref (mg_store_get_file (store));
  }

  g_assert_true (g_file_load_contents (file, NULL, &before, &before_len, NULL, &error));
  before_info = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_INODE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                   G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);

  /* As the command line exports, twice: the second load from the cache. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (MgStore) store = mg_store_new_with_ids (document, list, dir, ids);
      g_autofree char *markdown = NULL;
      g_autofree char *json = NULL;
      g_autofree char *after = NULL;
      g_autoptr (GFileInfo) after_info = NULL;
      MgExportOptions options = { 0 };
      guint           n_orphans = 0;
      gsize           after_len = 0;
      gboolean        timed_out = FALSE;

      mg_store_set_cache_directory (store, cache);
      g_assert_true (mg_store_load (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

          n_orphans += mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED;
        }
      g_assert_cmpuint (n_orphans, ==, 1);

      options.document_id = mg_store_get_document_id (store);
      markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
      json = mg_export_w3c (document, G_LIST_MODEL (list), NULL);
      g_assert_nonnull (strstr (markdown, "a sentence cut from this version"));
      g_assert_nonnull (strstr (json, "\"marginalia:state\": \"orphaned\""));
      g_assert_false (mg_store_get_dirty (store));

      /* Longer than the store's save delay (0.5 s), then closed. */
      g_timeout_add (1000, timeout_set, &timed_out);
      while (!timed_out)
        g_main_context_iteration (NULL, TRUE);
      g_clear_object (&store);

      g_assert_true (g_file_load_contents (file, NULL, &after, &after_len, NULL, &error));
      g_assert_cmpmem (after, after_len, before, before_len);
      after_info = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_INODE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                      G_FILE_QUERY_INFO_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_file_info_get_attribute_uint64 (after_info, G_FILE_ATTRIBUTE_UNIX_INODE), ==,
                        g_file_info_get_attribute_uint64 (before_info, G_FILE_ATTRIBUTE_UNIX_INODE));
      g_assert_cmpuint (g_file_info_get_attribute_uint64 (after_info, G_FILE_ATTRIBUTE_TIME_MODIFIED), ==,
                        g_file_info_get_attribute_uint64 (before_info, G_FILE_ATTRIBUTE_TIME_MODIFIED));
      g_assert_cmpuint (g_file_info_get_attribute_uint32 (after_info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC), ==,
                        g_file_info_get_attribute_uint32 (before_info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
    }

  mg_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/markdown/golden/article", test_markdown_golden_article);
  g_test_add_func ("/export/markdown/golden/special-characters", test_markdown_golden_special);
  g_test_add_func ("/export/markdown/golden/passages-read-back", test_markdown_round_trip_goldens);
  g_test_add_func ("/export/markdown/golden/article-states", test_article_states);
  g_test_add_func ("/export/markdown/quote/cases", test_quote_cases);
  g_test_add_func ("/export/markdown/quote/adversarial", test_quote_adversarial);
  g_test_add_func ("/export/markdown/quote/adversarial-documents", test_markdown_adversarial_documents);
  g_test_add_func ("/export/markdown/note/kept", test_markdown_note_kept);
  g_test_add_func ("/export/markdown/note/contained", test_markdown_notes_contained);
  g_test_add_func ("/export/markdown/front-matter/valid-yaml", test_front_matter);
  g_test_add_func ("/export/markdown/front-matter/invalid-utf8-title", test_invalid_utf8_title);
  g_test_add_func ("/export/markdown/options", test_markdown_options);
  g_test_add_func ("/export/markdown/document-order", test_markdown_order);
  g_test_add_func ("/export/markdown/location", test_markdown_location);
  g_test_add_func ("/export/markdown/paragraph-number", test_paragraph_number);
  g_test_add_func ("/export/markdown/tag-name", test_tag_name);
  g_test_add_func ("/export/markdown/tag-name/plain-text", test_tag_name_is_plain_text);
  g_test_add_func ("/export/markdown/block-id", test_block_id);
  g_test_add_func ("/export/markdown/block-id/collision", test_block_id_collision);
  g_test_add_func ("/export/w3c/golden/article", test_w3c_golden_article);
  g_test_add_func ("/export/w3c/golden/special-characters", test_w3c_golden_special);
  g_test_add_func ("/export/w3c/schema/valid", test_w3c_schema);
  g_test_add_func ("/export/w3c/schema/rejects-broken", test_w3c_schema_rejects);
  g_test_add_func ("/export/w3c/content", test_w3c_content);
  g_test_add_func ("/export/w3c/code-points", test_w3c_code_points);
  g_test_add_func ("/export/w3c/stable-ids", test_w3c_stable_ids);
  g_test_add_func ("/export/w3c/uuid-v5", test_uuid_v5);
  g_test_add_func ("/export/markdown/location-heading", test_markdown_location_heading);
  g_test_add_func ("/export/w3c/orphan/claims-no-place", test_w3c_orphan_claims_no_place);
  g_test_add_func ("/export/markdown/orphans-apart", test_markdown_orphans_apart);
  g_test_add_func ("/export/store/untouched-with-orphans", test_export_leaves_store);

  return g_test_run ();
}
