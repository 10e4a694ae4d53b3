/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-import"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-annotation-json.h"
#include "mg-annotation-private.h"
#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-import.h"
#include "mg-json-private.h"

/*
 * Importing annotations made elsewhere: a W3C Web Annotation file (one
 * annotation, an array of them, an AnnotationCollection or AnnotationPage
 * with its items in the file), or what the Hypothesis API returns (a search
 * result {"rows": [...]}, or one row).
 *
 * Nothing changes unless everything can be read: the whole file is parsed
 * and every annotation read before the list is touched, and then all of
 * them are added at once. Entries that are not annotations of a passage of
 * text (Hypothesis page notes and replies, annotations of a whole page,
 * annotations that only link to their content) are counted and left out;
 * an annotation that is damaged (a member of the wrong type, a missing id
 * or target, a bad date) fails the whole import with a message that says
 * which one.
 */

G_DEFINE_QUARK (mg_import_error_quark, mg_import_error)

/* At most this many pages of a collection are followed. */
#define MAX_PAGES 64

/* Whether "type" is @type or an array that holds it. */
static gboolean
has_type (JsonObject *object,
          const char *type)
{
  JsonNode *node = mg_json_get_member (object, "type");

  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (node))
    return g_strcmp0 (json_node_get_string (node), type) == 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint      n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && g_strcmp0 (json_node_get_string (element), type) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

typedef struct
{
  GPtrArray *entries;   /* JsonNode *, borrowed: the annotation objects */
  guint      n_ignored; /* entries that are only links */
} Collected;

static gboolean
collect_array (JsonArray *array,
               Collected *collected,
               GError   **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          g_ptr_array_add (collected->entries, element);
        }
      else if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          /* An annotation given by its IRI only: nothing to read here. */
          collected->n_ignored++;
        }
      else
        {
          g_set_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                       _ ("Item %u of the list is not an annotation"), i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

/* The items of a page, and of the pages embedded after it. A page that is
 * only linked to ("next" as an IRI) is not in the file and cannot be read. */
static gboolean
collect_page (JsonObject *page,
              Collected  *collected,
              GError    **error)
{
  guint n_pages = 0;

  while (page != NULL)
    {
      JsonNode *items = mg_json_get_member (page, "items");
      JsonNode *next = mg_json_get_member (page, "next");

      if (items != NULL)
        {
          if (!JSON_NODE_HOLDS_ARRAY (items))
            {
              g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                                   _ ("The annotation page’s “items” is not a list"));
              return FALSE;
            }
          if (!collect_array (json_node_get_array (items), collected, error))
            return FALSE;
        }

      /* Nesting is limited, so this ends; count anyway. */
      page = next != NULL && JSON_NODE_HOLDS_OBJECT (next) && ++n_pages < MAX_PAGES ? json_node_get_object (next) : NULL;
    }

  return TRUE;
}

static gboolean
collect_entries (JsonNode  *root,
                 Collected *collected,
                 GError   **error)
{
  JsonObject *object;
  JsonNode   *node;

  if (JSON_NODE_HOLDS_ARRAY (root))
    return collect_array (json_node_get_array (root), collected, error);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto not_annotations;

  object = json_node_get_object (root);

  /* The Hypothesis search API. */
  node = mg_json_get_member (object, "rows");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return collect_array (json_node_get_array (node), collected, error);

  if (has_type (object, "AnnotationCollection"))
    {
      /* Some tools put the items in the collection itself. */
      node = mg_json_get_member (object, "items");
      if (node != NULL)
        return collect_page (object, collected, error);

      node = mg_json_get_member (object, "first");
      if (node == NULL)
        return TRUE;
      if (JSON_NODE_HOLDS_OBJECT (node))
        return collect_page (json_node_get_object (node), collected, error);

      g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                           _ ("The annotation collection only links to its annotations, which are not in the file"));
      return FALSE;
    }

  if (has_type (object, "AnnotationPage"))
    return collect_page (object, collected, error);

  /* One annotation: W3C, or one Hypothesis row. */
  if (has_type (object, "Annotation") || mg_json_get_member (object, "target") != NULL)
    {
      g_ptr_array_add (collected->entries, root);
      return TRUE;
    }

