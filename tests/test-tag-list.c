/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-tag-list"

#include "config.h"

#include "mg-annotation-list.h"
#include "mg-tag-list.h"

/* MgTagList: the tags in use in a document, with their counts, following
 * the annotation list as it changes. */

static guint annotation_serial;

static MgAnnotation *
tagged (const char *first_tag,
        ...)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) tags = NULL;
  g_autofree char *id = g_strdup_printf ("urn:uuid:test-%u", ++annotation_serial);
  MgAnnotation    *annotation;
  va_list          args;

  va_start (args, first_tag);
  for (const char *tag = first_tag; tag != NULL; tag = va_arg (args, const char *))
    g_strv_builder_add (builder, tag);
  va_end (args);
  tags = g_strv_builder_end (builder);

  annotation = g_object_new (MG_TYPE_ANNOTATION, "id", id, NULL);
  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_ANCHORED, annotation_serial * 10, annotation_serial * 10 + 5);
  mg_annotation_set_tags (annotation, (const char *const *) tags);

  return annotation;
}

static void
assert_tags (MgTagList  *tags,
             const char *expected)
{
  g_auto (GStrv) names = mg_tag_list_dup_names (tags);
  g_autoptr (GString) got = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      MgTag *tag = mg_tag_list_lookup (tags, names[i]);

      g_assert_nonnull (tag);
      g_string_append_printf (got, "%s%s:%u", i > 0 ? " " : "", names[i], mg_tag_get_count (tag));
    }
  g_assert_cmpstr (got->str, ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tags)), ==, g_strv_length (names));
}

typedef struct
{
  guint position, removed, added, calls;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->calls++;
}

static void
test_counts_and_order (void)
{
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();
  g_autoptr (MgTagList) tags = NULL;
  g_autoptr (MgAnnotation) a = tagged ("policy", "trade", NULL);
  g_autoptr (MgAnnotation) b = tagged ("Method", "policy", NULL);
  g_autoptr (MgAnnotation) c = tagged (NULL);

  mg_annotation_list_add (annotations, a);
  mg_annotation_list_add (annotations, b);
  mg_annotation_list_add (annotations, c);

  tags = mg_tag_list_new (annotations);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (tags)) == MG_TYPE_TAG);
  g_assert_true (mg_tag_list_get_annotations (tags) == annotations);

  /* Alphabetical as people read it, not by byte ("M" < "p" either way;
   * case only decides between tags that collate alike). */
  assert_tags (tags, "Method:1 policy:2 trade:1");
  g_assert_null (mg_tag_list_lookup (tags, "nothing"));

  /* The same order for tags not in the list (the sidebar's filter keeps
   * one that is no longer used). */
  g_assert_cmpint (mg_tag_list_compare_names ("Method", "policy"), <, 0);
  g_assert_cmpint (mg_tag_list_compare_names ("trade", "policy"), >, 0);
  g_assert_cmpint (mg_tag_list_compare_names ("same", "same"), ==, 0);
}

static void
test_follows_changes (void)
{
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();
  g_autoptr (MgTagList) tags = mg_tag_list_new (annotations);
  g_autoptr (MgAnnotation) a = tagged ("beta", NULL);
  g_autoptr (MgAnnotation) b = tagged ("alpha", "beta", NULL);
  const char *new_tags[] = { "beta", "gamma", NULL };
  Changes     changes = { 0 };
  MgTag      *beta;

  g_signal_connect (tags, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  mg_annotation_list_add (annotations, a);
  assert_tags (tags, "beta:1");
  g_assert_cmpuint (changes.calls, ==, 1);

  /* A new tag is inserted where it sorts; a known one only counts. */
  mg_annotation_list_add (annotations, b);
  assert_tags (tags, "alpha:1 beta:2");
  g_assert_cmpuint (changes.calls, ==, 2);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.added, ==, 1);

  /* An edit that keeps a tag keeps its item. */
  beta = mg_tag_list_lookup (tags, "beta");
  mg_annotation_set_tags (b, new_tags);
  assert_tags (tags, "beta:2 gamma:1");
  g_assert_true (mg_tag_list_lookup (tags, "beta") == beta);

  /* Removing the annotations takes their tags away. */
  mg_annotation_list_remove (annotations, a);
  assert_tags (tags, "beta:1 gamma:1");
  mg_annotation_list_remove_all (annotations);
  assert_tags (tags, "");
  g_assert_cmpuint (changes.removed, ==, 1);
}

static void
test_duplicates_and_switch (void)
{
  g_autoptr (MgAnnotationList) first = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) second = mg_annotation_list_new ();
  g_autoptr (MgTagList) tags = mg_tag_list_new (NULL);
  g_autoptr (MgAnnotation) a = tagged ("x", "x", NULL);
  g_autoptr (MgAnnotation) b = tagged ("y", NULL);
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);

  mg_annotation_list_add (first, a);
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (many, tagged ("y", i % 2 ? "odd" : "even", NULL));
  mg_annotation_list_add_many (second, many);

  assert_tags (tags, "");

  /* An annotation that has a tag twice counts once. */
  mg_tag_list_set_annotations (tags, first);
  assert_tags (tags, "x:1");

  mg_tag_list_set_annotations (tags, second);
  assert_tags (tags, "even:50 odd:50 y:100");
  mg_annotation_list_add (first, b);
  assert_tags (tags, "even:50 odd:50 y:100");

  mg_tag_list_set_annotations (tags, NULL);
  assert_tags (tags, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tag-list/counts-and-order", test_counts_and_order);
  g_test_add_func ("/tag-list/follows-changes", test_follows_changes);
  g_test_add_func ("/tag-list/duplicates-and-switch", test_duplicates_and_switch);

  return g_test_run ();
}
