/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-store-cache.h"
#include "mg-store.h"

/**
 * MgStore:
 *
 * Keeps the annotations of one document in a JSON file, one file per
 * document:
 *
 * |[
 * {
 *   "version" : 1,
 *   "document" : { "uri" : "...", "sha256" : "...", "title" : "..." },
 *   "annotations" : [ { "id" : "urn:uuid:...", ... }, ... ],
 *   "deleted" : [ { "id" : "urn:uuid:...", "modified" : "...Z" }, ... ]
 * }
 * ]|
 *
 * Keys come in a fixed order, annotations sorted by creation time then id
 * and tombstones by id, pretty-printed with one annotation per entry, so
 * that a git diff or the merge of a synced folder reads well.
 *
 * The file is named after the document's URI. A document that moved is
 * recognised by the SHA-256 of its text: its annotations are saved under
 * the new name, and the old file is removed once the new one is written
 * (kept if the document at the old URI still exists: that was a copy).
 *
 * The store follows the list: each change schedules a save half a second
 * after the last one (at most five seconds after the first), written
 * atomically in a worker thread while the default #GApplication is held.
 * One write at a time; a change during a write saves again after it. Each
 * write passes the etag of what we last read or wrote, so that a file
 * changed by someone else is merged rather than overwritten.
 *
 * Deletions leave tombstones (id and time of deletion) so that an older
 * copy of the file cannot bring an annotation back. A change on disk (from
 * another machine, through a synced folder) is merged by id: the newer
 * `modified` wins, and a tombstone deletes an annotation that was not
 * modified after the deletion. See mg_store_merge_json().
 *
 * A file that does not parse is never overwritten: it is renamed aside
 * to `<name>.corrupt-<UTC time>` and the store starts afresh. A file from
 * a newer format version is never touched: the store is read-only.
 * Annotations that cannot be read inside a good file are kept verbatim
 * and written back as they are.
 *
 * What the store made of its file is cached (mg-store-cache.c) in the
 * user's cache folder once the file is written or read, a little while
 * after the last save, or at once when the store goes: the next load of
 * the same bytes reads that instead of parsing the JSON again.
 */

/* Save this long after the last change... */
#define SAVE_DELAY_MS 500
/* ...but no later than this after the first unsaved one. */
#define MAX_SAVE_DELAY_US (5 * G_USEC_PER_SEC)
/* Coalesces the events of one change on disk. */
#define CHECK_DELAY_MS 200
/* A file changed on disk that does not parse is read again after this
 * long before it is set aside: it may still be being written. */
#define SUSPECT_DELAY_MS 2000
#define MAX_WRITE_ATTEMPTS 3
/* Temporary files of writes cut off by a crash are removed after this
 * long; a younger one may belong to a write in progress. */
#define STALE_TEMPORARY_AGE_S (60 * 60)
/* The prefix of the temporary files of g_file_replace(). */
#define TEMPORARY_PREFIX ".goutputstream-"
/* The file on disk is compared with what we expect in pieces this big. */
#define FILE_COMPARE_CHUNK (64 * 1024)
/* About the compact text of an annotation, to write it without regrowing. */
#define COMPACT_TEXT_SIZE 1024
/* The cache is written this long after the save it follows: not after
 * every save of a busy session. */
#define CACHE_DELAY_MS 2000

typedef struct
{
  GFile  *file;
  GBytes *bytes;
  GBytes *expected; /* what the file must hold, or NULL for no file */
  char   *etag;     /* expected on disk, or NULL to write regardless */

  /* Set by the worker thread under MgStore.job_mutex. */
  char    *new_etag;
  GError  *error;
  gboolean done;

  /* Main thread: the result has been taken into the store. */
  gboolean finished;
} SaveJob;

struct _MgStore
{
  GObject parent_instance;

  MgDocument       *document;
  MgAnnotationList *annotations;
  char             *directory_path;
  GFile            *directory;
  GFile            *file;

  /* The list's items in its order, to know which ones were removed. */
  GPtrArray *mirror;
  /* id -> time of deletion, as written in the file. */
  GHashTable *tombstones;
  /* What we keep verbatim: annotations and tombstones we could not read. */
  GPtrArray *raw_entries;
  GPtrArray *raw_tombstones;

  /* What we last read from or wrote to the file, if anything. */
  GBytes *disk_bytes;
  char   *disk_etag;
  /* A changed file that did not parse, given time to be completed. */
  GBytes *suspect_bytes;
  /* A moved document's old file, removed after the first save. */
  GFile *moved_from;

  GFileMonitor *monitor;
  gulong        items_changed_handler;
  guint         save_source;
  gint64        save_pending_since;
  guint         check_source;

  /* The cache of what the file holds, and the bytes of the file it is
   * wanted for (the ones we last wrote or read, once nothing is pending). */
  GFile  *cache_file;
  char   *cache_directory;
  GBytes *cache_for;
  guint   cache_source;

  GMutex        job_mutex;
  GCond         job_cond;
  SaveJob      *job;
  gpointer      load_job; /* LoadJob, of mg_store_load_async() */
  GApplication *held_application;

  guint loaded : 1;
  guint read_only : 1;
  guint dirty : 1;
  guint updating : 1;
  guint save_again : 1;
  guint check_again : 1;
  guint flushing : 1;
  guint cache_directory_set : 1;
  guint cache_writing : 1;
  guint loading : 1;
};

G_DEFINE_FINAL_TYPE (MgStore, mg_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (mg_store_error_quark, mg_store_error)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_ANNOTATIONS,
  PROP_DIRECTORY,
  PROP_FILE,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ERROR,
  SAVED,
  MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_save (MgStore *self);
static void request_cache (MgStore *self);
static void update_hold (MgStore *self);
static void check_now (MgStore *self,
                       gboolean patient);

/* g_set_str() is GLib 2.76. */
static void
set_str (char      **str_pointer,
         const char *new_str)
{
  char *copy;

  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
}

/* JSON helpers ----------------------------------------------------------- */

static const char *
object_get_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
node_get_object (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static JsonArray *
object_get_array (JsonObject *object,
                  const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

static const char *
entry_get_string (JsonNode   *node,
                  const char *name)
{
  return object_get_string (node_get_object (node), name);
}

/* The time an annotation entry was last modified, as the annotation
 * reader takes it, or NULL when it has none. */
static GDateTime *
entry_get_modified (JsonNode *node)
{
  static const char *const names[] = { "modified", "updated", "created" };
  JsonObject              *object = node_get_object (node);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *str = object_get_string (object, names[i]);

      if (str != NULL)
        return mg_parse_timestamp (str);
    }

  return NULL;
}

/* Earlier than any time: NULL. */
static int
compare_times (GDateTime *a,
               GDateTime *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  return g_date_time_compare (a, b);
}

static JsonNode *
tombstone_node_new (const char *id,
                    const char *when)
{
  JsonObject *object = json_object_new ();
  JsonNode   *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "modified", when);
  json_node_take_object (node, object);

  return node;
}

/* Writing JSON ------------------------------------------------------------
 *
 * Our own writer rather than JsonGenerator: the bytes of a file must not
 * depend on the json-glib version (the Flatpak runtime's differs from
 * Debian's), and json-glib 1.6 writes some numbers as invalid JSON (1e999
 * as "inf.0", 1e300 as "1e+300.0"), which would make a file we cannot
 * read back. The pretty layout is json-glib's: two spaces, "key" : value.
 *
 * Annotations are written straight from the objects, without a JsonNode
 * tree in between: for ten thousand annotations, building, copying and
 * freeing the tree cost many times more than the writing. The bytes are
 * those of mg_annotation_to_json() through write_node(), which the tests
 * check. */

typedef struct
{
  GString *out;
  gboolean pretty;
  guint    level;    /* the depth of the innermost open container */
  gboolean empty;    /* nothing written in it yet */
  gboolean repaired; /* something was written other than it is held */

  /* When comparing with @expected rather than keeping what is written:
   * @out holds only what is not compared yet. */
  const char *expected;
  gsize       expected_len;
  gsize       compared;
  gboolean    differs;
} Writer;

static void
writer_init (Writer  *w,
             GString *out,
             gboolean pretty)
{
  memset (w, 0, sizeof *w);
  w->out = out;
  w->pretty = pretty;
  w->empty = TRUE;
}

/* GString's own appends are calls that check their arguments; these are
 * the bulk of writing, so they only copy when there is room. */
static inline void
out_append_len (GString    *out,
                const char *data,
                gsize       len)
{
  if (G_UNLIKELY (out->len + len >= out->allocated_len))
    {
      g_string_append_len (out, data, len);
      return;
    }

  memcpy (out->str + out->len, data, len);
  out->len += len;
  out->str[out->len] = '\0';
}

#define out_append_literal(out, literal) out_append_len ((out), "" literal, sizeof (literal) - 1)

static void
write_string (Writer     *w,
              const char *str)
{
  g_autofree char *valid = NULL;
  GString         *out = w->out;
  const char      *run;
  const char      *p;

  /* Never write what we could not read back. */
  if (!g_utf8_validate (str, -1, NULL))
    {
      str = valid = g_utf8_make_valid (str, -1);
      w->repaired = TRUE;
    }

  g_string_append_c (out, '"');

  /* Runs of characters that need no escape are copied at once. */
  for (run = p = str; *p != '\0'; p++)
    {
      guchar      c = *p;
      const char *escape;
      char        buf[8];

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      switch (c)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\b':
          escape = "\\b";
          break;
        case '\f':
          escape = "\\f";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        default:
          g_snprintf (buf, sizeof buf, "\\u%04x", (guint) c);
          escape = buf;
          break;
        }

      out_append_len (out, run, p - run);
      out_append_len (out, escape, strlen (escape));
      run = p + 1;
    }

  out_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* A string of our own that is known to need neither repair nor escapes
 * (member names, "Annotation"...): what write_string() writes, quicker. */
static void
write_plain_string (Writer     *w,
                    const char *str)
{
  g_string_append_c (w->out, '"');
  out_append_len (w->out, str, strlen (str));
  g_string_append_c (w->out, '"');
}

static void
write_int (Writer *w,
           gint64  value)
{
  char    buf[24];
  char   *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  /* What "%" G_GINT64_FORMAT gives. */
  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';

  out_append_len (w->out, p, buf + sizeof buf - p);
}

static void
write_value (Writer   *w,
             JsonNode *node)
{
  char   buf[G_ASCII_DTOSTR_BUF_SIZE];
  double value;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      write_string (w, json_node_get_string (node));
      break;

    case G_TYPE_INT64:
      write_int (w, json_node_get_int (node));
      break;

    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      if (!isfinite (value))
        {
          out_append_literal (w->out, "null");
          w->repaired = TRUE;
          break;
        }
      g_ascii_dtostr (buf, sizeof buf, value);
      out_append_len (w->out, buf, strlen (buf));
      /* Still a double when read back. */
      if (strpbrk (buf, ".eE") == NULL)
        out_append_literal (w->out, ".0");
      break;

    case G_TYPE_BOOLEAN:
      if (json_node_get_boolean (node))
        out_append_literal (w->out, "true");
      else
        out_append_literal (w->out, "false");
      break;

    default:
      /* No such value comes from a file or an annotation. */
      out_append_literal (w->out, "null");
      w->repaired = TRUE;
      break;
    }
}

static void
writer_newline (Writer *w)
{
  static const char spaces[] = "                                                                ";
  gsize             indent;

  if (!w->pretty)
    return;

  g_string_append_c (w->out, '\n');
  for (indent = 2 * (gsize) w->level; indent > 0;)
    {
      gsize n = MIN (indent, sizeof spaces - 1);

      out_append_len (w->out, spaces, n);
      indent -= n;
    }
}

