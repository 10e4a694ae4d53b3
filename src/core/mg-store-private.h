/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of MgStore share. The store is one GObject written in
 * several files, each with one job:
 *
 *   mg-store.c          the GObject: properties, signals, following the
 *                       list, and the scheduling of saves and flushes
 *   mg-store-save.c     writing the file: save jobs in a thread, flushes
 *   mg-store-load.c     reading the file into the store: the first load,
 *                       and again when it changed on disk (merged in)
 *   mg-store-format.c   the file's format: parse, validate, sanitise,
 *                       serialise (pure; the fuzzer's entry point)
 *   mg-store-merge.c    the merge of two states of a file (pure)
 *   mg-store-io.c       files: write only over what we expect, set aside
 *                       corrupt files, stale temporary files, find a
 *                       moved document's file by its hash, file names
 *   mg-store-monitor.c  MgStoreMonitor: changes on disk, paused while we
 *                       write
 *   mg-store-cache.c    the disposable cache of what a file holds
 *   mg-store-stream.c   the first read of a file, an entry at a time
 *   mg-store-conflicts.c  the conflict copies of sync tools, merged in
 *   mg-store-folder.c   which folder, and merging one folder into another
 *
 * The file is named after the document's id (mg-document-ids.c), which
 * this machine's table gives for the document's URI, else the hash of its
 * text; failing a file of that name, one with the document's hash (found
 * by mg_store_io_find_by_hash()) is adopted, or a version 1 file (named
 * after the URI) migrated.
 */

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-ids.h"
#include "mg-document.h"
#include "mg-store-cache.h"
#include "mg-store-monitor.h"
#include "mg-store.h"

G_BEGIN_DECLS

/* Save this long after the last change... */
#define MG_STORE_SAVE_DELAY_MS 500
/* ...but no later than this after the first unsaved one. */
#define MG_STORE_MAX_SAVE_DELAY_US (5 * G_USEC_PER_SEC)
/* Coalesces the events of one change on disk. */
#define MG_STORE_CHECK_DELAY_MS 200
/* A file changed on disk that does not parse is read again after this
 * long before it is set aside: it may still be being written. */
#define MG_STORE_SUSPECT_DELAY_MS 2000
#define MG_STORE_MAX_WRITE_ATTEMPTS 3
/* The file on disk is compared with what we expect in pieces this big. */
#define MG_STORE_COMPARE_CHUNK (64 * 1024)
/* About the compact text of an annotation, to write it without regrowing. */
#define MG_STORE_COMPACT_TEXT_SIZE 1024
/* A save that failed is tried again this long after (and at the next
 * change). */
#define MG_STORE_RETRY_DELAY_S 30

typedef struct _MgStoreSaveJob MgStoreSaveJob;

struct _MgStore
{
  GObject parent_instance;

  MgDocument       *document;
  MgAnnotationList *annotations;
  char             *directory_path;
  GFile            *directory;
  GFile            *file;

  /* The document's id (the file is named after it), and the table of
   * this machine's ids it came from. */
  char          *document_id;
  MgDocumentIds *ids;
  /* The version 1 file of the document, named after its URI: migrated,
   * then removed once the new file is written. */
  GFile *legacy_file;
  /* The "uri" and "title" the file holds, kept while the text is the
   * same: another machine's path is not a reason to write the file. */
  char *header_uri;
  char *header_title;
  /* Conflict copies merged, moved into merged/ after the next write. */
  GPtrArray *merged_copies;
  /* Names of conflict copies that did not parse, told once. */
  GHashTable *reported_copies;
  guint       conflicts_source;

  /* The list's items in its order, to know which ones were removed. */
  GPtrArray *mirror;
  /* id -> time of deletion, as written in the file. */
  GHashTable *tombstones;
  /* What we keep verbatim: annotations and tombstones we could not read. */
  GPtrArray *raw_entries;
  GPtrArray *raw_tombstones;
  /* Their text as read, by mg_store_node_key(), written back as it was. */
  GHashTable *raw_texts;
  guint       n_unreadable; /* raw_entries->len, as last told */

  /* What we last read from or wrote to the file, if anything. */
  GBytes *disk_bytes;
  char   *disk_etag;
  /* A changed file that did not parse, given time to be completed. */
  GBytes *suspect_bytes;
  /* A moved document's old file, removed after the first save. */
  GFile *moved_from;

  MgStoreMonitor *monitor;
  gulong          items_changed_handler;
  guint           save_source;
  gint64          save_pending_since;
  guint           check_source;
  /* A failed save, tried again after this many seconds. */
  guint retry_source;
  guint retry_delay_s;

