/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-snapshot"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-document-loader.h"
#include "mg-json-private.h"
#include "mg-json-writer.h"
#include "mg-snapshot.h"
#include "mg-store.h"
#include "mg-web-fetch.h"

/*
 * Snapshots of web pages: a page read from the web is kept as it came (the
 * original HTML, its URL, the URL it was finally read from after
 * redirects, its content type and the time it was fetched), so that it
 * opens the same way tomorrow, offline, and its annotations anchor to text
 * that does not change under them.
 *
 * MgSnapshot is one such page, in memory; MgSnapshotStore keeps them in a
 * folder, two files a page: `NAME.html`, the bytes exactly as the server
 * sent them, and `NAME.snapshot.json`, what is known about them. NAME is
 * the name the annotations' store gives the URL (mg_store_file_name_for_uri()
 * without ".json"), so a page and its annotations are easy to pair by eye.
 * The HTML is written first and the description last: a description
 * always has its page, even after a crash between the two.
 *
 * The folder is `snapshots/` inside the annotations folder, so that a
 * synced annotations folder carries the pages with their annotations.
 *
 * A snapshot's document has the page's URL (the one asked for, not the
 * one redirected to) as its URI: the annotations' store, the reading
 * position and the exports all know the page by its web address, never by
 * the local file.
 */

#define SNAPSHOT_FORMAT_VERSION 1
#define HTML_SUFFIX ".html"
#define DESCRIPTION_SUFFIX ".snapshot.json"

G_DEFINE_QUARK (mg_snapshot_error_quark, mg_snapshot_error)

struct _MgSnapshot
{
  GObject parent_instance;

  char      *url;
  char      *final_url;
  char      *content_type;
  GBytes    *html;
  GDateTime *fetched;
};

G_DEFINE_FINAL_TYPE (MgSnapshot, mg_snapshot, G_TYPE_OBJECT)

static void
mg_snapshot_finalize (GObject *object)
{
  MgSnapshot *self = MG_SNAPSHOT (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->final_url, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->html, g_bytes_unref);
  g_clear_pointer (&self->fetched, g_date_time_unref);

  G_OBJECT_CLASS (mg_snapshot_parent_class)->finalize (object);
}

static void
mg_snapshot_class_init (MgSnapshotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_snapshot_finalize;
}

static void
mg_snapshot_init (MgSnapshot *self)
{
}

/**
 * mg_snapshot_new:
 * @url: the page's web address, as asked for
 * @final_url: (nullable): where it was read from after redirects; %NULL
 *   when that is @url
 * @content_type: (nullable): the Content-Type the server sent
 * @html: the page's bytes, exactly as they came
 * @fetched: (nullable): when it was fetched; %NULL is now
 *
 * Returns: (transfer full): a new snapshot
 */
MgSnapshot *
mg_snapshot_new (const char *url,
                 const char *final_url,
                 const char *content_type,
                 GBytes     *html,
                 GDateTime  *fetched)
{
  MgSnapshot *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (html != NULL, NULL);

  self = g_object_new (MG_TYPE_SNAPSHOT, NULL);
  self->url = g_strdup (url);
  self->final_url = g_strdup (final_url != NULL ? final_url : url);
  self->content_type = g_strdup (content_type);
  self->html = g_bytes_ref (html);
  if (fetched != NULL)
    self->fetched = g_date_time_to_utc (fetched);
  else
    self->fetched = g_date_time_new_now_utc ();

  return self;
}

const char *
mg_snapshot_get_url (MgSnapshot *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  return self->url;
}

const char *
mg_snapshot_get_final_url (MgSnapshot *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  return self->final_url;
}

/* Returns: (nullable): the Content-Type header, with its parameters */
const char *
mg_snapshot_get_content_type (MgSnapshot *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  return self->content_type;
}

GBytes *
mg_snapshot_get_html (MgSnapshot *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  return self->html;
}

