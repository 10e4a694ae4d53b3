/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-annotation"

#include "config.h"

#include <string.h>

#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"

static MgDocument *
document_new (const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, "file:///test.txt", "Test", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);

  return document;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static char *
annotation_to_string (MgAnnotation *annotation)
{
  g_autoptr (JsonNode) root = mg_annotation_to_json (annotation);

  return json_to_string (root, FALSE);
}

static MgAnnotation *
annotation_from_string (const char *text,
                        GError    **error)
{
  g_autoptr (JsonNode) node = parse_json (text);

  return mg_annotation_new_from_json (node, error);
}

static GDateTime *
timestamp (const char *str)
{
  GDateTime *datetime = mg_parse_timestamp (str);

  g_assert_nonnull (datetime);

  return datetime;
}

/* A fixed annotation, made deterministic by loading it. */
static const char fixed_json[] = "{\"id\":\"urn:uuid:0b6d3f4e-7a55-4c1e-9d43-2f1a6a2f9e01\","
                                 "\"type\":\"Annotation\","
                                 "\"motivation\":\"commenting\","
                                 "\"created\":\"2026-11-30T10:28:37.123Z\","
                                 "\"modified\":\"2026-12-01T08:00:00.000Z\","
                                 "\"color\":\"green\","
                                 "\"body\":["
                                 "{\"type\":\"TextualBody\",\"purpose\":\"commenting\",\"value\":\"A *note*\\non two lines\",\"format\":\"text/markdown\"},"
                                 "{\"type\":\"TextualBody\",\"purpose\":\"tagging\",\"value\":\"method\"},"
                                 "{\"type\":\"TextualBody\",\"purpose\":\"tagging\",\"value\":\"to read\"}"
                                 "],"
                                 "\"target\":{\"selector\":["
                                 "{\"type\":\"TextQuoteSelector\",\"exact\":\"quick \\\"brown\\\" fox\",\"prefix\":\"The \",\"suffix\":\" jumps\"},"
                                 "{\"type\":\"TextPositionSelector\",\"start\":4,\"end\":21}"
                                 "]}}";

/* ------------------------------------------------------------------ */

static void
test_id_format (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i;

  for (i = 0; i < 1000; i++)
    {
      g_autoptr (MgAnnotation) annotation = mg_annotation_new ("x", NULL, NULL, 0, 1, MG_COLOR_YELLOW);
      const char *id = mg_annotation_get_id (annotation);

      g_assert_true (g_str_has_prefix (id, "urn:uuid:"));
      g_assert_true (g_uuid_string_is_valid (id + strlen ("urn:uuid:")));
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_strdup (id));
    }
}

static void
test_new_defaults (void)
{
  g_autoptr (MgAnnotation) annotation = mg_annotation_new ("quote", NULL, NULL, 3, 8, MG_COLOR_BLUE);

  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "quote");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "");
  g_assert_cmpstr (mg_annotation_get_suffix (annotation), ==, "");
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "");
  g_assert_nonnull (mg_annotation_get_tags (annotation));
  g_assert_null (mg_annotation_get_tags (annotation)[0]);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_BLUE);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 3);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 8);
  g_assert_true (g_date_time_equal (mg_annotation_get_created (annotation),
                                    mg_annotation_get_modified (annotation)));
  g_assert_cmpint (g_date_time_get_utc_offset (mg_annotation_get_created (annotation)), ==, 0);
}

static void
test_context_middle (void)
{
  /* 26 letters, twice, then digits: enough for full context on both sides. */
  g_autoptr (MgDocument) document = document_new ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz");
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 40, 45, MG_COLOR_PINK);

  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "OPQRS");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "ijklmnopqrstuvwxyzABCDEFGHIJKLMN");
  g_assert_cmpuint (strlen (mg_annotation_get_prefix (annotation)), ==, MG_ANNOTATION_CONTEXT_LENGTH);
  g_assert_cmpstr (mg_annotation_get_suffix (annotation), ==, "TUVWXYZ0123456789abcdefghijklmno");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 40);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 45);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 40);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 45);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_PINK);
}

static void
test_context_edges (void)
{
  g_autoptr (MgDocument) document = document_new ("Short text.");
  g_autoptr (MgAnnotation) first = mg_annotation_new_for_range (document, 0, 5, MG_COLOR_YELLOW);
  g_autoptr (MgAnnotation) last = mg_annotation_new_for_range (document, 6, 11, MG_COLOR_YELLOW);
  g_autoptr (MgAnnotation) all = mg_annotation_new_for_range (document, 0, 11, MG_COLOR_YELLOW);

  g_assert_cmpstr (mg_annotation_get_exact (first), ==, "Short");
  g_assert_cmpstr (mg_annotation_get_prefix (first), ==, "");
  g_assert_cmpstr (mg_annotation_get_suffix (first), ==, " text.");

  g_assert_cmpstr (mg_annotation_get_exact (last), ==, "text.");
  g_assert_cmpstr (mg_annotation_get_prefix (last), ==, "Short ");
  g_assert_cmpstr (mg_annotation_get_suffix (last), ==, "");

  g_assert_cmpstr (mg_annotation_get_exact (all), ==, "Short text.");
  g_assert_cmpstr (mg_annotation_get_prefix (all), ==, "");
  g_assert_cmpstr (mg_annotation_get_suffix (all), ==, "");
}

