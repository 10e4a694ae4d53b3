/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-annotation-list"

#include "config.h"

#include <string.h>

#include "mg-annotation-list.h"
#include "mg-document-loader.h"
#include "mg-document.h"

/* An annotation with a chosen id, creation time and anchoring. */
static MgAnnotation *
annotation_new (const char       *id,
                guint             created_sec,
                MgAnnotationState state,
                guint             start,
                guint             end)
{
  g_autoptr (GDateTime) created = g_date_time_new_utc (2026, 1, 1, 0, 0, created_sec % 60);
  MgAnnotation *annotation;

  annotation = g_object_new (MG_TYPE_ANNOTATION, "id", id, "created", created, NULL);
  mg_annotation_set_anchor (annotation, state, start, end);

  return annotation;
}

/* Annotations loaded from a file are orphans at their stored position. */
static MgAnnotation *
orphan_new (const char *id,
            guint       stored_start,
            guint       stored_end)
{
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  MgAnnotation *annotation;

  json = g_strdup_printf ("{\"id\":\"%s\",\"created\":\"2026-01-01T00:00:00Z\","
                          "\"target\":{\"selector\":["
                          "{\"type\":\"TextQuoteSelector\",\"exact\":\"q\"},"
                          "{\"type\":\"TextPositionSelector\",\"start\":%u,\"end\":%u}]}}",
                          id, stored_start, stored_end);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  annotation = mg_annotation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);

  return annotation;
}

static void
assert_ids (MgAnnotationList  *list,
            const char *const *ids)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint i;

  g_assert_cmpuint (n, ==, g_strv_length ((char **) ids));
  for (i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (mg_annotation_get_id (annotation), ==, ids[i]);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n));
}

/* Records every items-changed, and keeps a mirror of the model built only
 * from the signals, which must always equal the model. */
typedef struct
{
  GArray    *emissions; /* guint triples */
  GPtrArray *mirror;
} Recorder;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *recorder)
{
  guint triple[3] = { position, removed, added };
  guint i;

  g_array_append_vals (recorder->emissions, triple, 3);

  g_assert_cmpuint (position + removed, <=, recorder->mirror->len);
  g_ptr_array_remove_range (recorder->mirror, position, removed);
  for (i = 0; i < added; i++)
    g_ptr_array_insert (recorder->mirror, position + i, g_list_model_get_item (model, position + i));

  g_assert_cmpuint (recorder->mirror->len, ==, g_list_model_get_n_items (model));
}

static Recorder *
recorder_new (MgAnnotationList *list)
{
  Recorder *recorder = g_new0 (Recorder, 1);
  guint     n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint     i;

  recorder->emissions = g_array_new (FALSE, FALSE, sizeof (guint));
  recorder->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < n; i++)
    g_ptr_array_add (recorder->mirror, g_list_model_get_item (G_LIST_MODEL (list), i));
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), recorder);

  return recorder;
}

static void
recorder_free (Recorder *recorder)
{
  g_array_unref (recorder->emissions);
  g_ptr_array_unref (recorder->mirror);
  g_free (recorder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static void
recorder_clear (Recorder *recorder)
{
  g_array_set_size (recorder->emissions, 0);
}

/* Asserts the emissions since the last clear, as (pos, removed, added)
 * triples ending with G_MAXUINT, then clears them. */
static void
assert_emissions (Recorder *recorder,
                  ...)
{
  va_list args;
  guint   i = 0;

  va_start (args, recorder);
  for (;;)
    {
      guint position = va_arg (args, guint);

      if (position == G_MAXUINT)
        break;

      g_assert_cmpuint (i + 3, <=, recorder->emissions->len);
      g_assert_cmpuint (g_array_index (recorder->emissions, guint, i), ==, position);
      g_assert_cmpuint (g_array_index (recorder->emissions, guint, i + 1), ==, va_arg (args, guint));
      g_assert_cmpuint (g_array_index (recorder->emissions, guint, i + 2), ==, va_arg (args, guint));
      i += 3;
    }
  va_end (args);

  g_assert_cmpuint (i, ==, recorder->emissions->len);
  recorder_clear (recorder);
}

static void
assert_mirror (Recorder         *recorder,
               MgAnnotationList *list)
{
  guint i;

  g_assert_cmpuint (recorder->mirror->len, ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
  for (i = 0; i < recorder->mirror->len; i++)
    {
      g_autoptr (MgAnnotation) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (item == g_ptr_array_index (recorder->mirror, i));
    }
}

#define END G_MAXUINT

/* ------------------------------------------------------------------ */

static void
test_model_basics (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 1, 2);
  g_autoptr (MgAnnotation) item = NULL;
  guint n_items = 99;

  g_assert_true (G_IS_LIST_MODEL (list));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == MG_TYPE_ANNOTATION);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));

  mg_annotation_list_add (list, a);
  item = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (item == a);
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 1);
}