not_annotations:
  g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                       _ ("The file does not hold W3C Web Annotations or Hypothesis annotations"));
  return FALSE;
}

/* The target an anchor can come from: the object, or the first of an
 * array (Hypothesis), or NULL. */
static JsonObject *
first_target (JsonObject *annotation)
{
  JsonNode *target = mg_json_get_member (annotation, "target");

  if (target != NULL && JSON_NODE_HOLDS_ARRAY (target))
    {
      JsonArray *array = json_node_get_array (target);

      target = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;
    }

  if (target == NULL || !JSON_NODE_HOLDS_OBJECT (target))
    return NULL;

  return json_node_get_object (target);
}

/* For a selector: 1 if it is a TextQuoteSelector, 0 if it is another
 * kind, -1 if it is damaged (not an object or an IRI, or a type that is
 * not text), which reading the annotation will report. */
static int
quote_selector_kind (JsonNode *node)
{
  JsonNode *type;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return -1;

  type = mg_json_get_member (json_node_get_object (node), "type");
  if (type != NULL && !(JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING) && !JSON_NODE_HOLDS_ARRAY (type))
    return -1;

  return has_type (json_node_get_object (node), "TextQuoteSelector") ? 1 : 0;
}

/* Whether an entry is to be read as an annotation of a passage: it has a
 * target with a TextQuoteSelector. One whose target or selectors are
 * missing where they must be, or damaged, is read too, so that reading it
 * reports what is wrong. */
static gboolean
is_passage_annotation (JsonObject *annotation)
{
  JsonNode   *target = mg_json_get_member (annotation, "target");
  JsonObject *object;
  JsonNode   *selector;

  if (target == NULL)
    return TRUE;

  /* The whole resource, given by its IRI. */
  if (JSON_NODE_HOLDS_VALUE (target))
    return json_node_get_value_type (target) != G_TYPE_STRING;
  if (JSON_NODE_HOLDS_ARRAY (target))
    {
      JsonArray *array = json_node_get_array (target);
      JsonNode  *first;

      if (json_array_get_length (array) == 0)
        return TRUE;
      first = json_array_get_element (array, 0);
      if (JSON_NODE_HOLDS_VALUE (first))
        return json_node_get_value_type (first) != G_TYPE_STRING;
    }

  object = first_target (annotation);
  if (object == NULL)
    return TRUE;

  /* Hypothesis page notes and replies have a target without selectors. */
  selector = mg_json_get_member (object, "selector");
  if (selector == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (selector))
    {
      JsonArray *array = json_node_get_array (selector);
      guint      n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          if (quote_selector_kind (json_array_get_element (array, i)) != 0)
            return TRUE;
        }
      return FALSE;
    }

  return quote_selector_kind (selector) != 0;
}

/* Whether @id is an IRI: it has a scheme (RFC 3986, section 3.1). */
static gboolean
is_iri (const char *id)
{
  const char *p = id;

  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;

  return *p == ':';
}

/* Whether a target bears the W3C export's mark of an orphan: its passage
 * was not in the version of the document it was exported from. */
static gboolean
is_marked_not_found (JsonObject *target)
{
  return g_strcmp0 (mg_json_object_get_string (target, MG_ANNOTATION_JSON_STATE_MEMBER),
                    MG_ANNOTATION_JSON_STATE_ORPHANED)
         == 0;
}

/* Takes the position selectors out of @target's selector array. */
static void
drop_position_selectors (JsonObject *target)
{
  JsonNode  *selector = mg_json_get_member (target, "selector");
  JsonArray *array;
  guint      i;

  if (selector == NULL || !JSON_NODE_HOLDS_ARRAY (selector))
    return;

  array = json_node_get_array (selector);
  for (i = json_array_get_length (array); i-- > 0;)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && has_type (json_node_get_object (node), "TextPositionSelector"))
        json_array_remove_element (array, i);
    }
}

