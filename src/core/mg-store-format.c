/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mg-annotation-json.h"
#include "mg-export.h"
#include "mg-json-private.h"
#include "mg-json-writer.h"
#include "mg-store-private.h"

/* The store file's format, and nothing else: reading a file into a tree
 * (parse, check its shape, repair what could not be written back) and
 * writing one (entries in canonical order, written with the one JSON
 * writer). Pure functions of their arguments: mg_store_parse_bytes() is
 * the fuzzer's entry point.
 *
 * |[
 * {
 *   "version" : 2,
 *   "document" : { "id" : "urn:uuid:...", "uri" : "...", "sha256" : "...", "title" : "..." },
 *   "annotations" : [ { "id" : "urn:uuid:...", ... }, ... ],
 *   "deleted" : [ { "id" : "urn:uuid:...", "modified" : "...Z" }, ... ]
 * }
 * ]|
 *
 * Keys come in a fixed order, annotations sorted by creation time then id
 * and tombstones by id, pretty-printed with one annotation per entry, so
 * that a git diff or the merge of a synced folder reads well. An
 * annotation's own shape is mg-annotation-json.c's.
 *
 * Version 2 added the document's "id" (mg-document-ids.c): the file is
 * named after it, and "uri" is only where the last writer had the
 * document. Version 1 files (no id, named after the URI) are read as
 * they are and migrated by the store. */

/* The entries of a file ----------------------------------------------------
 *
 * Entries (annotations) sort by creation time then id, tombstones by id
 * then time of deletion; the compact text settles the rest, so that any
 * order given gives the same file. Each item carries its sort keys, taken
 * once rather than in every comparison. */
void
mg_store_item_free (gpointer data)
{
  MgStoreItem *item = data;

  g_clear_object (&item->annotation);
  g_free (item->created);
  g_free (item->modified);
  g_free (item->text);
  g_free (item);
}

MgStoreItem *
mg_store_item_new_entry_node (JsonNode *node)
{
  MgStoreItem *item = g_new0 (MgStoreItem, 1);

  item->kind = MG_STORE_ITEM_NODE;
  item->node = node;
  item->key1 = mg_json_node_get_member_string (node, "created");
  item->key2 = mg_json_node_get_member_string (node, "id");

  return item;
}

MgStoreItem *
mg_store_item_new_tombstone_node (JsonNode *node)
{
  MgStoreItem *item = g_new0 (MgStoreItem, 1);

  item->kind = MG_STORE_ITEM_NODE;
  item->node = node;
  item->key1 = mg_json_node_get_member_string (node, "id");
  item->key2 = mg_json_node_get_member_string (node, "modified");

  return item;
}

MgStoreItem *
mg_store_item_new_annotation (MgAnnotation *annotation)
{
  MgStoreItem *item = g_new0 (MgStoreItem, 1);

  item->kind = MG_STORE_ITEM_ANNOTATION;
  item->annotation = g_object_ref (annotation);
  item->created = mg_format_timestamp (mg_annotation_get_created (annotation));
  item->modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  item->key1 = item->created;
  item->key2 = mg_annotation_get_id (annotation);

  return item;
}

MgStoreItem *
mg_store_item_new_tombstone (const char *id,
                             const char *when)
{
  MgStoreItem *item = g_new0 (MgStoreItem, 1);

  item->kind = MG_STORE_ITEM_TOMBSTONE;
  item->id = id;
  item->when = when;
  item->key1 = id;
  item->key2 = when;

  return item;
}

static void
write_item (MgJsonWriter *w,
            MgStoreItem  *item,
            gboolean      as_read)
{
  switch (item->kind)
    {
    case MG_STORE_ITEM_NODE:
      /* An entry kept as it is goes back as it was read, byte for byte
       * (a number no double holds stays as written). */
      if (as_read && item->raw != NULL)
        mg_json_writer_raw (w, item->raw, strlen (item->raw));
      else
        mg_json_writer_node (w, item->node);
      break;

    case MG_STORE_ITEM_ANNOTATION:
      mg_annotation_json_write (w, item->annotation, item->created, item->modified, NULL);
      break;

    case MG_STORE_ITEM_TOMBSTONE:
      mg_annotation_json_write_tombstone (w, item->id, item->when);
      break;

    default:
      g_assert_not_reached ();
    }
}