static void
test_context_code_points (void)
{
  /* Offsets count code points: each emoji is one, though four bytes. */
  g_autoptr (MgDocument) document = document_new ("a😀b🌍c — déjà vu");
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 1, 4, MG_COLOR_YELLOW);
  g_autoptr (MgAnnotation) tail = mg_annotation_new_for_range (document, 8, 12, MG_COLOR_YELLOW);

  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "😀b🌍");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "a");
  g_assert_cmpstr (mg_annotation_get_suffix (annotation), ==, "c — déjà vu");

  g_assert_cmpstr (mg_annotation_get_exact (tail), ==, "déjà");
  g_assert_cmpstr (mg_annotation_get_prefix (tail), ==, "a😀b🌍c — ");
  g_assert_cmpstr (mg_annotation_get_suffix (tail), ==, " vu");
}

static void
test_context_long_code_points (void)
{
  /* 40 emoji before and after: the context is 32 code points, not bytes. */
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotation) annotation = NULL;
  guint i;

  for (i = 0; i < 40; i++)
    g_string_append (text, "😀");
  g_string_append (text, "X");
  for (i = 0; i < 40; i++)
    g_string_append (text, "🌍");

  document = document_new (text->str);
  annotation = mg_annotation_new_for_range (document, 40, 41, MG_COLOR_YELLOW);

  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "X");
  g_assert_cmpint (g_utf8_strlen (mg_annotation_get_prefix (annotation), -1), ==, 32);
  g_assert_cmpint (g_utf8_strlen (mg_annotation_get_suffix (annotation), -1), ==, 32);
  g_assert_true (g_str_has_prefix (mg_annotation_get_suffix (annotation), "🌍"));
}

typedef struct
{
  guint changed;
  guint notify_color;
  guint notify_note;
  guint notify_tags;
  guint notify_modified;
  guint notify_state;
  guint notify_range;
  guint notify_target;
  guint notify_total;
} Counts;

static void
on_changed (MgAnnotation *annotation,
            Counts       *counts)
{
  counts->changed++;
}

static void
on_notify (MgAnnotation *annotation,
           GParamSpec   *pspec,
           Counts       *counts)
{
  const char *name = g_param_spec_get_name (pspec);

  counts->notify_total++;
  if (g_str_equal (name, "color"))
    counts->notify_color++;
  else if (g_str_equal (name, "note"))
    counts->notify_note++;
  else if (g_str_equal (name, "tags"))
    counts->notify_tags++;
  else if (g_str_equal (name, "modified"))
    counts->notify_modified++;
  else if (g_str_equal (name, "state"))
    counts->notify_state++;
  else if (g_str_equal (name, "range-start") || g_str_equal (name, "range-end"))
    counts->notify_range++;
  else
    counts->notify_target++;
}

static MgAnnotation *
annotation_with_old_modified (Counts *counts)
{
  MgAnnotation *annotation = mg_annotation_new ("quote", NULL, NULL, 0, 5, MG_COLOR_YELLOW);
  g_autoptr (GDateTime) old = timestamp ("2001-01-01T00:00:00Z");

  mg_annotation_set_modified (annotation, old);
  g_signal_connect (annotation, "changed", G_CALLBACK (on_changed), counts);
  g_signal_connect (annotation, "notify", G_CALLBACK (on_notify), counts);

  return annotation;
}

static gboolean
modified_is_old (MgAnnotation *annotation)
{
  return g_date_time_get_year (mg_annotation_get_modified (annotation)) == 2001;
}

static void
test_setters_color (void)
{
  Counts counts = { 0 };
  g_autoptr (MgAnnotation) annotation = annotation_with_old_modified (&counts);

  mg_annotation_set_color (annotation, MG_COLOR_YELLOW);
  g_assert_cmpuint (counts.notify_total, ==, 0);
  g_assert_cmpuint (counts.changed, ==, 0);
  g_assert_true (modified_is_old (annotation));

  mg_annotation_set_color (annotation, MG_COLOR_PURPLE);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_PURPLE);
  g_assert_cmpuint (counts.notify_color, ==, 1);
  g_assert_cmpuint (counts.notify_modified, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_false (modified_is_old (annotation));

  /* Through the property too. */
  g_object_set (annotation, "color", MG_COLOR_ORANGE, NULL);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_ORANGE);
  g_assert_cmpuint (counts.notify_color, ==, 2);
  g_assert_cmpuint (counts.changed, ==, 2);
}

