/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation-list"

#include "config.h"

#include <string.h>

#include "mg-annotation-list.h"

/**
 * MgAnnotationList:
 *
 * The annotations of one document, as a #GListModel in document order:
 * annotations found in the text first, by range start, then range end,
 * then creation time, then id; orphans last, by stored start, then id.
 *
 * The list keeps itself sorted: it listens to each annotation's
 * #MgAnnotation::changed signal and to the notifications of its anchoring,
 * and reports each change with the smallest #GListModel::items-changed it
 * can: (pos, 1, 1) for an annotation that stayed in place, a removal then
 * an insertion for one that moved.
 *
 * An annotation is identified by its id: adding one whose id is present
 * replaces the item, and removing or finding a copy acts on the original.
 *
 * Each item keeps the sort key it was sorted by, so the sorted array stays
 * consistent (and binary search valid) even while an annotation has
 * changed and the list has not yet been told. Looking up the annotations
 * over a region (or at an offset) uses a max-end segment tree over the
 * anchored prefix of the array, rebuilt lazily after changes: O(log n) per
 * annotation found, and no scan even when one huge highlight covers the
 * whole document.
 */

typedef struct
{
  MgAnnotation *annotation;
  const char   *id;      /* owned by the annotation, which never changes it */
  gint64        created; /* microseconds since the epoch */
  guint         state;   /* MgAnnotationState */
  guint         start;   /* range-start; stored start for orphans */
  guint         end;     /* range-end; stored end for orphans */
  gulong        changed_handler;
  gulong        notify_handler;
} Entry;

struct _MgAnnotationList
{
  GObject parent_instance;

  GPtrArray  *items; /* Entry*, sorted */
  GHashTable *by_id; /* const char *id -> Entry*; the key is entry->id */

  /* The segment tree for lookup_range(): tree[1] is the root, the
   * leaves tree[tree_size + i] hold the end of item i, for the n_anchored
   * items before the orphans. */
  guint *tree;
  guint  tree_size;
  guint  n_anchored;
  guint  tree_valid : 1;
};

static void mg_annotation_list_model_init (GListModelInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (MgAnnotationList, mg_annotation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mg_annotation_list_model_init))
/* clang-format on */

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void on_annotation_changed (MgAnnotation     *annotation,
                                   MgAnnotationList *self);
static void on_annotation_notify (MgAnnotation     *annotation,
                                  GParamSpec       *pspec,
                                  MgAnnotationList *self);

static gint64
datetime_to_usec (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

/* The key the annotation sorts by now, written into @entry. */
static void
entry_read_key (Entry        *entry,
                MgAnnotation *annotation)
{
  entry->state = mg_annotation_get_state (annotation);
  if (entry->state == MG_ANNOTATION_STATE_ORPHANED)
    {
      entry->start = mg_annotation_get_start (annotation);
      entry->end = mg_annotation_get_end (annotation);
    }
  else
    {
      entry->start = mg_annotation_get_range_start (annotation);
      entry->end = mg_annotation_get_range_end (annotation);
    }
}

static gboolean
entry_key_is_current (Entry *entry)
{
  Entry now;

  entry_read_key (&now, entry->annotation);

  return now.state == entry->state && now.start == entry->start && now.end == entry->end;
}

static Entry *
entry_new (MgAnnotationList *self,
           MgAnnotation     *annotation)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->annotation = g_object_ref (annotation);
  entry->id = mg_annotation_get_id (annotation);
  entry->created = datetime_to_usec (mg_annotation_get_created (annotation));
  entry_read_key (entry, annotation);
  entry->changed_handler = g_signal_connect (annotation, "changed", G_CALLBACK (on_annotation_changed), self);
  entry->notify_handler = g_signal_connect (annotation, "notify", G_CALLBACK (on_annotation_notify), self);

  return entry;
}

static void
entry_free (Entry *entry)
{
  g_clear_signal_handler (&entry->changed_handler, entry->annotation);
  g_clear_signal_handler (&entry->notify_handler, entry->annotation);
  g_clear_object (&entry->annotation);
  g_free (entry);
}

static inline gboolean
entry_is_orphan (const Entry *entry)
{
  return entry->state == MG_ANNOTATION_STATE_ORPHANED;
}

/* Document order, on the cached keys only. Ids are unique in the list, so
 * two different entries never compare equal. */
static int
entry_compare (const Entry *a,
               const Entry *b)
{
  gboolean a_orphan = entry_is_orphan (a);
  gboolean b_orphan = entry_is_orphan (b);

  if (a_orphan != b_orphan)
    return a_orphan ? 1 : -1;

  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;

  if (!a_orphan)
    {
      if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
      if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    }

  return strcmp (a->id, b->id);
}