static void
test_order_sorted (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  const char *expected[] = { "s0", "s5-e7", "s5-e9-t1", "s5-e9-t2-a", "s5-e9-t2-b", "moved-s6", "s10", NULL };
  guint       order[] = { 3, 6, 0, 4, 2, 5, 1 };
  guint       i;

  g_ptr_array_add (annotations, annotation_new ("s0", 9, MG_ANNOTATION_STATE_ANCHORED, 0, 100));
  g_ptr_array_add (annotations, annotation_new ("s5-e7", 9, MG_ANNOTATION_STATE_ANCHORED, 5, 7));
  g_ptr_array_add (annotations, annotation_new ("s5-e9-t1", 1, MG_ANNOTATION_STATE_ANCHORED, 5, 9));
  g_ptr_array_add (annotations, annotation_new ("s5-e9-t2-a", 2, MG_ANNOTATION_STATE_ANCHORED, 5, 9));
  g_ptr_array_add (annotations, annotation_new ("s5-e9-t2-b", 2, MG_ANNOTATION_STATE_ANCHORED, 5, 9));
  g_ptr_array_add (annotations, annotation_new ("moved-s6", 0, MG_ANNOTATION_STATE_MOVED, 6, 7));
  g_ptr_array_add (annotations, annotation_new ("s10", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 11));

  /* One by one, in a scrambled order. */
  for (i = 0; i < G_N_ELEMENTS (order); i++)
    mg_annotation_list_add (list, g_ptr_array_index (annotations, order[i]));
  assert_ids (list, expected);

  /* All at once. */
  mg_annotation_list_remove_all (list);
  mg_annotation_list_add_many (list, annotations);
  assert_ids (list, expected);
}

static void
test_order_orphans_last (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) o1 = orphan_new ("o-b", 3, 4);
  g_autoptr (MgAnnotation) o2 = orphan_new ("o-a", 3, 9);
  g_autoptr (MgAnnotation) o3 = orphan_new ("o-c", 0, 100);
  g_autoptr (MgAnnotation) a1 = annotation_new ("a1", 0, MG_ANNOTATION_STATE_ANCHORED, 50, 60);
  g_autoptr (MgAnnotation) a2 = annotation_new ("a2", 0, MG_ANNOTATION_STATE_MOVED, 1000, 1001);
  const char *expected[] = { "a1", "a2", "o-c", "o-a", "o-b", NULL };
  const char *anchored[] = { "o-a", "a1", "a2", "o-c", "o-b", NULL };

  mg_annotation_list_add (list, o1);
  mg_annotation_list_add (list, a2);
  mg_annotation_list_add (list, o2);
  mg_annotation_list_add (list, a1);
  mg_annotation_list_add (list, o3);
  assert_ids (list, expected);

  /* An orphan that gets anchored joins the document order. */
  mg_annotation_set_anchor (o2, MG_ANNOTATION_STATE_MOVED, 2, 3);
  assert_ids (list, anchored);

  /* And one that loses its place goes back among the orphans. */
  mg_annotation_set_anchor (o2, MG_ANNOTATION_STATE_ORPHANED, 2, 3);
  assert_ids (list, expected);
}

