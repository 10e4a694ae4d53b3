/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "mg-annotation-json.h"
#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-library-private.h"
#include "mg-store-private.h"

/* The library's index: a SQLite database, the only file that speaks SQL.
 *
 *   files        one row per file of the annotations folder: its size,
 *                modification time and SHA-256 (to know what to read
 *                again), the document it holds, or why it could not be read
 *   annotations  one row per annotation of those files
 *   tags         (annotation, tag), for the tag filter and the tag list
 *   fts          FTS5 over annotations (quote, note, tags, title),
 *                external content, unicode61 with diacritics removed
 *   lengths      the length of a document's text, by URI, as the reader
 *                noted it (for the reading progress)
 *
 * The JSON files are the truth: a file is read with the store's own
 * readers (mg_store_stream_read(), else mg_store_parse_bytes()), and a
 * changed file's rows are replaced whole. An update is one transaction.
 * The database is disposable: a file that is not one, or of another
 * schema, is deleted and built again; one that another process holds
 * locked is bypassed with an index in memory. Either is said on stderr.
 *
 * Does the index replace the store's GVariant cache (mg-store-cache.c)?
 * No: both are kept, each disposable. The cache holds everything the
 * store needs to restore a document's list without parsing JSON (prefix
 * and suffix, the entries kept verbatim, tombstones, their texts as
 * read), framed with the checksum of the JSON it was made from, in one
 * blob per document read at once. The index holds what a search and a
 * list need, one row per annotation across all documents. Measured on one
 * document of 10,000 annotations (2 shared cores, under load): the cache
 * is read in 230-320 ms; the index's rows of the document, made into
 * annotations, take 240-690 ms, and lack what the store also needs (the
 * JSON is parsed in 1.2-2.2 s). Replacing the cache would put a second
 * serialisation of the store's whole state in SQL, and a load that goes
 * row by row, for no gain in the 10,000-annotation load and the loss of
 * a fuzzed, 600-line file that does one job. */

#define SCHEMA_VERSION "1"

/* Between the tags of an annotation in its row (a separator for FTS5). */
#define TAG_SEPARATOR "\x1f"

/* The most hits a search returns. */
#define SEARCH_LIMIT 1000

/* Two connections to the file: the writer, held by an update for as long
 * as it reads files (seconds for a new index of a large folder), and the
 * reader of the queries, which in WAL mode sees the last committed state
 * without waiting for the writer: a search never waits for an update. An
 * index in memory has the writer alone. Lengths noted while an update
 * runs wait in memory for it. */
struct _MgLibraryIndex
{
  GMutex   mutex; /* the writer's; taken before read_mutex, never after */
  char    *path;  /* NULL once bypassed */
  sqlite3 *db;
  GMutex   read_mutex;
  sqlite3 *reader; /* NULL: the writer reads too */

  GMutex      pending_mutex;
  GHashTable *pending_lengths; /* uri -> length, not written yet */
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
                             "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, sha256 TEXT,"
                             " doc_id TEXT, uri TEXT, doc_sha256 TEXT, title TEXT, error TEXT, set_aside TEXT,"
                             " n_highlights INTEGER, colors INTEGER, last_modified INTEGER);"
                             "CREATE TABLE IF NOT EXISTS annotations (rowid INTEGER PRIMARY KEY, file TEXT NOT NULL, doc_id TEXT,"
                             " id TEXT, quote TEXT, note TEXT, tags TEXT, title TEXT, color INTEGER, start_offset INTEGER,"
                             " end_offset INTEGER, created INTEGER, modified INTEGER);"
                             "CREATE INDEX IF NOT EXISTS annotations_file ON annotations (file);"
                             "CREATE INDEX IF NOT EXISTS annotations_doc ON annotations (doc_id);"
                             "CREATE TABLE IF NOT EXISTS tags (annotation INTEGER, tag TEXT);"
                             "CREATE INDEX IF NOT EXISTS tags_tag ON tags (tag);"
                             "CREATE INDEX IF NOT EXISTS tags_annotation ON tags (annotation);"
                             "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (quote, note, tags, title,"
                             " content='annotations', content_rowid='rowid',"
                             " tokenize='unicode61 remove_diacritics 2');"
                             "CREATE TABLE IF NOT EXISTS lengths (uri TEXT PRIMARY KEY, length INTEGER);"
                             "INSERT OR REPLACE INTO meta VALUES ('schema', '" SCHEMA_VERSION "');";

void
mg_library_file_info_free (gpointer data)
{
  MgLibraryFileInfo *info = data;

  g_free (info->store_path);
  g_free (info->id);
  g_free (info->uri);
  g_free (info->sha256);
  g_free (info->title);
  g_free (info->error);
  g_free (info->set_aside);
  g_free (info);
}

static gboolean
set_sqlite_error (sqlite3 *db,
                  int      rc,
                  GError **error)
{
  g_set_error (error, MG_LIBRARY_ERROR, MG_LIBRARY_ERROR_FAILED,
               "SQLite: %s (%d)", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), rc);
  return FALSE;
}

