/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-tag-list"

#include "config.h"

#include <string.h>

#include "mg-tag-list.h"

/**
 * MgTagList:
 *
 * The tags used in a document, as a #GListModel of #MgTag in alphabetical
 * order (by the user's locale, then byte order for tags that collate
 * alike), each with the number of annotations that have it. It follows an
 * #MgAnnotationList: the sidebar's tag filter, the editor's tag
 * suggestions and the window read the tags here, so they list them alike.
 *
 * The list keeps, for each annotation of the #MgAnnotationList, the tags
 * it had when last counted, so that each #GListModel::items-changed of the
 * annotations updates the counts in proportion to the change: an
 * annotation removed takes its old tags away, an annotation edited
 * (reported as replaced in place) swaps old tags for new. A tag whose
 * count reaches 0 leaves the list; a count that changes is notified on
 * its #MgTag.
 */

struct _MgTag
{
  GObject parent_instance;

  char *name;
  char *collate_key;
  guint count;
};

G_DEFINE_FINAL_TYPE (MgTag, mg_tag, G_TYPE_OBJECT)

enum
{
  TAG_PROP_0,
  TAG_PROP_NAME,
  TAG_PROP_COUNT,
  TAG_N_PROPS
};

static GParamSpec *tag_properties[TAG_N_PROPS];

struct _MgTagList
{
  GObject parent_instance;

  MgAnnotationList *annotations;
  gulong            items_changed_handler;

  GPtrArray  *counted; /* GStrv per annotation: the tags it was counted with */
  GPtrArray  *tags;    /* MgTag*, sorted */
  GHashTable *by_name; /* name -> MgTag*, unowned */
};

static void mg_tag_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MgTagList, mg_tag_list, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mg_tag_list_model_init))

enum
{
  PROP_0,
  PROP_ANNOTATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* MgTag ------------------------------------------------------------------ */

static void
mg_tag_finalize (GObject *object)
{
  MgTag *self = MG_TAG (object);

  g_free (self->name);
  g_free (self->collate_key);

  G_OBJECT_CLASS (mg_tag_parent_class)->finalize (object);
}

static void
mg_tag_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  MgTag *self = MG_TAG (object);