/* Fits what other tools write into what mg_annotation_new_from_json()
 * reads, in the parsed tree (which is ours to change):
 * - An id that is no IRI (Hypothesis' own ids) becomes the annotation's
 *   web address given in "links", as in Hypothesis' own JSON-LD, or else a
 *   name-based UUID of it: the same at every import, so a second import
 *   merges with the first, and an IRI, as W3C ids must be.
 * - Without a "color", the target's "styleClass" gives it, if it names one
 *   of the palette (as the W3C export writes it).
 * - A target marked as not found (an orphan in our W3C export) claims no
 *   place: a position selector in it, which could only cover other words,
 *   is dropped, and the passage is looked for by its quote and context.
 * - An entry without any date ("created", "modified", "updated") is given
 *   @stamp, the time of the import, the same for all of them: the reader
 *   would take the clock at each entry, and whether two undated versions
 *   of one id had "one time" (both kept) or one was newer (the other
 *   dropped) would then depend on the milliseconds between them, so that
 *   importing the file again could give other annotations.
 * Returns whether the entry had no date. */
static gboolean
prepare_entry (JsonObject *annotation,
               const char *stamp)
{
  static const char *const dates[] = { "created", "modified", "updated" };
  const char              *id = mg_json_object_get_string (annotation, "id");
  JsonObject              *target;
  gboolean                 undated = TRUE;

  if (id != NULL && id[0] != '\0' && !is_iri (id))
    {
      JsonNode   *links = mg_json_get_member (annotation, "links");
      const char *html = NULL;

      if (links != NULL && JSON_NODE_HOLDS_OBJECT (links))
        html = mg_json_object_get_string (json_node_get_object (links), "html");

      if (html != NULL && is_iri (html) && g_utf8_validate (html, -1, NULL))
        {
          json_object_set_string_member (annotation, "id", html);
        }
      else if (g_utf8_validate (id, -1, NULL))
        {
          g_autofree char *urn = mg_export_uuid_urn_for_name (id);

          json_object_set_string_member (annotation, "id", urn);
        }
    }

  target = first_target (annotation);
  if (mg_json_get_member (annotation, "color") == NULL && target != NULL)
    {
      const char *style_class = mg_json_object_get_string (target, "styleClass");

      if (mg_color_from_string (style_class, NULL))
        json_object_set_string_member (annotation, "color", style_class);
    }

  if (target != NULL && is_marked_not_found (target))
    drop_position_selectors (target);

  /* A date of the wrong type counts as one: reading it reports it. */
  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    undated = undated && mg_json_get_member (annotation, dates[i]) == NULL;
  if (undated)
    {
      json_object_set_string_member (annotation, "created", stamp);
      json_object_set_string_member (annotation, "modified", stamp);
    }

  return undated;
}

/* @annotation, with an id of its own: name-based on its old one and
 * @rank, so that importing the same file again gives the same. Takes
 * @annotation. */
static MgAnnotation *
renumbered (MgAnnotation *annotation,
            guint         rank,
            GHashTable   *taken)
{
  g_autoptr (MgAnnotation) old = annotation;
  g_autofree char *id = NULL;

  /* Never an id that another entry of the file has (by chance, or a file
   * written so): that entry would take its place. */
  do
    {
      g_autofree char *name = g_strdup_printf ("%s#repeat-%u", mg_annotation_get_id (old), rank++);

      g_free (id);
      id = mg_export_uuid_urn_for_name (name);
    }
  while (g_hash_table_contains (taken, id));
  g_hash_table_add (taken, g_strdup (id));

  return mg_annotation_new_full (id, mg_annotation_get_created (old), mg_annotation_get_modified (old),
                                 mg_annotation_get_color (old), mg_annotation_get_note (old),
                                 mg_annotation_get_tags (old), mg_annotation_get_exact (old),
                                 mg_annotation_get_prefix (old), mg_annotation_get_suffix (old),
                                 mg_annotation_get_start (old), mg_annotation_get_end (old),
                                 mg_annotation_get_previous_exact (old));
}