/* Returns: the time of the fetch, in UTC */
GDateTime *
mg_snapshot_get_fetched (MgSnapshot *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  return self->fetched;
}

/* The charset parameter of a Content-Type header, when it names one in
 * the characters charset names are made of; %NULL otherwise. */
static char *
charset_of (const char *content_type)
{
  const char *p;

  if (content_type == NULL)
    return NULL;

  for (p = strchr (content_type, ';'); p != NULL; p = strchr (p + 1, ';'))
    {
      const char *value = p + 1;
      gsize       len;

      while (*value == ' ' || *value == '\t')
        value++;
      if (g_ascii_strncasecmp (value, "charset=", 8) != 0)
        continue;
      value += 8;
      if (*value == '"')
        value++;
      len = strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");
      return len > 0 && len < 40 ? g_strndup (value, len) : NULL;
    }

  return NULL;
}

static gboolean
has_byte_order_mark (const guchar *p,
                     gsize         len)
{
  return (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
         || (len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)));
}

/* What the page's bytes leave to its HTTP headers: the charset the server
 * declared, which the HTML standard puts before the page's own <meta>, and
 * the address after redirects, against which relative links resolve. Both
 * are given to the reader as a <meta> and a <base> before the page, in
 * memory only: the stored page stays as it came. */
static GBytes *
html_with_context (MgSnapshot *self)
{
  g_autofree char *charset = charset_of (self->content_type);
  GString         *prefix = g_string_new (NULL);
  gsize            len;
  const char      *data = g_bytes_get_data (self->html, &len);

  if (charset != NULL)
    g_string_append_printf (prefix, "<meta charset=\"%s\">", charset);
  if (g_strcmp0 (self->final_url, self->url) != 0)
    {
      g_autofree char *escaped = g_markup_escape_text (self->final_url, -1);

      g_string_append_printf (prefix, "<base href=\"%s\">", escaped);
    }

  /* A byte order mark says more than any declaration, and must stay
   * first. */
  if (prefix->len == 0 || has_byte_order_mark ((const guchar *) data, len))
    {
      g_string_free (prefix, TRUE);
      return g_bytes_ref (self->html);
    }

  g_string_append_len (prefix, data, len);

  return g_string_free_to_bytes (prefix);
}

/**
 * mg_snapshot_load_document:
 * @self: a #MgSnapshot
 * @error: return location for a #GError
 *
 * Reads the page as a document, through the same reader mode as a local
 * HTML file. The document's URI is the page's URL (mg_snapshot_get_url()).
 * A page without any text to read (one that a script fills in, in a
 * browser) is refused with MG_SNAPSHOT_ERROR_NO_ARTICLE.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
MgDocument *
mg_snapshot_load_document (MgSnapshot *self,
                           GError    **error)
{
  g_autoptr (GBytes) html = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autofree char *host = NULL;
  const char      *p;

  g_return_val_if_fail (MG_IS_SNAPSHOT (self), NULL);

  html = html_with_context (self);
  /* For a title when the page has none. */
  host = mg_web_url_dup_host (self->url);

  document = mg_document_loader_load_bytes (html, self->url, host, MG_DOCUMENT_FORMAT_HTML, error);
  if (document == NULL)
    return NULL;

  for (p = mg_document_get_text (document); *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return g_steal_pointer (&document);

  g_set_error_literal (error, MG_SNAPSHOT_ERROR, MG_SNAPSHOT_ERROR_NO_ARTICLE,
                       _ ("This page has no readable article: its text is put there by scripts, which only a web browser runs."));
  return NULL;
}

/* The store ---------------------------------------------------------------- */

struct _MgSnapshotStore
{
  GObject parent_instance;

  /* The folder given; else the default one, as it was last asked. */
  char    *directory;
  gboolean follows_default;
};

G_DEFINE_FINAL_TYPE (MgSnapshotStore, mg_snapshot_store, G_TYPE_OBJECT)

