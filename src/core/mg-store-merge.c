/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <string.h>

#include "mg-annotation-json.h"
#include "mg-json-private.h"
#include "mg-json-writer.h"
#include "mg-store-private.h"

/* The merge of two states of a store file, by annotation id (see
 * mg_store_merge_json() for the rules). Pure: the store uses the same
 * pieces to merge a file into its list (mg-store-load.c), without
 * building the tree of either side.
 *
 * What decides between two annotations of the same id is taken only when
 * needed: most ids are in one copy only, and the same annotation in both
 * copies is recognised by its compact text. */

/* Earlier than any time: NULL. */
static int
compare_times (GDateTime *a,
               GDateTime *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  return g_date_time_compare (a, b);
}

static void
candidate_free (gpointer data)
{
  MgStoreCandidate *candidate = data;

  g_clear_object (&candidate->ours);
  g_clear_pointer (&candidate->built, json_node_unref);
  g_clear_object (&candidate->parsed);
  g_clear_error (&candidate->error);
  g_clear_pointer (&candidate->modified, g_date_time_unref);
  g_free (candidate->text);
  g_free (candidate);
}

static MgStoreCandidate *
candidate_new_for_node (JsonNode   *node,
                        const char *id,
                        gboolean    from_ours)
{
  MgStoreCandidate *candidate = g_new0 (MgStoreCandidate, 1);

  candidate->id = id;
  candidate->node = node;
  candidate->from_ours = from_ours;

  return candidate;
}

MgStoreCandidate *
mg_store_candidate_new_for_annotation (MgAnnotation *annotation)
{
  MgStoreCandidate *candidate = g_new0 (MgStoreCandidate, 1);

  candidate->id = mg_annotation_get_id (annotation);
  candidate->ours = g_object_ref (annotation);
  candidate->from_ours = TRUE;

  return candidate;
}

/* The entry as JSON: for one of our annotations, what the file holds. */
static JsonNode *
candidate_get_node (MgStoreCandidate *candidate)
{
  if (candidate->node == NULL)
    {
      g_assert (candidate->ours != NULL);
      candidate->node = candidate->built = mg_annotation_to_json (candidate->ours);
    }

  return candidate->node;
}

static const char *
candidate_text (MgStoreCandidate *candidate)
{
  if (candidate->text == NULL)
    {
      gboolean clean = TRUE;

      if (candidate->node == NULL)
        candidate->text = mg_annotation_json_compact_text (candidate->ours, &clean);
      else
        candidate->text = mg_json_node_to_compact_string (candidate->node, &clean);
      candidate->text_clean = clean;
    }

  return candidate->text;
}

/* Whether the annotation reader takes the entry. */
gboolean
mg_store_candidate_get_valid (MgStoreCandidate *candidate)
{
  if (!candidate->valid_known)
    {
      candidate->parsed = mg_annotation_new_from_json (candidate_get_node (candidate),
                                                       &candidate->error);
      candidate->valid = candidate->parsed != NULL;
      candidate->valid_known = TRUE;
      /* Ours is in the list already: its copy is of no use. */
      if (candidate->ours != NULL)
        g_clear_object (&candidate->parsed);
    }

  return candidate->valid;
}

static GDateTime *
candidate_get_modified (MgStoreCandidate *candidate)
{
  if (!candidate->modified_known)
    {
      if (candidate->node == NULL)
        {
          /* What mg_annotation_json_get_modified() finds in what the file would hold:
           * "modified", which is always written. */
          g_autofree char *modified = mg_format_timestamp (mg_annotation_get_modified (candidate->ours));

          candidate->modified = mg_parse_timestamp (modified);
        }
      else
        {
          candidate->modified = mg_annotation_json_get_modified (candidate->node);
        }
      candidate->modified_known = TRUE;
    }

  return candidate->modified;
}

/* Whether @challenger replaces @holder: a readable annotation beats one
 * that cannot be read, then the newer modification wins; an exact tie is
 * settled by the text, so that every copy settles it the same way. */
static gboolean
candidate_beats (MgStoreCandidate *challenger,
                 MgStoreCandidate *holder)
{
  int cmp;

  /* The same text, written without repairs, is the same JSON: a tie on
   * every count, which the holder wins. */
  if (strcmp (candidate_text (challenger), candidate_text (holder)) == 0 && challenger->text_clean && holder->text_clean)
    return FALSE;

  if (mg_store_candidate_get_valid (challenger) != mg_store_candidate_get_valid (holder))
    return mg_store_candidate_get_valid (challenger);

  cmp = compare_times (candidate_get_modified (challenger), candidate_get_modified (holder));
  if (cmp != 0)
    return cmp > 0;

  return strcmp (candidate_text (challenger), candidate_text (holder)) > 0;
}