const char *
mg_store_item_text (MgStoreItem *item)
{
  if (item->text == NULL)
    {
      MgJsonWriter w;

      mg_json_writer_init (&w, g_string_sized_new (MG_STORE_COMPACT_TEXT_SIZE), MG_JSON_WRITER_COMPACT);
      write_item (&w, item, FALSE);
      item->text = g_string_free (w.out, FALSE);
      item->text_clean = !w.repaired;
    }

  return item->text;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  MgStoreItem *item_a = *(MgStoreItem **) a;
  MgStoreItem *item_b = *(MgStoreItem **) b;
  int          cmp;

  cmp = g_strcmp0 (item_a->key1, item_b->key1);
  if (cmp == 0)
    cmp = g_strcmp0 (item_a->key2, item_b->key2);
  /* The last resort, for entries without an id or time (kept as they
   * are): any order would do, but always the same. */
  if (cmp == 0)
    cmp = strcmp (mg_store_item_text (item_a), mg_store_item_text (item_b));

  return cmp;
}

/* Sorts @items (of MgStoreItem) in place. Stable: items that compare equal keep
 * the order given. Files are mostly read in the order they were written,
 * which is this one: then a look through them is enough. */
void
mg_store_items_sort (GPtrArray *items)
{
  for (guint i = 1; i < items->len; i++)
    {
      if (compare_items (&items->pdata[i - 1], &items->pdata[i]) > 0)
        {
          g_ptr_array_sort (items, compare_items);
          return;
        }
    }
}

/* The item as JSON, for json_node_equal(). */
static JsonNode *
item_dup_node (MgStoreItem *item)
{
  switch (item->kind)
    {
    case MG_STORE_ITEM_NODE:
      return json_node_ref (item->node);

    case MG_STORE_ITEM_ANNOTATION:
      return mg_annotation_to_json (item->annotation);

    case MG_STORE_ITEM_TOMBSTONE:
      return mg_annotation_json_tombstone_new (item->id, item->when);

    default:
      g_assert_not_reached ();
    }
}

/* json_node_equal() of the two items as JSON. The same compact text,
 * written without repairs, is the same JSON; another text may still be
 * (members in another order, numbers written otherwise). */
gboolean
mg_store_items_equal (MgStoreItem *a,
                      MgStoreItem *b)
{
  g_autoptr (JsonNode) node_a = NULL;
  g_autoptr (JsonNode) node_b = NULL;

  if (strcmp (mg_store_item_text (a), mg_store_item_text (b)) == 0 && a->text_clean && b->text_clean)
    {
      g_clear_pointer (&a->text, g_free);
      g_clear_pointer (&b->text, g_free);
      return TRUE;
    }

  node_a = item_dup_node (a);
  node_b = item_dup_node (b);

  return json_node_equal (node_a, node_b);
}