static void
test_setters_note (void)
{
  Counts counts = { 0 };
  g_autoptr (MgAnnotation) annotation = annotation_with_old_modified (&counts);

  mg_annotation_set_note (annotation, NULL);
  mg_annotation_set_note (annotation, "");
  g_assert_cmpuint (counts.notify_total, ==, 0);
  g_assert_cmpuint (counts.changed, ==, 0);

  mg_annotation_set_note (annotation, "A thought");
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "A thought");
  g_assert_cmpuint (counts.notify_note, ==, 1);
  g_assert_cmpuint (counts.notify_modified, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_false (modified_is_old (annotation));

  mg_annotation_set_note (annotation, "A thought");
  g_assert_cmpuint (counts.notify_note, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);

  /* NULL clears: the note is never NULL. */
  mg_annotation_set_note (annotation, NULL);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "");
  g_assert_cmpuint (counts.notify_note, ==, 2);
  g_assert_cmpuint (counts.changed, ==, 2);
}

static void
test_setters_tags (void)
{
  Counts counts = { 0 };
  g_autoptr (MgAnnotation) annotation = annotation_with_old_modified (&counts);
  const char *empty[] = { " ", "", NULL };
  const char *tags[] = { " method ", "method", "to read", NULL };
  const char *same[] = { "method", "to read", NULL };

  mg_annotation_set_tags (annotation, NULL);
  mg_annotation_set_tags (annotation, empty);
  g_assert_cmpuint (counts.notify_total, ==, 0);
  g_assert_cmpuint (counts.changed, ==, 0);
  g_assert_true (modified_is_old (annotation));

  mg_annotation_set_tags (annotation, tags);
  g_assert_cmpstrv (mg_annotation_get_tags (annotation), same);
  g_assert_cmpuint (counts.notify_tags, ==, 1);
  g_assert_cmpuint (counts.notify_modified, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);

  /* The same after normalisation: no change. */
  mg_annotation_set_tags (annotation, same);
  g_assert_cmpuint (counts.notify_tags, ==, 1);
  g_assert_cmpuint (counts.changed, ==, 1);

  mg_annotation_set_tags (annotation, NULL);
  g_assert_null (mg_annotation_get_tags (annotation)[0]);
  g_assert_cmpuint (counts.notify_tags, ==, 2);
  g_assert_cmpuint (counts.changed, ==, 2);
}

static void
test_tags_normalized (void)
{
  g_autoptr (MgAnnotation) annotation = mg_annotation_new ("quote", NULL, NULL, 0, 5, MG_COLOR_YELLOW);
  const char *tags[] = { "  b ", "", "a", "b", "\u00a0c\u2003", "\t", "a", "B", "two words", NULL };
  const char *expected[] = { "b", "a", "c", "B", "two words", NULL };

  mg_annotation_set_tags (annotation, tags);
  g_assert_cmpstrv (mg_annotation_get_tags (annotation), expected);
  g_assert_true (mg_annotation_has_tag (annotation, "a"));
  g_assert_true (mg_annotation_has_tag (annotation, "two words"));
  g_assert_false (mg_annotation_has_tag (annotation, "A"));
  g_assert_false (mg_annotation_has_tag (annotation, ""));
}

static void
test_set_anchor (void)
{
  Counts counts = { 0 };
  g_autoptr (MgAnnotation) annotation = annotation_with_old_modified (&counts);

  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_ANCHORED, 0, 5);
  g_assert_cmpuint (counts.notify_total, ==, 0);

  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_MOVED, 10, 15);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 10);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 15);
  g_assert_cmpuint (counts.notify_state, ==, 1);
  g_assert_cmpuint (counts.notify_range, ==, 2);
  g_assert_cmpuint (counts.notify_modified, ==, 0);
  g_assert_cmpuint (counts.notify_target, ==, 0);
  g_assert_cmpuint (counts.changed, ==, 0);
  g_assert_true (modified_is_old (annotation));

  /* The stored target is untouched. */
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 0);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 5);

  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_ORPHANED, 10, 15);
  g_assert_cmpuint (counts.notify_state, ==, 2);
  g_assert_cmpuint (counts.notify_range, ==, 2);
}