  /* The cache of what the file holds, and the bytes of the file it is
   * wanted for (the ones we last wrote or read, once nothing is pending). */
  GFile  *cache_file;
  char   *cache_directory;
  GBytes *cache_for;
  guint   cache_source;

  GMutex          job_mutex;
  GCond           job_cond;
  MgStoreSaveJob *job;
  gpointer        load_job; /* of mg_store_load_async() */

  /* GTask of mg_store_flush_async(), waiting for the writes. */
  GPtrArray *flush_tasks;
  guint      flush_attempts;

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
  guint saving : 1;
  guint retrying : 1;
  guint edited : 1; /* the list changed since the load */
  guint id_remembered : 1;
};

/* mg-store.c */
void     _mg_store_set_read_only (MgStore *self);
void     _mg_store_emit_error (MgStore *self,
                               GError  *error);
void     _mg_store_emit_saved (MgStore *self);
void     _mg_store_emit_merged (MgStore *self,
                                guint    n_changed);
void     _mg_store_schedule_save (MgStore *self);
void     _mg_store_start_save (MgStore *self);
void     _mg_store_update_saving (MgStore *self);
void     _mg_store_update_unreadable (MgStore *self);
void     _mg_store_advance_flushes (MgStore      *self,
                                    const GError *write_error);
gboolean _mg_store_has_content (MgStore *self);
void     _mg_store_connect_list (MgStore *self);
void     _mg_store_start_monitor (MgStore *self);
void     _mg_store_request_cache (MgStore *self);
void     _mg_store_set_str (char      **str_pointer,
                            const char *new_str);

/* mg-store.c: the document's id and file */
void        _mg_store_set_file (MgStore    *self,
                                GFile      *file,
                                const char *document_id);
const char *_mg_store_header_uri (MgStore *self);
const char *_mg_store_header_title (MgStore *self);
void        _mg_store_take_header (MgStore  *self,
                                   JsonNode *root);
void        _mg_store_remember_id (MgStore *self);

/* mg-store-save.c */
void     _mg_store_set_retry_delay (MgStore *self,
                                    guint    seconds);
gboolean _mg_store_write_in_flight (MgStore *self);
void     _mg_store_state_items (MgStore    *self,
                                GPtrArray **entries_out,
                                GPtrArray **deleted_out);
gboolean _mg_store_state_equals (MgStore *self,
                                 GBytes  *bytes);

/* mg-store-load.c */
void     _mg_store_schedule_check (MgStore *self,
                                   guint    delay_ms);
void     _mg_store_check_now (MgStore *self,
                              gboolean patient);
void     _mg_store_finish_load_now (MgStore *self);
goffset  _mg_store_max_size (void);
gboolean _mg_store_load_pending (MgStore *self);

/* mg-store-load.c, for conflict copies */
guint _mg_store_merge_file_into_list (MgStore    *self,
                                      JsonNode   *root,
                                      GHashTable *texts);

/* mg-store-format.c: the entries of a file, to sort and write them. */
typedef enum
{
  MG_STORE_ITEM_NODE,       /* JSON, as read or kept verbatim */
  MG_STORE_ITEM_ANNOTATION, /* one of our annotations */
  MG_STORE_ITEM_TOMBSTONE,  /* one of our tombstones: an id and a time */
} MgStoreItemKind;

typedef struct
{
  MgStoreItemKind kind;
  const char     *key1;       /* the creation time of an entry, the id of a tombstone */
  const char     *key2;       /* the id of an entry, the time of a tombstone */
  JsonNode       *node;       /* ITEM_NODE, borrowed */
  MgAnnotation   *annotation; /* ITEM_ANNOTATION, a reference */
  char           *created;    /* ITEM_ANNOTATION: its times, formatted */
  char           *modified;
  const char     *id; /* ITEM_TOMBSTONE, borrowed */
  const char     *when;
  char           *text;       /* the compact text, once needed */
  gboolean        text_clean; /* it holds the item exactly */
  const char     *raw;        /* ITEM_NODE: its text as read, if known */
  gpointer        data;       /* for the caller */
} MgStoreItem;

void mg_store_item_free (gpointer data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgStoreItem, mg_store_item_free)
MgStoreItem *mg_store_item_new_entry_node (JsonNode *node);
MgStoreItem *mg_store_item_new_tombstone_node (JsonNode *node);
MgStoreItem *mg_store_item_new_annotation (MgAnnotation *annotation);
MgStoreItem *mg_store_item_new_tombstone (const char *id,
                                          const char *when);
const char  *mg_store_item_text (MgStoreItem *item);
void         mg_store_items_sort (GPtrArray *items);
gboolean     mg_store_items_equal (MgStoreItem *a,
                                   MgStoreItem *b);
gboolean     mg_store_items_all_equal (GPtrArray *a,
                                       GPtrArray *b);