gboolean
mg_store_items_all_equal (GPtrArray *a,
                          GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  mg_store_items_sort (a);
  mg_store_items_sort (b);
  for (guint i = 0; i < a->len; i++)
    {
      if (!mg_store_items_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
        return FALSE;
    }

  return TRUE;
}

/* Writes a whole file, in its canonical order: @entries and @deleted
 * (of MgStoreItem) are sorted in place. */
static void
write_store_file (MgJsonWriter *w,
                  const char   *id,
                  const char   *uri,
                  const char   *sha256,
                  const char   *title,
                  GPtrArray    *entries,
                  GPtrArray    *deleted)
{
  mg_store_items_sort (entries);
  mg_store_items_sort (deleted);

  mg_json_writer_open (w, '{');
  mg_json_writer_int_member (w, "version", MG_STORE_FORMAT_VERSION);

  mg_json_writer_plain_member (w, "document");
  mg_json_writer_open (w, '{');
  if (id != NULL)
    mg_json_writer_string_member (w, "id", id);
  mg_json_writer_string_member (w, "uri", uri ? uri : "");
  mg_json_writer_string_member (w, "sha256", sha256 ? sha256 : "");
  mg_json_writer_string_member (w, "title", title ? title : "");
  mg_json_writer_close (w, '}');

  mg_json_writer_plain_member (w, "annotations");
  mg_json_writer_open (w, '[');
  for (guint i = 0; i < entries->len && !w->differs; i++)
    {
      mg_json_writer_element (w);
      write_item (w, g_ptr_array_index (entries, i), TRUE);
      mg_json_writer_compare_some (w, MG_STORE_COMPARE_CHUNK);
    }
  mg_json_writer_close (w, ']');

  mg_json_writer_plain_member (w, "deleted");
  mg_json_writer_open (w, '[');
  for (guint i = 0; i < deleted->len && !w->differs; i++)
    {
      mg_json_writer_element (w);
      write_item (w, g_ptr_array_index (deleted, i), TRUE);
      mg_json_writer_compare_some (w, MG_STORE_COMPARE_CHUNK);
    }
  mg_json_writer_close (w, ']');

  mg_json_writer_close (w, '}');
  g_string_append_c (w->out, '\n');
}

/* The bytes of the file. @size_hint: about how long it will be. */
GBytes *
mg_store_format_write (const char *id,
                       const char *uri,
                       const char *sha256,
                       const char *title,
                       GPtrArray  *entries,
                       GPtrArray  *deleted,
                       gsize       size_hint)
{
  MgJsonWriter w;
  gsize        len;
  gsize        allocated;
  char        *data;

  mg_json_writer_init (&w, g_string_sized_new (size_hint), MG_JSON_WRITER_PRETTY);
  write_store_file (&w, id, uri, sha256, title, entries, deleted);

  /* Give back what was reserved beyond the end: the bytes are kept. */
  len = w.out->len;
  allocated = w.out->allocated_len;
  data = g_string_free (w.out, FALSE);
  if (allocated > len + len / 16 + 4096)
    data = g_realloc (data, len + 1);

  return g_bytes_new_take (data, len);
}

/* Whether the file would be @expected, byte for byte: the file is
 * written in pieces that are compared and let go, never held whole. */
gboolean
mg_store_format_equals (const char *id,
                        const char *uri,
                        const char *sha256,
                        const char *title,
                        GPtrArray  *entries,
                        GPtrArray  *deleted,
                        GBytes     *expected)
{
  MgJsonWriter w;

  mg_json_writer_init (&w, g_string_sized_new (2 * MG_STORE_COMPARE_CHUNK), MG_JSON_WRITER_PRETTY);
  w.expected = g_bytes_get_data (expected, &w.expected_len);
  write_store_file (&w, id, uri, sha256, title, entries, deleted);
  mg_json_writer_compare (&w);
  g_string_free (w.out, TRUE);

  return !w.differs && w.compared == w.expected_len;
}

/* Builds a whole file as JSON, in its canonical order. The nodes of
 * @entries and @deleted are copied. */
JsonNode *
mg_store_format_build_root (const char *id,
                            const char *uri,
                            const char *sha256,
                            const char *title,
                            GPtrArray  *entries,
                            GPtrArray  *deleted)
{
  g_autoptr (GPtrArray) entry_items = g_ptr_array_new_full (entries->len, mg_store_item_free);
  g_autoptr (GPtrArray) deleted_items = g_ptr_array_new_full (deleted->len, mg_store_item_free);
  JsonObject *root = json_object_new ();
  JsonObject *document = json_object_new ();
  JsonArray  *annotations = json_array_sized_new (entries->len);
  JsonArray  *tombstones = json_array_sized_new (deleted->len);
  JsonNode   *node;

  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (entry_items, mg_store_item_new_entry_node (g_ptr_array_index (entries, i)));
  for (guint i = 0; i < deleted->len; i++)
    g_ptr_array_add (deleted_items, mg_store_item_new_tombstone_node (g_ptr_array_index (deleted, i)));

  mg_store_items_sort (entry_items);
  mg_store_items_sort (deleted_items);

  for (guint i = 0; i < entry_items->len; i++)
    json_array_add_element (annotations, json_node_copy (((MgStoreItem *) g_ptr_array_index (entry_items, i))->node));
  for (guint i = 0; i < deleted_items->len; i++)
    json_array_add_element (tombstones, json_node_copy (((MgStoreItem *) g_ptr_array_index (deleted_items, i))->node));

  if (id != NULL)
    json_object_set_string_member (document, "id", id);
  json_object_set_string_member (document, "uri", uri ? uri : "");
  json_object_set_string_member (document, "sha256", sha256 ? sha256 : "");
  json_object_set_string_member (document, "title", title ? title : "");

  json_object_set_int_member (root, "version", MG_STORE_FORMAT_VERSION);
  json_object_set_object_member (root, "document", document);
  json_object_set_array_member (root, "annotations", annotations);
  json_object_set_array_member (root, "deleted", tombstones);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);

  return node;
}