static void
test_set_target (void)
{
  g_autoptr (MgDocument) document = document_new ("The quick brown fox jumps over the lazy dog.");
  g_autoptr (MgAnnotation) orphan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_now_utc ();
  Counts counts = { 0 };

  orphan = annotation_from_string (fixed_json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ORPHANED);
  g_signal_connect (orphan, "changed", G_CALLBACK (on_changed), &counts);
  g_signal_connect (orphan, "notify", G_CALLBACK (on_notify), &counts);

  mg_annotation_set_target (orphan, document, 35, 43);
  g_assert_cmpstr (mg_annotation_get_exact (orphan), ==, "lazy dog");
  g_assert_cmpstr (mg_annotation_get_prefix (orphan), ==, " quick brown fox jumps over the ");
  g_assert_cmpstr (mg_annotation_get_suffix (orphan), ==, ".");
  g_assert_cmpuint (mg_annotation_get_start (orphan), ==, 35);
  g_assert_cmpuint (mg_annotation_get_end (orphan), ==, 43);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (mg_annotation_get_range_start (orphan), ==, 35);
  g_assert_cmpuint (mg_annotation_get_range_end (orphan), ==, 43);
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_cmpuint (counts.notify_modified, ==, 1);
  g_assert_cmpuint (counts.notify_state, ==, 1);
  g_assert_cmpint (g_date_time_difference (mg_annotation_get_modified (orphan), before), >, -1000);
  /* The id and creation stay. */
  g_assert_cmpstr (mg_annotation_get_id (orphan), ==, "urn:uuid:0b6d3f4e-7a55-4c1e-9d43-2f1a6a2f9e01");

  /* The same target again changes nothing. */
  mg_annotation_set_target (orphan, document, 35, 43);
  g_assert_cmpuint (counts.changed, ==, 1);
}

static void
assert_same_annotation (MgAnnotation *a,
                        MgAnnotation *b)
{
  g_assert_cmpstr (mg_annotation_get_id (a), ==, mg_annotation_get_id (b));
  g_assert_true (g_date_time_equal (mg_annotation_get_created (a), mg_annotation_get_created (b)));
  g_assert_true (g_date_time_equal (mg_annotation_get_modified (a), mg_annotation_get_modified (b)));
  g_assert_cmpint (mg_annotation_get_color (a), ==, mg_annotation_get_color (b));
  g_assert_cmpstr (mg_annotation_get_note (a), ==, mg_annotation_get_note (b));
  g_assert_cmpstrv (mg_annotation_get_tags (a), mg_annotation_get_tags (b));
  g_assert_cmpstr (mg_annotation_get_exact (a), ==, mg_annotation_get_exact (b));
  g_assert_cmpstr (mg_annotation_get_prefix (a), ==, mg_annotation_get_prefix (b));
  g_assert_cmpstr (mg_annotation_get_suffix (a), ==, mg_annotation_get_suffix (b));
  g_assert_cmpuint (mg_annotation_get_start (a), ==, mg_annotation_get_start (b));
  g_assert_cmpuint (mg_annotation_get_end (a), ==, mg_annotation_get_end (b));
}

static void
test_copy (void)
{
  g_autoptr (MgDocument) document = document_new ("Some text to highlight, with context.");
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 5, 9, MG_COLOR_GREEN);
  g_autoptr (MgAnnotation) copy = NULL;
  const char *tags[] = { "x", "y", NULL };

  mg_annotation_set_note (annotation, "note");
  mg_annotation_set_tags (annotation, tags);
  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_MOVED, 6, 10);

  copy = mg_annotation_copy (annotation);
  g_assert_true (copy != annotation);
  assert_same_annotation (annotation, copy);
  g_assert_cmpint (mg_annotation_get_state (copy), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (mg_annotation_get_range_start (copy), ==, 6);
  g_assert_cmpuint (mg_annotation_get_range_end (copy), ==, 10);

  /* Deep: editing the copy leaves the original alone. */
  mg_annotation_set_note (copy, "other");
  mg_annotation_set_tags (copy, NULL);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "note");
  g_assert_cmpstrv (mg_annotation_get_tags (annotation), tags);
}

static void
test_colors (void)
{
  MgColor color;
  guint   i;

  for (i = 0; i < MG_N_COLORS; i++)
    {
      g_assert_true (mg_color_from_string (mg_color_to_string (i), &color));
      g_assert_cmpint (color, ==, i);
    }

  g_assert_cmpstr (mg_color_to_string (MG_COLOR_ORANGE), ==, "orange");
  g_assert_true (mg_color_from_string ("Purple", &color));
  g_assert_cmpint (color, ==, MG_COLOR_PURPLE);
  g_assert_false (mg_color_from_string ("#ff0000", &color));
  g_assert_cmpint (color, ==, MG_COLOR_YELLOW);
  g_assert_false (mg_color_from_string (NULL, NULL));
  g_assert_true (g_type_is_a (MG_TYPE_COLOR, G_TYPE_ENUM));
}

static void
test_timestamp_format (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_offset (2 * 3600);
  g_autoptr (GDateTime) local = g_date_time_new (tz, 2026, 11, 30, 12, 28, 37.123456);
  g_autoptr (GDateTime) early = g_date_time_new_utc (7, 1, 2, 3, 4, 5);
  g_autofree char *str = mg_format_timestamp (local);
  g_autofree char *early_str = mg_format_timestamp (early);

  g_assert_cmpstr (str, ==, "2026-11-30T10:28:37.123Z");
  g_assert_cmpstr (early_str, ==, "0007-01-02T03:04:05.000Z");
}