static void
test_items_changed_add_remove (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = recorder_new (list);
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) b = annotation_new ("b", 0, MG_ANNOTATION_STATE_ANCHORED, 30, 40);
  g_autoptr (MgAnnotation) c = annotation_new ("c", 0, MG_ANNOTATION_STATE_ANCHORED, 20, 25);
  g_autoptr (MgAnnotation) o = orphan_new ("o", 0, 1);
  g_autoptr (MgAnnotation) stranger = annotation_new ("stranger", 0, MG_ANNOTATION_STATE_ANCHORED, 1, 2);

  mg_annotation_list_add (list, a);
  assert_emissions (recorder, 0, 0, 1, END);
  mg_annotation_list_add (list, b);
  assert_emissions (recorder, 1, 0, 1, END);
  mg_annotation_list_add (list, c);
  assert_emissions (recorder, 1, 0, 1, END);
  mg_annotation_list_add (list, o);
  assert_emissions (recorder, 3, 0, 1, END);

  g_assert_true (mg_annotation_list_remove (list, c));
  assert_emissions (recorder, 1, 1, 0, END);
  g_assert_false (mg_annotation_list_remove (list, c));
  g_assert_false (mg_annotation_list_remove (list, stranger));
  assert_emissions (recorder, END);

  g_assert_true (mg_annotation_list_remove (list, a));
  assert_emissions (recorder, 0, 1, 0, END);

  mg_annotation_list_remove_all (list);
  assert_emissions (recorder, 0, 2, 0, END);
  mg_annotation_list_remove_all (list);
  assert_emissions (recorder, END);
  assert_mirror (recorder, list);

  /* A removed annotation is no longer listened to. */
  mg_annotation_set_note (a, "after removal");
  mg_annotation_set_anchor (b, MG_ANNOTATION_STATE_MOVED, 0, 1);
  assert_emissions (recorder, END);
}

static void
test_items_changed_update_in_place (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = NULL;
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) b = annotation_new ("b", 0, MG_ANNOTATION_STATE_ANCHORED, 30, 40);
  g_autoptr (MgAnnotation) c = annotation_new ("c", 0, MG_ANNOTATION_STATE_ANCHORED, 50, 60);
  const char *tags[] = { "t", NULL };

  mg_annotation_list_add (list, a);
  mg_annotation_list_add (list, b);
  mg_annotation_list_add (list, c);
  recorder = recorder_new (list);

  mg_annotation_set_color (b, MG_COLOR_GREEN);
  assert_emissions (recorder, 1, 1, 1, END);
  mg_annotation_set_note (b, "note");
  assert_emissions (recorder, 1, 1, 1, END);
  mg_annotation_set_tags (b, tags);
  assert_emissions (recorder, 1, 1, 1, END);

  /* No change, no emission. */
  mg_annotation_set_note (b, "note");
  mg_annotation_set_anchor (b, MG_ANNOTATION_STATE_ANCHORED, 30, 40);
  assert_emissions (recorder, END);

  /* A change of state in place, and a move that keeps the position: one
   * emission each, though the anchoring notifies three properties. */
  mg_annotation_set_anchor (b, MG_ANNOTATION_STATE_MOVED, 30, 40);
  assert_emissions (recorder, 1, 1, 1, END);
  mg_annotation_set_anchor (b, MG_ANNOTATION_STATE_ANCHORED, 31, 45);
  assert_emissions (recorder, 1, 1, 1, END);

  /* Explicit updates work too. */
  mg_annotation_list_update (list, c);
  assert_emissions (recorder, 2, 1, 1, END);
  assert_mirror (recorder, list);
}

static void
test_items_changed_update_moves (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = NULL;
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) b = annotation_new ("b", 0, MG_ANNOTATION_STATE_ANCHORED, 30, 40);
  g_autoptr (MgAnnotation) c = annotation_new ("c", 0, MG_ANNOTATION_STATE_ANCHORED, 50, 60);
  g_autoptr (MgAnnotation) d = annotation_new ("d", 0, MG_ANNOTATION_STATE_ANCHORED, 70, 80);
  const char *after_first[] = { "b", "c", "a", "d", NULL };
  const char *after_second[] = { "d", "b", "c", "a", NULL };
  const char *after_orphan[] = { "d", "c", "a", "b", NULL };

  mg_annotation_list_add (list, a);
  mg_annotation_list_add (list, b);
  mg_annotation_list_add (list, c);
  mg_annotation_list_add (list, d);
  recorder = recorder_new (list);

  /* Moving down: removed at 0, inserted at 2. */
  mg_annotation_set_anchor (a, MG_ANNOTATION_STATE_MOVED, 65, 66);
  assert_emissions (recorder, 0, 1, 0, 2, 0, 1, END);
  assert_ids (list, after_first);

  /* Moving up. */
  mg_annotation_set_anchor (d, MG_ANNOTATION_STATE_MOVED, 1, 2);
  assert_emissions (recorder, 3, 1, 0, 0, 0, 1, END);
  assert_ids (list, after_second);

  /* Becoming an orphan: to the end. */
  mg_annotation_set_anchor (b, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  assert_emissions (recorder, 1, 1, 0, 3, 0, 1, END);
  assert_ids (list, after_orphan);
  assert_mirror (recorder, list);
}