/* Reading JSON ----------------------------------------------------------- */

/* A copy of @node with invalid UTF-8 repaired (in values and member
 * names) and numbers that JSON cannot hold (1e999) made null, so that
 * whatever is kept verbatim can be written back. */
static JsonNode *
sanitized_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *result = json_object_new ();
        g_autoptr (GList) members = json_object_get_members (object);

        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *name = g_utf8_make_valid (l->data, -1);

            json_object_set_member (result, name,
                                    sanitized_copy (json_object_get_member (object, l->data)));
          }

        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, result);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint      length = json_array_get_length (array);
        JsonArray *result = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (result, sanitized_copy (json_array_get_element (array, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, result);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);

          copy = json_node_new (JSON_NODE_VALUE);
          json_node_set_string (copy, valid);
        }
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        {
          copy = json_node_new (JSON_NODE_NULL);
        }
      else
        {
          copy = json_node_copy (node);
        }
      break;

    case JSON_NODE_NULL:
    default:
      copy = json_node_new (JSON_NODE_NULL);
      break;
    }

  return copy;
}

static gboolean
validate_shape (JsonNode *root,
                GError  **error)
{
  JsonObject *object = mg_json_node_get_object (root);
  JsonObject *document;
  JsonNode   *node;
  gint64      version;

  if (object == NULL)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it does not hold a JSON object"));
      return FALSE;
    }

  node = json_object_get_member (object, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it has no format version"));
      return FALSE;
    }

  version = json_node_get_int (node);
  if (version > MG_STORE_FORMAT_VERSION)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION,
                   /* A printf width macro cannot stand in a translatable
                    * string: the number goes as a long long. */
                   _ ("it has format version %lld, and this version of Marginalia reads up to version %d"),
                   (long long) version, MG_STORE_FORMAT_VERSION);
      return FALSE;
    }
  if (version < 1)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                   _ ("it has the unknown format version %lld"),
                   (long long) version);
      return FALSE;
    }

  node = json_object_get_member (object, "document");
  document = mg_json_node_get_object (node);
  if (document == NULL || mg_json_object_get_string (document, "uri") == NULL || mg_json_object_get_string (document, "sha256") == NULL)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it does not say which document it belongs to"));
      return FALSE;
    }

  node = json_object_get_member (document, "title");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && mg_json_object_get_string (document, "title") == NULL)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("the document’s title is not text"));
      return FALSE;
    }

  node = json_object_get_member (object, "annotations");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("its annotations are not a list"));
      return FALSE;
    }

  node = json_object_get_member (object, "deleted");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("its list of deleted annotations is not a list"));
      return FALSE;
    }

  return TRUE;
}

/* Whether sanitized_copy() would change anything in @node. A parsed file
 * nearly never needs it, and copying a tree of ten thousand annotations
 * costs as much as parsing it. */
static gboolean
needs_repair (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char    *name;
        JsonNode      *member;

        /* In any order: the hash table's is the quickest. */
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            if (!g_utf8_validate (name, -1, NULL) || needs_repair (member))
              return TRUE;
          }
      }
      return FALSE;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint      length = json_array_get_length (array);

        for (guint i = 0; i < length; i++)
          {
            if (needs_repair (json_array_get_element (array, i)))
              return TRUE;
          }
      }
      return FALSE;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return !g_utf8_validate (json_node_get_string (node), -1, NULL);
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        return !isfinite (json_node_get_double (node));
      return FALSE;

    case JSON_NODE_NULL:
    default:
      return FALSE;
    }
}