static void
test_timestamp_parse (void)
{
  const char *garbage[] = {
    "",
    "yesterday",
    "2026-11-30",
    "2026-13-01T00:00:00Z",
    "2026-11-30T25:00:00Z",
    "2026-11-30T10:28:37.123Zjunk",
    "2026-11-30T10:28:37.1234567890123456789012345678901234567890123456789012345Z",
  };
  g_autoptr (GDateTime) offset = timestamp ("2026-11-30T12:28:37.123+02:00");
  g_autoptr (GDateTime) no_zone = timestamp ("2026-11-30T10:28:37.123");
  g_autoptr (GDateTime) fine = timestamp ("2026-11-30T10:28:37.123999Z");
  g_autofree char *offset_str = mg_format_timestamp (offset);
  g_autofree char *no_zone_str = mg_format_timestamp (no_zone);
  g_autofree char *fine_str = mg_format_timestamp (fine);
  guint            i;

  g_assert_cmpstr (offset_str, ==, "2026-11-30T10:28:37.123Z");
  g_assert_cmpint (g_date_time_get_utc_offset (offset), ==, 0);
  g_assert_cmpstr (no_zone_str, ==, "2026-11-30T10:28:37.123Z");
  /* Truncated to the file's precision, so it compares equal once saved. */
  g_assert_cmpstr (fine_str, ==, "2026-11-30T10:28:37.123Z");
  g_assert_cmpint (g_date_time_get_microsecond (fine), ==, 123000);

  for (i = 0; i < G_N_ELEMENTS (garbage); i++)
    g_assert_null (mg_parse_timestamp (garbage[i]));
  g_assert_null (mg_parse_timestamp (NULL));
}

/* Saving and loading format and parse every timestamp: each millisecond
 * of a minute reads back as itself, in GLib's UTC zone, whatever the
 * zone it was formatted from. */
static void
test_timestamp_every_millisecond (void)
{
  g_autoptr (GTimeZone) zero = g_time_zone_new_offset (0);
  g_autoptr (GTimeZone) east = g_time_zone_new_offset (5 * 3600 + 30 * 60);

  for (guint second = 0; second < 60; second++)
    {
      for (guint ms = 0; ms < 1000; ms++)
        {
          g_autofree char *str = g_strdup_printf ("2024-02-29T23:59:%02u.%03uZ", second, ms);
          g_autoptr (GDateTime) parsed = mg_parse_timestamp (str);
          g_autoptr (GDateTime) at_zero = NULL;
          g_autoptr (GDateTime) in_east = NULL;
          g_autofree char *again = NULL;
          g_autofree char *from_zero = NULL;
          g_autofree char *from_east = NULL;

          g_assert_nonnull (parsed);
          g_assert_cmpstr (g_time_zone_get_identifier (g_date_time_get_timezone (parsed)), ==, "UTC");
          g_assert_cmpint (g_date_time_get_microsecond (parsed), ==, ms * 1000);

          again = mg_format_timestamp (parsed);
          g_assert_cmpstr (again, ==, str);

          at_zero = g_date_time_to_timezone (parsed, zero);
          from_zero = mg_format_timestamp (at_zero);
          g_assert_cmpstr (from_zero, ==, str);

          in_east = g_date_time_to_timezone (parsed, east);
          from_east = mg_format_timestamp (in_east);
          g_assert_cmpstr (from_east, ==, str);
        }
    }
}

static void
test_timestamp_limits (void)
{
  g_autoptr (GDateTime) first = g_date_time_new_utc (1, 1, 1, 0, 0, 0);
  g_autoptr (GDateTime) last = g_date_time_new_utc (9999, 12, 31, 23, 59, 59.999999);
  g_autoptr (GTimeZone) west = g_time_zone_new_offset (-(10 * 3600));
  g_autoptr (GDateTime) west_time = g_date_time_new (west, 2025, 12, 31, 20, 0, 0.5);
  g_autoptr (GDateTime) parsed = NULL;
  g_autofree char *first_str = mg_format_timestamp (first);
  g_autofree char *last_str = mg_format_timestamp (last);
  g_autofree char *west_str = mg_format_timestamp (west_time);

  g_assert_cmpstr (first_str, ==, "0001-01-01T00:00:00.000Z");
  g_assert_cmpstr (last_str, ==, "9999-12-31T23:59:59.999Z");
  g_assert_cmpstr (west_str, ==, "2026-01-01T06:00:00.500Z");

  /* A time given in another zone is read into UTC. */
  parsed = mg_parse_timestamp ("2025-12-31T20:00:00.500-10:00");
  g_assert_nonnull (parsed);
  g_assert_cmpstr (g_time_zone_get_identifier (g_date_time_get_timezone (parsed)), ==, "UTC");
  g_assert_true (g_date_time_equal (parsed, west_time));
}

static void
test_json_key_order (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgAnnotation) annotation = annotation_from_string (fixed_json, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = annotation_to_string (annotation);
  g_assert_cmpstr (text, ==, fixed_json);
}