static gboolean
exec (sqlite3    *db,
      const char *sql,
      GError    **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (db, rc, error);

  return TRUE;
}

static void
remove_database (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

/* Opens @path and makes sure it holds our schema. SQLITE_BUSY, or
 * SQLITE_NOTADB and such in @rc_out when it fails. */
static sqlite3 *
open_database (const char *path,
               int        *rc_out)
{
  sqlite3         *db = NULL;
  sqlite3_stmt    *stmt = NULL;
  g_autofree char *version = NULL;
  int              rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  sqlite3_busy_timeout (db, 250);
  if (strcmp (path, ":memory:") != 0)
    {
      rc = sqlite3_exec (db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        goto fail;
    }
  /* A build writes tens of megabytes in one transaction: in memory
   * until the commit rather than spilled page by page. */
  sqlite3_exec (db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY", NULL, NULL, NULL);

  /* A table of another schema is dropped whole: it is a cache. */
  rc = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'schema'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        goto fail;
      if (version != NULL && strcmp (version, SCHEMA_VERSION) != 0)
        {
          rc = SQLITE_SCHEMA;
          goto fail;
        }
    }
  else if (rc != SQLITE_ERROR) /* SQLITE_ERROR: no such table, a new file */
    goto fail;

  rc = sqlite3_exec (db, schema, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  /* A look at a small table (not the whole file, which takes as long as
   * an update): a file that is not a database is found now. */
  rc = sqlite3_exec (db, "SELECT count(*) FROM files", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  *rc_out = SQLITE_OK;
  return db;

fail:
  *rc_out = db != NULL ? sqlite3_extended_errcode (db) & 0xff : rc;
  if (*rc_out == SQLITE_OK)
    *rc_out = rc;
  sqlite3_close_v2 (db);
  return NULL;
}

static gboolean
is_busy (int rc)
{
  return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Opens the index at its path, rebuilding a corrupt one and bypassing a
 * locked one; an index in memory is the last resort. */
static void
index_connect (MgLibraryIndex *index)
{
  int rc = SQLITE_OK;

  if (index->path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (index->path);

      g_mkdir_with_parents (dir, 0700);
      index->db = open_database (index->path, &rc);
      if (index->db == NULL && !is_busy (rc))
        {
          g_printerr ("marginalia: the library index %s cannot be used (%s): building it again\n",
                      index->path, sqlite3_errstr (rc));
          remove_database (index->path);
          index->db = open_database (index->path, &rc);
        }
      if (index->db == NULL)
        {
          g_printerr ("marginalia: the library index %s cannot be used (%s): using one in memory\n",
                      index->path, sqlite3_errstr (rc));
          g_clear_pointer (&index->path, g_free);
        }
    }

  if (index->db == NULL)
    index->db = open_database (":memory:", &rc);

  if (index->db == NULL)
    g_error ("SQLite cannot open a database in memory: %s", sqlite3_errstr (rc));

  g_mutex_lock (&index->read_mutex);
  g_assert (index->reader == NULL);
  if (index->path != NULL
      && sqlite3_open_v2 (index->path, &index->reader, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (index->reader, 250);
      /* The index mapped rather than read a page at a time: a search
       * reads pages all over the full-text and annotation tables. */
      sqlite3_exec (index->reader, "PRAGMA cache_size=-16384; PRAGMA mmap_size=268435456", NULL, NULL, NULL);
    }
  else
    g_clear_pointer (&index->reader, sqlite3_close_v2);
  g_mutex_unlock (&index->read_mutex);
}

/* The connection for a query, locked: the reader, else the writer. */
static sqlite3 *
reader_lock (MgLibraryIndex *index)
{
  g_mutex_lock (&index->read_mutex);
  if (index->reader != NULL)
    return index->reader;
  g_mutex_unlock (&index->read_mutex);

  g_mutex_lock (&index->mutex);
  return index->db;
}

static void
reader_unlock (MgLibraryIndex *index,
               sqlite3        *db)
{
  if (db == index->db)
    g_mutex_unlock (&index->mutex);
  else
    g_mutex_unlock (&index->read_mutex);
}

typedef struct
{
  MgLibraryIndex *index;
  sqlite3        *db;
} ReaderLocker;

static void
reader_locker_free (ReaderLocker *locker)
{
  reader_unlock (locker->index, locker->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReaderLocker, reader_locker_free)

#define READER_LOCKED(name, index) \
  g_auto (ReaderLocker) name = { (index), reader_lock (index) }

/**
 * mg_library_index_open:
 * @path: (nullable): the database file; %NULL for an index in memory
 *
 * Never fails: a database that cannot be used is built again, or replaced
 * by one in memory, with a message on stderr.
 */
MgLibraryIndex *
mg_library_index_open (const char *path)
{
  MgLibraryIndex *index = g_new0 (MgLibraryIndex, 1);

  g_mutex_init (&index->mutex);
  g_mutex_init (&index->read_mutex);
  g_mutex_init (&index->pending_mutex);
  index->pending_lengths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->path = g_strdup (path);
  index_connect (index);

  return index;
}

void
mg_library_index_free (MgLibraryIndex *index)
{
  sqlite3_close_v2 (index->reader);
  sqlite3_close_v2 (index->db);
  g_free (index->path);
  g_hash_table_unref (index->pending_lengths);
  g_mutex_clear (&index->pending_mutex);
  g_mutex_clear (&index->read_mutex);
  g_mutex_clear (&index->mutex);
  g_free (index);
}

/* When a statement fails on a corrupt or locked database mid-way: start
 * afresh (the caller runs the update again). */
static void
index_reset (MgLibraryIndex *index,
             int             rc)
{
  g_mutex_lock (&index->read_mutex);
  g_clear_pointer (&index->reader, sqlite3_close_v2);
  g_mutex_unlock (&index->read_mutex);
  sqlite3_close_v2 (index->db);
  index->db = NULL;
  if (index->path != NULL)
    {
      g_printerr ("marginalia: the library index %s failed (%s): building it again\n",
                  index->path, sqlite3_errstr (rc));
      if (!is_busy (rc))
        remove_database (index->path);
      else
        g_clear_pointer (&index->path, g_free);
    }
  index_connect (index);
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (db, rc, error);
      return NULL;
    }

  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, column);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return g_strdup (text);
}

static gboolean
step_done (sqlite3      *db,
           sqlite3_stmt *stmt,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_sqlite_error (db, rc, error);

  return TRUE;
}

/* Updating ---------------------------------------------------------------- */

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *delete_fts;
  sqlite3_stmt *delete_tags;
  sqlite3_stmt *delete_annotations;
  sqlite3_stmt *delete_file;
  sqlite3_stmt *insert_file;
  sqlite3_stmt *touch_file;
  sqlite3_stmt *insert_annotation;
  sqlite3_stmt *insert_fts;
  sqlite3_stmt *insert_tag;
} Statements;

static void
statements_clear (Statements *s)
{
  sqlite3_finalize (s->delete_fts);
  sqlite3_finalize (s->delete_tags);
  sqlite3_finalize (s->delete_annotations);
  sqlite3_finalize (s->delete_file);
  sqlite3_finalize (s->insert_file);
  sqlite3_finalize (s->touch_file);
  sqlite3_finalize (s->insert_annotation);
  sqlite3_finalize (s->insert_fts);
  sqlite3_finalize (s->insert_tag);
}

static gboolean
statements_init (Statements *s,
                 sqlite3    *db,
                 GError    **error)
{
  s->db = db;
  return (s->delete_fts = prepare (db, "INSERT INTO fts (fts, rowid, quote, note, tags, title)"
                                       " SELECT 'delete', rowid, quote, note, tags, title FROM annotations WHERE file = ?1",
                                   error))
             != NULL
         && (s->delete_tags = prepare (db, "DELETE FROM tags WHERE annotation IN (SELECT rowid FROM annotations WHERE file = ?1)", error)) != NULL
         && (s->delete_annotations = prepare (db, "DELETE FROM annotations WHERE file = ?1", error)) != NULL
         && (s->delete_file = prepare (db, "DELETE FROM files WHERE path = ?1", error)) != NULL
         && (s->insert_file = prepare (db, "INSERT OR REPLACE INTO files (path, size, mtime, sha256, doc_id, uri, doc_sha256,"
                                           " title, error, set_aside, n_highlights, colors, last_modified)"
                                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                                       error))
                != NULL
         && (s->touch_file = prepare (db, "UPDATE files SET size = ?2, mtime = ?3 WHERE path = ?1", error)) != NULL
         && (s->insert_annotation = prepare (db, "INSERT INTO annotations (file, doc_id, id, quote, note, tags, title, color,"
                                                 " start_offset, end_offset, created, modified)"
                                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                             error))
                != NULL
         && (s->insert_fts = prepare (db, "INSERT INTO fts (rowid, quote, note, tags, title) VALUES (?1, ?2, ?3, ?4, ?5)", error)) != NULL
         && (s->insert_tag = prepare (db, "INSERT INTO tags (annotation, tag) VALUES (?1, ?2)", error)) != NULL;
}

static gboolean
delete_rows (Statements *s,
             const char *path,
             GError    **error)
{
  sqlite3_stmt *stmts[] = { s->delete_fts, s->delete_tags, s->delete_annotations, s->delete_file };

  for (guint i = 0; i < G_N_ELEMENTS (stmts); i++)
    {
      bind_text (stmts[i], 1, path);
      if (!step_done (s->db, stmts[i], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
insert_annotation (Statements   *s,
                   const char   *path,
                   const char   *doc_id,
                   const char   *title,
                   MgAnnotation *annotation,
                   GError      **error)
{
  const char *const *tags = mg_annotation_get_tags (annotation);
  g_autofree char   *joined = g_strjoinv (TAG_SEPARATOR, (char **) tags);
  const char        *quote = mg_annotation_get_exact (annotation);
  const char        *note = mg_annotation_get_note (annotation);
  sqlite3_int64      rowid;

  bind_text (s->insert_annotation, 1, path);
  bind_text (s->insert_annotation, 2, doc_id);
  bind_text (s->insert_annotation, 3, mg_annotation_get_id (annotation));
  bind_text (s->insert_annotation, 4, quote);
  bind_text (s->insert_annotation, 5, note);
  bind_text (s->insert_annotation, 6, joined);
  bind_text (s->insert_annotation, 7, title);
  sqlite3_bind_int (s->insert_annotation, 8, mg_annotation_get_color (annotation));
  sqlite3_bind_int64 (s->insert_annotation, 9, mg_annotation_get_start (annotation));
  sqlite3_bind_int64 (s->insert_annotation, 10, mg_annotation_get_end (annotation));
  sqlite3_bind_int64 (s->insert_annotation, 11, mg_annotation_json_time_to_usec (mg_annotation_get_created (annotation)));
  sqlite3_bind_int64 (s->insert_annotation, 12, mg_annotation_json_time_to_usec (mg_annotation_get_modified (annotation)));
  if (!step_done (s->db, s->insert_annotation, error))
    return FALSE;
  rowid = sqlite3_last_insert_rowid (s->db);

  sqlite3_bind_int64 (s->insert_fts, 1, rowid);
  bind_text (s->insert_fts, 2, quote);
  bind_text (s->insert_fts, 3, note);
  bind_text (s->insert_fts, 4, joined);
  bind_text (s->insert_fts, 5, title);
  if (!step_done (s->db, s->insert_fts, error))
    return FALSE;

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      sqlite3_bind_int64 (s->insert_tag, 1, rowid);
      bind_text (s->insert_tag, 2, tags[i]);
      if (!step_done (s->db, s->insert_tag, error))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gint64 size;
  gint64 mtime;
  char  *sha256;
} KnownFile;

static void
known_file_free (gpointer data)
{
  KnownFile *known = data;

  g_free (known->sha256);
  g_free (known);
}

static GHashTable *
load_known_files (sqlite3 *db,
                  GError **error)
{
  g_autoptr (GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, known_file_free);
  sqlite3_stmt *stmt = prepare (db, "SELECT path, size, mtime, sha256 FROM files", error);
  int           rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KnownFile *file = g_new0 (KnownFile, 1);

      file->size = sqlite3_column_int64 (stmt, 1);
      file->mtime = sqlite3_column_int64 (stmt, 2);
      file->sha256 = column_dup (stmt, 3);
      g_hash_table_replace (known, column_dup (stmt, 0), file);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&known);
}

/* Writes the rows of one file (already deleted). */
static gboolean
insert_file (Statements            *s,
             MgLibraryFolderEntry  *entry,
             const char            *sha256,
             MgLibraryFileContents *contents,
             const char            *set_aside,
             GError               **error)
{
  const char *title = contents->title != NULL && *contents->title != '\0' ? contents->title : NULL;
  guint       colors = 0;
  gint64      last_modified = 0;
  guint       n = contents->annotations != NULL ? contents->annotations->len : 0;

  for (guint i = 0; i < n; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (contents->annotations, i);

      colors |= 1u << mg_annotation_get_color (annotation);
      last_modified = MAX (last_modified, g_date_time_to_unix (mg_annotation_get_modified (annotation)));
      if (!insert_annotation (s, entry->path, contents->id, title, annotation, error))
        return FALSE;
    }

  bind_text (s->insert_file, 1, entry->path);
  sqlite3_bind_int64 (s->insert_file, 2, entry->size);
  sqlite3_bind_int64 (s->insert_file, 3, entry->mtime);
  bind_text (s->insert_file, 4, sha256);
  bind_text (s->insert_file, 5, contents->id);
  bind_text (s->insert_file, 6, contents->uri);
  bind_text (s->insert_file, 7, contents->sha256);
  bind_text (s->insert_file, 8, title);
  bind_text (s->insert_file, 9, contents->error);
  bind_text (s->insert_file, 10, set_aside);
  sqlite3_bind_int (s->insert_file, 11, n);
  sqlite3_bind_int (s->insert_file, 12, colors);
  sqlite3_bind_int64 (s->insert_file, 13, last_modified);

  return step_done (s->db, s->insert_file, error);
}

static gboolean
update_entry (Statements           *s,
              MgLibraryFolderEntry *entry,
              KnownFile            *known,
              GHashTable           *names,
              MgDocumentIds        *ids,
              gboolean             *read_out,
              GError              **error)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) read_error = NULL;
  MgLibraryFileContents contents = { 0 };
  const char           *corrupt;
  gsize                 len;
  gboolean              ok;

  *read_out = FALSE;
  if (known != NULL && known->size == entry->size && known->mtime == entry->mtime)
    return TRUE;

  corrupt = strstr (entry->name, ".json.corrupt-");
  if (corrupt != NULL)
    {
      g_autofree char *original = g_strndup (entry->name, corrupt - entry->name + strlen (".json"));

      /* The store started a new file: that one is the document's. */
      if (g_hash_table_contains (names, original))
        return TRUE;
      if (!delete_rows (s, entry->path, error))
        return FALSE;
      contents.error = g_strdup (_ ("it was set aside"));
      contents.id = mg_library_document_id_for (original, NULL, NULL, NULL, NULL);
      ok = insert_file (s, entry, NULL, &contents, entry->name, error);
      mg_library_file_contents_clear (&contents);
      return ok;
    }

  file = g_file_new_for_path (entry->path);
  if (entry->size > MG_STORE_MAX_SIZE)
    g_set_error (&read_error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE, _ ("it is too large"));
  else if (mg_file_load_contents (file, NULL, &data, &len, NULL, &read_error))
    sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);

  if (sha256 != NULL && known != NULL && g_strcmp0 (sha256, known->sha256) == 0)
    {
      bind_text (s->touch_file, 1, entry->path);
      sqlite3_bind_int64 (s->touch_file, 2, entry->size);
      sqlite3_bind_int64 (s->touch_file, 3, entry->mtime);
      return step_done (s->db, s->touch_file, error);
    }

  *read_out = TRUE;
  if (!delete_rows (s, entry->path, error))
    return FALSE;

  if (read_error != NULL)
    {
      contents.error = g_strdup (read_error->message);
      contents.id = mg_library_document_id_for (entry->name, NULL, NULL, NULL, NULL);
    }
  else
    {
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      mg_library_read_file (bytes, entry->name, ids, &contents);
    }

  ok = insert_file (s, entry, sha256, &contents, NULL, error);
  mg_library_file_contents_clear (&contents);

  return ok;
}

static void flush_lengths (MgLibraryIndex *index);

static gboolean
update_locked (MgLibraryIndex *index,
               GPtrArray      *entries,
               MgDocumentIds  *ids,
               GCancellable   *cancellable,
               guint          *n_read,
               int            *rc_out,
               GError        **error)
{
  g_autoptr (GHashTable) known = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  Statements s = { 0 };
  gboolean   ok = FALSE;
  int        rc;

  *n_read = 0;
  *rc_out = SQLITE_OK;

  known = load_known_files (index->db, error);
  if (known == NULL)
    goto out;

  rc = sqlite3_exec (index->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (index->db, rc, error);
      goto out;
    }

  if (!statements_init (&s, index->db, error))
    goto rollback;
  flush_lengths (index);

  for (guint i = 0; i < entries->len; i++)
    g_hash_table_add (names, ((MgLibraryFolderEntry *) g_ptr_array_index (entries, i))->name);

  for (guint i = 0; i < entries->len; i++)
    {
      MgLibraryFolderEntry *entry = g_ptr_array_index (entries, i);
      gboolean              read = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto rollback;
      if (!update_entry (&s, entry, g_hash_table_lookup (known, entry->path), names, ids, &read, error))
        goto rollback;
      g_hash_table_remove (known, entry->path);
      if (read)
        (*n_read)++;
    }

  /* What is left is gone from the folder. */
  {
    GHashTableIter iter;
    gpointer       path;

    g_hash_table_iter_init (&iter, known);
    while (g_hash_table_iter_next (&iter, &path, NULL))
      {
        if (!delete_rows (&s, path, error))
          goto rollback;
      }
  }

  statements_clear (&s);
  memset (&s, 0, sizeof s);
  if (!exec (index->db, "COMMIT", error))
    goto rollback;

  ok = TRUE;
  goto out;

rollback:
  statements_clear (&s);
  memset (&s, 0, sizeof s);
  sqlite3_exec (index->db, "ROLLBACK", NULL, NULL, NULL);

out:
  if (!ok)
    *rc_out = sqlite3_errcode (index->db) & 0xff;
  statements_clear (&s);
  return ok;
}

/**
 * mg_library_index_update:
 *
 * Brings the index in line with the files of @folder: reads again the
 * files whose size or time changed and whose SHA-256 differs, drops the
 * rows of files that are gone. One transaction. Safe in any thread.
 */
gboolean
mg_library_index_update (MgLibraryIndex *index,
                         const char     *folder,
                         MgDocumentIds  *ids,
                         GCancellable   *cancellable,
                         guint          *n_read,
                         GError        **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&index->mutex);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) local_error = NULL;
  int rc;

  entries = mg_library_list_folder (folder, cancellable, error);
  if (entries == NULL)
    return FALSE;

  if (update_locked (index, entries, ids, cancellable, n_read, &rc, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || rc == SQLITE_OK)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A corrupt or locked database: once more, afresh. */
  g_clear_error (&local_error);
  index_reset (index, rc);
  return update_locked (index, entries, ids, cancellable, n_read, &rc, error);
}

/* Queries ----------------------------------------------------------------- */

GPtrArray *
mg_library_index_list_files (MgLibraryIndex *index)
{
  READER_LOCKED (locker, index);
  GPtrArray    *files = g_ptr_array_new_with_free_func (mg_library_file_info_free);
  sqlite3_stmt *stmt = prepare (locker.db,
                                "SELECT path, doc_id, uri, doc_sha256, title, error, set_aside, n_highlights, colors,"
                                " last_modified FROM files ORDER BY path",
                                NULL);

  if (stmt == NULL)
    return files;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      MgLibraryFileInfo *info = g_new0 (MgLibraryFileInfo, 1);

      info->store_path = column_dup (stmt, 0);
      info->id = column_dup (stmt, 1);
      info->uri = column_dup (stmt, 2);
      info->sha256 = column_dup (stmt, 3);
      info->title = column_dup (stmt, 4);
      info->error = column_dup (stmt, 5);
      info->set_aside = column_dup (stmt, 6);
      info->n_highlights = sqlite3_column_int (stmt, 7);
      info->colors = sqlite3_column_int (stmt, 8);
      info->last_modified = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (files, info);
    }
  sqlite3_finalize (stmt);

  return files;
}

static void
append_filters (GString    *sql,
                const char *color,
                const char *tag)
{
  if (color != NULL)
    g_string_append (sql, " AND a.color = ?2");
  if (tag != NULL)
    g_string_append (sql, " AND EXISTS (SELECT 1 FROM tags t WHERE t.annotation = a.rowid AND t.tag = ?3)");
}

#define HIT_COLUMNS                                                                                 \
  "a.doc_id, f.title, f.uri, a.id, a.quote, a.note, a.tags, a.color, a.start_offset, a.end_offset," \
  " a.created, a.modified"

static MgLibraryHit *
hit_from_row (sqlite3_stmt *stmt)
{
  MgLibraryHit *hit = mg_library_hit_new ();
  const char   *tags = (const char *) sqlite3_column_text (stmt, 6);

  hit->document_id = column_dup (stmt, 0);
  hit->document_title = column_dup (stmt, 1);
  hit->document_uri = column_dup (stmt, 2);
  hit->annotation_id = column_dup (stmt, 3);
  hit->quote = column_dup (stmt, 4);
  hit->note = column_dup (stmt, 5);
  hit->tags = tags != NULL && *tags != '\0' ? g_strsplit (tags, TAG_SEPARATOR, -1) : g_new0 (char *, 1);
  hit->color = CLAMP (sqlite3_column_int (stmt, 7), 0, MG_N_COLORS - 1);
  hit->start = sqlite3_column_int64 (stmt, 8);
  hit->end = sqlite3_column_int64 (stmt, 9);
  hit->created = sqlite3_column_int64 (stmt, 10);
  hit->modified = sqlite3_column_int64 (stmt, 11);
  if (hit->note == NULL)
    hit->note = g_strdup ("");
  if (hit->quote == NULL)
    hit->quote = g_strdup ("");

  return hit;
}

/**
 * mg_library_index_search:
 * @match: (nullable): an FTS5 expression, or %NULL for the filters alone
 * @color: (nullable): a colour's name
 * @tag: (nullable): a tag
 *
 * Returns: (transfer full) (element-type MgLibraryHit): the hits, the best
 *   first; with no @match, by document then position
 */
GPtrArray *
mg_library_index_search (MgLibraryIndex *index,
                         const char     *match,
                         const char     *color,
                         const char     *tag,
                         GError        **error)
{
  READER_LOCKED (locker, index);
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_library_hit_unref);
  g_autoptr (GString) sql = g_string_new ("SELECT " HIT_COLUMNS);
  sqlite3_stmt *stmt;
  MgColor       color_value = MG_COLOR_YELLOW;
  int           rc;

  if (color != NULL && !mg_color_from_string (color, &color_value))
    return g_steal_pointer (&hits);

  /* The best hits are chosen first, then their rows read: the rows of
   * every match are not. */
  if (match != NULL)
    {
      g_string_append (sql, ", r.rank FROM (SELECT fts.rowid AS id, bm25(fts, 1.0, 1.0, 2.0, 4.0) AS rank FROM fts");
      if (color != NULL || tag != NULL)
        g_string_append (sql, " JOIN annotations a ON a.rowid = fts.rowid");
      g_string_append (sql, " WHERE fts MATCH ?1");
      append_filters (sql, color, tag);
      g_string_append_printf (sql, " ORDER BY rank LIMIT %d) r"
                                   " JOIN annotations a ON a.rowid = r.id JOIN files f ON f.path = a.file"
                                   " ORDER BY r.rank",
                              SEARCH_LIMIT);
    }
  else
    {
      g_string_append (sql, " FROM annotations a JOIN files f ON f.path = a.file WHERE 1");
      append_filters (sql, color, tag);
      g_string_append_printf (sql, " ORDER BY f.title, a.doc_id, a.start_offset LIMIT %d", SEARCH_LIMIT);
    }

  stmt = prepare (locker.db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (match != NULL)
    bind_text (stmt, 1, match);
  if (color != NULL)
    sqlite3_bind_int (stmt, 2, color_value);
  if (tag != NULL)
    bind_text (stmt, 3, tag);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MgLibraryHit *hit = hit_from_row (stmt);

      if (match != NULL)
        hit->rank = sqlite3_column_double (stmt, 12);
      g_ptr_array_add (hits, hit);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (locker.db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&hits);
}

GPtrArray *
mg_library_index_list_annotations (MgLibraryIndex *index,
                                   const char     *document_id)
{
  READER_LOCKED (locker, index);
  GPtrArray    *hits = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_library_hit_unref);
  sqlite3_stmt *stmt = prepare (locker.db,
                                "SELECT " HIT_COLUMNS " FROM annotations a JOIN files f ON f.path = a.file"
                                " WHERE a.doc_id = ?1 ORDER BY a.start_offset, a.created",
                                NULL);

  if (stmt == NULL)
    return hits;

  bind_text (stmt, 1, document_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (hits, hit_from_row (stmt));
  sqlite3_finalize (stmt);

  return hits;
}

GPtrArray *
mg_library_index_list_tags (MgLibraryIndex *index)
{
  READER_LOCKED (locker, index);
  GPtrArray    *tags = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_library_tag_free);
  sqlite3_stmt *stmt = prepare (locker.db,
                                "SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY 2 DESC, 1", NULL);

  if (stmt == NULL)
    return tags;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      MgLibraryTag *tag = g_new0 (MgLibraryTag, 1);

      tag->name = column_dup (stmt, 0);
      tag->count = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (tags, tag);
    }
  sqlite3_finalize (stmt);

  return tags;
}

