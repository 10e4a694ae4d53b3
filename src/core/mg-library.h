/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The library: every document that has annotations or was opened, and a
 * search across all their annotations (issue 14). No GTK: the library
 * window (src/ui), the command line (--list, --search) and the export of
 * everything (--export --all) are built on it.
 *
 * The JSON files of the annotations folder stay the only truth. The
 * library keeps an index of them, a SQLite database with a full-text
 * (FTS5) table, in the user cache folder
 * (`$XDG_CACHE_HOME/<app id>/library.sqlite`): mg_library_update() reads
 * again only the files whose size or modification time changed (and
 * whose SHA-256 then differs), a file at a time in one transaction.
 * Deleting the index loses nothing; a corrupt or locked one is rebuilt,
 * or bypassed (an index in memory), with a message on stderr.
 *
 * Documents come from:
 *  - every store file at the top of the annotations folder: version 2
 *    `<uuid>.json` and version 1 files (named after the URI); conflict
 *    copies of sync tools are left to the store, which merges them;
 *  - the reading positions (mg-reading-positions.c): a document that was
 *    opened and closed without annotations. It has no store file: its id
 *    is the one this machine's table gives its URI, else %NULL.
 *
 * Sorting is left to the UI: MgLibraryDocument's properties ("title",
 * "last-read", "n-highlights") are made for a GtkSortListModel with a
 * GtkStringSorter / GtkNumericSorter. mg_library_get_documents() keeps its
 * items in a stable order (most recently read first when it is first
 * filled, new documents at the end), changing an item's properties in
 * place (notify) when its file changes, so that a selection survives.
 */

#include <gio/gio.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

#define MG_LIBRARY_ERROR (mg_library_error_quark ())

typedef enum
{
  MG_LIBRARY_ERROR_NOT_FOUND, /* no such document in the library */
  MG_LIBRARY_ERROR_NO_FILE,   /* the document has no annotation file to remove */
  MG_LIBRARY_ERROR_FAILED,
} MgLibraryError;

/* Where a document stands. */
typedef enum
{
  MG_LIBRARY_DOCUMENT_OK,         /* its file is where the library last saw it */
  MG_LIBRARY_DOCUMENT_MISSING,    /* no file at its URI (or no URI known): its
                                   * annotations can still be read and searched */
  MG_LIBRARY_DOCUMENT_UNREADABLE, /* its annotation file could not be read:
                                   * see mg_library_document_get_message() */
} MgLibraryDocumentState;

#define MG_TYPE_LIBRARY_DOCUMENT_STATE (mg_library_document_state_get_type ())
GType mg_library_document_state_get_type (void) G_GNUC_CONST;

GQuark mg_library_error_quark (void);

/* MgLibraryDocument --------------------------------------------------------
 *
 * One row of the library. Properties, all read-only (notify when the
 * library updates them):
 *   "id"            string, nullable: the document id ("urn:uuid:…"); %NULL
 *                   only for a document opened without annotations whose id
 *                   this machine never noted
 *   "title"         string: the title in the file, else the file name
 *   "uri"           string, nullable: where the document is on this machine
 *                   (this machine's id table, else the file's "uri")
 *   "path"          string, nullable: the local path of "uri"
 *   "store-path"    string, nullable: its annotation file
 *   "exists"        boolean: a file is at "uri"
 *   "state"         MgLibraryDocumentState
 *   "message"       string, nullable: for UNREADABLE, a sentence for the
 *                   user ("Could not be read: …; set aside as …")
 *   "n-highlights"  uint
 *   "colors"        uint: bit (1 << MgColor) set for each colour used
 *   "last-read"     int64: when it was last read, Unix time in seconds (the
 *                   reading position's time, else the latest change of an
 *                   annotation); 0 when unknown
 *   "progress"      double: 0..1, the reading position over the length of
 *                   the text; -1 when unknown
 */
#define MG_TYPE_LIBRARY_DOCUMENT (mg_library_document_get_type ())
G_DECLARE_FINAL_TYPE (MgLibraryDocument, mg_library_document, MG, LIBRARY_DOCUMENT, GObject)

const char            *mg_library_document_get_id (MgLibraryDocument *self);
const char            *mg_library_document_get_title (MgLibraryDocument *self);
const char            *mg_library_document_get_uri (MgLibraryDocument *self);
const char            *mg_library_document_get_path (MgLibraryDocument *self);
const char            *mg_library_document_get_store_path (MgLibraryDocument *self);
gboolean               mg_library_document_get_exists (MgLibraryDocument *self);
MgLibraryDocumentState mg_library_document_get_state (MgLibraryDocument *self);
const char            *mg_library_document_get_message (MgLibraryDocument *self);
guint                  mg_library_document_get_n_highlights (MgLibraryDocument *self);
guint                  mg_library_document_get_colors (MgLibraryDocument *self);
gint64                 mg_library_document_get_last_read (MgLibraryDocument *self);
double                 mg_library_document_get_progress (MgLibraryDocument *self);