static int
entry_compare_indirect (gconstpointer a,
                        gconstpointer b)
{
  return entry_compare (*(Entry *const *) a, *(Entry *const *) b);
}

/* The first position whose entry sorts at or after @entry. */
static guint
lower_bound (MgAnnotationList *self,
             const Entry      *entry)
{
  guint lo = 0;
  guint hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (entry_compare (g_ptr_array_index (self->items, mid), entry) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Where @entry is in the array. Binary search finds it, since the array is
 * sorted by the cached keys; a linear search stays as a safety net. */
static guint
entry_position (MgAnnotationList *self,
                Entry            *entry)
{
  guint pos = lower_bound (self, entry);

  if (pos < self->items->len && g_ptr_array_index (self->items, pos) == entry)
    return pos;

  g_critical ("Annotation %s is out of order in its list", entry->id);
  if (!g_ptr_array_find (self->items, entry, &pos))
    g_assert_not_reached ();

  return pos;
}

static void
emit_items_changed (MgAnnotationList *self,
                    guint             position,
                    guint             removed,
                    guint             added)
{
  self->tree_valid = FALSE;

  if (removed == 0 && added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Puts @entry where its key (which has just changed) says, reporting a
 * refresh in place or a move. @force reports a refresh even when the key
 * did not change, for a change of content. */
static void
entry_refresh (MgAnnotationList *self,
               Entry            *entry,
               gboolean          force)
{
  guint old_pos;
  guint new_pos;

  old_pos = entry_position (self, entry);

  if (entry_key_is_current (entry))
    {
      if (force)
        emit_items_changed (self, old_pos, 1, 1);
      return;
    }

  g_ptr_array_remove_index (self->items, old_pos);
  entry_read_key (entry, entry->annotation);
  new_pos = lower_bound (self, entry);

  if (new_pos == old_pos)
    {
      g_ptr_array_insert (self->items, new_pos, entry);
      emit_items_changed (self, old_pos, 1, 1);
    }
  else
    {
      /* Two steps, so a view sees a consistent model at each of them. */
      emit_items_changed (self, old_pos, 1, 0);
      g_ptr_array_insert (self->items, new_pos, entry);
      emit_items_changed (self, new_pos, 0, 1);
    }
}

static void
on_annotation_changed (MgAnnotation     *annotation,
                       MgAnnotationList *self)
{
  Entry *entry = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));

  if (entry == NULL || entry->annotation != annotation)
    return;

  entry_refresh (self, entry, TRUE);
}

/* The anchoring notifies up to three properties (state, range-start,
 * range-end) for one change: the first notification finds the key out of
 * date and moves the item; the others find it current and do nothing. */
static void
on_annotation_notify (MgAnnotation     *annotation,
                      GParamSpec       *pspec,
                      MgAnnotationList *self)
{
  Entry *entry = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));

  if (entry == NULL || entry->annotation != annotation)
    return;

  if (!entry_key_is_current (entry))
    entry_refresh (self, entry, FALSE);
}

static GType
mg_annotation_list_get_item_type (GListModel *model)
{
  return MG_TYPE_ANNOTATION;
}

static guint
mg_annotation_list_get_n_items (GListModel *model)
{
  MgAnnotationList *self = MG_ANNOTATION_LIST (model);

  return self->items->len;
}

static gpointer
mg_annotation_list_get_item (GListModel *model,
                             guint       position)
{
  MgAnnotationList *self = MG_ANNOTATION_LIST (model);
  Entry            *entry;

  if (position >= self->items->len)
    return NULL;

  entry = g_ptr_array_index (self->items, position);

  return g_object_ref (entry->annotation);
}

static void
mg_annotation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mg_annotation_list_get_item_type;
  iface->get_n_items = mg_annotation_list_get_n_items;
  iface->get_item = mg_annotation_list_get_item;
}

static void
free_all_entries (GPtrArray *items)
{
  guint i;

  for (i = 0; i < items->len; i++)
    entry_free (g_ptr_array_index (items, i));
  g_ptr_array_set_size (items, 0);
}

static void
mg_annotation_list_dispose (GObject *object)
{
  MgAnnotationList *self = (MgAnnotationList *) object;

  g_hash_table_remove_all (self->by_id);
  free_all_entries (self->items);
  self->tree_valid = FALSE;

  G_OBJECT_CLASS (mg_annotation_list_parent_class)->dispose (object);
}