/* Opens an object ('{') or an array ('['). */
static void
writer_open (Writer *w,
             char    bracket)
{
  g_string_append_c (w->out, bracket);
  w->level++;
  w->empty = TRUE;
}

static void
writer_close (Writer *w,
              char    bracket)
{
  g_assert (w->level > 0);

  w->level--;
  if (!w->empty)
    writer_newline (w);
  g_string_append_c (w->out, bracket);
  /* The container was a value in the one around it. */
  w->empty = FALSE;
}

/* Before each element of an array. */
static void
writer_element (Writer *w)
{
  if (!w->empty)
    g_string_append_c (w->out, ',');
  w->empty = FALSE;
  writer_newline (w);
}

static void
writer_separator (Writer *w)
{
  if (w->pretty)
    out_append_literal (w->out, " : ");
  else
    g_string_append_c (w->out, ':');
}

/* Before each member of an object: its name. */
static void
writer_member (Writer     *w,
               const char *name)
{
  writer_element (w);
  write_string (w, name);
  writer_separator (w);
}

/* The same, for a name of our own (see write_plain_string()). */
static void
writer_plain_member (Writer     *w,
                     const char *name)
{
  writer_element (w);
  write_plain_string (w, name);
  writer_separator (w);
}

static void
writer_string_member (Writer     *w,
                      const char *name,
                      const char *value)
{
  writer_plain_member (w, name);
  write_string (w, value);
}

static void
writer_plain_string_member (Writer     *w,
                            const char *name,
                            const char *value)
{
  writer_plain_member (w, name);
  write_plain_string (w, value);
}

static void
writer_int_member (Writer     *w,
                   const char *name,
                   gint64      value)
{
  writer_plain_member (w, name);
  write_int (w, value);
}

/* In comparing mode, compares what was written so far and lets it go. */
static void
writer_compare (Writer *w)
{
  GString *out = w->out;

  if (w->expected == NULL || w->differs)
    return;

  if (out->len > w->expected_len - w->compared || memcmp (w->expected + w->compared, out->str, out->len) != 0)
    w->differs = TRUE;
  else
    w->compared += out->len;

  g_string_truncate (out, 0);
}

/* Between entries: in comparing mode, compares once enough was written. */
static void
writer_entry_done (Writer *w)
{
  if (w->expected != NULL && w->out->len >= FILE_COMPARE_CHUNK)
    writer_compare (w);
}

static void
write_node (Writer   *w,
            JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject    *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char    *name;
        JsonNode      *member;

        writer_open (w, '{');
        if (object != NULL)
          {
            json_object_iter_init_ordered (&iter, object);
            while (json_object_iter_next_ordered (&iter, &name, &member))
              {
                writer_member (w, name);
                write_node (w, member);
              }
          }
        writer_close (w, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint      length = json_array_get_length (array);

        writer_open (w, '[');
        for (guint i = 0; i < length; i++)
          {
            writer_element (w);
            write_node (w, json_array_get_element (array, i));
          }
        writer_close (w, ']');
      }
      break;

    case JSON_NODE_VALUE:
      write_value (w, node);
      break;

    case JSON_NODE_NULL:
    default:
      out_append_literal (w->out, "null");
      break;
    }
}

/* What mg_annotation_to_json() builds, member for member. @created and
 * @modified: the annotation's times, formatted. */
static void
write_annotation (Writer       *w,
                  MgAnnotation *annotation,
                  const char   *created,
                  const char   *modified)
{
  const char        *note = mg_annotation_get_note (annotation);
  const char *const *tags = mg_annotation_get_tags (annotation);

  writer_open (w, '{');
  writer_string_member (w, "id", mg_annotation_get_id (annotation));
  writer_plain_string_member (w, "type", "Annotation");
  writer_plain_string_member (w, "motivation", note[0] != '\0' ? "commenting" : "highlighting");
  writer_plain_string_member (w, "created", created);
  writer_plain_string_member (w, "modified", modified);
  writer_plain_string_member (w, "color", mg_color_to_string (mg_annotation_get_color (annotation)));

  writer_plain_member (w, "body");
  writer_open (w, '[');
  if (note[0] != '\0')
    {
      writer_element (w);
      writer_open (w, '{');
      writer_plain_string_member (w, "type", "TextualBody");
      writer_plain_string_member (w, "purpose", "commenting");
      writer_string_member (w, "value", note);
      writer_plain_string_member (w, "format", "text/markdown");
      writer_close (w, '}');
    }
  for (gsize i = 0; tags[i] != NULL; i++)
    {
      writer_element (w);
      writer_open (w, '{');
      writer_plain_string_member (w, "type", "TextualBody");
      writer_plain_string_member (w, "purpose", "tagging");
      writer_string_member (w, "value", tags[i]);
      writer_close (w, '}');
    }
  writer_close (w, ']');

  writer_plain_member (w, "target");
  writer_open (w, '{');
  writer_plain_member (w, "selector");
  writer_open (w, '[');

  writer_element (w);
  writer_open (w, '{');
  writer_plain_string_member (w, "type", "TextQuoteSelector");
  writer_string_member (w, "exact", mg_annotation_get_exact (annotation));
  writer_string_member (w, "prefix", mg_annotation_get_prefix (annotation));
  writer_string_member (w, "suffix", mg_annotation_get_suffix (annotation));
  writer_close (w, '}');

  writer_element (w);
  writer_open (w, '{');
  writer_plain_string_member (w, "type", "TextPositionSelector");
  writer_int_member (w, "start", mg_annotation_get_start (annotation));
  writer_int_member (w, "end", mg_annotation_get_end (annotation));
  writer_close (w, '}');

  writer_close (w, ']');
  writer_close (w, '}');

  writer_close (w, '}');
}

/* What tombstone_node_new() builds. */
static void
write_tombstone (Writer     *w,
                 const char *id,
                 const char *when)
{
  writer_open (w, '{');
  writer_string_member (w, "id", id);
  writer_string_member (w, "modified", when);
  writer_close (w, '}');
}

/* Compact text, to compare and to break ties. */
static char *
node_to_string (JsonNode *node)
{
  Writer w;

  writer_init (&w, g_string_new (NULL), FALSE);
  write_node (&w, node);

  return g_string_free (w.out, FALSE);
}

/* The entries of a file ----------------------------------------------------
 *
 * Entries (annotations) sort by creation time then id, tombstones by id
 * then time of deletion; the compact text settles the rest, so that any
 * order given gives the same file. Each item carries its sort keys, taken
 * once rather than in every comparison. */

typedef enum
{
  ITEM_NODE,       /* JSON, as read or kept verbatim */
  ITEM_ANNOTATION, /* one of our annotations */
  ITEM_TOMBSTONE,  /* one of our tombstones: an id and a time */
} ItemKind;

typedef struct
{
  ItemKind      kind;
  const char   *key1;       /* the creation time of an entry, the id of a tombstone */
  const char   *key2;       /* the id of an entry, the time of a tombstone */
  JsonNode     *node;       /* ITEM_NODE, borrowed */
  MgAnnotation *annotation; /* ITEM_ANNOTATION, a reference */
  char         *created;    /* ITEM_ANNOTATION: its times, formatted */
  char         *modified;
  const char   *id; /* ITEM_TOMBSTONE, borrowed */
  const char   *when;
  char         *text;       /* the compact text, once needed */
  gboolean      text_clean; /* it holds the item exactly */
  gpointer      data;       /* for the caller */
} Item;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->annotation);
  g_free (item->created);
  g_free (item->modified);
  g_free (item->text);
  g_free (item);
}

static Item *
item_new_entry_node (JsonNode *node)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_NODE;
  item->node = node;
  item->key1 = entry_get_string (node, "created");
  item->key2 = entry_get_string (node, "id");

  return item;
}

static Item *
item_new_tombstone_node (JsonNode *node)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_NODE;
  item->node = node;
  item->key1 = entry_get_string (node, "id");
  item->key2 = entry_get_string (node, "modified");

  return item;
}

static Item *
item_new_annotation (MgAnnotation *annotation)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_ANNOTATION;
  item->annotation = g_object_ref (annotation);
  item->created = mg_format_timestamp (mg_annotation_get_created (annotation));
  item->modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  item->key1 = item->created;
  item->key2 = mg_annotation_get_id (annotation);

  return item;
}

static Item *
item_new_tombstone (const char *id,
                    const char *when)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_TOMBSTONE;
  item->id = id;
  item->when = when;
  item->key1 = id;
  item->key2 = when;

  return item;
}

static void
write_item (Writer *w,
            Item   *item)
{
  switch (item->kind)
    {
    case ITEM_NODE:
      write_node (w, item->node);
      break;

    case ITEM_ANNOTATION:
      write_annotation (w, item->annotation, item->created, item->modified);
      break;

    case ITEM_TOMBSTONE:
      write_tombstone (w, item->id, item->when);
      break;

    default:
      g_assert_not_reached ();
    }
}

static const char *
item_text (Item *item)
{
  if (item->text == NULL)
    {
      Writer w;

      writer_init (&w, g_string_sized_new (COMPACT_TEXT_SIZE), FALSE);
      write_item (&w, item);
      item->text = g_string_free (w.out, FALSE);
      item->text_clean = !w.repaired;
    }

  return item->text;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  Item *item_a = *(Item **) a;
  Item *item_b = *(Item **) b;
  int   cmp;

  cmp = g_strcmp0 (item_a->key1, item_b->key1);
  if (cmp == 0)
    cmp = g_strcmp0 (item_a->key2, item_b->key2);
  /* The last resort, for entries without an id or time (kept as they
   * are): any order would do, but always the same. */
  if (cmp == 0)
    cmp = strcmp (item_text (item_a), item_text (item_b));

  return cmp;
}

/* Sorts @items (of Item) in place. Stable: items that compare equal keep
 * the order given. Files are mostly read in the order they were written,
 * which is this one: then a look through them is enough. */
static void
sort_items (GPtrArray *items)
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

/* Writes a whole file, in its canonical order: @entries and @deleted
 * (of Item) are sorted in place. */
static void
write_store_file (Writer     *w,
                  const char *uri,
                  const char *sha256,
                  const char *title,
                  GPtrArray  *entries,
                  GPtrArray  *deleted)
{
  sort_items (entries);
  sort_items (deleted);

  writer_open (w, '{');
  writer_int_member (w, "version", MG_STORE_FORMAT_VERSION);

  writer_plain_member (w, "document");
  writer_open (w, '{');
  writer_string_member (w, "uri", uri ? uri : "");
  writer_string_member (w, "sha256", sha256 ? sha256 : "");
  writer_string_member (w, "title", title ? title : "");
  writer_close (w, '}');

  writer_plain_member (w, "annotations");
  writer_open (w, '[');
  for (guint i = 0; i < entries->len && !w->differs; i++)
    {
      writer_element (w);
      write_item (w, g_ptr_array_index (entries, i));
      writer_entry_done (w);
    }
  writer_close (w, ']');

  writer_plain_member (w, "deleted");
  writer_open (w, '[');
  for (guint i = 0; i < deleted->len && !w->differs; i++)
    {
      writer_element (w);
      write_item (w, g_ptr_array_index (deleted, i));
      writer_entry_done (w);
    }
  writer_close (w, ']');

  writer_close (w, '}');
  g_string_append_c (w->out, '\n');
}