/* MgLibraryHit -------------------------------------------------------------
 *
 * One annotation, as the index holds it: a search result
 * (mg_library_search()) or an annotation of a document
 * (mg_library_list_annotations(), without marks and rank). A boxed,
 * reference-counted, immutable value. */
typedef struct _MgLibraryHit MgLibraryHit;

/* Which text of a hit a mark is in. */
typedef enum
{
  MG_LIBRARY_FIELD_QUOTE,
  MG_LIBRARY_FIELD_NOTE,
  MG_LIBRARY_FIELD_TITLE,
} MgLibraryField;

/* A matched span: byte offsets into the field's text, on character
 * boundaries, @start < @end, in order, never overlapping. */
typedef struct
{
  guint start;
  guint end;
} MgLibraryMark;

#define MG_TYPE_LIBRARY_HIT (mg_library_hit_get_type ())
GType mg_library_hit_get_type (void) G_GNUC_CONST;

MgLibraryHit        *mg_library_hit_ref (MgLibraryHit *hit);
void                 mg_library_hit_unref (MgLibraryHit *hit);
const char          *mg_library_hit_get_document_id (MgLibraryHit *hit);
const char          *mg_library_hit_get_document_title (MgLibraryHit *hit);
const char          *mg_library_hit_get_document_uri (MgLibraryHit *hit);
const char          *mg_library_hit_get_annotation_id (MgLibraryHit *hit);
const char          *mg_library_hit_get_quote (MgLibraryHit *hit);
const char          *mg_library_hit_get_note (MgLibraryHit *hit);
const char *const   *mg_library_hit_get_tags (MgLibraryHit *hit);
MgColor              mg_library_hit_get_color (MgLibraryHit *hit);
guint                mg_library_hit_get_start (MgLibraryHit *hit);
guint                mg_library_hit_get_end (MgLibraryHit *hit);
gint64               mg_library_hit_get_created (MgLibraryHit *hit);
gint64               mg_library_hit_get_modified (MgLibraryHit *hit);
double               mg_library_hit_get_rank (MgLibraryHit *hit);
const MgLibraryMark *mg_library_hit_get_marks (MgLibraryHit  *hit,
                                               MgLibraryField field,
                                               guint         *n_marks);
char                *mg_library_hit_get_link (MgLibraryHit *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgLibraryHit, mg_library_hit_unref)

/* A tag and how many annotations of the library carry it. */
typedef struct
{
  char *name;
  guint count;
} MgLibraryTag;

void mg_library_tag_free (MgLibraryTag *tag);

/* MgLibrary ---------------------------------------------------------------- */

#define MG_TYPE_LIBRARY (mg_library_get_type ())
G_DECLARE_FINAL_TYPE (MgLibrary, mg_library, MG, LIBRARY, GObject)

MgLibrary  *mg_library_new (const char *annotations_folder,
                            const char *index_path);
MgLibrary  *mg_library_get_default (void);
const char *mg_library_get_folder (MgLibrary *self);
const char *mg_library_get_index_path (MgLibrary *self);

gboolean mg_library_update (MgLibrary    *self,
                            GCancellable *cancellable,
                            GError      **error);
void     mg_library_update_async (MgLibrary          *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean mg_library_update_finish (MgLibrary    *self,
                                   GAsyncResult *result,
                                   GError      **error);
guint    mg_library_get_n_files_read (MgLibrary *self);
void     mg_library_set_live (MgLibrary *self,
                              gboolean   live);

GListModel        *mg_library_get_documents (MgLibrary *self);
MgLibraryDocument *mg_library_find_document (MgLibrary  *self,
                                             const char *id);

GPtrArray *mg_library_search (MgLibrary  *self,
                              const char *query,
                              const char *color,
                              const char *tag,
                              GError    **error);
GPtrArray *mg_library_list_tags (MgLibrary *self);
GPtrArray *mg_library_list_annotations (MgLibrary  *self,
                                        const char *document_id);

gboolean mg_library_remove_document (MgLibrary  *self,
                                     const char *id,
                                     GError    **error);
gboolean mg_library_restore_document (MgLibrary  *self,
                                      const char *id,
                                      GError    **error);
gboolean mg_library_relink_document (MgLibrary  *self,
                                     const char *id,
                                     GFile      *file,
                                     gboolean   *text_changed,
                                     GError    **error);
void     mg_library_note_length (MgLibrary  *self,
                                 const char *uri,
                                 guint       length);

G_END_DECLS