static void
test_json_highlight_only (void)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  annotation = annotation_from_string ("{\"id\":\"urn:uuid:1\","
                                       "\"created\":\"2026-01-02T03:04:05.006Z\","
                                       "\"target\":{\"selector\":{\"type\":\"TextQuoteSelector\",\"exact\":\"x\"}}}",
                                       &error);
  g_assert_no_error (error);
  text = annotation_to_string (annotation);
  g_assert_cmpstr (text, ==,
                   "{\"id\":\"urn:uuid:1\",\"type\":\"Annotation\",\"motivation\":\"highlighting\","
                   "\"created\":\"2026-01-02T03:04:05.006Z\",\"modified\":\"2026-01-02T03:04:05.006Z\","
                   "\"color\":\"yellow\",\"body\":[],"
                   "\"target\":{\"selector\":["
                   "{\"type\":\"TextQuoteSelector\",\"exact\":\"x\",\"prefix\":\"\",\"suffix\":\"\"},"
                   "{\"type\":\"TextPositionSelector\",\"start\":0,\"end\":0}]}}");
}

static void
test_json_round_trip (void)
{
  g_autoptr (MgDocument) document = document_new ("Ünïcödé text 😀 with \"quotes\", \\backslashes\\ and\nnew lines.");
  g_autoptr (MgAnnotation) annotation = mg_annotation_new_for_range (document, 13, 30, MG_COLOR_PURPLE);
  g_autoptr (MgAnnotation) loaded = NULL;
  g_autoptr (MgAnnotation) reloaded = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  const char      *tags[] = { "émoji 😀", "b", NULL };
  guint            i;

  mg_annotation_set_note (annotation, "# Heading\n\n- *one*\n- `two`\n\"quoted\" </script>");
  mg_annotation_set_tags (annotation, tags);

  text = annotation_to_string (annotation);
  node = parse_json (text);
  loaded = mg_annotation_new_from_json (node, &error);
  g_assert_no_error (error);
  assert_same_annotation (annotation, loaded);
  g_assert_cmpint (mg_annotation_get_state (loaded), ==, MG_ANNOTATION_STATE_ORPHANED);

  /* And the text it writes is the same text. */
  text2 = annotation_to_string (loaded);
  g_assert_cmpstr (text, ==, text2);

  /* Every colour survives. */
  for (i = 0; i < MG_N_COLORS; i++)
    {
      g_autoptr (MgAnnotation) colored = mg_annotation_new ("q", NULL, NULL, 1, 2, i);
      g_autofree char *colored_text = annotation_to_string (colored);
      g_autoptr (MgAnnotation) back = annotation_from_string (colored_text, &error);

      g_assert_no_error (error);
      assert_same_annotation (colored, back);
    }

  /* Through a pretty-printed file too. */
  {
    g_autoptr (JsonGenerator) generator = json_generator_new ();
    g_autofree char *pretty = NULL;

    json_generator_set_pretty (generator, TRUE);
    json_generator_set_root (generator, node);
    pretty = json_generator_to_data (generator, NULL);
    reloaded = annotation_from_string (pretty, &error);
    g_assert_no_error (error);
    assert_same_annotation (annotation, reloaded);
  }
}

static void
test_json_defaults (void)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_now_utc ();

  /* Unknown colour, no dates, one selector as an object, null members,
   * unknown members and body types, numbers written as floating point. */
  annotation = annotation_from_string ("{\"id\":\"x\",\"color\":\"chartreuse\",\"note\":null,"
                                       "\"@context\":\"http://www.w3.org/ns/anno.jsonld\","
                                       "\"body\":{\"type\":\"Image\",\"id\":\"http://example.com/a.png\"},"
                                       "\"target\":{\"source\":\"file:///a.txt\",\"selector\":"
                                       "[{\"type\":\"CssSelector\",\"value\":\"#p1\"},"
                                       "{\"type\":\"TextPositionSelector\",\"start\":2.0,\"end\":7},"
                                       "{\"type\":\"TextQuoteSelector\",\"exact\":\"hello\",\"prefix\":null},"
                                       "{\"type\":\"TextQuoteSelector\",\"exact\":\"second\"}]}}",
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mg_annotation_get_id (annotation), ==, "x");
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_YELLOW);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "");
  g_assert_null (mg_annotation_get_tags (annotation)[0]);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "hello");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 2);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 7);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);
  /* No dates at all: the time of loading. */
  g_assert_cmpint (g_date_time_difference (mg_annotation_get_created (annotation), before), >, -1000);
  g_assert_true (g_date_time_equal (mg_annotation_get_created (annotation),
                                    mg_annotation_get_modified (annotation)));
  g_clear_object (&annotation);

  /* Only modified: created borrows it. No position: 0. */
  annotation = annotation_from_string ("{\"id\":\"y\",\"modified\":\"2020-02-02T02:02:02Z\","
                                       "\"body\":[\"http://example.com/iri\","
                                       "{\"value\":\"untyped note\"},"
                                       "{\"type\":\"TextualBody\",\"purpose\":\"commenting\",\"value\":\"second\"}],"
                                       "\"target\":{\"selector\":[{\"type\":\"TextQuoteSelector\",\"exact\":\"q\"}]}}",
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_get_year (mg_annotation_get_created (annotation)), ==, 2020);
  g_assert_true (g_date_time_equal (mg_annotation_get_created (annotation),
                                    mg_annotation_get_modified (annotation)));
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "untyped note\n\nsecond");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 0);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 0);
}