/**
 * mg_store_parse_bytes:
 * @bytes: the contents of a store file
 * @error: return location for a #GError
 *
 * Parses a store file and checks its shape: an object with an integer
 * `version`, a `document` with `uri` and `sha256` strings, and
 * `annotations` and `deleted` arrays (either may be missing). The entries
 * of the arrays are not checked: mg_store_merge_json() and the store
 * keep the ones that cannot be read as they are.
 *
 * What could not be written back is repaired: lone UTF-16 surrogates and
 * other invalid text become U+FFFD, numbers beyond a double become null.
 * Nesting deeper than 64 levels is refused.
 *
 * The error is %MG_STORE_ERROR_NEWER_VERSION for a file written in a
 * newer format, else %MG_STORE_ERROR_CORRUPT; its message is a clause
 * ("it does not hold a JSON object") for a longer message.
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL
 */
JsonNode *
mg_store_parse_bytes (GBytes  *bytes,
                      GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *repaired = NULL;
  const char      *data;
  gsize            len;
  gboolean         parsed;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);

  if (len == 0)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it is empty"));
      return NULL;
    }

  /* This also refuses NUL bytes, which the parser would stop at. */
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it is not UTF-8 text"));
      return NULL;
    }

  if (!mg_json_check_depth (data, len))
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it is nested too deeply"));
      return NULL;
    }

  repaired = mg_json_repair_surrogates (data, len);

  parser = json_parser_new ();
  parsed = json_parser_load_from_data (parser, repaired ? repaired : data, len, &local_error);
  g_clear_pointer (&repaired, g_free);
  if (!parsed)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                   _ ("it is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  /* The parser's own tree is the result: no copy of it is kept. */
  root = json_parser_steal_root (parser);
  g_clear_object (&parser);

  /* Only white space (or comments) parses to no root. */
  if (root == NULL)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it is empty"));
      return NULL;
    }

  if (needs_repair (root))
    {
      JsonNode *copy = sanitized_copy (root);

      json_node_unref (root);
      root = copy;
    }

  if (!validate_shape (root, error))
    return NULL;

  return g_steal_pointer (&root);
}

/**
 * mg_store_serialize_json:
 * @root: a file's root node
 *
 * Writes @root as the store writes its files: pretty-printed with an
 * indent of two spaces and a final newline. Numbers that JSON cannot hold
 * are written as null and invalid UTF-8 is repaired, so the result always
 * parses.
 *
 * Returns: (transfer full): the bytes of the file
 */
GBytes *
mg_store_serialize_json (JsonNode *root)
{
  MgJsonWriter w;

  g_return_val_if_fail (root != NULL, NULL);

  mg_json_writer_init (&w, g_string_new (NULL), MG_JSON_WRITER_PRETTY);
  mg_json_writer_node (&w, root);
  g_string_append_c (w.out, '\n');

  return g_string_free_to_bytes (w.out);
}

/**
 * mg_store_format_renumber_repeats:
 * @root: a file's root node, as mg_store_parse_bytes() gives it
 * @raw_texts: (nullable): the texts of its entries, whose renumbered
 *   ones are dropped
 *
 * Gives every annotation entry that repeats the id of an earlier one in
 * the same file a new id, so that none is lost to the merge by id (which
 * takes entries of one id as versions of one annotation). The new ids
 * are name-based on the old id and the repeat's rank, so every reader of
 * the same file makes the same ones.
 *
 * Returns: how many entries were given a new id
 */
guint
mg_store_format_renumber_repeats (JsonNode   *root,
                                  GHashTable *raw_texts)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array = mg_json_object_get_array (mg_json_node_get_object (root), "annotations");
  guint      n_renumbered = 0;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject      *entry = mg_json_node_get_object (json_array_get_element (array, i));
      const char      *id = mg_json_object_get_string (entry, "id");
      g_autofree char *new_id = NULL;

      if (id == NULL)
        continue;

      new_id = mg_store_format_next_id (seen, id);
      if (new_id != NULL)
        {
          json_object_set_string_member (entry, "id", new_id);
          /* Its text as read has the old id. */
          if (raw_texts != NULL)
            g_hash_table_remove (raw_texts, entry);
          n_renumbered++;
        }
    }

  return n_renumbered;
}