/* The bytes of the file. @size_hint: about how long it will be. */
static GBytes *
write_file_bytes (const char *uri,
                  const char *sha256,
                  const char *title,
                  GPtrArray  *entries,
                  GPtrArray  *deleted,
                  gsize       size_hint)
{
  Writer w;
  gsize  len;
  gsize  allocated;
  char  *data;

  writer_init (&w, g_string_sized_new (size_hint), TRUE);
  write_store_file (&w, uri, sha256, title, entries, deleted);

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
static gboolean
file_bytes_equal (const char *uri,
                  const char *sha256,
                  const char *title,
                  GPtrArray  *entries,
                  GPtrArray  *deleted,
                  GBytes     *expected)
{
  Writer w;

  writer_init (&w, g_string_sized_new (2 * FILE_COMPARE_CHUNK), TRUE);
  w.expected = g_bytes_get_data (expected, &w.expected_len);
  write_store_file (&w, uri, sha256, title, entries, deleted);
  writer_compare (&w);
  g_string_free (w.out, TRUE);

  return !w.differs && w.compared == w.expected_len;
}

/* Builds a whole file as JSON, in its canonical order. The nodes of
 * @entries and @deleted are copied. */
static JsonNode *
build_root (const char *uri,
            const char *sha256,
            const char *title,
            GPtrArray  *entries,
            GPtrArray  *deleted)
{
  g_autoptr (GPtrArray) entry_items = g_ptr_array_new_full (entries->len, item_free);
  g_autoptr (GPtrArray) deleted_items = g_ptr_array_new_full (deleted->len, item_free);
  JsonObject *root = json_object_new ();
  JsonObject *document = json_object_new ();
  JsonArray  *annotations = json_array_sized_new (entries->len);
  JsonArray  *tombstones = json_array_sized_new (deleted->len);
  JsonNode   *node;

  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (entry_items, item_new_entry_node (g_ptr_array_index (entries, i)));
  for (guint i = 0; i < deleted->len; i++)
    g_ptr_array_add (deleted_items, item_new_tombstone_node (g_ptr_array_index (deleted, i)));

  sort_items (entry_items);
  sort_items (deleted_items);

  for (guint i = 0; i < entry_items->len; i++)
    json_array_add_element (annotations, json_node_copy (((Item *) g_ptr_array_index (entry_items, i))->node));
  for (guint i = 0; i < deleted_items->len; i++)
    json_array_add_element (tombstones, json_node_copy (((Item *) g_ptr_array_index (deleted_items, i))->node));

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
  JsonObject *object = node_get_object (root);
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
  document = node_get_object (node);
  if (document == NULL || object_get_string (document, "uri") == NULL || object_get_string (document, "sha256") == NULL)
    {
      g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                           _ ("it does not say which document it belongs to"));
      return FALSE;
    }

  node = json_object_get_member (document, "title");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && object_get_string (document, "title") == NULL)
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
  Writer w;

  g_return_val_if_fail (root != NULL, NULL);

  writer_init (&w, g_string_new (NULL), TRUE);
  write_node (&w, root);
  g_string_append_c (w.out, '\n');

  return g_string_free_to_bytes (w.out);
}

/* Merging ----------------------------------------------------------------
 *
 * What decides between two annotations of the same id is taken only when
 * needed: most ids are in one copy only, and the same annotation in both
 * copies is recognised by its compact text. */

typedef struct
{
  const char   *id;     /* borrowed from @node or @ours */
  JsonNode     *node;   /* borrowed from the file it came from */
  MgAnnotation *ours;   /* or one of our annotations, a reference */
  JsonNode     *built;  /* @ours as JSON, once needed */
  MgAnnotation *parsed; /* read from @node, once needed */
  GError       *error;  /* why it could not be read */
  GDateTime    *modified;
  char         *text;
  gboolean      from_ours;
  guint         lost : 1;       /* to another, or to a tombstone */
  guint         text_clean : 1; /* the text holds the entry exactly */
  guint         valid_known : 1;
  guint         valid : 1;
  guint         modified_known : 1;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *candidate = data;

  g_clear_object (&candidate->ours);
  g_clear_pointer (&candidate->built, json_node_unref);
  g_clear_object (&candidate->parsed);
  g_clear_error (&candidate->error);
  g_clear_pointer (&candidate->modified, g_date_time_unref);
  g_free (candidate->text);
  g_free (candidate);
}

static Candidate *
candidate_new_for_node (JsonNode   *node,
                        const char *id,
                        gboolean    from_ours)
{
  Candidate *candidate = g_new0 (Candidate, 1);

  candidate->id = id;
  candidate->node = node;
  candidate->from_ours = from_ours;

  return candidate;
}

static Candidate *
candidate_new_for_annotation (MgAnnotation *annotation)
{
  Candidate *candidate = g_new0 (Candidate, 1);

  candidate->id = mg_annotation_get_id (annotation);
  candidate->ours = g_object_ref (annotation);
  candidate->from_ours = TRUE;

  return candidate;
}

/* The entry as JSON: for one of our annotations, what the file holds. */
static JsonNode *
candidate_get_node (Candidate *candidate)
{
  if (candidate->node == NULL)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      g_assert (candidate->ours != NULL);
      mg_annotation_to_json (candidate->ours, builder);
      candidate->node = candidate->built = json_builder_get_root (builder);
    }

  return candidate->node;
}

static const char *
candidate_text (Candidate *candidate)
{
  if (candidate->text == NULL)
    {
      Writer w;

      writer_init (&w, g_string_sized_new (COMPACT_TEXT_SIZE), FALSE);
      if (candidate->node == NULL)
        {
          g_autofree char *created = mg_format_timestamp (mg_annotation_get_created (candidate->ours));
          g_autofree char *modified = mg_format_timestamp (mg_annotation_get_modified (candidate->ours));

          write_annotation (&w, candidate->ours, created, modified);
        }
      else
        {
          write_node (&w, candidate->node);
        }
      candidate->text = g_string_free (w.out, FALSE);
      candidate->text_clean = !w.repaired;
    }

  return candidate->text;
}

/* Whether the annotation reader takes the entry. */
static gboolean
candidate_get_valid (Candidate *candidate)
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
candidate_get_modified (Candidate *candidate)
{
  if (!candidate->modified_known)
    {
      if (candidate->node == NULL)
        {
          /* What entry_get_modified() finds in what the file would hold:
           * "modified", which is always written. */
          g_autofree char *modified = mg_format_timestamp (mg_annotation_get_modified (candidate->ours));

          candidate->modified = mg_parse_timestamp (modified);
        }
      else
        {
          candidate->modified = entry_get_modified (candidate->node);
        }
      candidate->modified_known = TRUE;
    }

  return candidate->modified;
}

/* Whether @challenger replaces @holder: a readable annotation beats one
 * that cannot be read, then the newer modification wins; an exact tie is
 * settled by the text, so that every copy settles it the same way. */
static gboolean
candidate_beats (Candidate *challenger,
                 Candidate *holder)
{
  int cmp;

  /* The same text, written without repairs, is the same JSON: a tie on
   * every count, which the holder wins. */
  if (strcmp (candidate_text (challenger), candidate_text (holder)) == 0 && challenger->text_clean && holder->text_clean)
    return FALSE;

  if (candidate_get_valid (challenger) != candidate_get_valid (holder))
    return candidate_get_valid (challenger);

  cmp = compare_times (candidate_get_modified (challenger), candidate_get_modified (holder));
  if (cmp != 0)
    return cmp > 0;

  return strcmp (candidate_text (challenger), candidate_text (holder)) > 0;
}

typedef struct
{
  JsonNode   *node; /* borrowed; NULL for one of our own */
  const char *id;   /* borrowed */
  const char *text; /* its "modified", borrowed */
  GDateTime  *when;
} Tombstone;

static void
tombstone_free (gpointer data)
{
  Tombstone *tombstone = data;

  g_date_time_unref (tombstone->when);
  g_free (tombstone);
}

typedef struct
{
  GPtrArray  *candidates;     /* Candidate, in the order given */
  GHashTable *by_id;          /* id -> the Candidate that holds it */
  GHashTable *idless;         /* compact text -> JsonNode, no id to merge by */
  GHashTable *tombstones;     /* id -> Tombstone */
  GHashTable *raw_tombstones; /* compact text -> JsonNode */
  GHashTable *ours_ids;       /* ids of our annotations */
  GPtrArray  *owned;          /* JsonNode made for the merge */
} Merge;

static void
merge_init (Merge *merge)
{
  merge->candidates = g_ptr_array_new_with_free_func (candidate_free);
  merge->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  merge->idless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  merge->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tombstone_free);
  merge->raw_tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  merge->ours_ids = g_hash_table_new (g_str_hash, g_str_equal);
  merge->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

static void
merge_clear (Merge *merge)
{
  g_clear_pointer (&merge->by_id, g_hash_table_unref);
  g_clear_pointer (&merge->candidates, g_ptr_array_unref);
  g_clear_pointer (&merge->idless, g_hash_table_unref);
  g_clear_pointer (&merge->tombstones, g_hash_table_unref);
  g_clear_pointer (&merge->raw_tombstones, g_hash_table_unref);
  g_clear_pointer (&merge->ours_ids, g_hash_table_unref);
  g_clear_pointer (&merge->owned, g_ptr_array_unref);
}

static void
merge_add_candidate (Merge     *merge,
                     Candidate *candidate)
{
  Candidate *holder;

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

static void
merge_add_idless (Merge    *merge,
                  JsonNode *node)
{
  char *text = node_to_string (node);

  if (g_hash_table_contains (merge->idless, text))
    g_free (text);
  else
    g_hash_table_insert (merge->idless, text, node);
}

static void
merge_add_entry (Merge    *merge,
                 JsonNode *node,
                 gboolean  from_ours)
{
  const char *id = entry_get_string (node, "id");

  if (id == NULL)
    merge_add_idless (merge, node);
  else
    merge_add_candidate (merge, candidate_new_for_node (node, id, from_ours));
}

static void
merge_add_raw_tombstone (Merge    *merge,
                         JsonNode *node)
{
  char *text = node_to_string (node);

  if (g_hash_table_contains (merge->raw_tombstones, text))
    g_free (text);
  else
    g_hash_table_insert (merge->raw_tombstones, text, node);
}

/* @node: the tombstone, or NULL for one of ours given by @id and @text. */
static void
merge_add_tombstone_full (Merge      *merge,
                          JsonNode   *node,
                          const char *id,
                          const char *text)
{
  g_autoptr (GDateTime) when = mg_parse_timestamp (text);
  Tombstone *holder;
  Tombstone *tombstone;

  if (id == NULL || when == NULL)
    {
      if (node == NULL)
        {
          node = tombstone_node_new (id, text);
          g_ptr_array_add (merge->owned, node);
        }
      merge_add_raw_tombstone (merge, node);
      return;
    }

  /* The latest deletion of an id is the one that counts. */
  holder = g_hash_table_lookup (merge->tombstones, id);
  if (holder != NULL && g_date_time_compare (when, holder->when) <= 0)
    return;

  tombstone = g_new0 (Tombstone, 1);
  tombstone->node = node;
  tombstone->id = id;
  tombstone->text = text;
  tombstone->when = g_steal_pointer (&when);
  g_hash_table_replace (merge->tombstones, (gpointer) id, tombstone);
}

static void
merge_add_tombstone (Merge    *merge,
                     JsonNode *node)
{
  merge_add_tombstone_full (merge, node,
                            entry_get_string (node, "id"),
                            entry_get_string (node, "modified"));
}

static void
merge_add_file (Merge    *merge,
                JsonNode *root,
                gboolean  ours)
{
  JsonObject *object = node_get_object (root);
  JsonArray  *array;

  array = object_get_array (object, "annotations");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    merge_add_entry (merge, json_array_get_element (array, i), ours);

  array = object_get_array (object, "deleted");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    merge_add_tombstone (merge, json_array_get_element (array, i));
}

/* A tombstone removes the annotation with its id unless the annotation
 * was modified after the deletion: then the tombstone goes. */
static void
merge_apply_tombstones (Merge *merge)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  g_hash_table_iter_init (&iter, merge->tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Tombstone *tombstone = value;
      Candidate *candidate = g_hash_table_lookup (merge->by_id, key);

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
  Merge          merge;
  JsonObject    *document;
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;
  guint          changed = 0;
  JsonNode      *result;

  g_return_val_if_fail (ours != NULL, NULL);

  merge_init (&merge);

  merge_add_file (&merge, ours, TRUE);
  if (theirs != NULL)
    merge_add_file (&merge, theirs, FALSE);

  /* Theirs' entries without an id that we did not have are changes. */
  if (theirs != NULL)
    {
      g_autoptr (GHashTable) our_idless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      JsonArray *array = object_get_array (node_get_object (ours), "annotations");

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (entry_get_string (node, "id") == NULL)
            g_hash_table_add (our_idless, node_to_string (node));
        }

      g_hash_table_iter_init (&iter, merge.idless);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          if (!g_hash_table_contains (our_idless, key))
            changed++;
        }
    }

  merge_apply_tombstones (&merge);

  g_hash_table_iter_init (&iter, merge.ours_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (merge.by_id, key))
        changed++;
    }

  for (guint i = 0; i < merge.candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (merge.candidates, i);

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
    g_ptr_array_add (deleted, ((Tombstone *) value)->node);

  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (deleted, value);

  document = node_get_object (json_object_get_member (node_get_object (ours), "document"));
  result = build_root (object_get_string (document, "uri"),
                       object_get_string (document, "sha256"),
                       object_get_string (document, "title"),
                       entries, deleted);

  merge_clear (&merge);

  if (n_changed != NULL)
    *n_changed = changed;

  return result;
}

