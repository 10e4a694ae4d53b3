/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <string.h>

#include "mg-annotation-json.h"
#include "mg-json-private.h"
#include "mg-store-private.h"

/* The first read of a file into an empty store, one entry at a time.
 *
 * json-glib's tree of a store file takes about five times the file's size,
 * and merging it into the list (mg-store-load.c) makes every annotation
 * while the whole tree is held: ten times the file at the peak. Here each
 * entry is parsed from its own text, and what the store keeps of it (an
 * MgAnnotation, or the entry itself when it cannot be read) is made
 * before the next one is parsed, so that a load needs little more than
 * the file and what the store keeps.
 *
 * The result is what merging the file's tree into an empty list gives,
 * with the same rules: repeated ids renumbered, entries without an id kept
 * once, tombstones applied, unreadable entries kept with their text as
 * read. What lies around the entries (version, document, the arrays) is
 * read from the file without its entries, by mg_store_parse_bytes().
 * Anything this reader does not follow (comments, a file that does not
 * parse) is left to the tree, which gives the same result or the error. */

/* The text without the elements of the arrays at @a and @b (either may
 * be NULL), in the order they are in. */
static GBytes *
skeleton_bytes (const char *data,
                gsize       len,
                GArray     *a,
                GArray     *b)
{
  GArray  *arrays[2] = { a, b };
  gsize    cuts[2][2];
  guint    n_cuts = 0;
  gsize    at = 0;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      MgJsonSpan *first;
      MgJsonSpan *last;

      if (arrays[i] == NULL || arrays[i]->len == 0)
        continue;
      first = &g_array_index (arrays[i], MgJsonSpan, 0);
      last = &g_array_index (arrays[i], MgJsonSpan, arrays[i]->len - 1);
      cuts[n_cuts][0] = first->start;
      cuts[n_cuts][1] = last->start + last->len;
      n_cuts++;
    }

  if (n_cuts == 2 && cuts[1][0] < cuts[0][0])
    {
      gsize first[2] = { cuts[1][0], cuts[1][1] };

      cuts[1][0] = cuts[0][0];
      cuts[1][1] = cuts[0][1];
      cuts[0][0] = first[0];
      cuts[0][1] = first[1];
    }

  for (guint i = 0; i < n_cuts; i++)
    {
      g_string_append_len (out, data + at, cuts[i][0] - at);
      at = cuts[i][1];
    }
  g_string_append_len (out, data + at, len - at);

  return g_string_free_to_bytes (out);
}

/* Whether the member @name of the file without its entries is what
 * the reader of spans took it for: missing, or the emptied array. */
static gboolean
member_emptied (JsonObject *root,
                const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node == NULL || (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 0);
}

typedef struct
{
  const char *data;
  GArray     *entries; /* MgJsonSpan of "annotations" */
  GArray     *deleted; /* of "deleted" */

  MgStoreMerge merge;        /* its tombstones and entries without an id */
  GPtrArray   *nodes;        /* JsonNode the merge borrows */
  GHashTable  *texts;        /* key -> text as read, of what may be kept */
  GHashTable  *seen;         /* ids, for mg_store_format_next_id() */
  GPtrArray   *unreadable;   /* JsonNode of entries that cannot be read */
  GHashTable  *why;          /* such a node -> the reader's message */
  guint        n_renumbered; /* entries given a new id */
} Stream;

static void
stream_clear (Stream *s)
{
  mg_store_merge_clear (&s->merge);
  g_clear_pointer (&s->nodes, g_ptr_array_unref);
  g_clear_pointer (&s->texts, g_hash_table_unref);
  g_clear_pointer (&s->seen, g_hash_table_unref);
  g_clear_pointer (&s->unreadable, g_ptr_array_unref);
  g_clear_pointer (&s->why, g_hash_table_unref);
  g_clear_pointer (&s->entries, g_array_unref);
  g_clear_pointer (&s->deleted, g_array_unref);
}