static void
test_json_hypothesis (void)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  const char      *tags[] = { "one", "two", NULL };
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;

  annotation = annotation_from_string (
      "{\"id\":\"Ab12Cd34Ef\","
      "\"created\":\"2019-05-01T10:00:00.123456+00:00\","
      "\"updated\":\"2019-05-02T12:00:00+02:00\","
      "\"user\":\"acct:reader@hypothes.is\","
      "\"uri\":\"https://example.com/article\","
      "\"text\":\"A **note**\","
      "\"tags\":[\"one\",\" two \",\"one\"],"
      "\"permissions\":{\"read\":[\"group:__world__\"]},"
      "\"target\":[{\"source\":\"https://example.com/article\",\"selector\":["
      "{\"type\":\"RangeSelector\",\"startContainer\":\"/div[1]/p[2]\",\"startOffset\":0,"
      "\"endContainer\":\"/div[1]/p[2]\",\"endOffset\":5},"
      "{\"type\":\"TextPositionSelector\",\"start\":10,\"end\":15},"
      "{\"type\":\"TextQuoteSelector\",\"exact\":\"hello\",\"prefix\":\"say \",\"suffix\":\" world\"}]},"
      "{\"source\":\"https://example.com/other\"}]}",
      &error);
  g_assert_no_error (error);

  created = mg_format_timestamp (mg_annotation_get_created (annotation));
  modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  g_assert_cmpstr (mg_annotation_get_id (annotation), ==, "Ab12Cd34Ef");
  g_assert_cmpstr (created, ==, "2019-05-01T10:00:00.123Z");
  g_assert_cmpstr (modified, ==, "2019-05-02T10:00:00.000Z");
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "A **note**");
  g_assert_cmpstrv (mg_annotation_get_tags (annotation), tags);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "hello");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "say ");
  g_assert_cmpstr (mg_annotation_get_suffix (annotation), ==, " world");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 10);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 15);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);
}

#define TARGET "\"target\":{\"selector\":[{\"type\":\"TextQuoteSelector\",\"exact\":\"q\"}]}"
#define POSITION(start, end)                                                                  \
  "{\"id\":\"x\",\"target\":{\"selector\":[{\"type\":\"TextQuoteSelector\",\"exact\":\"q\"}," \
  "{\"type\":\"TextPositionSelector\",\"start\":" start ",\"end\":" end "}]}}"
#define SELECTOR(selector) \
  "{\"id\":\"x\",\"target\":{\"selector\":[" selector "]}}"