/* File names ------------------------------------------------------------- */

static char *
slug_for_uri (const char *uri)
{
  g_autofree char *segment = NULL;
  g_autofree char *unescaped = NULL;
  g_autofree char *ascii = NULL;
  GString         *slug;
  const char      *end;
  const char      *start;
  gboolean         dash = FALSE;

  end = uri + strcspn (uri, "?#");
  while (end > uri && end[-1] == '/')
    end--;
  start = end;
  while (start > uri && start[-1] != '/' && start[-1] != ':')
    start--;

  segment = g_strndup (start, end - start);
  unescaped = g_uri_unescape_string (segment, NULL);
  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL))
    {
      g_free (unescaped);
      unescaped = g_strdup (g_utf8_validate (segment, -1, NULL) ? segment : "");
    }

  ascii = g_str_to_ascii (unescaped, "C");

  slug = g_string_new (NULL);
  for (const char *p = ascii; *p != '\0' && slug->len < 40; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && slug->len > 0)
            g_string_append_c (slug, '-');
          g_string_append_c (slug, g_ascii_tolower (*p));
          dash = FALSE;
        }
      else
        {
          dash = TRUE;
        }
    }

  if (slug->len == 0)
    g_string_append (slug, "document");

  return g_string_free (slug, FALSE);
}

/**
 * mg_store_file_name_for_uri:
 * @uri: a document's URI
 *
 * The name of the store file for the document at @uri: a readable slug of
 * its basename, then the first 16 hex digits of the SHA-256 of @uri, e.g.
 * `my-article-txt-0123456789abcdef.json`.
 *
 * Returns: (transfer full): the file name
 */
char *
mg_store_file_name_for_uri (const char *uri)
{
  g_autofree char *slug = NULL;
  g_autofree char *checksum = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  slug = slug_for_uri (uri);
  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);

  return g_strdup_printf ("%s-%.16s.json", slug, checksum);
}

/**
 * mg_store_default_directory:
 *
 * Returns: (transfer full): where stores keep their files by default,
 *   `$XDG_DATA_HOME/<app id>/annotations`
 */
char *
mg_store_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), APP_ID, "annotations", NULL);
}

/**
 * mg_store_default_cache_directory:
 *
 * Returns: (transfer full): where stores keep the caches of their files
 *   unless told otherwise: `$XDG_CACHE_HOME/<app id>/annotations`
 */
char *
mg_store_default_cache_directory (void)
{
  return g_build_filename (g_get_user_cache_dir (), APP_ID, "annotations", NULL);
}

/**
 * mg_store_set_cache_directory:
 * @self: a #MgStore
 * @directory: (nullable): where to keep the cache of the file, or %NULL
 *   for no cache
 *
 * Sets where the store caches what it read from its file, so that the
 * next load of the same file is quick (see mg-store-cache.c). The default
 * is mg_store_default_cache_directory(). Call it before mg_store_load().
 */
void
mg_store_set_cache_directory (MgStore    *self,
                              const char *directory)
{
  g_autofree char *name = NULL;

  g_return_if_fail (MG_IS_STORE (self));
  g_return_if_fail (!self->loaded && !self->loading);

  self->cache_directory_set = TRUE;
  g_clear_object (&self->cache_file);
  set_str (&self->cache_directory, directory);
  if (directory == NULL || self->file == NULL)
    return;

  /* Named after the file, and the folder it is in: the same document has
   * a file in each folder a store is asked to use. */
  name = g_file_get_basename (self->file);
  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - strlen (".json")] = '\0';
  {
    g_autofree char *folder_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->directory_path, -1);
    g_autofree char *cache_name = g_strdup_printf ("%s-%.8s.gvariant", name, folder_hash);
    g_autofree char *path = g_build_filename (directory, cache_name, NULL);

    self->cache_file = g_file_new_for_path (path);
  }
}

/**
 * mg_store_get_cache_file:
 * @self: a #MgStore
 *
 * Returns: (transfer none) (nullable): the file of the cache, or %NULL
 *   for none
 */
GFile *
mg_store_get_cache_file (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->cache_file;
}

/* The state of the store ------------------------------------------------- */

/* The entries and tombstones of the file for what the store holds, as
 * Item. */
static void
state_items (MgStore    *self,
             GPtrArray **entries_out,
             GPtrArray **deleted_out)
{
  GListModel    *model = G_LIST_MODEL (self->annotations);
  guint          n_items = g_list_model_get_n_items (model);
  GPtrArray     *entries = g_ptr_array_new_full (n_items + self->raw_entries->len, item_free);
  GPtrArray     *deleted = g_ptr_array_new_full (g_hash_table_size (self->tombstones) + self->raw_tombstones->len, item_free);
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      g_ptr_array_add (entries, item_new_annotation (annotation));
    }
  for (guint i = 0; i < self->raw_entries->len; i++)
    g_ptr_array_add (entries, item_new_entry_node (g_ptr_array_index (self->raw_entries, i)));

  g_hash_table_iter_init (&iter, self->tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (deleted, item_new_tombstone (key, value));
  for (guint i = 0; i < self->raw_tombstones->len; i++)
    g_ptr_array_add (deleted, item_new_tombstone_node (g_ptr_array_index (self->raw_tombstones, i)));

  *entries_out = entries;
  *deleted_out = deleted;
}

/* The bytes of the file for what the store holds: what
 * mg_store_serialize_json() writes for a root node holding what
 * mg_annotation_to_json() gives for each annotation, written straight
 * from the annotations. */
static GBytes *
serialize_state (MgStore *self)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  gsize size_hint;

  state_items (self, &entries, &deleted);

  /* Most saves write about what was there; else a guess. */
  if (self->disk_bytes != NULL)
    size_hint = g_bytes_get_size (self->disk_bytes) + g_bytes_get_size (self->disk_bytes) / 16;
  else
    size_hint = 1024 + 1024 * (gsize) (entries->len + deleted->len);

  return write_file_bytes (mg_document_get_uri (self->document),
                           mg_document_get_sha256 (self->document),
                           mg_document_get_title (self->document),
                           entries, deleted, size_hint);
}

/* Whether serialize_state() would give @bytes, without making it. */
static gboolean
state_equals (MgStore *self,
              GBytes  *bytes)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;

  state_items (self, &entries, &deleted);

  return file_bytes_equal (mg_document_get_uri (self->document),
                           mg_document_get_sha256 (self->document),
                           mg_document_get_title (self->document),
                           entries, deleted, bytes);
}

static gboolean
annotation_matches (MgAnnotation *annotation,
                    JsonNode     *node)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) written = NULL;

  mg_annotation_to_json (annotation, builder);
  written = json_builder_get_root (builder);

  return json_node_equal (written, node);
}

/* Merges the file's contents into the list: makes the list and the
 * tombstones what mg_store_merge_json() says of our state (as the file
 * would hold it) and the file, without building either tree. Returns how
 * many annotations were added, replaced or removed. */
static guint
merge_into_list (MgStore  *self,
                 JsonNode *disk)
{
  g_autoptr (GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) add = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) remove = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (item_free);
  g_autoptr (GPtrArray) old_raw_entries = NULL;
  g_autoptr (GPtrArray) old_raw_tombstones = NULL;
  g_autoptr (GHashTable) old_tombstones = NULL;
  g_autofree char *path = g_file_get_parse_name (self->file);
  GListModel      *model = G_LIST_MODEL (self->annotations);
  Merge            merge;
  GHashTableIter   iter;
  gpointer         key;
  gpointer         value;
  guint            n_changed = 0;
  guint            n_items;

  /* What we hold is ours in the merge, and made anew by it. The merge
   * borrows from the old values until the end. */
  old_raw_entries = g_steal_pointer (&self->raw_entries);
  old_raw_tombstones = g_steal_pointer (&self->raw_tombstones);
  old_tombstones = g_steal_pointer (&self->tombstones);
  self->raw_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->raw_tombstones = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  merge_init (&merge);

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      merge_add_candidate (&merge, candidate_new_for_annotation (annotation));
    }
  for (guint i = 0; i < old_raw_entries->len; i++)
    merge_add_entry (&merge, g_ptr_array_index (old_raw_entries, i), TRUE);

  g_hash_table_iter_init (&iter, old_tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    merge_add_tombstone_full (&merge, NULL, key, value);
  for (guint i = 0; i < old_raw_tombstones->len; i++)
    merge_add_tombstone (&merge, g_ptr_array_index (old_raw_tombstones, i));

  merge_add_file (&merge, disk, FALSE);
  merge_apply_tombstones (&merge);

  /* The entries that stay, in the file's order. */
  for (guint i = 0; i < merge.candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (merge.candidates, i);
      Item      *item;

      if (candidate->lost)
        continue;
      if (candidate->node != NULL)
        item = item_new_entry_node (candidate->node);
      else
        item = item_new_annotation (candidate->ours);
      item->data = candidate;
      g_ptr_array_add (entries, item);
    }
  g_hash_table_iter_init (&iter, merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (entries, item_new_entry_node (value));
  sort_items (entries);

  for (guint i = 0; i < entries->len; i++)
    {
      Item       *item = g_ptr_array_index (entries, i);
      Candidate  *candidate = item->data;
      JsonNode   *node;
      const char *id;
      g_autoptr (MgAnnotation) annotation = NULL;
      g_autoptr (GError) error = NULL;
      MgAnnotation *existing = NULL;

      /* One of ours that stays as it is. */
      if (candidate != NULL && candidate->ours != NULL)
        {
          g_hash_table_add (keep, (gpointer) candidate->id);
          continue;
        }

      node = candidate != NULL ? candidate->node : item->node;
      id = candidate != NULL ? candidate->id : NULL;

      if (id != NULL)
        existing = mg_annotation_list_lookup (self->annotations, id);

      if (existing != NULL && annotation_matches (existing, node))
        {
          g_hash_table_add (keep, (gpointer) mg_annotation_get_id (existing));
          continue;
        }

      if (candidate != NULL)
        {
          candidate_get_valid (candidate);
          annotation = g_steal_pointer (&candidate->parsed);
          error = g_steal_pointer (&candidate->error);
        }

      if (annotation == NULL)
        {
          g_warning ("%s: an annotation could not be read (%s); it is kept in the file as it is",
                     path, error ? error->message : _ ("it has no id"));
          g_ptr_array_add (self->raw_entries, json_node_copy (node));
          /* Never lose the one we have for one we cannot read. */
          if (existing != NULL)
            g_hash_table_add (keep, (gpointer) mg_annotation_get_id (existing));
          continue;
        }

      mg_anchor_annotation (annotation, self->document);
      g_hash_table_add (keep, (gpointer) id);
      g_hash_table_add (keep, (gpointer) mg_annotation_get_id (annotation));
      g_ptr_array_add (add, g_steal_pointer (&annotation));
      n_changed++;
    }

  g_hash_table_iter_init (&iter, merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tombstone *tombstone = value;

      g_hash_table_replace (self->tombstones, g_strdup (tombstone->id), g_strdup (tombstone->text));
    }
  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (self->raw_tombstones, json_node_copy (value));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      if (!g_hash_table_contains (keep, mg_annotation_get_id (annotation)))
        g_ptr_array_add (remove, g_steal_pointer (&annotation));
    }

  /* Our own changes to the list make no tombstones. */
  self->updating = TRUE;
  for (guint i = 0; i < remove->len; i++)
    mg_annotation_list_remove (self->annotations, g_ptr_array_index (remove, i));
  if (add->len > 0)
    mg_annotation_list_add_many (self->annotations, add);
  self->updating = FALSE;

  g_clear_pointer (&entries, g_ptr_array_unref);
  merge_clear (&merge);

  return n_changed + remove->len;
}