static void
tombstone_free (gpointer data)
{
  MgStoreTombstone *tombstone = data;

  g_date_time_unref (tombstone->when);
  g_free (tombstone);
}

void
mg_store_merge_init (MgStoreMerge *merge)
{
  merge->candidates = g_ptr_array_new_with_free_func (candidate_free);
  merge->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  merge->idless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  merge->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tombstone_free);
  merge->raw_tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  merge->ours_ids = g_hash_table_new (g_str_hash, g_str_equal);
  merge->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

void
mg_store_merge_clear (MgStoreMerge *merge)
{
  g_clear_pointer (&merge->by_id, g_hash_table_unref);
  g_clear_pointer (&merge->candidates, g_ptr_array_unref);
  g_clear_pointer (&merge->idless, g_hash_table_unref);
  g_clear_pointer (&merge->tombstones, g_hash_table_unref);
  g_clear_pointer (&merge->raw_tombstones, g_hash_table_unref);
  g_clear_pointer (&merge->ours_ids, g_hash_table_unref);
  g_clear_pointer (&merge->owned, g_ptr_array_unref);
}

void
mg_store_merge_add_candidate (MgStoreMerge     *merge,
                              MgStoreCandidate *candidate)
{
  MgStoreCandidate *holder;

  g_ptr_array_add (merge->candidates, candidate);

  if (candidate->from_ours)
    g_hash_table_add (merge->ours_ids, (gpointer) candidate->id);

  holder = g_hash_table_lookup (merge->by_id, candidate->id);
  if (holder == NULL)
    {
      g_hash_table_insert (merge->by_id, (gpointer) candidate->id, candidate);
      return;
    }

  if (candidate_beats (candidate, holder))
    {
      holder->lost = TRUE;
      g_hash_table_replace (merge->by_id, (gpointer) candidate->id, candidate);
    }
  else
    {
      candidate->lost = TRUE;
    }

  /* Texts are made again in the rare case that they are needed again:
   * held for every annotation of a big file, they would add up. */
  g_clear_pointer (&holder->text, g_free);
  g_clear_pointer (&candidate->text, g_free);
}

/* Entries that cannot be merged by id are kept once each, by their text:
 * @table maps the compact text to the node. */
static void
add_unique (GHashTable *table,
            JsonNode   *node)
{
  char *text = mg_json_node_to_compact_string (node, NULL);

  if (g_hash_table_contains (table, text))
    g_free (text);
  else
    g_hash_table_insert (table, text, node);
}

void
mg_store_merge_add_entry (MgStoreMerge *merge,
                          JsonNode     *node,
                          gboolean      from_ours)
{
  const char *id = mg_json_node_get_member_string (node, "id");

  if (id == NULL)
    add_unique (merge->idless, node);
  else
    mg_store_merge_add_candidate (merge, candidate_new_for_node (node, id, from_ours));
}

/* @node: the tombstone, or NULL for one of ours given by @id and @text. */
void
mg_store_merge_add_tombstone_full (MgStoreMerge *merge,
                                   JsonNode     *node,
                                   const char   *id,
                                   const char   *text)
{
  g_autoptr (GDateTime) when = mg_parse_timestamp (text);
  MgStoreTombstone *holder;
  MgStoreTombstone *tombstone;

  if (id == NULL || when == NULL)
    {
      if (node == NULL)
        {
          node = mg_annotation_json_tombstone_new (id, text);
          g_ptr_array_add (merge->owned, node);
        }
      add_unique (merge->raw_tombstones, node);
      return;
    }

  /* The latest deletion of an id is the one that counts. */
  holder = g_hash_table_lookup (merge->tombstones, id);
  if (holder != NULL && g_date_time_compare (when, holder->when) <= 0)
    return;

  tombstone = g_new0 (MgStoreTombstone, 1);
  tombstone->node = node;
  tombstone->id = id;
  tombstone->text = text;
  tombstone->when = g_steal_pointer (&when);
  g_hash_table_replace (merge->tombstones, (gpointer) id, tombstone);
}

void
mg_store_merge_add_tombstone (MgStoreMerge *merge,
                              JsonNode     *node)
{
  mg_store_merge_add_tombstone_full (merge, node,
                                     mg_json_node_get_member_string (node, "id"),
                                     mg_json_node_get_member_string (node, "modified"));
}