/* Writes the lengths noted, with the writer locked. */
static void
flush_lengths (MgLibraryIndex *index)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&index->pending_mutex);
  sqlite3_stmt  *stmt;
  GHashTableIter iter;
  gpointer       uri;
  gpointer       length;

  if (g_hash_table_size (index->pending_lengths) == 0)
    return;

  stmt = prepare (index->db, "INSERT OR REPLACE INTO lengths (uri, length) VALUES (?1, ?2)", NULL);
  if (stmt == NULL)
    return;

  g_hash_table_iter_init (&iter, index->pending_lengths);
  while (g_hash_table_iter_next (&iter, &uri, &length))
    {
      bind_text (stmt, 1, uri);
      sqlite3_bind_int64 (stmt, 2, GPOINTER_TO_UINT (length));
      if (sqlite3_step (stmt) == SQLITE_DONE)
        g_hash_table_iter_remove (&iter);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
}

/* Notes the length of a document's text; written at once, or by the
 * update that runs. */
void
mg_library_index_set_length (MgLibraryIndex *index,
                             const char     *uri,
                             guint           length)
{
  g_mutex_lock (&index->pending_mutex);
  g_hash_table_replace (index->pending_lengths, g_strdup (uri), GUINT_TO_POINTER (length));
  g_mutex_unlock (&index->pending_mutex);

  if (g_mutex_trylock (&index->mutex))
    {
      flush_lengths (index);
      g_mutex_unlock (&index->mutex);
    }
}

/* uri -> length, GUINT_TO_POINTER */
GHashTable *
mg_library_index_get_lengths (MgLibraryIndex *index)
{
  GHashTable    *lengths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer       uri;
  gpointer       length;

  {
    READER_LOCKED (locker, index);
    sqlite3_stmt *stmt = prepare (locker.db, "SELECT uri, length FROM lengths", NULL);

    while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
      g_hash_table_replace (lengths, column_dup (stmt, 0), GUINT_TO_POINTER ((guint) sqlite3_column_int64 (stmt, 1)));
    sqlite3_finalize (stmt);
  }

  g_mutex_lock (&index->pending_mutex);
  g_hash_table_iter_init (&iter, index->pending_lengths);
  while (g_hash_table_iter_next (&iter, &uri, &length))
    g_hash_table_replace (lengths, g_strdup (uri), length);
  g_mutex_unlock (&index->pending_mutex);

  return lengths;
}