static void
mg_annotation_list_finalize (GObject *object)
{
  MgAnnotationList *self = (MgAnnotationList *) object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->tree, g_free);

  G_OBJECT_CLASS (mg_annotation_list_parent_class)->finalize (object);
}

static void
mg_annotation_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MgAnnotationList *self = MG_ANNOTATION_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_annotation_list_class_init (MgAnnotationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_annotation_list_dispose;
  object_class->finalize = mg_annotation_list_finalize;
  object_class->get_property = mg_annotation_list_get_property;

  /**
   * MgAnnotationList:n-items:
   *
   * The number of annotations, e.g. to show an empty state.
   */
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_annotation_list_init (MgAnnotationList *self)
{
  self->items = g_ptr_array_new ();
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * mg_annotation_list_new:
 *
 * Returns: (transfer full): a new, empty #MgAnnotationList
 */
MgAnnotationList *
mg_annotation_list_new (void)
{
  return g_object_new (MG_TYPE_ANNOTATION_LIST, NULL);
}

/**
 * mg_annotation_list_add:
 * @self: a #MgAnnotationList
 * @annotation: the #MgAnnotation to add
 *
 * Adds @annotation in its place. If an annotation with the same id is in
 * the list, @annotation replaces it: in place as (pos, 1, 1) when the
 * position is the same, else as a removal and an insertion.
 */
void
mg_annotation_list_add (MgAnnotationList *self,
                        MgAnnotation     *annotation)
{
  Entry *old;
  Entry *entry;
  guint  old_pos;
  guint  new_pos;

  g_return_if_fail (MG_IS_ANNOTATION_LIST (self));
  g_return_if_fail (MG_IS_ANNOTATION (annotation));

  old = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));

  if (old != NULL && old->annotation == annotation)
    {
      entry_refresh (self, old, TRUE);
      return;
    }

  entry = entry_new (self, annotation);

  if (old == NULL)
    {
      new_pos = lower_bound (self, entry);
      g_ptr_array_insert (self->items, new_pos, entry);
      g_hash_table_replace (self->by_id, (gpointer) entry->id, entry);
      emit_items_changed (self, new_pos, 0, 1);
      return;
    }

  old_pos = entry_position (self, old);
  g_ptr_array_remove_index (self->items, old_pos);
  new_pos = lower_bound (self, entry);

  /* replace(), not insert(): the key must become the new annotation's id,
   * as the old one's goes away with it. */
  g_hash_table_replace (self->by_id, (gpointer) entry->id, entry);

  if (new_pos == old_pos)
    {
      g_ptr_array_insert (self->items, new_pos, entry);
      emit_items_changed (self, new_pos, 1, 1);
    }
  else
    {
      emit_items_changed (self, old_pos, 1, 0);
      g_ptr_array_insert (self->items, new_pos, entry);
      emit_items_changed (self, new_pos, 0, 1);
    }

  entry_free (old);
}

/**
 * mg_annotation_list_add_many:
 * @self: a #MgAnnotationList
 * @annotations: (element-type MgAnnotation): the annotations to add
 *
 * Adds many annotations at once, e.g. when a file is loaded: the list is
 * sorted once, and one #GListModel::items-changed covers the whole change.
 * Annotations whose id is already in the list replace the item; when the
 * same id appears more than once in @annotations, the last one wins.
 */