void
mg_store_merge_add_file (MgStoreMerge *merge,
                         JsonNode     *root,
                         gboolean      ours)
{
  JsonObject *object = mg_json_node_get_object (root);
  JsonArray  *array;

  array = mg_json_object_get_array (object, "annotations");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    mg_store_merge_add_entry (merge, json_array_get_element (array, i), ours);

  array = mg_json_object_get_array (object, "deleted");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    mg_store_merge_add_tombstone (merge, json_array_get_element (array, i));
}

/* A tombstone removes the annotation with its id unless the annotation
 * was modified after the deletion: then the tombstone goes. */
void
mg_store_merge_apply_tombstones (MgStoreMerge *merge)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  g_hash_table_iter_init (&iter, merge->tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      MgStoreTombstone *tombstone = value;
      MgStoreCandidate *candidate = g_hash_table_lookup (merge->by_id, key);

      if (candidate == NULL)
        continue;

      if (compare_times (candidate_get_modified (candidate), tombstone->when) <= 0)
        {
          candidate->lost = TRUE;
          g_hash_table_remove (merge->by_id, key);
        }
      else
        {
          g_hash_table_iter_remove (&iter);
        }
    }
}

/**
 * mg_store_merge_json:
 * @ours: the root node of our file, as mg_store_parse_bytes() gives it
 * @theirs: (nullable): the root node of the other copy
 * @n_changed: (out) (optional): how many of our annotations were added,
 *   changed or removed
 *
 * Merges two copies of a store file, by annotation id:
 *
 * - Of two annotations with the same id, one that can be read beats one
 *   that cannot; then the later `modified` (else `updated`, else
 *   `created`) wins; at an exact tie, the larger JSON text wins, so every
 *   copy decides the same way.
 * - Tombstones (`deleted` entries) of both copies are kept, the latest
 *   for each id. A tombstone removes the annotation with its id unless
 *   the annotation was modified after the deletion: then the annotation
 *   stays and the tombstone goes.
 * - Entries that cannot be merged (annotations without an id, tombstones
 *   without an id or time) are kept from both copies, without duplicates.
 * - The `document` is ours.
 *
 * The merge is commutative for everything but the document, and
 * idempotent: merging a result with either input gives the result again.
 *
 * Returns: (transfer full): the merged root node, in canonical order
 */
JsonNode *
mg_store_merge_json (JsonNode *ours,
                     JsonNode *theirs,
                     guint    *n_changed)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GPtrArray) deleted = g_ptr_array_new ();
  MgStoreMerge   merge;
  JsonObject    *document;
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;
  guint          changed = 0;
  JsonNode      *result;

  g_return_val_if_fail (ours != NULL, NULL);

  mg_store_merge_init (&merge);

  mg_store_merge_add_file (&merge, ours, TRUE);
  if (theirs != NULL)
    mg_store_merge_add_file (&merge, theirs, FALSE);

  /* Theirs' entries without an id that we did not have are changes. */
  if (theirs != NULL)
    {
      g_autoptr (GHashTable) our_idless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      JsonArray *array = mg_json_object_get_array (mg_json_node_get_object (ours), "annotations");

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (mg_json_node_get_member_string (node, "id") == NULL)
            g_hash_table_add (our_idless, mg_json_node_to_compact_string (node, NULL));
        }

      g_hash_table_iter_init (&iter, merge.idless);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          if (!g_hash_table_contains (our_idless, key))
            changed++;
        }
    }

  mg_store_merge_apply_tombstones (&merge);

  g_hash_table_iter_init (&iter, merge.ours_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (merge.by_id, key))
        changed++;
    }

  for (guint i = 0; i < merge.candidates->len; i++)
    {
      MgStoreCandidate *candidate = g_ptr_array_index (merge.candidates, i);

      if (candidate->lost)
        continue;
      if (!candidate->from_ours)
        changed++;
      g_ptr_array_add (entries, candidate->node);
    }

  g_hash_table_iter_init (&iter, merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (entries, value);

  g_hash_table_iter_init (&iter, merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (deleted, ((MgStoreTombstone *) value)->node);

  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (deleted, value);

  document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (ours), "document"));
  result = mg_store_format_build_root (mg_json_object_get_string (document, "id"),
                                       mg_json_object_get_string (document, "uri"),
                                       mg_json_object_get_string (document, "sha256"),
                                       mg_json_object_get_string (document, "title"),
                                       entries, deleted);

  mg_store_merge_clear (&merge);

  if (n_changed != NULL)
    *n_changed = changed;

  return result;
}