  switch (prop_id)
    {
    case TAG_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case TAG_PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_tag_class_init (MgTagClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_tag_finalize;
  object_class->get_property = mg_tag_get_property;

  tag_properties[TAG_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  tag_properties[TAG_PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, TAG_N_PROPS, tag_properties);
}

static void
mg_tag_init (MgTag *self)
{
}

static MgTag *
mg_tag_new (const char *name)
{
  MgTag *self = g_object_new (MG_TYPE_TAG, NULL);

  self->name = g_strdup (name);
  self->collate_key = g_utf8_collate_key (name, -1);

  return self;
}

/**
 * mg_tag_get_name:
 * @self: a #MgTag
 *
 * Returns: the tag, as the annotations have it (without "#")
 */
const char *
mg_tag_get_name (MgTag *self)
{
  g_return_val_if_fail (MG_IS_TAG (self), NULL);

  return self->name;
}

/**
 * mg_tag_get_count:
 * @self: a #MgTag
 *
 * Returns: how many annotations have the tag; 0 once it left its list
 */
guint
mg_tag_get_count (MgTag *self)
{
  g_return_val_if_fail (MG_IS_TAG (self), 0);

  return self->count;
}

/* Counting --------------------------------------------------------------- */

/* The list's order; the collation keys make it cheap. */
static int
compare_tags (MgTag *a,
              MgTag *b)
{
  int cmp = strcmp (a->collate_key, b->collate_key);

  return cmp != 0 ? cmp : strcmp (a->name, b->name);
}

/* Where @tag is, or would be, in the sorted list. */
static guint
find_position (MgTagList *self,
               MgTag     *tag)
{
  guint lo = 0, hi = self->tags->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_tags (g_ptr_array_index (self->tags, mid), tag) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
count_tags (MgTagList         *self,
            const char *const *names,
            int                delta)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      MgTag *tag = g_hash_table_lookup (self->by_name, names[i]);
      guint  position;

      if (tag == NULL)
        {
          g_assert (delta > 0);
          tag = mg_tag_new (names[i]);
          tag->count = 1;
          position = find_position (self, tag);
          g_ptr_array_insert (self->tags, position, tag);
          g_hash_table_insert (self->by_name, tag->name, tag);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
          continue;
        }

      g_assert (delta > 0 || tag->count > 0);
      tag->count += delta;

      if (tag->count > 0)
        {
          g_object_notify_by_pspec (G_OBJECT (tag), tag_properties[TAG_PROP_COUNT]);
          continue;
        }

      position = find_position (self, tag);
      g_assert (g_ptr_array_index (self->tags, position) == tag);
      g_hash_table_remove (self->by_name, tag->name);
      g_object_notify_by_pspec (G_OBJECT (tag), tag_properties[TAG_PROP_COUNT]);
      g_ptr_array_remove_index (self->tags, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
}

/* The tags of @annotation, each once. */
static GStrv
tags_of (MgAnnotation *annotation)
{
  const char *const *tags = mg_annotation_get_tags (annotation);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = g_str_equal (tags[j], tags[i]);
      if (!seen)
        g_strv_builder_add (builder, tags[i]);
    }

  return g_strv_builder_end (builder);
}

static void
annotations_changed_cb (MgTagList  *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *model)
{
  g_autoptr (GPtrArray) old = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert (position + removed <= self->counted->len);

  /* The new tags count before the old ones are taken away, so that a tag
   * an edit keeps stays in the list as the same item. */
  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (old, g_steal_pointer (&g_ptr_array_index (self->counted, position + i)));
  g_ptr_array_remove_range (self->counted, position, removed);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, position + i);
      GStrv tags = tags_of (annotation);

      g_ptr_array_insert (self->counted, position + i, tags);
      count_tags (self, (const char *const *) tags, +1);
    }

  for (guint i = 0; i < old->len; i++)
    count_tags (self, g_ptr_array_index (old, i), -1);
}

/* GListModel ------------------------------------------------------------- */

static GType
mg_tag_list_get_item_type (GListModel *model)
{
  return MG_TYPE_TAG;
}

static guint
mg_tag_list_get_n_items (GListModel *model)
{
  return MG_TAG_LIST (model)->tags->len;
}

static gpointer
mg_tag_list_get_item (GListModel *model,
                      guint       position)
{
  MgTagList *self = MG_TAG_LIST (model);

  if (position >= self->tags->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->tags, position));
}

static void
mg_tag_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mg_tag_list_get_item_type;
  iface->get_n_items = mg_tag_list_get_n_items;
  iface->get_item = mg_tag_list_get_item;
}

/* GObject ---------------------------------------------------------------- */

static void
mg_tag_list_dispose (GObject *object)
{
  MgTagList *self = MG_TAG_LIST (object);

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);
  g_clear_object (&self->annotations);

  G_OBJECT_CLASS (mg_tag_list_parent_class)->dispose (object);
}

static void
mg_tag_list_finalize (GObject *object)
{
  MgTagList *self = MG_TAG_LIST (object);

  g_clear_pointer (&self->counted, g_ptr_array_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->tags, g_ptr_array_unref);

  G_OBJECT_CLASS (mg_tag_list_parent_class)->finalize (object);
}