/* The item as JSON, for json_node_equal(). */
static JsonNode *
item_dup_node (Item *item)
{
  g_autoptr (JsonBuilder) builder = NULL;

  switch (item->kind)
    {
    case ITEM_NODE:
      return json_node_ref (item->node);

    case ITEM_ANNOTATION:
      builder = json_builder_new ();
      mg_annotation_to_json (item->annotation, builder);
      return json_builder_get_root (builder);

    case ITEM_TOMBSTONE:
      return tombstone_node_new (item->id, item->when);

    default:
      g_assert_not_reached ();
    }
}

/* json_node_equal() of the two items as JSON. The same compact text,
 * written without repairs, is the same JSON; another text may still be
 * (members in another order, numbers written otherwise). */
static gboolean
items_equal (Item *a,
             Item *b)
{
  g_autoptr (JsonNode) node_a = NULL;
  g_autoptr (JsonNode) node_b = NULL;

  if (strcmp (item_text (a), item_text (b)) == 0 && a->text_clean && b->text_clean)
    {
      g_clear_pointer (&a->text, g_free);
      g_clear_pointer (&b->text, g_free);
      return TRUE;
    }

  node_a = item_dup_node (a);
  node_b = item_dup_node (b);

  return json_node_equal (node_a, node_b);
}

static gboolean
items_all_equal (GPtrArray *a,
                 GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  sort_items (a);
  sort_items (b);
  for (guint i = 0; i < a->len; i++)
    {
      if (!items_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
        return FALSE;
    }

  return TRUE;
}

/* Whether what the store holds is the file's content, as JSON: whether
 * our state as the file would hold it is json_node_equal() to
 * mg_store_merge_json (disk, NULL, NULL), without building either tree. */
static gboolean
same_content (MgStore  *self,
              JsonNode *disk)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GPtrArray) disk_entries = g_ptr_array_new_with_free_func (item_free);
  g_autoptr (GPtrArray) disk_deleted = g_ptr_array_new_with_free_func (item_free);
  JsonObject    *document = node_get_object (json_object_get_member (node_get_object (disk), "document"));
  const char    *ours[3];
  const char    *theirs[3];
  Merge          merge;
  GHashTableIter iter;
  gpointer       value;
  gboolean       same;

  ours[0] = mg_document_get_uri (self->document);
  ours[1] = mg_document_get_sha256 (self->document);
  ours[2] = mg_document_get_title (self->document);
  theirs[0] = object_get_string (document, "uri");
  theirs[1] = object_get_string (document, "sha256");
  theirs[2] = object_get_string (document, "title");
  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    {
      if (g_strcmp0 (ours[i] ? ours[i] : "", theirs[i] ? theirs[i] : "") != 0)
        return FALSE;
    }

  /* The file in canonical form, as mg_store_merge_json() makes it. */
  merge_init (&merge);
  merge_add_file (&merge, disk, TRUE);
  merge_apply_tombstones (&merge);
  for (guint i = 0; i < merge.candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (merge.candidates, i);

      if (!candidate->lost)
        g_ptr_array_add (disk_entries, item_new_entry_node (candidate->node));
    }
  g_hash_table_iter_init (&iter, merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_entries, item_new_entry_node (value));
  g_hash_table_iter_init (&iter, merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_deleted, item_new_tombstone_node (((Tombstone *) value)->node));
  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_deleted, item_new_tombstone_node (value));

  state_items (self, &entries, &deleted);
  same = items_all_equal (entries, disk_entries) && items_all_equal (deleted, disk_deleted);

  /* The items borrow from the merge. */
  g_clear_pointer (&disk_entries, g_ptr_array_unref);
  g_clear_pointer (&disk_deleted, g_ptr_array_unref);
  merge_clear (&merge);

  return same;
}

static void
set_read_only (MgStore *self)
{
  if (self->read_only)
    return;

  self->read_only = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  update_hold (self);
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

static void
emit_error (MgStore *self,
            GError  *error)
{
  g_warning ("%s", error->message);
  g_signal_emit (self, signals[ERROR], 0, error);
}

static gboolean
save_timeout_cb (gpointer data)
{
  MgStore *self = data;

  self->save_source = 0;
  start_save (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (MgStore *self)
{
  gint64 now = g_get_monotonic_time ();

  self->dirty = TRUE;

  if (!self->loaded || self->read_only)
    return;

  /* Debounced, but someone who keeps typing still gets saved. */
  if (self->save_source != 0 && now - self->save_pending_since > MAX_SAVE_DELAY_US)
    return;

  if (self->save_source == 0)
    self->save_pending_since = now;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
  update_hold (self);
}

/* Deletions -------------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  MgStore    *self)
{
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_len;

  g_return_if_fail (position + removed <= self->mirror->len);

  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (gone, g_object_ref (g_ptr_array_index (self->mirror, position + i)));
  g_ptr_array_remove_range (self->mirror, position, removed);

  /* One move of the tail, not one per added item. */
  old_len = self->mirror->len;
  g_ptr_array_set_size (self->mirror, old_len + added);
  memmove (&self->mirror->pdata[position + added],
           &self->mirror->pdata[position],
           (old_len - position) * sizeof (gpointer));
  for (guint i = 0; i < added; i++)
    self->mirror->pdata[position + i] = g_list_model_get_item (model, position + i);

  if (self->updating)
    return;

  for (guint i = 0; i < gone->len; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (gone, i);
      const char   *id = mg_annotation_get_id (annotation);

      /* A removal that is half of a move is not a deletion. */
      if (mg_annotation_list_lookup (self->annotations, id) == NULL)
        {
          g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

          g_hash_table_replace (self->tombstones, g_strdup (id), mg_format_timestamp (now));
        }
    }

  /* Back again (an undo, or the second half of a move). */
  for (guint i = 0; i < added; i++)
    g_hash_table_remove (self->tombstones,
                         mg_annotation_get_id (g_ptr_array_index (self->mirror, position + i)));

  schedule_save (self);
}

static void
connect_list (MgStore *self)
{
  GListModel *model = G_LIST_MODEL (self->annotations);
  guint       n_items = g_list_model_get_n_items (model);

  g_ptr_array_set_size (self->mirror, 0);
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (self->mirror, g_list_model_get_item (model, i));

  self->items_changed_handler = g_signal_connect (self->annotations, "items-changed", G_CALLBACK (on_items_changed), self);
}

/* Saving ----------------------------------------------------------------- */

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_clear_object (&job->file);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->etag);
  g_clear_pointer (&job->expected, g_bytes_unref);
  g_free (job->new_etag);
  g_clear_error (&job->error);
  g_free (job);
}

/* Whether the file holds @expected (NULL: whether there is no file).
 * Read in pieces, compared as they come: a file of another size is
 * told at once, and no second copy of the file is ever held. */
static gboolean
file_unchanged (GFile  *file,
                GBytes *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree guchar *buffer = NULL;
  const guchar      *data;
  gsize              len;
  gsize              offset = 0;

  stream = g_file_read (file, NULL, &error);
  if (stream == NULL)
    {
      /* One we cannot read: let the write say what is wrong. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
        return TRUE;
      return expected == NULL;
    }

  if (expected == NULL)
    return FALSE;

  data = g_bytes_get_data (expected, &len);

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) && g_file_info_get_size (info) != (goffset) len)
    return FALSE;

  buffer = g_malloc (FILE_COMPARE_CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, FILE_COMPARE_CHUNK, NULL, &error);

      if (n < 0)
        return TRUE; /* as above */
      if (n == 0)
        break;
      if ((gsize) n > len - offset || memcmp (data + offset, buffer, n) != 0)
        return FALSE;
      offset += n;
    }

  return offset == len;
}

/* Writes @bytes over a file that must hold @expected. The etag alone
 * does not tell: GLib's is the modification time, which the kernel keeps
 * with the resolution of its tick, and there is none when we expect no
 * file. A change between the comparison and the rename is still
 * possible, but only within a few microseconds. */
static gboolean
write_file (GFile      *file,
            GBytes     *bytes,
            GBytes     *expected,
            const char *etag,
            char      **new_etag,
            GError    **error)
{
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autoptr (GError) local_error = NULL;
  const char *data;
  gsize       len;

  if (!file_unchanged (file, expected))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG,
                           _ ("The file was changed by another program"));
      return FALSE;
    }

  if (!g_file_make_directory_with_parents (parent, NULL, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);

  /* REPLACE_DESTINATION writes a temporary file and renames it over the
   * old one: a reader, or a crash, sees either the old or the new file. */
  return g_file_replace_contents (file, data, len, etag, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  new_etag, NULL, error);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MgStore         *self = source_object;
  SaveJob         *job = task_data;
  g_autofree char *new_etag = NULL;
  g_autoptr (GError) error = NULL;

  write_file (job->file, job->bytes, job->expected, job->etag, &new_etag, &error);

  g_mutex_lock (&self->job_mutex);
  job->new_etag = g_steal_pointer (&new_etag);
  job->error = g_steal_pointer (&error);
  job->done = TRUE;
  g_cond_broadcast (&self->job_cond);
  g_mutex_unlock (&self->job_mutex);

  g_task_return_boolean (task, TRUE);
}

static GError *
save_error_new (MgStore      *self,
                const GError *cause)
{
  g_autofree char *path = g_file_get_parse_name (self->file);

  return g_error_new (MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED,
                      _ ("Your annotations could not be saved to “%s”: %s. They are kept in memory, and saving is tried again at the next change."),
                      path, cause->message);
}