/**
 * mg_store_format_next_id:
 * @seen: the ids of the entries before, as this function counted them
 *   (made with g_str_hash, g_str_equal and g_free for the keys)
 * @id: the id of the next entry
 *
 * One step of mg_store_format_renumber_repeats(), for a reader that takes
 * the entries one at a time.
 *
 * Returns: (transfer full) (nullable): the new id of an entry that
 *   repeats an earlier id, or %NULL when it keeps @id
 */
char *
mg_store_format_next_id (GHashTable *seen,
                         const char *id)
{
  guint rank = GPOINTER_TO_UINT (g_hash_table_lookup (seen, id));
  char *new_id = NULL;

  if (rank == 0)
    {
      g_hash_table_replace (seen, g_strdup (id), GUINT_TO_POINTER (1));
      return NULL;
    }

  /* Never the id of an earlier entry, which a file can hold (by chance,
   * or written so): then reading what is written would renumber again. */
  do
    {
      g_autofree char *name = g_strdup_printf ("%s#repeat-%u", id, rank);

      g_free (new_id);
      new_id = mg_export_uuid_urn_for_name (name);
      rank++;
    }
  while (g_hash_table_contains (seen, new_id));

  g_hash_table_replace (seen, g_strdup (id), GUINT_TO_POINTER (rank));
  g_hash_table_replace (seen, g_strdup (new_id), GUINT_TO_POINTER (1));

  return new_id;
}

/* What a raw text is kept under: the object or array a node holds, which
 * the copies of the node share. NULL for a value. */
gpointer
mg_store_node_key (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);

  return NULL;
}

static void
add_raw_texts (GHashTable *texts,
               const char *data,
               gsize       len,
               JsonNode   *root,
               const char *name)
{
  g_autoptr (GArray) spans = mg_json_member_array_spans (data, len, name);
  JsonArray *array = mg_json_object_get_array (mg_json_node_get_object (root), name);

  if (spans == NULL || array == NULL || spans->len != json_array_get_length (array))
    return;

  for (guint i = 0; i < spans->len; i++)
    {
      MgJsonSpan *span = &g_array_index (spans, MgJsonSpan, i);
      gpointer    key = mg_store_node_key (json_array_get_element (array, i));

      if (key != NULL)
        g_hash_table_replace (texts, key, g_strndup (data + span->start, span->len));
    }
}

/**
 * mg_store_format_raw_texts:
 * @bytes: the bytes of a file
 * @root: what mg_store_parse_bytes() made of them
 *
 * The text, as written in @bytes, of each entry and tombstone of @root
 * that is an object or an array, by mg_store_node_key(): what is kept of
 * an entry that cannot be read is written back as it was.
 *
 * Returns: (transfer full): key -> text; empty when the file is written
 *   in a way the reader of spans does not follow
 */
GHashTable *
mg_store_format_raw_texts (GBytes   *bytes,
                           JsonNode *root)
{
  GHashTable *texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  const char *data;
  gsize       len;

  data = g_bytes_get_data (bytes, &len);
  add_raw_texts (texts, data, len, root, "annotations");
  add_raw_texts (texts, data, len, root, "deleted");

  return texts;
}

/**
 * mg_store_format_parse_entry:
 * @text: the text of one entry, as mg_store_format_raw_texts() gives it
 *
 * Reads one entry as the reader of a whole file would: lone surrogates
 * repaired, what could not be written back made so, nesting too deep
 * refused.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL
 */
JsonNode *
mg_store_format_parse_entry (const char *text)
{
  g_autofree char *repaired = NULL;
  g_autoptr (JsonNode) node = NULL;
  gsize len = strlen (text);

  if (!g_utf8_validate_len (text, len, NULL) || !mg_json_check_depth (text, len))
    return NULL;

  repaired = mg_json_repair_surrogates (text, len);
  node = json_from_string (repaired != NULL ? repaired : text, NULL);
  if (node == NULL)
    return NULL;

  if (needs_repair (node))
    return sanitized_copy (node);

  return g_steal_pointer (&node);
}