static void
mg_tag_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MgTagList *self = MG_TAG_LIST (object);

  switch (prop_id)
    {
    case PROP_ANNOTATIONS:
      g_value_set_object (value, self->annotations);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_tag_list_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MgTagList *self = MG_TAG_LIST (object);

  switch (prop_id)
    {
    case PROP_ANNOTATIONS:
      mg_tag_list_set_annotations (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_tag_list_class_init (MgTagListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_tag_list_dispose;
  object_class->finalize = mg_tag_list_finalize;
  object_class->get_property = mg_tag_list_get_property;
  object_class->set_property = mg_tag_list_set_property;

  properties[PROP_ANNOTATIONS] = g_param_spec_object ("annotations", NULL, NULL,
                                                      MG_TYPE_ANNOTATION_LIST,
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_tag_list_init (MgTagList *self)
{
  self->counted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->tags = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Public API ------------------------------------------------------------- */

/**
 * mg_tag_list_new:
 * @annotations: (nullable): the annotations whose tags to list
 *
 * Returns: (transfer full): a new #MgTagList
 */
MgTagList *
mg_tag_list_new (MgAnnotationList *annotations)
{
  g_return_val_if_fail (annotations == NULL || MG_IS_ANNOTATION_LIST (annotations), NULL);

  return g_object_new (MG_TYPE_TAG_LIST, "annotations", annotations, NULL);
}

MgAnnotationList *
mg_tag_list_get_annotations (MgTagList *self)
{
  g_return_val_if_fail (MG_IS_TAG_LIST (self), NULL);

  return self->annotations;
}

/**
 * mg_tag_list_set_annotations:
 * @self: a #MgTagList
 * @annotations: (nullable): the annotations whose tags to list
 *
 * Lists the tags of @annotations from now on.
 */
void
mg_tag_list_set_annotations (MgTagList        *self,
                             MgAnnotationList *annotations)
{
  guint n_old;

  g_return_if_fail (MG_IS_TAG_LIST (self));
  g_return_if_fail (annotations == NULL || MG_IS_ANNOTATION_LIST (annotations));

  if (self->annotations == annotations)
    return;

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);
  g_set_object (&self->annotations, annotations);

  n_old = self->tags->len;
  g_ptr_array_set_size (self->counted, 0);
  g_hash_table_remove_all (self->by_name);
  for (guint i = 0; i < n_old; i++)
    MG_TAG (g_ptr_array_index (self->tags, i))->count = 0;
  g_ptr_array_set_size (self->tags, 0);
  if (n_old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n_old, 0);

  if (annotations != NULL)
    {
      self->items_changed_handler = g_signal_connect_object (annotations, "items-changed",
                                                             G_CALLBACK (annotations_changed_cb), self,
                                                             G_CONNECT_SWAPPED);
      annotations_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (annotations)),
                              G_LIST_MODEL (annotations));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATIONS]);
}

/**
 * mg_tag_list_lookup:
 * @self: a #MgTagList
 * @name: a tag
 *
 * Returns: (transfer none) (nullable): the item of @name, if an
 *   annotation has it
 */
MgTag *
mg_tag_list_lookup (MgTagList  *self,
                    const char *name)
{
  g_return_val_if_fail (MG_IS_TAG_LIST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_name, name);
}

/**
 * mg_tag_list_dup_names:
 * @self: a #MgTagList
 *
 * Returns: (transfer full): the tags, in the list's order
 */
GStrv
mg_tag_list_dup_names (MgTagList *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MG_IS_TAG_LIST (self), NULL);

  for (guint i = 0; i < self->tags->len; i++)
    g_strv_builder_add (builder, MG_TAG (g_ptr_array_index (self->tags, i))->name);

  return g_strv_builder_end (builder);
}

/**
 * mg_tag_list_compare_names:
 * @a: a tag
 * @b: another tag
 *
 * The order of the list, for tags that are not in one: alphabetical by
 * the user's locale, then by bytes for tags that collate alike.
 *
 * Returns: < 0, 0 or > 0 as @a sorts before, with or after @b
 */
int
mg_tag_list_compare_names (const char *a,
                           const char *b)
{
  int cmp;

  g_return_val_if_fail (a != NULL && b != NULL, 0);

  cmp = g_utf8_collate (a, b);

  return cmp != 0 ? cmp : strcmp (a, b);
}