static void
mg_snapshot_store_finalize (GObject *object)
{
  MgSnapshotStore *self = MG_SNAPSHOT_STORE (object);

  g_clear_pointer (&self->directory, g_free);

  G_OBJECT_CLASS (mg_snapshot_store_parent_class)->finalize (object);
}

static void
mg_snapshot_store_class_init (MgSnapshotStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_snapshot_store_finalize;
}

static void
mg_snapshot_store_init (MgSnapshotStore *self)
{
}

/**
 * mg_snapshot_store_new:
 * @directory: (nullable): the folder; %NULL is
 *   mg_store_get_snapshots_folder(), as it is when the store is used
 *
 * Returns: (transfer full): a store of snapshots in @directory
 */
MgSnapshotStore *
mg_snapshot_store_new (const char *directory)
{
  MgSnapshotStore *self = g_object_new (MG_TYPE_SNAPSHOT_STORE, NULL);

  self->directory = g_strdup (directory);
  self->follows_default = directory == NULL;

  return self;
}

/**
 * mg_snapshot_store_get_default:
 *
 * Returns: (transfer none): the store in the default folder
 */
MgSnapshotStore *
mg_snapshot_store_get_default (void)
{
  static MgSnapshotStore *store;

  if (g_once_init_enter (&store))
    g_once_init_leave (&store, mg_snapshot_store_new (NULL));

  return store;
}

/**
 * mg_snapshot_store_get_directory:
 * @self: a #MgSnapshotStore
 *
 * The folder of the snapshots. For a store made without one, the default
 * folder as it is now: a change of the annotations folder moves it while
 * the app runs. Call it, and the functions that read and write, from one
 * thread (the _async ones work in another on a folder fixed at the call).
 *
 * Returns: the folder's path, valid until the next call
 */
const char *
mg_snapshot_store_get_directory (MgSnapshotStore *self)
{
  g_return_val_if_fail (MG_IS_SNAPSHOT_STORE (self), NULL);

  if (self->follows_default)
    {
      g_free (self->directory);
      self->directory = mg_store_get_snapshots_folder ();
    }

  return self->directory;
}

static char *
path_for (MgSnapshotStore *self,
          const char      *url,
          const char      *suffix)
{
  g_autofree char *name = mg_store_file_name_for_uri (url);
  g_autofree char *file_name = NULL;

  /* "NAME.json" without its ".json". */
  name[strlen (name) - 5] = '\0';
  file_name = g_strconcat (name, suffix, NULL);

  return g_build_filename (mg_snapshot_store_get_directory (self), file_name, NULL);
}

static gboolean
read_description (const char *path,
                  const char *url,
                  char      **final_url,
                  char      **content_type,
                  GDateTime **fetched,
                  GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  const char *fetched_text;
  gsize       len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;

  if (!mg_json_check_depth (contents, len) || !json_parser_load_from_data (parser, contents, len, &local_error) || (object = mg_json_node_get_object (json_parser_get_root (parser))) == NULL || g_strcmp0 (mg_json_object_get_string (object, "url"), url) != 0 || (fetched_text = mg_json_object_get_string (object, "fetched")) == NULL || (*fetched = g_date_time_new_from_iso8601 (fetched_text, NULL)) == NULL)
    {
      g_set_error (error, MG_SNAPSHOT_ERROR, MG_SNAPSHOT_ERROR_CORRUPT,
                   _ ("The saved copy of this page could not be read (%s)"),
                   local_error != NULL ? local_error->message : path);
      return FALSE;
    }

  *final_url = g_strdup (mg_json_object_get_string (object, "final-url"));
  *content_type = g_strdup (mg_json_object_get_string (object, "content-type"));

  return TRUE;
}