static void
test_items_changed_set_target (void)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = NULL;
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) o = orphan_new ("o", 0, 1);
  g_autoptr (GError) error = NULL;
  const char *expected[] = { "o", "a", NULL };
  const char *text = "Some text of the document, long enough for a few annotations.";

  bytes = g_bytes_new_static (text, strlen (text));
  document = mg_document_loader_load_bytes (bytes, "file:///t.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  mg_annotation_list_add (list, a);
  mg_annotation_list_add (list, o);
  recorder = recorder_new (list);

  /* Re-attaching an orphan moves it, reported once as a move, not once
   * per notified property plus once for ::changed. */
  mg_annotation_set_target (o, document, 0, 4);
  assert_emissions (recorder, 1, 1, 0, 0, 0, 1, END);
  assert_ids (list, expected);
  assert_mirror (recorder, list);
}

static void
test_items_changed_replace (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = NULL;
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) b = annotation_new ("b", 0, MG_ANNOTATION_STATE_ANCHORED, 30, 40);
  g_autoptr (MgAnnotation) b_copy = mg_annotation_copy (b);
  g_autoptr (MgAnnotation) b_moved = mg_annotation_copy (b);
  guint position;

  mg_annotation_list_add (list, a);
  mg_annotation_list_add (list, b);
  recorder = recorder_new (list);

  /* Same id, same place: replaced in place. */
  mg_annotation_list_add (list, b_copy);
  assert_emissions (recorder, 1, 1, 1, END);
  g_assert_true (mg_annotation_list_lookup (list, "b") == b_copy);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* The old one is no longer listened to, the new one is. */
  mg_annotation_set_note (b, "old");
  assert_emissions (recorder, END);
  mg_annotation_set_note (b_copy, "new");
  assert_emissions (recorder, 1, 1, 1, END);

  /* Same id, elsewhere: a move. */
  mg_annotation_set_anchor (b_moved, MG_ANNOTATION_STATE_ANCHORED, 1, 2);
  mg_annotation_list_add (list, b_moved);
  assert_emissions (recorder, 1, 1, 0, 0, 0, 1, END);
  g_assert_true (mg_annotation_list_find (list, b_moved, &position));
  g_assert_cmpuint (position, ==, 0);

  /* Adding the same object again refreshes it. */
  mg_annotation_list_add (list, b_moved);
  assert_emissions (recorder, 0, 1, 1, END);
  assert_mirror (recorder, list);
}

static void
test_add_many_single_emission (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = recorder_new (list);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (MgAnnotation) dup_first = annotation_new ("dup", 0, MG_ANNOTATION_STATE_ANCHORED, 5, 6);
  g_autoptr (MgAnnotation) dup_last = annotation_new ("dup", 0, MG_ANNOTATION_STATE_ANCHORED, 7, 8);
  guint i;

  for (i = 0; i < 100; i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%03u", i);

      g_ptr_array_add (batch, annotation_new (id, 0, MG_ANNOTATION_STATE_ANCHORED, 1000 - i * 10, 1000 - i * 10 + 5));
    }

  mg_annotation_list_add_many (list, batch);
  assert_emissions (recorder, 0, 0, 100, END);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);

  /* Into a full list, with a replacement and a duplicate in the batch:
   * one emission, spanning only what changed. */
  g_ptr_array_add (second, annotation_new ("id-050", 0, MG_ANNOTATION_STATE_ANCHORED, 505, 507));
  g_ptr_array_add (second, g_object_ref (dup_first));
  g_ptr_array_add (second, annotation_new ("new", 0, MG_ANNOTATION_STATE_ANCHORED, 515, 516));
  g_ptr_array_add (second, g_object_ref (dup_last));
  mg_annotation_list_add_many (list, second);
  /* "dup" (7..8) goes first, id-050 stays in place with a new object and
   * "new" (515) comes after id-049 (510): one span from 0 to just before
   * id-048 (520), which, like all after it, is untouched. */
  g_assert_cmpuint (recorder->emissions->len, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 102);
  g_assert_true (mg_annotation_list_lookup (list, "dup") == dup_last);
  assert_mirror (recorder, list);
  {
    guint position = g_array_index (recorder->emissions, guint, 0);
    guint removed = g_array_index (recorder->emissions, guint, 1);
    guint added = g_array_index (recorder->emissions, guint, 2);

    g_assert_cmpuint (position, ==, 0);
    g_assert_cmpuint (added, ==, removed + 2);
    g_assert_cmpuint (removed, <, 100);
  }
  recorder_clear (recorder);

  /* An empty batch says nothing. */
  g_ptr_array_set_size (second, 0);
  mg_annotation_list_add_many (list, second);
  assert_emissions (recorder, END);
}

