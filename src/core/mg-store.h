/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mg-document-ids.h"
#include "mg-types.h"

G_BEGIN_DECLS

#define MG_STORE_ERROR (mg_store_error_quark ())

typedef enum
{
  MG_STORE_ERROR_CORRUPT,       /* the file was set aside; a new one is started */
  MG_STORE_ERROR_NEWER_VERSION, /* a newer Marginalia wrote it; left untouched */
  MG_STORE_ERROR_SAVE_FAILED,   /* nothing was written; changes kept in memory */
  MG_STORE_ERROR_READ_ONLY,     /* unsaved changes that this store will not save */
  MG_STORE_ERROR_TOO_LARGE,     /* over MG_STORE_MAX_SIZE; left untouched, read-only */
  MG_STORE_ERROR_CONFLICT_COPY, /* a sync tool's conflict copy that does not parse: left as it is */
} MgStoreError;

/* The largest store file read (about 300,000 annotations). */
#define MG_STORE_MAX_SIZE (256 * 1024 * 1024)

/* The "version" this code writes. A file with a larger one is never
 * written to. Any change to the format bumps it. */
#define MG_STORE_FORMAT_VERSION 2

#define MG_TYPE_STORE (mg_store_get_type ())
G_DECLARE_FINAL_TYPE (MgStore, mg_store, MG, STORE, GObject)

GQuark mg_store_error_quark (void);

MgStore *mg_store_new (MgDocument       *document,
                       MgAnnotationList *annotations,
                       const char       *directory);
MgStore *mg_store_new_with_ids (MgDocument       *document,
                                MgAnnotationList *annotations,
                                const char       *directory,
                                MgDocumentIds    *ids);
gboolean mg_store_load (MgStore *self,
                        GError **error);
void     mg_store_load_async (MgStore            *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
gboolean mg_store_load_finish (MgStore      *self,
                               GAsyncResult *result,
                               GError      **error);
gboolean mg_store_flush (MgStore *self,
                         GError **error);
void     mg_store_flush_async (MgStore            *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
gboolean mg_store_flush_finish (MgStore      *self,
                                GAsyncResult *result,
                                GError      **error);

MgDocument       *mg_store_get_document (MgStore *self);
MgAnnotationList *mg_store_get_annotations (MgStore *self);
GFile            *mg_store_get_directory (MgStore *self);
GFile            *mg_store_get_file (MgStore *self);
const char       *mg_store_get_document_id (MgStore *self);
gboolean          mg_store_get_read_only (MgStore *self);
gboolean          mg_store_get_dirty (MgStore *self);
void              mg_store_discard_changes (MgStore *self);
gboolean          mg_store_get_saving (MgStore *self);
guint             mg_store_get_n_unreadable (MgStore *self);

char *mg_store_default_directory (void);
char *mg_store_get_folder (void);
char *mg_store_get_snapshots_folder (void);

/* What mg_store_merge_folder() did: documents whose file was copied
 * into the new folder, merged with the one there, or already there as it
 * was; files that could not be read (left out); snapshot files copied. */
typedef struct
{
  guint n_copied;
  guint n_merged;
  guint n_unchanged;
  guint n_unreadable;
  guint n_snapshots;
} MgStoreFolderMerge;

gboolean mg_store_merge_folder (const char         *from,
                                const char         *to,
                                MgDocumentIds      *ids,
                                MgStoreFolderMerge *result,
                                GError            **error);
gboolean mg_store_merge_versions (const char *base,
                                  const char *ours,
                                  const char *theirs,
                                  GError    **error);
char    *mg_store_file_name_for_uri (const char *uri);

char  *mg_store_default_cache_directory (void);
void   mg_store_set_cache_directory (MgStore    *self,
                                     const char *directory);
GFile *mg_store_get_cache_file (MgStore *self);

/* Low level, pure functions on whole files: for tests and the fuzzer. */
JsonNode *mg_store_parse_bytes (GBytes  *bytes,
                                GError **error);
JsonNode *mg_store_merge_json (JsonNode *ours,
                               JsonNode *theirs,
                               guint    *n_changed);
GBytes   *mg_store_serialize_json (JsonNode *root);

G_END_DECLS