/* A write of @bytes succeeded. */
static void
note_written (MgStore    *self,
              GBytes     *bytes,
              const char *etag)
{
  g_debug ("Saved %s (%" G_GSIZE_FORMAT " bytes)",
           g_file_peek_path (self->file), g_bytes_get_size (bytes));

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  self->disk_bytes = g_bytes_ref (bytes);
  set_str (&self->disk_etag, etag);

  if (self->moved_from != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!g_file_delete (self->moved_from, NULL, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning ("The annotations of a moved document were saved anew, but their old file could not be removed: %s",
                   error->message);
      g_clear_object (&self->moved_from);
    }

  request_cache (self);

  g_signal_emit (self, signals[SAVED], 0);
}

/* Takes the result of a write into the store, once. */
static void
finish_job (MgStore *self,
            SaveJob *job,
            gboolean report)
{
  if (job->finished)
    return;

  job->finished = TRUE;

  if (job->error == NULL)
    {
      note_written (self, job->bytes, job->new_etag);
    }
  else if (g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
    {
      /* Changed on disk since we last looked: merge, then save. */
      g_debug ("%s changed on disk before our write: merging first",
               g_file_peek_path (self->file));
      self->dirty = TRUE;
      self->check_again = TRUE;
      self->save_again = TRUE;
    }
  else
    {
      self->dirty = TRUE;
      if (report)
        {
          g_autoptr (GError) error = save_error_new (self, job->error);

          emit_error (self, error);
        }
    }
}

static void
wait_for_job (MgStore *self)
{
  SaveJob *job = self->job;

  if (job == NULL)
    return;

  g_mutex_lock (&self->job_mutex);
  while (!job->done)
    g_cond_wait (&self->job_cond, &self->job_mutex);
  g_mutex_unlock (&self->job_mutex);
}

static void
release_application (MgStore *self)
{
  if (self->held_application != NULL)
    {
      g_application_release (self->held_application);
      g_clear_object (&self->held_application);
    }
}

/* The default application, if any, is held while a save is pending or
 * being written, so that closing the last window never cuts it off. */
static void
update_hold (MgStore *self)
{
  gboolean wanted = self->save_source != 0 || self->job != NULL || self->cache_writing || self->load_job != NULL;

  if (wanted && self->held_application == NULL)
    {
      GApplication *application = g_application_get_default ();

      if (application != NULL)
        {
          self->held_application = g_object_ref (application);
          g_application_hold (application);
        }
    }
  else if (!wanted && self->held_application != NULL)
    {
      release_application (self);
    }
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MgStore *self = MG_STORE (object);
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  gboolean again;

  g_task_propagate_boolean (G_TASK (result), NULL);

  finish_job (self, job, TRUE);
  if (self->job == job)
    self->job = NULL;

  if (self->check_again)
    {
      self->check_again = FALSE;
      check_now (self, TRUE);
    }

  again = self->save_again;
  self->save_again = FALSE;
  if (again && self->dirty)
    start_save (self);

  update_hold (self);
}

static gboolean
can_save (MgStore *self)
{
  return self->loaded && !self->read_only && self->suspect_bytes == NULL;
}

static void
write_async (MgStore *self)
{
  g_autoptr (GTask) task = NULL;
  GBytes  *bytes;
  SaveJob *job;

  bytes = serialize_state (self);
  if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
    {
      g_bytes_unref (bytes);
      self->dirty = FALSE;
      return;
    }

  job = g_new0 (SaveJob, 1);
  job->file = g_object_ref (self->file);
  job->bytes = bytes;
  job->etag = g_strdup (self->disk_etag);
  job->expected = self->disk_bytes ? g_bytes_ref (self->disk_bytes) : NULL;

  /* The job carries every change so far. */
  self->dirty = FALSE;
  self->job = job;

  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, write_async);
  g_task_set_task_data (task, job, save_job_free);
  g_task_run_in_thread (task, save_thread);
}

static void
start_save (MgStore *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!can_save (self))
    ; /* dirty stays set */
  else if (self->flushing)
    ; /* dirty stays set, and the flush writes: never a second writer */
  else if (self->job != NULL)
    self->save_again = TRUE;
  else
    write_async (self);

  update_hold (self);
}

/* Changes on disk -------------------------------------------------------- */

static gboolean
load_contents (GFile   *file,
               char   **contents,
               gsize   *length,
               char   **etag_out,
               GError **error)
{
  return mg_file_load_contents (file, NULL, contents, length, etag_out, error);
}

/* No file, as opposed to a file we cannot read. */
static gboolean
is_missing (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
}

static gboolean
has_content (MgStore *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) > 0 || g_hash_table_size (self->tombstones) > 0 || self->raw_entries->len > 0 || self->raw_tombstones->len > 0;
}

static GFile *
set_aside (GFile   *file,
           GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint i = 0;; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GFile) aside = NULL;
      g_autoptr (GError) local_error = NULL;

      if (i == 0)
        name = g_strdup_printf ("%s.corrupt-%s", basename, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", basename, stamp, i);
      aside = g_file_get_child (parent, name);

      if (g_file_move (file, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&aside);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || i >= 100)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

/* Sets a file that does not parse aside, and says so in @error. */
static void
handle_corrupt (MgStore      *self,
                const GError *cause,
                GError      **error)
{
  g_autoptr (GError) move_error = NULL;
  g_autoptr (GFile) aside = NULL;
  g_autofree char *path = g_file_get_parse_name (self->file);
  const char      *title = mg_document_get_title (self->document);

  aside = set_aside (self->file, &move_error);
  if (aside == NULL)
    {
      set_read_only (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                   _ ("The annotations of “%s” could not be read from “%s”: %s. The file could not be moved aside either (%s), so it is left as it is and changes are not saved."),
                   title, path, cause->message, move_error->message);
      return;
    }

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  g_clear_pointer (&self->disk_etag, g_free);
  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);

  {
    g_autofree char *aside_path = g_file_get_parse_name (aside);

    g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                 _ ("The annotations of “%s” could not be read: %s. The file was kept as “%s”, and new annotations are saved in a new file."),
                 title, cause->message, aside_path);
  }
}

static void
newer_version_error (MgStore      *self,
                     const GError *cause,
                     GError      **error)
{
  g_autofree char *path = g_file_get_parse_name (self->file);

  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION,
               _ ("The annotations of “%s” were saved by a newer version of Marginalia (%s). They are left untouched in “%s”, and changes made here are not saved."),
               mg_document_get_title (self->document), cause->message, path);
}

static gboolean
check_timeout_cb (gpointer data)
{
  MgStore *self = data;

  self->check_source = 0;
  check_now (self, TRUE);

  return G_SOURCE_REMOVE;
}

static void
schedule_check (MgStore *self,
                guint    delay_ms)
{
  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (delay_ms, check_timeout_cb, self);
}

/* Reads the file and merges what someone else changed. @patient: a file
 * that does not parse is given time to be completed before it is set
 * aside. */
static void
check_now (MgStore *self,
           gboolean patient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *etag = NULL;
  gsize            len;
  guint            n_changed;

  g_clear_handle_id (&self->check_source, g_source_remove);

  if (!self->loaded || self->read_only)
    return;

  if (self->job != NULL && !self->job->finished)
    {
      self->check_again = TRUE;
      return;
    }

  if (!load_contents (self->file, &contents, &len, &etag, &error))
    {
      if (is_missing (error))
        {
          /* Removed behind our back: what we have is all there is. */
          g_clear_pointer (&self->disk_bytes, g_bytes_unref);
          g_clear_pointer (&self->disk_etag, g_free);
          g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
          if (has_content (self))
            schedule_save (self);
        }
      else
        {
          g_warning ("The annotations file changed but could not be read: %s", error->message);
        }
      return;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
    {
      /* Our own write, or a touch. */
      set_str (&self->disk_etag, etag);
      g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
      return;
    }

  root = mg_store_parse_bytes (bytes, &parse_error);
  if (root == NULL)
    {
      g_autoptr (GError) report = NULL;

      if (g_error_matches (parse_error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
        {
          newer_version_error (self, parse_error, &report);
          set_read_only (self);
          emit_error (self, report);
          return;
        }

      if (patient && (self->suspect_bytes == NULL || !g_bytes_equal (bytes, self->suspect_bytes)))
        {
          g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
          self->suspect_bytes = g_bytes_ref (bytes);
          schedule_check (self, SUSPECT_DELAY_MS);
          return;
        }

      handle_corrupt (self, parse_error, &report);
      emit_error (self, report);
      if (!self->read_only)
        schedule_save (self);
      return;
    }

  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);

  n_changed = merge_into_list (self, root);
  g_debug ("Merged a change to %s made elsewhere: %u annotations changed",
           g_file_peek_path (self->file), n_changed);

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  self->disk_bytes = g_bytes_ref (bytes);
  set_str (&self->disk_etag, etag);

  /* Save the merged result if the other copy lacked something of ours.
   * Compared by content, not bytes: two writers that format differently
   * must not rewrite each other's files forever. */
  if (!same_content (self, root))
    {
      self->dirty = TRUE;
      start_save (self);
    }

  g_signal_emit (self, signals[MERGED], 0, n_changed);
}

static void
on_file_changed (GFileMonitor     *monitor,
                 GFile            *file,
                 GFile            *other_file,
                 GFileMonitorEvent event,
                 MgStore          *self)
{
  /* Not CHANGED: that comes while a writer is still writing. A rename
   * over the file (an atomic save) gives CREATED then CHANGES_DONE_HINT;
   * a file created in place may still be empty at CREATED, which the
   * patience for files that do not parse covers. */
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
      schedule_check (self, CHECK_DELAY_MS);
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    default:
      break;
    }
}

static void
start_monitor (MgStore *self)
{
  g_autoptr (GError) error = NULL;

  if (self->read_only || self->monitor != NULL)
    return;

  self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    {
      g_warning ("Changes to %s by other programs will not be noticed: %s",
                 g_file_peek_path (self->file), error->message);
      return;
    }

  g_signal_connect (self->monitor, "changed", G_CALLBACK (on_file_changed), self);
}

/* The cache ----------------------------------------------------------- */

/* Whether the store holds what its file holds, written the way we write
 * it: then a cache made now is what reading that file gives. */
static gboolean
cache_wanted_now (MgStore *self)
{
  return self->cache_file != NULL && self->cache_for != NULL && self->cache_for == self->disk_bytes && self->loaded && !self->read_only && !self->dirty && self->job == NULL && self->save_source == 0 && self->check_source == 0 && self->suspect_bytes == NULL && self->moved_from == NULL;
}

typedef struct
{
  GFile    *file;
  GVariant *built;
  GBytes   *json;
} CacheJob;

static void
cache_job_free (gpointer data)
{
  CacheJob *job = data;

  g_object_unref (job->file);
  g_clear_pointer (&job->built, g_variant_unref);
  g_bytes_unref (job->json);
  g_free (job);
}

static void
cache_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CacheJob *job = task_data;
  g_autoptr (GError) error = NULL;

  if (!mg_store_cache_write (job->file, job->built, job->json, &error))
    g_debug ("The cache %s was not written: %s", g_file_peek_path (job->file), error->message);

  g_task_return_boolean (task, error == NULL);
}

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MgStore *self = MG_STORE (object);

  g_task_propagate_boolean (G_TASK (result), NULL);
  self->cache_writing = FALSE;
  update_hold (self);
}

/* Writes the cache of what the store holds, if it is still the file's:
 * in a thread, or now when the store goes. A store that changed since
 * has a save coming, after which the cache is wanted again. */
static void
write_cache (MgStore *self,
             gboolean now)
{
  g_autoptr (GBytes) json = NULL;
  CacheJob *job;

  if (!cache_wanted_now (self))
    {
      g_clear_pointer (&self->cache_for, g_bytes_unref);
      return;
    }

  json = g_steal_pointer (&self->cache_for);
  job = g_new0 (CacheJob, 1);
  job->file = g_object_ref (self->cache_file);
  job->json = g_steal_pointer (&json);
  job->built = mg_store_cache_build (mg_document_get_uri (self->document),
                                     mg_document_get_sha256 (self->document),
                                     mg_document_get_title (self->document),
                                     G_LIST_MODEL (self->annotations),
                                     self->raw_entries, self->tombstones, self->raw_tombstones);

  if (job->built == NULL)
    {
      cache_job_free (job);
      return;
    }

  if (now)
    {
      g_autoptr (GError) error = NULL;

      if (!mg_store_cache_write (job->file, job->built, job->json, &error))
        g_debug ("The cache %s was not written: %s", g_file_peek_path (job->file), error->message);
      cache_job_free (job);
    }
  else
    {
      g_autoptr (GTask) task = g_task_new (self, NULL, cache_written_cb, NULL);

      g_task_set_source_tag (task, write_cache);
      g_task_set_task_data (task, job, cache_job_free);
      self->cache_writing = TRUE;
      update_hold (self);
      g_task_run_in_thread (task, cache_thread);
    }
}