/**
 * mg_import_w3c:
 * @document: the open #MgDocument, in which the annotations are anchored
 * @annotations: the document's annotations, to which they are added
 * @data: the file's contents
 * @result: (out caller-allocates) (optional): what the import did
 * @error: return location for a #GError
 *
 * Imports W3C Web Annotations (one, a JSON array of them, or an
 * AnnotationCollection or AnnotationPage whose items are in the file) or
 * Hypothesis API annotations ({"rows": [...]} or one row: target as an
 * array, RangeSelector ignored, "text" for the note and "tags").
 *
 * Each is anchored in @document with mg_anchor_annotation() and added to
 * @annotations, merged by id: an annotation already in the list is
 * replaced only when the imported one's `modified` is later; one without
 * any date, which cannot say it is newer, never replaces it (the same file
 * imported again changes nothing, and leaves the edits made since).
 * Entries that
 * are not annotations of a passage (no TextQuoteSelector: page notes,
 * replies) are counted in @result and left out. A target marked
 * `"marginalia:state": "orphaned"` (an orphan in our W3C export) is
 * looked for by its quote and context alone, as it claims no place.
 *
 * The file is read in full before anything changes: when it cannot be,
 * %MG_IMPORT_ERROR_INVALID (or %MG_IMPORT_ERROR_TOO_LARGE) is set with a
 * message for the user, and @annotations is left as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
mg_import_w3c (MgDocument       *document,
               MgAnnotationList *annotations,
               GBytes           *data,
               MgImportResult   *result,
               GError          **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *repaired = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) parsed = NULL;
  g_autoptr (GPtrArray) to_add = NULL;
  g_autoptr (GHashTable) by_id = NULL;
  g_autoptr (GHashTable) same_time = NULL;
  g_autoptr (GHashTable) taken = NULL;
  g_autoptr (GArray) undated = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  MgImportResult   counts = { 0 };
  guint            n_renumbered = 0;
  Collected        collected;
  JsonNode        *root;
  const char      *bytes;
  gsize            len;
  guint            i;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), FALSE);
  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (annotations), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (result != NULL)
    *result = counts;

  bytes = g_bytes_get_data (data, &len);

  if (len > MG_IMPORT_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (len);

      g_set_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_TOO_LARGE,
                   /* Translators: %s is a size, e.g. "300 MB". */
                   _ ("The file is too large to import (%s; the limit is 256 MB)"), size);
      return FALSE;
    }

  if (len == 0 || bytes == NULL)
    {
      g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                           _ ("The file is empty"));
      return FALSE;
    }

  /* This also refuses NUL bytes, at which the parser would stop. */
  if (!g_utf8_validate_len (bytes, len, NULL))
    {
      g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                           _ ("The file is not UTF-8 text"));
      return FALSE;
    }

  if (!mg_json_check_depth (bytes, len))
    {
      g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                           _ ("The file is nested too deeply to be annotations"));
      return FALSE;
    }

  /* A lone surrogate escape would reach us as bytes that are not UTF-8:
   * it becomes U+FFFD, as in the store. */
  repaired = mg_json_repair_surrogates (bytes, len);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, repaired != NULL ? repaired : bytes, len, &local_error))
    {
      /* json-glib quotes the bad token, which may be a broken escape it
       * turned into bytes that are not UTF-8. */
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                   _ ("The file is not valid JSON: %s"), reason);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                           _ ("The file is empty"));
      return FALSE;
    }

  entries = g_ptr_array_new ();
  collected.entries = entries;
  collected.n_ignored = 0;
  if (!collect_entries (root, &collected, error))
    return FALSE;
  counts.n_ignored = collected.n_ignored;

  /* Read everything first: one bad annotation and nothing is imported.
   * Whether each one had no date, in @undated, goes along with @parsed. */
  now = mg_annotation_now ();
  stamp = mg_format_timestamp (now);
  parsed = g_ptr_array_new_with_free_func (g_object_unref);
  undated = g_array_new (FALSE, FALSE, sizeof (gboolean));
  for (i = 0; i < entries->len; i++)
    {
      JsonNode     *node = g_ptr_array_index (entries, i);
      JsonObject   *object = json_node_get_object (node);
      MgAnnotation *annotation;
      gboolean      no_date;

      if (!is_passage_annotation (object))
        {
          counts.n_ignored++;
          continue;
        }

      no_date = prepare_entry (object, stamp);
      annotation = mg_annotation_new_from_json (node, &local_error);
      if (annotation == NULL)
        {
          /* Translators: the first two are numbers, the last is why. */
          g_set_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID,
                       _ ("Annotation %u of %u cannot be imported: %s"),
                       i + 1, entries->len, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (parsed, annotation);
      g_array_append_val (undated, no_date);
    }
  counts.n_read = parsed->len;

  /* The file's own repeats: the latest version of each id wins, and a
   * copy of the same version goes. Two different annotations with one id
   * and one time are two annotations: the later one is kept with an id of
   * its own. */
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  same_time = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; i < parsed->len; i++)
    g_hash_table_add (taken, g_strdup (mg_annotation_get_id (g_ptr_array_index (parsed, i))));
  for (i = 0; i < parsed->len; i++)
    {
      MgAnnotation    *annotation = g_ptr_array_index (parsed, i);
      const char      *id = mg_annotation_get_id (annotation);
      MgAnnotation    *seen = g_hash_table_lookup (by_id, id);
      g_autofree char *text = NULL;
      GPtrArray       *texts;
      int              cmp;

      /* The texts, as read, of the versions of the id's latest time. */
      texts = g_hash_table_lookup (same_time, id);
      cmp = seen != NULL ? g_date_time_compare (mg_annotation_get_modified (annotation), mg_annotation_get_modified (seen)) : 1;
      if (cmp < 0)
        {
          counts.n_skipped++;
          continue;
        }

      text = mg_annotation_json_compact_text (annotation, NULL);
      if (cmp == 0 && g_ptr_array_find_with_equal_func (texts, text, g_str_equal, NULL))
        {
          counts.n_skipped++;
          continue;
        }

      if (cmp == 0)
        {
          g_ptr_array_add (texts, g_steal_pointer (&text));
          annotation = g_ptr_array_index (parsed, i) = renumbered (annotation, texts->len - 1, taken);
          g_hash_table_insert (by_id, (gpointer) mg_annotation_get_id (annotation), annotation);
          n_renumbered++;
          continue;
        }

      /* The first of the id, or a newer version of it. */
      if (seen != NULL)
        counts.n_skipped++;
      texts = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (texts, g_steal_pointer (&text));
      g_hash_table_replace (same_time, (gpointer) id, texts);
      g_hash_table_insert (by_id, (gpointer) id, annotation);
    }

  to_add = g_ptr_array_new ();
  for (i = 0; i < parsed->len; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (parsed, i);
      MgAnnotation *existing;

      if (g_hash_table_lookup (by_id, mg_annotation_get_id (annotation)) != annotation)
        continue;

      existing = mg_annotation_list_lookup (annotations, mg_annotation_get_id (annotation));
      if (existing != NULL && (g_array_index (undated, gboolean, i) || g_date_time_compare (mg_annotation_get_modified (annotation), mg_annotation_get_modified (existing)) <= 0))
        {
          counts.n_skipped++;
          continue;
        }

      if (existing != NULL)
        counts.n_updated++;
      else
        counts.n_added++;

      mg_anchor_annotation (annotation, document);
      switch (mg_annotation_get_state (annotation))
        {
        case MG_ANNOTATION_STATE_ANCHORED:
          counts.n_anchored++;
          break;
        case MG_ANNOTATION_STATE_MOVED:
          counts.n_moved++;
          break;
        case MG_ANNOTATION_STATE_ORPHANED:
        default:
          counts.n_orphaned++;
          break;
        }

      g_ptr_array_add (to_add, annotation);
    }

  if (to_add->len > 0)
    mg_annotation_list_add_many (annotations, to_add);

  counts.n_renumbered = n_renumbered;
  if (result != NULL)
    *result = counts;

  return TRUE;
}