GBytes      *mg_store_format_write (const char *id,
                                    const char *uri,
                                    const char *sha256,
                                    const char *title,
                                    GPtrArray  *entries,
                                    GPtrArray  *deleted,
                                    gsize       size_hint);
gboolean     mg_store_format_equals (const char *id,
                                     const char *uri,
                                     const char *sha256,
                                     const char *title,
                                     GPtrArray  *entries,
                                     GPtrArray  *deleted,
                                     GBytes     *expected);
JsonNode    *mg_store_format_build_root (const char *id,
                                         const char *uri,
                                         const char *sha256,
                                         const char *title,
                                         GPtrArray  *entries,
                                         GPtrArray  *deleted);

guint       mg_store_format_renumber_repeats (JsonNode   *root,
                                              GHashTable *raw_texts);
char       *mg_store_format_next_id (GHashTable *seen,
                                     const char *id);
gpointer    mg_store_node_key (JsonNode *node);
GHashTable *mg_store_format_raw_texts (GBytes   *bytes,
                                       JsonNode *root);
JsonNode   *mg_store_format_parse_entry (const char *text);

/* mg-store-merge.c: what the merge makes of each entry and tombstone. */
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
} MgStoreCandidate;

typedef struct
{
  JsonNode   *node; /* borrowed; NULL for one of our own */
  const char *id;   /* borrowed */
  const char *text; /* its "modified", borrowed */
  GDateTime  *when;
} MgStoreTombstone;

typedef struct
{
  GPtrArray  *candidates;     /* MgStoreCandidate, in the order given */
  GHashTable *by_id;          /* id -> the MgStoreCandidate that holds it */
  GHashTable *idless;         /* compact text -> JsonNode, no id to merge by */
  GHashTable *tombstones;     /* id -> MgStoreTombstone */
  GHashTable *raw_tombstones; /* compact text -> JsonNode */
  GHashTable *ours_ids;       /* ids of our annotations */
  GPtrArray  *owned;          /* JsonNode made for the merge */
} MgStoreMerge;

MgStoreCandidate *mg_store_candidate_new_for_annotation (MgAnnotation *annotation);
gboolean          mg_store_candidate_get_valid (MgStoreCandidate *candidate);

void mg_store_merge_init (MgStoreMerge *merge);
void mg_store_merge_clear (MgStoreMerge *merge);
void mg_store_merge_add_candidate (MgStoreMerge     *merge,
                                   MgStoreCandidate *candidate);
void mg_store_merge_add_entry (MgStoreMerge *merge,
                               JsonNode     *node,
                               gboolean      from_ours);
void mg_store_merge_add_tombstone_full (MgStoreMerge *merge,
                                        JsonNode     *node,
                                        const char   *id,
                                        const char   *text);
void mg_store_merge_add_tombstone (MgStoreMerge *merge,
                                   JsonNode     *node);
void mg_store_merge_add_file (MgStoreMerge *merge,
                              JsonNode     *root,
                              gboolean      ours);
void mg_store_merge_apply_tombstones (MgStoreMerge *merge);

/* mg-store-stream.c */
gboolean mg_store_stream_read (GBytes               *bytes,
                               MgStoreCacheContents *contents,
                               guint                *n_renumbered,
                               GPtrArray           **why);

/* mg-store-io.c */
gboolean mg_store_io_is_missing (const GError *error);
gboolean mg_store_io_write (GFile      *file,
                            GBytes     *bytes,
                            GBytes     *expected,
                            const char *etag,
                            char      **new_etag,
                            GError    **error);
GFile   *mg_store_io_set_aside (GFile   *file,
                                GError **error);
GFile   *mg_store_io_find_by_hash (GFile      *directory,
                                   GFile      *own_file,
                                   MgDocument *document,
                                   GBytes    **bytes_out,
                                   gboolean   *moved_out);
void     mg_store_io_remove_stale_temporary_files (GFile *directory);

/* mg-store-conflicts.c */
typedef struct
{
  GFile  *file;
  GBytes *bytes;
} MgStoreCopy;

void       mg_store_copy_free (gpointer data);
char      *mg_store_conflict_copy_stem (const char *name);
gboolean   mg_store_conflict_copy_of (const char *name,
                                      const char *file_name);
GPtrArray *mg_store_conflicts_read (GFile      *directory,
                                    const char *file_name);
GFile     *mg_store_conflicts_set_aside (GFile   *copy,
                                         GError **error);
guint      _mg_store_merge_copies (MgStore   *self,
                                   GPtrArray *copies);
void       _mg_store_check_conflicts (MgStore *self);
void       _mg_store_set_aside_merged_copies (MgStore *self);

G_END_DECLS