static gboolean
cache_timeout_cb (gpointer data)
{
  MgStore *self = data;

  /* One writer at a time. */
  if (self->cache_writing)
    return G_SOURCE_CONTINUE;

  self->cache_source = 0;
  write_cache (self, FALSE);

  return G_SOURCE_REMOVE;
}

/* The file holds what the store holds (it was just written, or read
 * without a change): a cache of it is wanted. */
static void
request_cache (MgStore *self)
{
  if (self->cache_file == NULL || self->disk_bytes == NULL)
    return;

  g_clear_pointer (&self->cache_for, g_bytes_unref);
  self->cache_for = g_bytes_ref (self->disk_bytes);

  if (self->cache_source == 0)
    self->cache_source = g_timeout_add_full (G_PRIORITY_LOW, CACHE_DELAY_MS, cache_timeout_cb, self, NULL);
}

/* Fills the empty store with what its cache held (read and anchored by
 * the load job). */
static void
apply_cache (MgStore              *self,
             MgStoreCacheContents *contents)
{
  /* What is read makes no tombstones. */
  self->updating = TRUE;
  mg_annotation_list_add_many (self->annotations, contents->annotations);
  self->updating = FALSE;

  g_ptr_array_extend_and_steal (self->raw_entries, g_steal_pointer (&contents->raw_entries));
  g_ptr_array_extend_and_steal (self->raw_tombstones, g_steal_pointer (&contents->raw_tombstones));
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  self->tombstones = g_steal_pointer (&contents->tombstones);
}

/* Loading ---------------------------------------------------------------- */

/* Looks in the directory for the file of a document with the same text
 * (it moved, or was renamed). A file whose document no longer exists at
 * its URI is preferred: that is a move, not a copy. */
static GFile *
find_by_hash (GFile      *directory,
              GFile      *own_file,
              MgDocument *document,
              GBytes    **bytes_out,
              gboolean   *moved_out)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GFile) best = NULL;
  g_autoptr (GBytes) best_bytes = NULL;
  g_autofree char *best_name = NULL;
  g_autofree char *own_name = g_file_get_basename (own_file);
  const char      *sha256 = mg_document_get_sha256 (document);
  gboolean         best_moved = FALSE;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, NULL);
  if (enumerator == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo       *info = NULL;
      GFile           *child = NULL;
      g_autofree char *contents = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GFile) stored = NULL;
      JsonObject *stored_document;
      const char *name;
      const char *stored_uri;
      gboolean    moved;
      gsize       len;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) || info == NULL)
        break;

      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_suffix (name, ".json") || g_str_equal (name, own_name))
        continue;

      if (!load_contents (child, &contents, &len, NULL, NULL))
        continue;

      /* Most files are someone else's: skip them before parsing. */
      if (g_strstr_len (contents, len, sha256) == NULL)
        continue;

      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      root = mg_store_parse_bytes (bytes, NULL);
      if (root == NULL)
        continue;

      stored_document = node_get_object (json_object_get_member (json_node_get_object (root), "document"));
      if (g_strcmp0 (object_get_string (stored_document, "sha256"), sha256) != 0)
        continue;

      stored_uri = object_get_string (stored_document, "uri");
      if (g_strcmp0 (stored_uri, mg_document_get_uri (document)) == 0)
        continue;

      stored = g_file_new_for_uri (stored_uri);
      moved = g_file_has_uri_scheme (stored, "file") && !g_file_query_exists (stored, NULL);

      if (best == NULL || (moved && !best_moved) || (moved == best_moved && strcmp (name, best_name) < 0))
        {
          g_set_object (&best, child);
          g_clear_pointer (&best_bytes, g_bytes_unref);
          best_bytes = g_steal_pointer (&bytes);
          set_str (&best_name, name);
          best_moved = moved;
        }
    }

  if (best != NULL)
    {
      *bytes_out = g_steal_pointer (&best_bytes);
      *moved_out = best_moved;
    }

  return g_steal_pointer (&best);
}

/* A write killed between creating its temporary file and renaming it
 * leaves the temporary file behind: remove old ones. */
static void
remove_stale_temporary_files (GFile *directory)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  gint64 limit = g_date_time_to_unix (now) - STALE_TEMPORARY_AGE_S;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, NULL);
  if (enumerator == NULL)
    return;

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile     *child = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) || info == NULL)
        break;

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_prefix (g_file_info_get_name (info), TEMPORARY_PREFIX) || (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) > limit)
        continue;

      if (!g_file_delete (child, NULL, &error))
        g_debug ("Could not remove %s: %s", g_file_info_get_name (info), error->message);
    }
}

/* What a load reads, in a worker thread for mg_store_load_async(): the
 * file (or that of the moved document), and either what its cache holds,
 * anchored, or its JSON tree. Nothing of the store is touched. */
typedef struct
{
  GFile      *file;
  GFile      *directory;
  GFile      *cache_file; /* NULL: not for this load */
  MgDocument *document;

  GBytes  *bytes;
  char    *etag;
  GError  *read_error;
  GFile   *found;
  gboolean moved;

  MgStoreCacheContents cache;
  gboolean             cached;
  gboolean             same;

  JsonNode *root;
  GError   *parse_error;

  /* Set by the worker under MgStore.job_mutex. */
  gboolean done;
  /* Main thread: taken into the store (by a flush that could not wait),
   * with this result. */
  gboolean applied;
  gboolean apply_ret;
  GError  *apply_error;
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_clear_object (&job->file);
  g_clear_object (&job->directory);
  g_clear_object (&job->cache_file);
  g_clear_object (&job->document);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->etag);
  g_clear_error (&job->read_error);
  g_clear_object (&job->found);
  mg_store_cache_contents_clear (&job->cache);
  g_clear_pointer (&job->root, json_node_unref);
  g_clear_error (&job->parse_error);
  g_clear_error (&job->apply_error);
  g_free (job);
}

static void
load_job_run (LoadJob *job)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize            len;

  remove_stale_temporary_files (job->directory);

  if (mg_file_load_contents (job->file, NULL, &contents, &len, &job->etag, &local_error))
    job->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  else if (!is_missing (local_error))
    {
      job->read_error = g_steal_pointer (&local_error);
      return;
    }
  else
    job->found = find_by_hash (job->directory, job->file, job->document, &job->bytes, &job->moved);

  /* Nothing stored yet. */
  if (job->bytes == NULL)
    return;

  /* Anchoring needs the code points; they are made here, off the main
   * thread, whichever way the annotations are read. */
  mg_document_get_chars (job->document, NULL);

  if (job->found == NULL && job->cache_file != NULL && mg_store_cache_read (job->cache_file, job->bytes, &job->cache))
    {
      for (guint i = 0; i < job->cache.annotations->len; i++)
        mg_anchor_annotation (g_ptr_array_index (job->cache.annotations, i), job->document);
      job->same = g_strcmp0 (job->cache.uri, mg_document_get_uri (job->document)) == 0 && g_strcmp0 (job->cache.sha256, mg_document_get_sha256 (job->document)) == 0 && g_strcmp0 (job->cache.title, mg_document_get_title (job->document)) == 0;
      job->cached = TRUE;
      return;
    }

  job->root = mg_store_parse_bytes (job->bytes, &job->parse_error);
}

static LoadJob *
load_job_new (MgStore *self)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->file = g_object_ref (self->file);
  job->directory = g_object_ref (self->directory);
  job->document = g_object_ref (self->document);
  /* The cache is what a file gives an empty store. */
  if (self->cache_file != NULL && !has_content (self))
    job->cache_file = g_object_ref (self->cache_file);

  return job;
}

static void
load_begin (MgStore *self)
{
  self->loading = TRUE;
  connect_list (self);
}

/* Takes what the job read into the store, on the main thread. */
static gboolean
load_apply (MgStore *self,
            LoadJob *job,
            GError **error)
{
  g_autoptr (JsonNode) root = g_steal_pointer (&job->root);

  self->loading = FALSE;
  self->loaded = TRUE;

  if (job->read_error != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (self->file);

      set_read_only (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY,
                   _ ("The annotations of “%s” could not be read: %s. The file “%s” is left as it is, and changes are not saved."),
                   mg_document_get_title (self->document), job->read_error->message, path);
      return FALSE;
    }

  if (job->bytes == NULL)
    {
      /* Nothing stored yet. */
      start_monitor (self);
      if (has_content (self))
        schedule_save (self);
      return TRUE;
    }

  if (job->cached && !has_content (self))
    {
      apply_cache (self, &job->cache);
      self->disk_bytes = g_steal_pointer (&job->bytes);
      self->disk_etag = g_steal_pointer (&job->etag);
      if (!job->same || self->dirty)
        schedule_save (self);
      start_monitor (self);
      return TRUE;
    }

  /* The cache was read, but changes came while it was: the file is
   * merged with them. */
  if (job->cached)
    root = mg_store_parse_bytes (job->bytes, &job->parse_error);

  if (root == NULL)
    {
      g_assert (job->found == NULL);

      if (g_error_matches (job->parse_error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
        {
          newer_version_error (self, job->parse_error, error);
          set_read_only (self);
          return FALSE;
        }

      handle_corrupt (self, job->parse_error, error);
      start_monitor (self);
      return FALSE;
    }

  merge_into_list (self, root);
  /* The tree is the biggest thing a load makes: gone before the rest. */
  g_clear_pointer (&root, json_node_unref);

  if (job->found != NULL)
    {
      /* A new file under the new name; the old one goes once it is
       * written, unless the document is still there (a copy). */
      if (job->moved)
        self->moved_from = g_steal_pointer (&job->found);
      self->dirty = TRUE;
      start_save (self);
    }
  else
    {
      self->disk_bytes = g_steal_pointer (&job->bytes);
      self->disk_etag = g_steal_pointer (&job->etag);

      /* E.g. the document was edited: its new SHA-256 goes in the file. */
      if (!state_equals (self, self->disk_bytes))
        schedule_save (self);
      else
        request_cache (self);
    }

  start_monitor (self);

  return TRUE;
}

/**
 * mg_store_load:
 * @self: a #MgStore
 * @error: return location for a #GError
 *
 * Reads the document's annotations into the list and starts following
 * the list (autosave) and the file (merging changes made elsewhere). Call
 * it once; nothing is saved before it is called.
 *
 * The file is the one named after the document's URI; failing that, one
 * in the directory for a document with the same SHA-256 (the document
 * moved). Then the annotations are saved under the new name at once, and
 * the old file is removed after that save (kept if the document still
 * exists at the old URI: then it was a copy).
 *
 * Each annotation is anchored in the document before it is added to the
 * list, with mg_annotation_list_add_many(). Temporary files left in the
 * directory by writes that a crash cut off are removed after an hour.
 *
 * On failure the list is left as it was, and:
 * - %MG_STORE_ERROR_CORRUPT: the file did not parse or has the wrong
 *   shape. It was renamed aside to `<name>.corrupt-<UTC time>` (the
 *   message says where) and the store works on, saving a new file.
 * - %MG_STORE_ERROR_NEWER_VERSION: a newer Marginalia wrote the file.
 *   The store is read-only: it never writes that file, and
 *   mg_store_flush() fails when there are changes it cannot save.
 * - %MG_STORE_ERROR_READ_ONLY: the file exists but could not be read;
 *   the store is read-only.
 *
 * Returns: %TRUE if the annotations were read, or there were none
 */
gboolean
mg_store_load (MgStore *self,
               GError **error)
{
  LoadJob *job;
  gboolean ret;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->loaded && !self->loading, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  load_begin (self);
  job = load_job_new (self);
  load_job_run (job);
  ret = load_apply (self, job, error);
  load_job_free (job);

  return ret;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MgStore *self = source_object;
  LoadJob *job = task_data;

  load_job_run (job);

  g_mutex_lock (&self->job_mutex);
  job->done = TRUE;
  g_cond_broadcast (&self->job_cond);
  g_mutex_unlock (&self->job_mutex);

  g_task_return_boolean (task, TRUE);
}

/* Takes the load in flight into the store now, waiting for its worker:
 * for a flush, which must not say all is saved before the file is read. */
static void
finish_load_now (MgStore *self)
{
  LoadJob *job = self->load_job;

  g_mutex_lock (&self->job_mutex);
  while (!job->done)
    g_cond_wait (&self->job_cond, &self->job_mutex);
  g_mutex_unlock (&self->job_mutex);

  job->apply_ret = load_apply (self, job, &job->apply_error);
  job->applied = TRUE;
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MgStore *self = MG_STORE (object);
  GTask   *task = user_data;
  LoadJob *job = g_task_get_task_data (G_TASK (result));

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (!job->applied)
    {
      job->apply_ret = load_apply (self, job, &job->apply_error);
      job->applied = TRUE;
    }
  self->load_job = NULL;
  update_hold (self);

  if (job->apply_ret)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&job->apply_error));
  g_object_unref (task);
}