static void
test_json_malformed (void)
{
  static const char *const bad[] = {
    /* Not an annotation object at all. */
    "[]",
    "\"urn:uuid:x\"",
    "42",
    "null",
    "{\"type\":\"AnnotationCollection\",\"id\":\"x\"," TARGET "}",
    "{\"type\":7,\"id\":\"x\"," TARGET "}",
    /* The id. */
    "{" TARGET "}",
    "{\"id\":null," TARGET "}",
    "{\"id\":42," TARGET "}",
    "{\"id\":\"\"," TARGET "}",
    "{\"id\":[\"x\"]," TARGET "}",
    "{\"id\":{\"x\":1}," TARGET "}",
    /* The target. */
    "{\"id\":\"x\"}",
    "{\"id\":\"x\",\"target\":\"http://example.com/\"}",
    "{\"id\":\"x\",\"target\":[]}",
    "{\"id\":\"x\",\"target\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    "{\"id\":\"x\",\"target\":{}}",
    "{\"id\":\"x\",\"target\":{\"selector\":null}}",
    "{\"id\":\"x\",\"target\":{\"selector\":[]}}",
    "{\"id\":\"x\",\"target\":{\"selector\":\"TextQuoteSelector\"}}",
    SELECTOR ("1, 2"),
    SELECTOR ("{\"type\":\"RangeSelector\"}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\"}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":\"\"}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":\"\\u0000hidden\"}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":5}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":[\"q\"]}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":\"q\",\"prefix\":false}"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":\"q\",\"suffix\":{}}"),
    SELECTOR ("{\"type\":[],\"exact\":\"q\"}"),
    /* Positions. */
    POSITION ("-1", "3"),
    POSITION ("5", "3"),
    POSITION ("0", "4294967296"),
    POSITION ("0", "2147483648"),
    POSITION ("0", "1e300"),
    POSITION ("0", "-1e300"),
    POSITION ("0", "2.5"),
    POSITION ("\"0\"", "3"),
    POSITION ("true", "3"),
    POSITION ("null", "3"),
    POSITION ("[0]", "3"),
    POSITION ("0", "99999999999999999999999999"),
    POSITION ("0", "-9223372036854775809"),
    SELECTOR ("{\"type\":\"TextQuoteSelector\",\"exact\":\"q\"},{\"type\":\"TextPositionSelector\",\"start\":1}"),
    /* Dates. */
    "{\"id\":\"x\",\"created\":\"yesterday\"," TARGET "}",
    "{\"id\":\"x\",\"created\":17," TARGET "}",
    "{\"id\":\"x\",\"modified\":\"2026-13-45T99:00:00Z\"," TARGET "}",
    "{\"id\":\"x\",\"updated\":[]," TARGET "}",
    /* Colour, body and tags. */
    "{\"id\":\"x\",\"color\":3," TARGET "}",
    "{\"id\":\"x\",\"color\":{\"name\":\"red\"}," TARGET "}",
    "{\"id\":\"x\",\"body\":7," TARGET "}",
    "{\"id\":\"x\",\"body\":[[]]," TARGET "}",
    "{\"id\":\"x\",\"body\":[{\"type\":\"TextualBody\",\"value\":3}]," TARGET "}",
    "{\"id\":\"x\",\"body\":[{\"type\":\"TextualBody\"}]," TARGET "}",
    "{\"id\":\"x\",\"body\":[{\"type\":\"TextualBody\",\"purpose\":1,\"value\":\"v\"}]," TARGET "}",
    "{\"id\":\"x\",\"text\":[]," TARGET "}",
    "{\"id\":\"x\",\"tags\":[1]," TARGET "}",
    "{\"id\":\"x\",\"tags\":{}," TARGET "}",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MgAnnotation) annotation = NULL;

      g_test_message ("Input %u: %s", i, bad[i]);
      annotation = annotation_from_string (bad[i], &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_null (annotation);
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_test_message ("  -> %s", error->message);
    }

  /* Passing no error location is fine as well. */
  {
    g_autoptr (JsonNode) node = parse_json ("{}");

    g_assert_null (mg_annotation_new_from_json (node, NULL));
  }
}

static void
test_json_hostile_sizes (void)
{
  g_autoptr (GString) json = g_string_new ("{\"id\":\"x\",\"tags\":[");
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  guint i;

  /* 100,000 tags, nearly all duplicates: normalising stays linear. */
  for (i = 0; i < 100000; i++)
    g_string_append_printf (json, "%s\"tag%u\"", i ? "," : "", i % 100);
  g_string_append (json, "]," TARGET "}");

  annotation = annotation_from_string (json->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **) mg_annotation_get_tags (annotation)), ==, 100);
  g_assert_cmpstr (mg_annotation_get_tags (annotation)[99], ==, "tag99");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/annotation/id/format-and-uniqueness", test_id_format);
  g_test_add_func ("/annotation/new/defaults", test_new_defaults);
  g_test_add_func ("/annotation/new-for-range/context", test_context_middle);
  g_test_add_func ("/annotation/new-for-range/text-start-and-end", test_context_edges);
  g_test_add_func ("/annotation/new-for-range/code-points", test_context_code_points);
  g_test_add_func ("/annotation/new-for-range/context-in-code-points", test_context_long_code_points);
  g_test_add_func ("/annotation/setters/color", test_setters_color);
  g_test_add_func ("/annotation/setters/note", test_setters_note);
  g_test_add_func ("/annotation/setters/tags", test_setters_tags);
  g_test_add_func ("/annotation/tags/normalized", test_tags_normalized);
  g_test_add_func ("/annotation/anchor/not-an-edit", test_set_anchor);
  g_test_add_func ("/annotation/target/re-attach", test_set_target);
  g_test_add_func ("/annotation/copy/same-id", test_copy);
  g_test_add_func ("/annotation/color/strings", test_colors);
  g_test_add_func ("/annotation/timestamp/format", test_timestamp_format);
  g_test_add_func ("/annotation/timestamp/parse", test_timestamp_parse);
  g_test_add_func ("/annotation/timestamp/every-millisecond", test_timestamp_every_millisecond);
  g_test_add_func ("/annotation/timestamp/limits", test_timestamp_limits);
  g_test_add_func ("/annotation/json/key-order", test_json_key_order);
  g_test_add_func ("/annotation/json/highlight-only", test_json_highlight_only);
  g_test_add_func ("/annotation/json/round-trip", test_json_round_trip);
  g_test_add_func ("/annotation/json/defaults", test_json_defaults);
  g_test_add_func ("/annotation/json/hypothesis", test_json_hypothesis);
  g_test_add_func ("/annotation/json/malformed", test_json_malformed);
  g_test_add_func ("/annotation/json/hostile-sizes", test_json_hostile_sizes);

  return g_test_run ();
}
