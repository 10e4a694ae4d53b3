/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of the library share:
 *
 *   mg-library.c           MgLibrary: the list of documents, the live
 *                          updates, remove/restore/relink
 *   mg-library-document.c  the values handed out: MgLibraryDocument,
 *                          MgLibraryHit, MgLibraryTag
 *   mg-library-index.c     the SQLite index: schema, sync with the files,
 *                          queries (the only file that speaks SQL)
 *   mg-library-query.c     a user's search text as an FTS5 expression
 */

#include "mg-document-ids.h"
#include "mg-library.h"

G_BEGIN_DECLS

typedef struct
{
  char                  *id;
  char                  *title;
  char                  *uri;
  char                  *path;
  char                  *store_path;
  char                  *message;
  gboolean               exists;
  MgLibraryDocumentState state;
  guint                  n_highlights;
  guint                  colors;
  gint64                 last_read;
  double                 progress;
} MgLibraryDocumentInfo;

void mg_library_document_info_clear (MgLibraryDocumentInfo *info);
void mg_library_document_info_free (gpointer data);

MgLibraryDocument           *mg_library_document_new (MgLibraryDocumentInfo *info);
const MgLibraryDocumentInfo *mg_library_document_get_info (MgLibraryDocument *self);
void                         mg_library_document_update (MgLibraryDocument     *self,
                                                         MgLibraryDocumentInfo *info);

struct _MgLibraryHit
{
  char   *document_id;
  char   *document_title;
  char   *document_uri;
  char   *annotation_id;
  char   *quote;
  char   *note;
  char  **tags;
  MgColor color;
  guint   start;
  guint   end;
  gint64  created;
  gint64  modified;
  double  rank;
  GArray *marks[MG_LIBRARY_FIELD_TITLE + 1]; /* MgLibraryMark */
};

MgLibraryHit *mg_library_hit_new (void);

/* mg-library-index.c */
typedef struct _MgLibraryIndex MgLibraryIndex;

/* A document file as the index holds it. */
typedef struct
{
  char  *store_path;
  char  *id;      /* the document id, or NULL for a file that could not be read */
  char  *uri;     /* as the file says */
  char  *sha256;  /* of the document's text, as the file says */
  char  *title;   /* as the file says */
  char  *error;   /* why the file could not be read */
  char  *set_aside; /* the store set it aside under this name */
  guint  n_highlights;
  guint  colors;
  gint64 last_modified; /* Unix seconds: the latest change of an annotation */
} MgLibraryFileInfo;

void mg_library_file_info_free (gpointer data);

MgLibraryIndex *mg_library_index_open (const char *path);
void            mg_library_index_free (MgLibraryIndex *index);
gboolean        mg_library_index_update (MgLibraryIndex *index,
                                         const char     *folder,
                                         MgDocumentIds  *ids,
                                         GCancellable   *cancellable,
                                         guint          *n_read,
                                         GError        **error);
GPtrArray      *mg_library_index_list_files (MgLibraryIndex *index);
GPtrArray      *mg_library_index_search (MgLibraryIndex *index,
                                         const char     *match,
                                         const char     *color,
                                         const char     *tag,
                                         GError        **error);
GPtrArray      *mg_library_index_list_tags (MgLibraryIndex *index);
GPtrArray      *mg_library_index_list_annotations (MgLibraryIndex *index,
                                                   const char     *document_id);
void            mg_library_index_set_length (MgLibraryIndex *index,
                                             const char     *uri,
                                             guint           length);
GHashTable     *mg_library_index_get_lengths (MgLibraryIndex *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgLibraryIndex, mg_library_index_free)

/* mg-library-query.c */
typedef struct _MgLibraryQuery MgLibraryQuery;

MgLibraryQuery *mg_library_query_new (const char *text);
void            mg_library_query_free (MgLibraryQuery *query);
const char     *mg_library_query_get_match (MgLibraryQuery *query);
void            mg_library_query_mark (MgLibraryQuery *query,
                                       const char     *text,
                                       GArray         *marks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgLibraryQuery, mg_library_query_free)

G_END_DECLS