/**
 * mg_snapshot_store_lookup:
 * @self: a #MgSnapshotStore
 * @url: a page's URL, as given to mg_snapshot_new()
 * @error: return location for a #GError
 *
 * Reads the snapshot of @url, if one was saved. Reads files: call it where
 * blocking for a moment is fine.
 *
 * Returns: (transfer full) (nullable): the snapshot; %NULL without @error
 *   when there is none, %NULL with @error when it could not be read
 */
MgSnapshot *
mg_snapshot_store_lookup (MgSnapshotStore *self,
                          const char      *url,
                          GError         **error)
{
  g_autofree char *description_path = NULL;
  g_autofree char *html_path = NULL;
  g_autofree char *final_url = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *html = NULL;
  g_autoptr (GDateTime) fetched = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len;

  g_return_val_if_fail (MG_IS_SNAPSHOT_STORE (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  description_path = path_for (self, url, DESCRIPTION_SUFFIX);
  if (!g_file_test (description_path, G_FILE_TEST_EXISTS))
    return NULL;

  if (!read_description (description_path, url, &final_url, &content_type, &fetched, error))
    return NULL;

  html_path = path_for (self, url, HTML_SUFFIX);
  if (!g_file_get_contents (html_path, &html, &len, error))
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&html), len);

  return mg_snapshot_new (url, final_url, content_type, bytes, fetched);
}

static char *
describe (MgSnapshot *snapshot)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *fetched = g_date_time_format (snapshot->fetched, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, snapshot->html);
  MgJsonWriter     w;

  mg_json_writer_init (&w, out, MG_JSON_WRITER_PRETTY | MG_JSON_WRITER_TIGHT_COLON);
  mg_json_writer_open (&w, '{');
  mg_json_writer_int_member (&w, "version", SNAPSHOT_FORMAT_VERSION);
  mg_json_writer_string_member (&w, "url", snapshot->url);
  mg_json_writer_string_member (&w, "final-url", snapshot->final_url);
  if (snapshot->content_type != NULL)
    mg_json_writer_string_member (&w, "content-type", snapshot->content_type);
  mg_json_writer_string_member (&w, "fetched", fetched);
  mg_json_writer_string_member (&w, "sha256", sha256);
  mg_json_writer_close (&w, '}');
  g_string_append_c (out, '\n');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * mg_snapshot_store_save:
 * @self: a #MgSnapshotStore
 * @snapshot: the page to keep
 * @error: return location for a #GError
 *
 * Keeps @snapshot, in place of any earlier snapshot of the same URL. Each
 * file is replaced atomically, the page before its description. Writes
 * files: call it where blocking for a moment is fine.
 *
 * Returns: whether it was written
 */