static void
test_add_many_large (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GTimer) timer = g_timer_new ();
  g_autoptr (MgAnnotation) previous = NULL;
  g_autoptr (GPtrArray) found = NULL;
  guint i;

  for (i = 0; i < 10000; i++)
    {
      g_autofree char *id = g_strdup_printf ("urn:uuid:%u", i);
      guint            start = g_rand_int_range (rand, 0, 1000000);

      g_ptr_array_add (batch, annotation_new (id, i, i % 50 ? MG_ANNOTATION_STATE_ANCHORED : MG_ANNOTATION_STATE_ORPHANED,
                                              start, start + g_rand_int_range (rand, 1, 500)));
    }

  g_timer_start (timer);
  mg_annotation_list_add_many (list, batch);
  found = mg_annotation_list_lookup_at_offset (list, 500000);
  g_test_message ("add_many of 10,000 and one lookup: %.1f ms", g_timer_elapsed (timer, NULL) * 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10000);

  for (i = 0; i < 10000; i++)
    {
      g_autoptr (MgAnnotation) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      guint position;

      if (previous != NULL && mg_annotation_get_state (previous) != MG_ANNOTATION_STATE_ORPHANED && mg_annotation_get_state (item) != MG_ANNOTATION_STATE_ORPHANED)
        g_assert_cmpuint (mg_annotation_get_range_start (previous), <=, mg_annotation_get_range_start (item));
      if (previous != NULL && mg_annotation_get_state (previous) == MG_ANNOTATION_STATE_ORPHANED)
        g_assert_cmpint (mg_annotation_get_state (item), ==, MG_ANNOTATION_STATE_ORPHANED);

      g_assert_true (mg_annotation_list_find (list, item, &position));
      g_assert_cmpuint (position, ==, i);
      g_set_object (&previous, item);
    }
}

static void
test_lookup_by_id (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) a = annotation_new ("urn:uuid:a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) o = orphan_new ("urn:uuid:o", 0, 1);

  mg_annotation_list_add (list, a);
  mg_annotation_list_add (list, o);

  g_assert_true (mg_annotation_list_lookup (list, "urn:uuid:a") == a);
  g_assert_true (mg_annotation_list_lookup (list, "urn:uuid:o") == o);
  g_assert_null (mg_annotation_list_lookup (list, "urn:uuid:x"));
  g_assert_null (mg_annotation_list_lookup (list, ""));

  mg_annotation_list_remove (list, a);
  g_assert_null (mg_annotation_list_lookup (list, "urn:uuid:a"));
}

static void
test_find (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (MgAnnotation) stranger = annotation_new ("stranger", 0, MG_ANNOTATION_STATE_ANCHORED, 5, 6);
  g_autoptr (MgAnnotation) copy = NULL;
  guint position = 12345;
  guint i;

  /* Equal keys except the id. */
  for (i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("same-%02u", 49 - i);

      g_ptr_array_add (annotations, annotation_new (id, 0, MG_ANNOTATION_STATE_ANCHORED, 5, 6));
    }
  mg_annotation_list_add_many (list, annotations);

  for (i = 0; i < 50; i++)
    {
      g_assert_true (mg_annotation_list_find (list, g_ptr_array_index (annotations, i), &position));
      g_assert_cmpuint (position, ==, 49 - i);
    }

  g_assert_false (mg_annotation_list_find (list, stranger, &position));
  g_assert_true (mg_annotation_list_find (list, g_ptr_array_index (annotations, 0), NULL));

  /* A copy finds the original's position. */
  copy = mg_annotation_copy (g_ptr_array_index (annotations, 10));
  g_assert_true (mg_annotation_list_find (list, copy, &position));
  g_assert_cmpuint (position, ==, 39);
}

/* The annotations of @annotations that overlap [start, end), by scanning. */
static void
lookup_brute_force (GPtrArray *annotations,
                    guint      start,
                    guint      end,
                    GPtrArray *result)
{
  guint i;

  g_ptr_array_set_size (result, 0);
  for (i = 0; i < annotations->len && start < end; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (annotations, i);

      if (mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED && mg_annotation_get_range_start (annotation) < mg_annotation_get_range_end (annotation) && mg_annotation_get_range_start (annotation) < end && start < mg_annotation_get_range_end (annotation))
        g_ptr_array_add (result, annotation);
    }
}