void
mg_annotation_list_add_many (MgAnnotationList *self,
                             GPtrArray        *annotations)
{
  g_autoptr (GHashTable) batch = NULL;
  g_autoptr (GPtrArray) replaced = NULL;
  GPtrArray     *items;
  GPtrArray     *old_items;
  GHashTableIter iter;
  gpointer       value;
  guint          old_len;
  guint          new_len;
  guint          prefix;
  guint          suffix;
  guint          i;

  g_return_if_fail (MG_IS_ANNOTATION_LIST (self));
  g_return_if_fail (annotations != NULL);

  if (annotations->len == 0)
    return;

  for (i = 0; i < annotations->len; i++)
    g_return_if_fail (MG_IS_ANNOTATION (g_ptr_array_index (annotations, i)));

  /* The batch by id, the last of each id winning. */
  batch = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < annotations->len; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (annotations, i);

      g_hash_table_replace (batch, (gpointer) mg_annotation_get_id (annotation), annotation);
    }

  old_items = self->items;
  old_len = old_items->len;
  items = g_ptr_array_sized_new (old_len + g_hash_table_size (batch));
  replaced = g_ptr_array_new ();

  for (i = 0; i < old_len; i++)
    {
      Entry *entry = g_ptr_array_index (old_items, i);

      if (g_hash_table_contains (batch, entry->id))
        g_ptr_array_add (replaced, entry);
      else
        g_ptr_array_add (items, entry);
    }

  /* New entries take their references before the replaced ones drop
   * theirs, which matters when an annotation replaces itself. */
  g_hash_table_iter_init (&iter, batch);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = entry_new (self, value);

      g_ptr_array_add (items, entry);
      g_hash_table_replace (self->by_id, (gpointer) entry->id, entry);
    }

  g_ptr_array_sort (items, entry_compare_indirect);
  new_len = items->len;

  /* Report only the span that differs: the items before and after it are
   * the same entries in the same places. */
  for (prefix = 0; prefix < MIN (old_len, new_len); prefix++)
    {
      if (g_ptr_array_index (old_items, prefix) != g_ptr_array_index (items, prefix))
        break;
    }
  for (suffix = 0; prefix + suffix < MIN (old_len, new_len); suffix++)
    {
      if (g_ptr_array_index (old_items, old_len - 1 - suffix) != g_ptr_array_index (items, new_len - 1 - suffix))
        break;
    }

  self->items = items;
  g_ptr_array_unref (old_items);
  for (i = 0; i < replaced->len; i++)
    entry_free (g_ptr_array_index (replaced, i));

  emit_items_changed (self, prefix, old_len - prefix - suffix, new_len - prefix - suffix);
}

/**
 * mg_annotation_list_remove:
 * @self: a #MgAnnotationList
 * @annotation: the #MgAnnotation to remove, or a copy of it
 *
 * Removes the annotation with the id of @annotation.
 *
 * Returns: %TRUE if it was in the list
 */
gboolean
mg_annotation_list_remove (MgAnnotationList *self,
                           MgAnnotation     *annotation)
{
  Entry *entry;
  guint  pos;

  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (self), FALSE);
  g_return_val_if_fail (MG_IS_ANNOTATION (annotation), FALSE);

  entry = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));
  if (entry == NULL)
    return FALSE;

  pos = entry_position (self, entry);
  g_ptr_array_remove_index (self->items, pos);
  g_hash_table_remove (self->by_id, entry->id);
  emit_items_changed (self, pos, 1, 0);
  entry_free (entry);

  return TRUE;
}

/**
 * mg_annotation_list_remove_all:
 * @self: a #MgAnnotationList
 *
 * Empties the list, with one #GListModel::items-changed.
 */
void
mg_annotation_list_remove_all (MgAnnotationList *self)
{
  g_autoptr (GPtrArray) old_items = NULL;
  guint n;

  g_return_if_fail (MG_IS_ANNOTATION_LIST (self));

  n = self->items->len;
  if (n == 0)
    return;

  old_items = g_steal_pointer (&self->items);
  self->items = g_ptr_array_new ();
  g_hash_table_remove_all (self->by_id);

  emit_items_changed (self, 0, n, 0);
  free_all_entries (old_items);
}

/**
 * mg_annotation_list_update:
 * @self: a #MgAnnotationList
 * @annotation: an annotation in the list
 *
 * Tells the list that @annotation changed: it moves to its new place, or
 * is reported as changed in place. The list already does this on
 * #MgAnnotation::changed and on changes of anchoring, so this is only
 * needed after other changes (e.g. mg_annotation_set_modified()).
 */
void
mg_annotation_list_update (MgAnnotationList *self,
                           MgAnnotation     *annotation)
{
  Entry *entry;

  g_return_if_fail (MG_IS_ANNOTATION_LIST (self));
  g_return_if_fail (MG_IS_ANNOTATION (annotation));

  entry = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));
  if (entry == NULL || entry->annotation != annotation)
    {
      g_warning ("Annotation %s is not in the list it was updated in",
                 mg_annotation_get_id (annotation));
      return;
    }

  entry_refresh (self, entry, TRUE);
}

/**
 * mg_annotation_list_lookup:
 * @self: a #MgAnnotationList
 * @id: an annotation id
 *
 * Returns: (transfer none) (nullable): the annotation with @id, or %NULL
 */
MgAnnotation *
mg_annotation_list_lookup (MgAnnotationList *self,
                           const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);

  return entry ? entry->annotation : NULL;
}

/**
 * mg_annotation_list_find:
 * @self: a #MgAnnotationList
 * @annotation: an annotation, or a copy of it
 * @position: (out) (optional): its position
 *
 * Finds the position of the annotation with the id of @annotation, in
 * O(log n).
 *
 * Returns: %TRUE if it is in the list
 */