/* The element @i of @spans, parsed alone; its text in @text_out. */
static JsonNode *
parse_span (Stream *s,
            GArray *spans,
            guint   i,
            char  **text_out)
{
  MgJsonSpan *span = &g_array_index (spans, MgJsonSpan, i);
  char       *text = g_strndup (s->data + span->start, span->len);
  JsonNode   *node = mg_store_format_parse_entry (text);

  if (node == NULL)
    {
      g_free (text);
      return NULL;
    }

  *text_out = text;

  return node;
}

/* Keeps @node (and its @text as read, if it is to be written back so)
 * for as long as the stream. */
static void
keep_node (Stream   *s,
           JsonNode *node,
           char     *text)
{
  gpointer key = mg_store_node_key (node);

  g_ptr_array_add (s->nodes, json_node_ref (node));
  if (key != NULL && text != NULL)
    g_hash_table_replace (s->texts, key, text);
  else
    g_free (text);
}

static gboolean
read_tombstones (Stream *s)
{
  for (guint i = 0; s->deleted != NULL && i < s->deleted->len; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      char *text = NULL;

      node = parse_span (s, s->deleted, i, &text);
      if (node == NULL)
        return FALSE;
      keep_node (s, node, text);
      mg_store_merge_add_tombstone (&s->merge, node);
    }

  return TRUE;
}

/* Whether the entry @id, last modified as @node says, is deleted by a
 * tombstone; a tombstone older than the entry goes. */
static gboolean
deleted_by_tombstone (Stream     *s,
                      JsonNode   *node,
                      const char *id)
{
  MgStoreTombstone *tombstone = g_hash_table_lookup (s->merge.tombstones, id);
  g_autoptr (GDateTime) modified = NULL;

  if (tombstone == NULL)
    return FALSE;

  modified = mg_annotation_json_get_modified (node);
  if (modified == NULL || g_date_time_compare (modified, tombstone->when) <= 0)
    return TRUE;

  g_hash_table_remove (s->merge.tombstones, id);

  return FALSE;
}

static gboolean
read_entries (Stream    *s,
              GPtrArray *annotations)
{
  for (guint i = 0; s->entries != NULL && i < s->entries->len; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *new_id = NULL;
      char            *text = NULL;
      const char      *id;
      MgAnnotation    *annotation;

      node = parse_span (s, s->entries, i, &text);
      if (node == NULL)
        return FALSE;

      id = mg_json_node_get_member_string (node, "id");
      if (id == NULL)
        {
          guint n_idless = g_hash_table_size (s->merge.idless);

          /* Kept once for each text, as it is. */
          mg_store_merge_add_entry (&s->merge, node, FALSE);
          if (g_hash_table_size (s->merge.idless) > n_idless)
            keep_node (s, node, g_steal_pointer (&text));
          g_free (text);
          continue;
        }

      new_id = mg_store_format_next_id (s->seen, id);
      if (new_id != NULL)
        {
          json_object_set_string_member (json_node_get_object (node), "id", new_id);
          id = mg_json_node_get_member_string (node, "id");
          /* Its text as read has the old id. */
          g_clear_pointer (&text, g_free);
          s->n_renumbered++;
        }

      if (deleted_by_tombstone (s, node, id))
        {
          g_free (text);
          continue;
        }

      annotation = mg_annotation_new_from_json (node, &error);
      if (annotation == NULL)
        {
          keep_node (s, node, g_steal_pointer (&text));
          g_ptr_array_add (s->unreadable, json_node_ref (node));
          g_hash_table_insert (s->why, node, g_strdup (error->message));
          continue;
        }

      g_free (text);
      g_ptr_array_add (annotations, annotation);
    }

  return TRUE;
}

/**
 * mg_store_stream_read:
 * @bytes: the contents of a store file
 * @contents: (out caller-allocates): what an empty store makes of them;
 *   the annotations are not anchored
 * @n_renumbered: (out): how many entries repeated the id of another one
 *   and were given a new id
 * @why: (out) (transfer full): for each of @contents' raw entries, in
 *   their order, why it cannot be read (%NULL: it has no id)
 *
 * Reads a store file for a store that holds nothing yet, one entry at a
 * time: the same contents as parsing the file with mg_store_parse_bytes()
 * and merging it into an empty list, in a fraction of the memory.
 *
 * Returns: %TRUE if the file was read; %FALSE if it must be read as a
 *   tree (it may not parse: that reading gives the error)
 */