static void
assert_found_matches (MgAnnotationList *list,
                      GPtrArray        *found,
                      GPtrArray        *expected)
{
  g_autoptr (GHashTable) set = g_hash_table_new (NULL, NULL);
  guint last_position = 0;
  guint i;

  g_assert_cmpuint (found->len, ==, expected->len);

  for (i = 0; i < expected->len; i++)
    g_hash_table_add (set, g_ptr_array_index (expected, i));

  for (i = 0; i < found->len; i++)
    {
      guint position;

      g_assert_true (g_hash_table_contains (set, g_ptr_array_index (found, i)));
      /* In document order. */
      g_assert_true (mg_annotation_list_find (list, g_ptr_array_index (found, i), &position));
      if (i > 0)
        g_assert_cmpuint (position, >, last_position);
      last_position = position;
    }
}

static void
assert_lookup_matches (MgAnnotationList *list,
                       GPtrArray        *annotations,
                       guint             offset)
{
  g_autoptr (GPtrArray) found = mg_annotation_list_lookup_at_offset (list, offset);
  g_autoptr (GPtrArray) expected = g_ptr_array_new ();

  if (offset < G_MAXUINT)
    lookup_brute_force (annotations, offset, offset + 1, expected);
  assert_found_matches (list, found, expected);
}

static void
assert_range_matches (MgAnnotationList *list,
                      GPtrArray        *annotations,
                      guint             start,
                      guint             end)
{
  g_autoptr (GPtrArray) found = mg_annotation_list_lookup_range (list, start, end);
  g_autoptr (GPtrArray) expected = g_ptr_array_new ();

  lookup_brute_force (annotations, start, end, expected);
  assert_found_matches (list, found, expected);
}

static void
test_lookup_at_offset_small (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) outer = annotation_new ("outer", 0, MG_ANNOTATION_STATE_ANCHORED, 0, 100);
  g_autoptr (MgAnnotation) inner = annotation_new ("inner", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  g_autoptr (MgAnnotation) overlap = annotation_new ("overlap", 0, MG_ANNOTATION_STATE_MOVED, 15, 30);
  g_autoptr (MgAnnotation) empty = annotation_new ("empty", 0, MG_ANNOTATION_STATE_ANCHORED, 17, 17);
  g_autoptr (MgAnnotation) o = orphan_new ("o", 0, 1000);
  g_autoptr (GPtrArray) found = NULL;

  found = mg_annotation_list_lookup_at_offset (list, 0);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  mg_annotation_list_add (list, outer);
  mg_annotation_list_add (list, inner);
  mg_annotation_list_add (list, overlap);
  mg_annotation_list_add (list, empty);
  mg_annotation_list_add (list, o);

  found = mg_annotation_list_lookup_at_offset (list, 17);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_true (g_ptr_array_index (found, 0) == outer);
  g_assert_true (g_ptr_array_index (found, 1) == inner);
  g_assert_true (g_ptr_array_index (found, 2) == overlap);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Ends are exclusive, starts inclusive. */
  found = mg_annotation_list_lookup_at_offset (list, 20);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (g_ptr_array_index (found, 0) == outer);
  g_assert_true (g_ptr_array_index (found, 1) == overlap);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = mg_annotation_list_lookup_at_offset (list, 100);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* After a change, the index follows. */
  mg_annotation_set_anchor (outer, MG_ANNOTATION_STATE_ORPHANED, 0, 100);
  mg_annotation_set_anchor (o, MG_ANNOTATION_STATE_MOVED, 90, 110);
  found = mg_annotation_list_lookup_at_offset (list, 100);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == o);
}