gboolean
mg_annotation_list_find (MgAnnotationList *self,
                         MgAnnotation     *annotation,
                         guint            *position)
{
  Entry *entry;

  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (self), FALSE);
  g_return_val_if_fail (MG_IS_ANNOTATION (annotation), FALSE);

  entry = g_hash_table_lookup (self->by_id, mg_annotation_get_id (annotation));
  if (entry == NULL)
    return FALSE;

  if (position != NULL)
    *position = entry_position (self, entry);

  return TRUE;
}

static void
rebuild_tree (MgAnnotationList *self)
{
  guint n = 0;
  guint size = 1;
  guint i;

  /* Anchored items come first: count them up to the first orphan. */
  while (n < self->items->len && !entry_is_orphan (g_ptr_array_index (self->items, n)))
    n++;

  while (size < n)
    size <<= 1;

  if (size != self->tree_size || self->tree == NULL)
    {
      g_free (self->tree);
      self->tree = g_new (guint, 2 * (gsize) size);
      self->tree_size = size;
    }

  for (i = 0; i < size; i++)
    {
      Entry *entry = i < n ? g_ptr_array_index (self->items, i) : NULL;

      /* An empty range holds no code point: it overlaps nothing, so its
       * leaf never leads a query to it. */
      self->tree[size + i] = entry && entry->start < entry->end ? entry->end : 0;
    }
  for (i = size - 1; i >= 1; i--)
    self->tree[i] = MAX (self->tree[2 * i], self->tree[2 * i + 1]);

  self->n_anchored = n;
  self->tree_valid = TRUE;
}

/* Appends, in order, the items among positions [lo, lo + width) ∩ [0, limit)
 * of subtree @node whose end is after @start. */
static void
collect_ending_after (MgAnnotationList *self,
                      guint             node,
                      guint             lo,
                      guint             width,
                      guint             limit,
                      guint             start,
                      GPtrArray        *result)
{
  if (lo >= limit || self->tree[node] <= start)
    return;

  if (width == 1)
    {
      Entry *entry = g_ptr_array_index (self->items, lo);

      g_ptr_array_add (result, g_object_ref (entry->annotation));
      return;
    }

  collect_ending_after (self, 2 * node, lo, width / 2, limit, start, result);
  collect_ending_after (self, 2 * node + 1, lo + width / 2, width / 2, limit, start, result);
}

/**
 * mg_annotation_list_lookup_range:
 * @self: a #MgAnnotationList
 * @start: the first offset of a region of the document, in code points
 * @end: the offset after the region
 *
 * Finds the annotations found in the text (not orphans) that overlap
 * [@start, @end), that is range-start < @end and range-end > @start, in
 * O(log n) per annotation found. An empty region, or an empty annotation,
 * overlaps nothing.
 *
 * Returns: (transfer container) (element-type MgAnnotation): the
 *   annotations, in document order; possibly empty
 */
GPtrArray *
mg_annotation_list_lookup_range (MgAnnotationList *self,
                                 guint             start,
                                 guint             end)
{
  GPtrArray *result;
  guint      lo = 0;
  guint      hi;

  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (self), NULL);

  result = g_ptr_array_new_with_free_func (g_object_unref);

  if (start >= end)
    return result;

  if (!self->tree_valid)
    rebuild_tree (self);

  if (self->n_anchored == 0)
    return result;

  /* Items that start at or after @end cannot reach into the region: find
   * the first. */
  hi = self->n_anchored;
  while (lo < hi)
    {
      guint  mid = lo + (hi - lo) / 2;
      Entry *entry = g_ptr_array_index (self->items, mid);

      if (entry->start < end)
        lo = mid + 1;
      else
        hi = mid;
    }

  collect_ending_after (self, 1, 0, self->tree_size, lo, start, result);

  return result;
}

/**
 * mg_annotation_list_lookup_at_offset:
 * @self: a #MgAnnotationList
 * @offset: an offset in the document, in code points
 *
 * Finds the annotations found in the text (not orphans) whose range holds
 * @offset, that is range-start <= @offset < range-end: the range query of
 * mg_annotation_list_lookup_range() for the one code point at @offset.
 *
 * Returns: (transfer container) (element-type MgAnnotation): the
 *   annotations, in document order; possibly empty
 */
GPtrArray *
mg_annotation_list_lookup_at_offset (MgAnnotationList *self,
                                     guint             offset)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (self), NULL);

  /* No range ends after G_MAXUINT. */
  if (offset == G_MAXUINT)
    return g_ptr_array_new_with_free_func (g_object_unref);

  return mg_annotation_list_lookup_range (self, offset, offset + 1);
}