gboolean
mg_store_stream_read (GBytes               *bytes,
                      MgStoreCacheContents *contents,
                      guint                *n_renumbered,
                      GPtrArray           **why)
{
  g_autoptr (GBytes) skeleton = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) annotations = NULL;
  g_autoptr (GPtrArray) raw_items = NULL;
  JsonObject    *object;
  JsonObject    *document;
  Stream         s = { 0 };
  gsize          len;
  GHashTableIter iter;
  gpointer       value;
  gboolean       ok = FALSE;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  s.data = g_bytes_get_data (bytes, &len);
  if (len == 0 || memchr (s.data, '\0', len) != NULL || !mg_json_check_depth (s.data, len))
    return FALSE;

  s.entries = mg_json_member_array_spans (s.data, len, "annotations");
  s.deleted = mg_json_member_array_spans (s.data, len, "deleted");
  mg_store_merge_init (&s.merge);
  s.nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  s.texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  s.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s.unreadable = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  s.why = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);

  /* Both missing: not followed, or nothing to read one at a time. */
  if (s.entries == NULL && s.deleted == NULL)
    goto out;

  skeleton = skeleton_bytes (s.data, len, s.entries, s.deleted);
  root = mg_store_parse_bytes (skeleton, NULL);
  object = mg_json_node_get_object (root);
  if (object == NULL || !member_emptied (object, "annotations") || !member_emptied (object, "deleted"))
    goto out;

  annotations = g_ptr_array_new_with_free_func (g_object_unref);
  if (!read_tombstones (&s) || !read_entries (&s, annotations))
    goto out;

  /* What is kept as it is, in the order of the file the store writes. */
  raw_items = g_ptr_array_new_with_free_func (mg_store_item_free);
  for (guint i = 0; i < s.unreadable->len; i++)
    g_ptr_array_add (raw_items, mg_store_item_new_entry_node (g_ptr_array_index (s.unreadable, i)));
  g_hash_table_iter_init (&iter, s.merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (raw_items, mg_store_item_new_entry_node (value));
  mg_store_items_sort (raw_items);

  document = mg_json_node_get_object (json_object_get_member (object, "document"));
  contents->uri = g_strdup (mg_json_object_get_string (document, "uri"));
  contents->sha256 = g_strdup (mg_json_object_get_string (document, "sha256"));
  contents->title = g_strdup (mg_json_object_get_string (document, "title"));
  contents->annotations = g_steal_pointer (&annotations);
  contents->raw_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  contents->raw_tombstones = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  contents->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  contents->raw_texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  *why = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < raw_items->len; i++)
    {
      JsonNode *node = ((MgStoreItem *) g_ptr_array_index (raw_items, i))->node;

      g_ptr_array_add (contents->raw_entries, json_node_ref (node));
      g_ptr_array_add (*why, g_strdup (g_hash_table_lookup (s.why, node)));
    }
  g_hash_table_iter_init (&iter, s.merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MgStoreTombstone *tombstone = value;

      g_hash_table_replace (contents->tombstones, g_strdup (tombstone->id), g_strdup (tombstone->text));
    }
  g_hash_table_iter_init (&iter, s.merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (contents->raw_tombstones, json_node_ref (value));

  /* The texts as read of what is kept as it is. */
  for (guint a = 0; a < 2; a++)
    {
      GPtrArray *kept = a == 0 ? contents->raw_entries : contents->raw_tombstones;

      for (guint i = 0; i < kept->len; i++)
        {
          gpointer key = mg_store_node_key (g_ptr_array_index (kept, i));
          char    *text = key != NULL ? g_hash_table_lookup (s.texts, key) : NULL;

          if (text != NULL)
            g_hash_table_replace (contents->raw_texts, key, g_strdup (text));
        }
    }

  *n_renumbered = s.n_renumbered;
  ok = TRUE;

out:
  g_clear_pointer (&raw_items, g_ptr_array_unref);
  stream_clear (&s);

  return ok;
}