/**
 * mg_store_load_async:
 * @self: a #MgStore
 * @callback: called once the annotations are in the list
 * @user_data: for @callback
 *
 * mg_store_load(), reading the file (and the cache, or the JSON), making
 * the document's code points and anchoring in a worker thread: the main
 * thread only puts the annotations in the list, or merges a JSON file
 * that has no cache. Until then the list may change (the changes are
 * merged with the file) but nothing is saved; mg_store_flush() waits for
 * the load. There is no cancelling: a store let go meanwhile finishes its
 * load first, and saves only changes. The default #GApplication is held
 * until then.
 */
void
mg_store_load_async (MgStore            *self,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr (GTask) worker = NULL;
  GTask *task;

  g_return_if_fail (MG_IS_STORE (self));
  g_return_if_fail (!self->loaded && !self->loading);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, mg_store_load_async);

  load_begin (self);
  self->load_job = load_job_new (self);
  worker = g_task_new (self, NULL, load_done_cb, task);
  g_task_set_source_tag (worker, load_thread);
  g_task_set_task_data (worker, self->load_job, load_job_free);
  /* Quitting waits for the annotations to be read, and any change made
   * meanwhile to be saved. */
  update_hold (self);
  g_task_run_in_thread (worker, load_thread);
}

/**
 * mg_store_load_finish:
 * @self: a #MgStore
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: what mg_store_load() returns, with the same errors
 */
gboolean
mg_store_load_finish (MgStore      *self,
                      GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
flush (MgStore *self,
       GError **error)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->loading && self->load_job != NULL)
    finish_load_now (self);

  if (self->job != NULL)
    {
      wait_for_job (self);
      /* Its failure, if any, is ours to report now. */
      finish_job (self, self->job, FALSE);
    }

  if (!self->loaded)
    return TRUE;

  if (self->read_only)
    {
      if (self->dirty)
        {
          g_autofree char *path = g_file_get_parse_name (self->file);

          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY,
                       _ ("Changes to the annotations of “%s” were not saved: “%s” was written by a newer version of Marginalia or cannot be read, and is left untouched."),
                       mg_document_get_title (self->document), path);
          return FALSE;
        }
      return TRUE;
    }

  /* A changed file that does not parse: no more waiting for it. */
  if (self->suspect_bytes != NULL || self->check_again || self->check_source != 0)
    {
      self->check_again = FALSE;
      check_now (self, FALSE);
      if (self->read_only)
        return flush (self, error);
    }

  if (!self->dirty && self->moved_from == NULL)
    return TRUE;

  for (guint attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++)
    {
      g_autoptr (GBytes) bytes = serialize_state (self);
      g_autoptr (GError) local_error = NULL;
      g_autofree char *new_etag = NULL;

      if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
        {
          self->dirty = FALSE;
          return TRUE;
        }

      if (write_file (self->file, bytes, self->disk_bytes, self->disk_etag, &new_etag, &local_error))
        {
          self->dirty = FALSE;
          note_written (self, bytes, new_etag);
          return TRUE;
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
        {
          self->dirty = TRUE;
          g_propagate_error (error, save_error_new (self, local_error));
          return FALSE;
        }

      g_debug ("%s changed on disk before our write: merging first",
               g_file_peek_path (self->file));
      self->dirty = TRUE;
      check_now (self, FALSE);
      if (self->read_only)
        return flush (self, error);
    }

  {
    g_autoptr (GError) cause = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BUSY,
                                                    _ ("the file kept changing while it was being saved"));

    g_propagate_error (error, save_error_new (self, cause));
  }

  return FALSE;
}

/**
 * mg_store_flush:
 * @self: a #MgStore
 * @error: return location for a #GError
 *
 * Saves now, synchronously, if anything is unsaved: for quitting and for
 * the command line. A write in flight is waited for first, so the two
 * never race. If the file changed on disk meanwhile, it is merged first.
 *
 * A read-only store (see mg_store_get_read_only()) writes nothing: it
 * fails with %MG_STORE_ERROR_READ_ONLY when there are changes since it was
 * loaded, and succeeds when there are none.
 *
 * Returns: %TRUE if everything is saved
 */
gboolean
mg_store_flush (MgStore *self,
                GError **error)
{
  gboolean ret;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->flushing = TRUE;
  ret = flush (self, error);
  self->flushing = FALSE;
  update_hold (self);

  return ret;
}

/* GObject ---------------------------------------------------------------- */

static void
mg_store_constructed (GObject *object)
{
  MgStore         *self = MG_STORE (object);
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (mg_store_parent_class)->constructed (object);

  g_assert (MG_IS_DOCUMENT (self->document));
  g_assert (MG_IS_ANNOTATION_LIST (self->annotations));

  if (self->directory_path == NULL)
    self->directory_path = mg_store_default_directory ();

  self->directory = g_file_new_for_path (self->directory_path);
  name = mg_store_file_name_for_uri (mg_document_get_uri (self->document));
  self->file = g_file_get_child (self->directory, name);

  if (!self->cache_directory_set)
    {
      g_autofree char *cache_directory = mg_store_default_cache_directory ();

      mg_store_set_cache_directory (self, cache_directory);
    }
}

static void
mg_store_dispose (GObject *object)
{
  MgStore *self = MG_STORE (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_handle_id (&self->cache_source, g_source_remove);

  /* Changes are never dropped quietly: save what the owner did not. */
  if (self->loaded && self->dirty && !self->read_only && self->annotations != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!mg_store_flush (self, &error))
        g_warning ("%s", error->message);
    }

  /* The next load is quick only with a cache of the last save. */
  if (self->annotations != NULL)
    write_cache (self, TRUE);

  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);
  g_ptr_array_set_size (self->mirror, 0);

  release_application (self);
  g_clear_object (&self->annotations);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (mg_store_parent_class)->dispose (object);
}

static void
mg_store_finalize (GObject *object)
{
  MgStore *self = MG_STORE (object);

  g_clear_pointer (&self->mirror, g_ptr_array_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  g_clear_pointer (&self->raw_entries, g_ptr_array_unref);
  g_clear_pointer (&self->raw_tombstones, g_ptr_array_unref);
  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
  g_clear_pointer (&self->disk_etag, g_free);
  g_clear_pointer (&self->cache_for, g_bytes_unref);
  g_clear_pointer (&self->cache_directory, g_free);
  g_clear_object (&self->cache_file);
  g_clear_pointer (&self->directory_path, g_free);
  g_clear_object (&self->directory);
  g_clear_object (&self->file);
  g_clear_object (&self->moved_from);
  g_mutex_clear (&self->job_mutex);
  g_cond_clear (&self->job_cond);

  G_OBJECT_CLASS (mg_store_parent_class)->finalize (object);
}

static void
mg_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MgStore *self = MG_STORE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_ANNOTATIONS:
      g_value_set_object (value, self->annotations);
      break;

    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory_path);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MgStore *self = MG_STORE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;

    case PROP_ANNOTATIONS:
      self->annotations = g_value_dup_object (value);
      break;

    case PROP_DIRECTORY:
      self->directory_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_store_class_init (MgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mg_store_constructed;
  object_class->dispose = mg_store_dispose;
  object_class->finalize = mg_store_finalize;
  object_class->get_property = mg_store_get_property;
  object_class->set_property = mg_store_set_property;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL,
                                                   MG_TYPE_DOCUMENT,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ANNOTATIONS] = g_param_spec_object ("annotations", NULL, NULL,
                                                      MG_TYPE_ANNOTATION_LIST,
                                                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL,
                                                    NULL,
                                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL,
                                               G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL,
                                                     FALSE,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgStore::error:
   * @error: what went wrong, with a message for the user
   *
   * A background save or merge failed. The annotations are still in
   * memory.
   */
  signals[ERROR] = g_signal_new ("error",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * MgStore::saved:
   *
   * The file was written.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  /**
   * MgStore::merged:
   * @n_changed: how many annotations were added, changed or removed
   *
   * The file was changed by another program, and its changes were merged
   * into the list. @n_changed may be 0 (e.g. only tombstones changed).
   * Annotations that changed are new objects: look them up by id again.
   */
  signals[MERGED] = g_signal_new ("merged",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
mg_store_init (MgStore *self)
{
  self->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->raw_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->raw_tombstones = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_mutex_init (&self->job_mutex);
  g_cond_init (&self->job_cond);
}

/**
 * mg_store_new:
 * @document: the document the annotations belong to
 * @annotations: the list to fill and to follow
 * @directory: (nullable): where to keep the files, or %NULL for
 *   mg_store_default_directory()
 *
 * Creates a store. Nothing is read or written before mg_store_load().
 *
 * Returns: (transfer full): a new #MgStore
 */
MgStore *
mg_store_new (MgDocument       *document,
              MgAnnotationList *annotations,
              const char       *directory)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (annotations), NULL);

  return g_object_new (MG_TYPE_STORE,
                       "document", document,
                       "annotations", annotations,
                       "directory", directory,
                       NULL);
}

MgDocument *
mg_store_get_document (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->document;
}

MgAnnotationList *
mg_store_get_annotations (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->annotations;
}

/**
 * mg_store_get_directory:
 * @self: a #MgStore
 *
 * Returns: (transfer none): the directory of the store's files
 */
GFile *
mg_store_get_directory (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->directory;
}

/**
 * mg_store_get_file:
 * @self: a #MgStore
 *
 * Returns: (transfer none): the file the annotations are saved in
 */
GFile *
mg_store_get_file (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->file;
}

/**
 * mg_store_get_read_only:
 * @self: a #MgStore
 *
 * A read-only store never writes its file: the file was written by a
 * newer version of Marginalia, or could not be read or set aside. Edits
 * still work in memory; the UI should say they are not saved.
 *
 * Returns: %TRUE if nothing is saved
 */
gboolean
mg_store_get_read_only (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  return self->read_only;
}

/**
 * mg_store_get_dirty:
 * @self: a #MgStore
 *
 * Returns: %TRUE if there are changes not yet written
 */
gboolean
mg_store_get_dirty (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  return self->dirty || (self->job != NULL && !self->job->finished);
}