static void
test_lookup_range_small (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) first = annotation_new ("first", 0, MG_ANNOTATION_STATE_ANCHORED, 0, 10);
  g_autoptr (MgAnnotation) long_one = annotation_new ("long", 0, MG_ANNOTATION_STATE_ANCHORED, 5, 1000);
  g_autoptr (MgAnnotation) middle = annotation_new ("middle", 0, MG_ANNOTATION_STATE_MOVED, 40, 50);
  g_autoptr (MgAnnotation) empty = annotation_new ("empty", 0, MG_ANNOTATION_STATE_ANCHORED, 45, 45);
  g_autoptr (MgAnnotation) late = annotation_new ("late", 0, MG_ANNOTATION_STATE_ANCHORED, 60, 70);
  g_autoptr (MgAnnotation) o = orphan_new ("o", 40, 50);
  g_autoptr (GPtrArray) found = NULL;

  found = mg_annotation_list_lookup_range (list, 0, 100);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  mg_annotation_list_add (list, first);
  mg_annotation_list_add (list, long_one);
  mg_annotation_list_add (list, middle);
  mg_annotation_list_add (list, empty);
  mg_annotation_list_add (list, late);
  mg_annotation_list_add (list, o);

  /* A long annotation that started well before the region reaches it. */
  found = mg_annotation_list_lookup_range (list, 42, 48);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (g_ptr_array_index (found, 0) == long_one);
  g_assert_true (g_ptr_array_index (found, 1) == middle);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The region's end is exclusive, and so is each annotation's end. */
  found = mg_annotation_list_lookup_range (list, 10, 40);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == long_one);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = mg_annotation_list_lookup_range (list, 9, 61);
  g_assert_cmpuint (found->len, ==, 4);
  g_assert_true (g_ptr_array_index (found, 0) == first);
  g_assert_true (g_ptr_array_index (found, 1) == long_one);
  g_assert_true (g_ptr_array_index (found, 2) == middle);
  g_assert_true (g_ptr_array_index (found, 3) == late);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* An empty region overlaps nothing, even inside an annotation. */
  found = mg_annotation_list_lookup_range (list, 45, 45);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = mg_annotation_list_lookup_range (list, 50, 40);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The whole document, past its end. */
  found = mg_annotation_list_lookup_range (list, 0, G_MAXUINT);
  g_assert_cmpuint (found->len, ==, 4);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* After a change, the index follows. */
  mg_annotation_set_anchor (long_one, MG_ANNOTATION_STATE_ORPHANED, 5, 1000);
  mg_annotation_set_anchor (o, MG_ANNOTATION_STATE_MOVED, 900, 2000);
  found = mg_annotation_list_lookup_range (list, 100, 1000);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == o);
}

static void
test_lookup_at_offset_random (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const guint text_length = 20000;
  guint       i;

  for (i = 0; i < 2000; i++)
    {
      g_autofree char  *id = g_strdup_printf ("urn:uuid:%04u", i);
      guint             start = g_rand_int_range (rand, 0, text_length);
      guint             length;
      MgAnnotationState state;

      /* Mostly short, some long (nesting many others), a few empty. */
      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0:
          length = g_rand_int_range (rand, 1000, 8000);
          break;
        case 1:
          length = 0;
          break;
        default:
          length = g_rand_int_range (rand, 1, 60);
        }
      state = g_rand_int_range (rand, 0, 3);
      g_ptr_array_add (annotations, annotation_new (id, g_rand_int_range (rand, 0, 3), state,
                                                    start, start + length));
    }

  mg_annotation_list_add_many (list, annotations);

  for (i = 0; i < 500; i++)
    assert_lookup_matches (list, annotations, g_rand_int_range (rand, 0, text_length + 10000));
  assert_lookup_matches (list, annotations, 0);
  assert_lookup_matches (list, annotations, G_MAXUINT);

  /* Regions of every size, as the reader view paints them. */
  for (i = 0; i < 500; i++)
    {
      guint start = g_rand_int_range (rand, 0, text_length + 10000);

      assert_range_matches (list, annotations, start, start + g_rand_int_range (rand, 0, i % 2 ? 100 : 20000));
    }
  assert_range_matches (list, annotations, 0, G_MAXUINT);

  /* Re-anchor a tenth of them, one by one, checking as we go. */
  for (i = 0; i < 200; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (annotations, g_rand_int_range (rand, 0, annotations->len));
      guint         start = g_rand_int_range (rand, 0, text_length);

      mg_annotation_set_anchor (annotation, g_rand_int_range (rand, 0, 3), start,
                                start + g_rand_int_range (rand, 0, 3000));
      assert_lookup_matches (list, annotations, g_rand_int_range (rand, 0, text_length));
      assert_range_matches (list, annotations, start, start + g_rand_int_range (rand, 1, 500));
    }
}