gboolean
mg_snapshot_store_save (MgSnapshotStore *self,
                        MgSnapshot      *snapshot,
                        GError         **error)
{
  g_autofree char *html_path = NULL;
  g_autofree char *description_path = NULL;
  g_autofree char *description = NULL;
  const char      *data;
  gsize            len;

  g_return_val_if_fail (MG_IS_SNAPSHOT_STORE (self), FALSE);
  g_return_val_if_fail (MG_IS_SNAPSHOT (snapshot), FALSE);

  if (g_mkdir_with_parents (mg_snapshot_store_get_directory (self), 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Could not make the folder %s: %s"),
                   mg_snapshot_store_get_directory (self), g_strerror (saved_errno));
      return FALSE;
    }

  html_path = path_for (self, snapshot->url, HTML_SUFFIX);
  description_path = path_for (self, snapshot->url, DESCRIPTION_SUFFIX);
  description = describe (snapshot);
  data = g_bytes_get_data (snapshot->html, &len);

  return g_file_set_contents_full (html_path, data != NULL ? data : "", len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)
         && g_file_set_contents_full (description_path, description, -1,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* Off the main thread ------------------------------------------------------ */

typedef struct
{
  /* The folder of the store, fixed when the task started. */
  MgSnapshotStore *store;
  char            *url;
  MgSnapshot      *snapshot;
} ThreadData;

static void
thread_data_free (ThreadData *data)
{
  g_clear_object (&data->store);
  g_free (data->url);
  g_clear_object (&data->snapshot);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ThreadData *data = task_data;
  GError     *error = NULL;
  MgDocument *document = NULL;

  data->snapshot = mg_snapshot_store_lookup (data->store, data->url, &error);
  if (data->snapshot != NULL)
    document = mg_snapshot_load_document (data->snapshot, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

static void
keep_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ThreadData *data = task_data;
  GError     *error = NULL;
  MgDocument *document;

  /* Read first: a page that is no article is not kept. */
  document = mg_snapshot_load_document (data->snapshot, &error);
  if (document != NULL && !mg_snapshot_store_save (data->store, data->snapshot, &error))
    g_clear_object (&document);

  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

static void
run_in_thread (MgSnapshotStore    *self,
               const char         *url,
               MgSnapshot         *snapshot,
               GTaskThreadFunc     func,
               gpointer            source_tag,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  ThreadData *data = g_new0 (ThreadData, 1);

  data->store = mg_snapshot_store_new (mg_snapshot_store_get_directory (self));
  data->url = g_strdup (url);
  data->snapshot = snapshot != NULL ? g_object_ref (snapshot) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) thread_data_free);
  g_task_run_in_thread (task, func);
}

static MgDocument *
finish_in_thread (MgSnapshotStore *self,
                  GAsyncResult    *result,
                  MgSnapshot     **snapshot,
                  GError         **error)
{
  MgDocument *document;
  ThreadData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  document = g_task_propagate_pointer (G_TASK (result), error);
  if (snapshot != NULL)
    *snapshot = document != NULL ? g_object_ref (data->snapshot) : NULL;

  return document;
}

/**
 * mg_snapshot_store_open_async:
 * @self: a #MgSnapshotStore
 * @url: a page's URL, normalised (mg_web_url_normalize())
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the snapshot of @url and its document, off the main thread.
 */
void
mg_snapshot_store_open_async (MgSnapshotStore    *self,
                              const char         *url,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (MG_IS_SNAPSHOT_STORE (self));
  g_return_if_fail (url != NULL);

  run_in_thread (self, url, NULL, open_thread, mg_snapshot_store_open_async, cancellable, callback, user_data);
}

/**
 * mg_snapshot_store_open_finish:
 * @self: a #MgSnapshotStore
 * @result: the result given to the callback
 * @snapshot: (out) (optional) (transfer full): the snapshot, when there is one
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the document of the snapshot;
 *   %NULL without @error when no snapshot of the URL was kept
 */
MgDocument *
mg_snapshot_store_open_finish (MgSnapshotStore *self,
                               GAsyncResult    *result,
                               MgSnapshot     **snapshot,
                               GError         **error)
{
  return finish_in_thread (self, result, snapshot, error);
}

/**
 * mg_snapshot_store_keep_async:
 * @self: a #MgSnapshotStore
 * @snapshot: a page just fetched
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads @snapshot as a document and, when it can be read, keeps it in
 * place of any earlier snapshot of its URL; off the main thread.
 */
void
mg_snapshot_store_keep_async (MgSnapshotStore    *self,
                              MgSnapshot         *snapshot,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (MG_IS_SNAPSHOT_STORE (self));
  g_return_if_fail (MG_IS_SNAPSHOT (snapshot));

  run_in_thread (self, snapshot->url, snapshot, keep_thread, mg_snapshot_store_keep_async, cancellable, callback, user_data);
}

/**
 * mg_snapshot_store_keep_finish:
 * @self: a #MgSnapshotStore
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the snapshot's document, or %NULL
 *   with @error set, when it could not be read or kept
 */
MgDocument *
mg_snapshot_store_keep_finish (MgSnapshotStore *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return finish_in_thread (self, result, NULL, error);
}