static void
test_random_operations (void)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (Recorder) recorder = recorder_new (list);
  g_autoptr (GPtrArray) pool = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint i;

  for (i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%02u", i);

      g_ptr_array_add (pool, annotation_new (id, g_rand_int_range (rand, 0, 3), MG_ANNOTATION_STATE_ANCHORED,
                                             g_rand_int_range (rand, 0, 50), 60));
    }

  for (i = 0; i < 3000; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (pool, g_rand_int_range (rand, 0, pool->len));
      guint         start = g_rand_int_range (rand, 0, 50);

      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:
          mg_annotation_list_add (list, annotation);
          break;
        case 1:
          {
            g_autoptr (MgAnnotation) copy = mg_annotation_copy (annotation);

            mg_annotation_list_add (list, copy);
          }
          break;
        case 2:
          mg_annotation_list_remove (list, annotation);
          break;
        case 3:
          mg_annotation_set_anchor (annotation, g_rand_int_range (rand, 0, 3), start,
                                    start + g_rand_int_range (rand, 0, 3));
          break;
        case 4:
          mg_annotation_set_color (annotation, g_rand_int_range (rand, 0, MG_N_COLORS));
          break;
        case 5:
          {
            g_autoptr (GPtrArray) batch = g_ptr_array_new ();
            guint n = g_rand_int_range (rand, 0, 6);
            guint j;

            for (j = 0; j < n; j++)
              g_ptr_array_add (batch, g_ptr_array_index (pool, g_rand_int_range (rand, 0, pool->len)));
            mg_annotation_list_add_many (list, batch);
          }
          break;
        case 6:
          if (g_rand_int_range (rand, 0, 20) == 0)
            mg_annotation_list_remove_all (list);
          break;
        default:
          {
            g_autoptr (GPtrArray) found = mg_annotation_list_lookup_at_offset (list, start);
          }
          break;
        }

      assert_mirror (recorder, list);
    }

  /* The model is sorted and find() agrees with the positions. */
  for (i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr (MgAnnotation) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      guint position;

      g_assert_true (mg_annotation_list_find (list, item, &position));
      g_assert_cmpuint (position, ==, i);
      g_assert_true (mg_annotation_list_lookup (list, mg_annotation_get_id (item)) == item);
    }
}

static void
test_dispose_disconnects (void)
{
  g_autoptr (MgAnnotation) a = annotation_new ("a", 0, MG_ANNOTATION_STATE_ANCHORED, 10, 20);
  MgAnnotationList *list = mg_annotation_list_new ();

  g_object_add_weak_pointer (G_OBJECT (list), (gpointer *) &list);
  mg_annotation_list_add (list, a);
  g_object_unref (list);
  g_assert_null (list);

  /* Editing after the list is gone must not reach it. */
  mg_annotation_set_note (a, "still fine");
  mg_annotation_set_anchor (a, MG_ANNOTATION_STATE_MOVED, 1, 2);
  g_assert_cmpuint (G_OBJECT (a)->ref_count, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/annotation-list/model/basics", test_model_basics);
  g_test_add_func ("/annotation-list/order/sorted", test_order_sorted);
  g_test_add_func ("/annotation-list/order/orphans-last", test_order_orphans_last);
  g_test_add_func ("/annotation-list/items-changed/add-remove", test_items_changed_add_remove);
  g_test_add_func ("/annotation-list/items-changed/update-in-place", test_items_changed_update_in_place);
  g_test_add_func ("/annotation-list/items-changed/update-that-moves", test_items_changed_update_moves);
  g_test_add_func ("/annotation-list/items-changed/re-attach", test_items_changed_set_target);
  g_test_add_func ("/annotation-list/items-changed/replace-by-id", test_items_changed_replace);
  g_test_add_func ("/annotation-list/items-changed/random-operations", test_random_operations);
  g_test_add_func ("/annotation-list/add-many/single-emission", test_add_many_single_emission);
  g_test_add_func ("/annotation-list/add-many/ten-thousand", test_add_many_large);
  g_test_add_func ("/annotation-list/lookup/id", test_lookup_by_id);
  g_test_add_func ("/annotation-list/lookup/find", test_find);
  g_test_add_func ("/annotation-list/lookup/at-offset", test_lookup_at_offset_small);
  g_test_add_func ("/annotation-list/lookup/range", test_lookup_range_small);
  g_test_add_func ("/annotation-list/lookup/at-offset-and-range-random", test_lookup_at_offset_random);
  g_test_add_func ("/annotation-list/lifetime/dispose-disconnects", test_dispose_disconnects);

  return g_test_run ();
}
