/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-web-fetch"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>
#include <libsoup/soup.h>
#include <string.h>

#include "mg-document-loader.h"
#include "mg-web-fetch.h"

/*
 * Reading a web page: an http or https address in, a #MgSnapshot out
 * (the page's bytes as they came, its address after redirects, its
 * content type, the time). libsoup 3 does the HTTP: redirects are followed
 * (libsoup follows them only to http and https), compressed bodies are
 * decompressed, TLS certificates are checked against the system's.
 *
 * What this adds is what a reader needs to be told, each as one
 * #MgWebFetchError with a message to show: an address that is not a web
 * address, no connection, no answer in time (one deadline for the whole
 * fetch, not only for each read), no page at the address, something that
 * is not a web page (by its content type, and by a look at the bytes when
 * the server does not say), a page over the size limit (by its
 * Content-Length before reading, and by counting while reading, so that a
 * server that lies cannot make us read more), a connection that cannot be
 * trusted.
 *
 * One fetch at a time per object; its progress is the "received" and
 * "expected" properties, notified in the caller's main context.
 */

/* Bytes asked of the stream at once. */
#define READ_CHUNK (64 * 1024)

G_DEFINE_QUARK (mg_web_fetch_error_quark, mg_web_fetch_error)

/* libsoup is opened when the first fetch object is made, not linked: the
 * library and what it brings (Kerberos, nghttp2, libpsl, libidn2) took
 * every launch about 5 ms of loading, for a window that opens a web page
 * now and then. Each pointer keeps its function's prototype from
 * <libsoup/soup.h>, so the compiler still checks every call. */
#define SOUP_LIBRARY "libsoup-3.0.so.0"
#define SOUP_FUNCTIONS(X)                   \
  X (soup_session_new_with_options)         \
  X (soup_session_send_async)               \
  X (soup_session_send_finish)              \
  X (soup_message_new)                      \
  X (soup_message_get_uri)                  \
  X (soup_message_get_status)               \
  X (soup_message_get_reason_phrase)        \
  X (soup_message_get_response_headers)     \
  X (soup_message_headers_get_content_type) \
  X (soup_message_headers_get_one)          \
  X (soup_message_headers_get_encoding)     \
  X (soup_message_headers_get_content_length)

static struct
{
#define SOUP_POINTER(name) __typeof__ (name) *name;
  SOUP_FUNCTIONS (SOUP_POINTER)
#undef SOUP_POINTER
} soup;

/* Opens libsoup once per process; the module stays open. */
static gboolean
soup_load (GError **error)
{
  static gsize loaded = 0;
  static char *failure = NULL;

  if (g_once_init_enter (&loaded))
    {
      GModule *module = g_module_open (SOUP_LIBRARY, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

      /* clang-format off */
#define SOUP_SYMBOL(name) \
      if (failure == NULL && !g_module_symbol (module, #name, (gpointer *) &soup.name)) \
        failure = g_strdup (g_module_error ());
      /* clang-format on */

      if (module == NULL)
        failure = g_strdup (g_module_error ());
      SOUP_FUNCTIONS (SOUP_SYMBOL)
#undef SOUP_SYMBOL

      g_once_init_leave (&loaded, 1);
    }

  if (failure != NULL)
    {
      g_set_error (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_FAILED,
                   _ ("Web pages cannot be opened: the HTTP library could not be loaded (%s)."), failure);
      return FALSE;
    }

  return TRUE;
}

struct _MgWebFetch
{
  GObject parent_instance;

  SoupSession *session;
  guint        timeout_ms;
  guint64      max_size;
  guint64      received;
  guint64      expected;
};

G_DEFINE_FINAL_TYPE (MgWebFetch, mg_web_fetch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RECEIVED,
  PROP_EXPECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Addresses ---------------------------------------------------------------- */

static gboolean
has_space (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return TRUE;

  return FALSE;
}

static void
set_invalid_url_error (GError    **error,
                       const char *text)
{
  g_set_error (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_INVALID_URL,
               _ ("“%s” is not a web address. Marginalia opens addresses that start with http:// or https://."),
               text);
}

/**
 * mg_web_url_normalize:
 * @text: an address as typed, pasted or given on the command line
 * @error: return location for a #GError
 *
 * Makes @text the one form of its address by which its snapshot is known:
 * white space around it dropped, `https://` put before an address typed
 * without a scheme (`example.org/page`), scheme and host in lower case, a
 * default port and the fragment (`#section`, a place in the page, not
 * another page) dropped. Only http and https addresses are accepted.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error
 *   set (MG_WEB_FETCH_ERROR_INVALID_URL)
 */
char *
mg_web_url_normalize (const char *text,
                      GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *host = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) normal = NULL;
  const char *scheme;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || has_space (trimmed))
    {
      set_invalid_url_error (error, trimmed);
      return NULL;
    }

  /* "example.org/page", as typed in a browser's address bar; but not
   * "mailto:someone" or "file:///page.html". */
  scheme = g_uri_peek_scheme (trimmed);
  if (scheme == NULL && strchr (trimmed, '.') != NULL && trimmed[0] != '/' && trimmed[0] != '.')
    with_scheme = g_strconcat ("https://", trimmed, NULL);
  else
    with_scheme = g_strdup (trimmed);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      set_invalid_url_error (error, trimmed);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      set_invalid_url_error (error, trimmed);
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  normal = g_uri_build (g_uri_get_flags (uri), g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https",
                        g_uri_get_userinfo (uri), host, g_uri_get_port (uri),
                        *g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/",
                        g_uri_get_query (uri), NULL);

  return g_uri_to_string (normal);
}

/**
 * mg_web_url_is_web:
 * @text: text that was pasted, dropped or given on the command line
 *
 * Whether @text is one web address and nothing else, written out with its
 * scheme: what is opened as a web page rather than as a file or text.
 *
 * Returns: %TRUE for an http or https address
 */
gboolean
mg_web_url_is_web (const char *text)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *normal = NULL;

  if (text == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (text));
  if (g_ascii_strncasecmp (trimmed, "http://", 7) != 0 && g_ascii_strncasecmp (trimmed, "https://", 8) != 0)
    return FALSE;

  normal = mg_web_url_normalize (trimmed, NULL);

  return normal != NULL;
}

/**
 * mg_web_url_dup_host:
 * @url: a web address
 *
 * Returns: (transfer full): the host of @url, e.g. "example.org", to name
 *   a site to the user; @url itself when it has none
 */
char *
mg_web_url_dup_host (const char *url)
{
  g_autoptr (GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return g_strdup (url);

  return g_strdup (g_uri_get_host (uri));
}

/* The object --------------------------------------------------------------- */

static void
mg_web_fetch_finalize (GObject *object)
{
  MgWebFetch *self = MG_WEB_FETCH (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (mg_web_fetch_parent_class)->finalize (object);
}

static void
mg_web_fetch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MgWebFetch *self = MG_WEB_FETCH (object);

  switch (prop_id)
    {
    case PROP_RECEIVED:
      g_value_set_uint64 (value, self->received);
      break;
    case PROP_EXPECTED:
      g_value_set_uint64 (value, self->expected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_web_fetch_class_init (MgWebFetchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_web_fetch_finalize;
  object_class->get_property = mg_web_fetch_get_property;

  /**
   * MgWebFetch:received:
   *
   * The bytes of the page read so far.
   */
  properties[PROP_RECEIVED] = g_param_spec_uint64 ("received", NULL, NULL, 0, G_MAXUINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * MgWebFetch:expected:
   *
   * The page's size as the server announced it, 0 when it did not.
   */
  properties[PROP_EXPECTED] = g_param_spec_uint64 ("expected", NULL, NULL, 0, G_MAXUINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_web_fetch_init (MgWebFetch *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Marginalia/%s ", PACKAGE_VERSION);

  self->timeout_ms = MG_WEB_FETCH_DEFAULT_TIMEOUT_MS;
  self->max_size = MG_WEB_FETCH_DEFAULT_MAX_SIZE;
  /* A trailing space: libsoup appends its own name and version. */
  if (soup_load (NULL))
    self->session = soup.soup_session_new_with_options ("user-agent", user_agent, NULL);
}

MgWebFetch *
mg_web_fetch_new (void)
{
  return g_object_new (MG_TYPE_WEB_FETCH, NULL);
}

/**
 * mg_web_fetch_set_timeout:
 * @self: a #MgWebFetch
 * @timeout_ms: the most a whole fetch may take, in milliseconds
 *
 * Sets the deadline of the next fetches; the default is
 * %MG_WEB_FETCH_DEFAULT_TIMEOUT_MS.
 */
void
mg_web_fetch_set_timeout (MgWebFetch *self,
                          guint       timeout_ms)
{
  g_return_if_fail (MG_IS_WEB_FETCH (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/**
 * mg_web_fetch_set_max_size:
 * @self: a #MgWebFetch
 * @max_size: the largest page read, in bytes after decompression
 *
 * The default is %MG_WEB_FETCH_DEFAULT_MAX_SIZE.
 */
void
mg_web_fetch_set_max_size (MgWebFetch *self,
                           guint64     max_size)
{
  g_return_if_fail (MG_IS_WEB_FETCH (self));

  self->max_size = max_size;
}

guint64
mg_web_fetch_get_received (MgWebFetch *self)
{
  g_return_val_if_fail (MG_IS_WEB_FETCH (self), 0);

  return self->received;
}

guint64
mg_web_fetch_get_expected (MgWebFetch *self)
{
  g_return_val_if_fail (MG_IS_WEB_FETCH (self), 0);

  return self->expected;
}

/**
 * mg_web_fetch_get_fraction:
 * @self: a #MgWebFetch
 *
 * Returns: how much of the page has come, from 0 to 1, or -1 when the
 *   server did not say how large it is
 */
double
mg_web_fetch_get_fraction (MgWebFetch *self)
{
  g_return_val_if_fail (MG_IS_WEB_FETCH (self), -1);

  if (self->expected == 0)
    return -1;

  return MIN (1.0, (double) self->received / (double) self->expected);
}

static void
set_progress (MgWebFetch *self,
              guint64     received,
              guint64     expected)
{
  if (self->expected != expected)
    {
      self->expected = expected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECTED]);
    }
  if (self->received != received)
    {
      self->received = received;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED]);
    }
}

/* A fetch ------------------------------------------------------------------ */

typedef struct
{
  char         *url;
  char         *host;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  char         *content_type;
  /* Cancelled by the caller's cancellable and by the deadline. */
  GCancellable *cancellable;
  GCancellable *outer;
  gulong        outer_id;
  guint         timeout_id;
  gboolean      timed_out;
  /* The server did not say it is HTML: the bytes must. */
  gboolean sniff;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->outer != NULL)
    g_cancellable_disconnect (data->outer, data->outer_id);
  g_clear_object (&data->outer);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->stream);
  g_clear_object (&data->message);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data->content_type);
  g_free (data->url);
  g_free (data->host);
  g_free (data);
}

static gboolean
deadline_cb (gpointer user_data)
{
  FetchData *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static void
set_too_large_error (GError **error,
                     guint64  max_size)
{
  g_autofree char *limit = g_format_size (max_size);

  g_set_error (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_TOO_LARGE,
               _ ("This page is larger than %s, too large to open."), limit);
}

static void
set_not_html_error (GError    **error,
                    const char *content_type)
{
  if (content_type != NULL)
    g_set_error (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_NOT_HTML,
                 _ ("This address is not a web page but a file of type “%s”. Marginalia opens web pages (HTML)."),
                 content_type);
  else
    g_set_error_literal (error, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_NOT_HTML,
                         _ ("This address is not a web page. Marginalia opens web pages (HTML)."));
}

/* An error of the network or of libsoup, said as the reader needs it. */
static void
return_io_error (GTask  *task,
                 GError *error)
{
  FetchData *data = g_task_get_task_data (task);
  GError    *reported = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && data->timed_out)
    reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_TIMED_OUT,
                            _ ("%s did not send the page in time. Try again later."), data->host);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reported = g_error_copy (error);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_TIMED_OUT,
                            _ ("%s did not answer in time. Try again later."), data->host);
  else if (error->domain == G_TLS_ERROR)
    reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_TLS,
                            _ ("The secure connection to %s cannot be trusted, so the page was not read (%s)."),
                            data->host, error->message);
  else if (error->domain == G_RESOLVER_ERROR
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED))
    {
      if (!g_network_monitor_get_network_available (g_network_monitor_get_default ()))
        reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_OFFLINE,
                                _ ("You are offline, so %s cannot be reached. Pages you opened before open offline."),
                                data->host);
      else
        reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_OFFLINE,
                                _ ("Could not connect to %s. Check the address and that you are online."),
                                data->host);
    }
  else
    reported = g_error_new (MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_FAILED,
                            _ ("The page could not be read from %s: %s"), data->host, error->message);

  g_debug ("%s: %s", data->url, error->message);
  g_task_return_error (task, reported);
}

static gboolean
is_html_type (const char *mime_type)
{
  return g_ascii_strcasecmp (mime_type, "text/html") == 0 || g_ascii_strcasecmp (mime_type, "application/xhtml+xml") == 0;
}

/* Types a server gives when it does not know: the bytes decide. */
static gboolean
is_unknown_type (const char *mime_type)
{
  return mime_type == NULL || g_ascii_strcasecmp (mime_type, "application/octet-stream") == 0 || g_ascii_strcasecmp (mime_type, "text/plain") == 0;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data);

static void
read_more (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT, data->cancellable, read_cb, task);
}

static void
finish_body (GTask *task)
{
  FetchData  *data = g_task_get_task_data (task);
  MgWebFetch *self = g_task_get_source_object (task);
  g_autoptr (GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&data->body));
  g_autofree char *final_url = NULL;

  if (data->sniff && mg_document_format_guess (NULL, NULL, body) != MG_DOCUMENT_FORMAT_HTML)
    {
      GError *error = NULL;

      set_not_html_error (&error, data->content_type);
      g_task_return_error (task, error);
      return;
    }

  final_url = g_uri_to_string (soup.soup_message_get_uri (data->message));
  set_progress (self, g_bytes_get_size (body), self->expected);

  g_task_return_pointer (task, mg_snapshot_new (data->url, final_url, data->content_type, body, NULL), g_object_unref);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FetchData  *data = g_task_get_task_data (task);
  MgWebFetch *self = g_task_get_source_object (task);
  g_autoptr (GBytes) chunk = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      return_io_error (task, error);
      return;
    }

  len = g_bytes_get_size (chunk);
  if (len == 0)
    {
      finish_body (task);
      return;
    }

  if (data->body->len + len > self->max_size)
    {
      set_too_large_error (&error, self->max_size);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_byte_array_append (data->body, g_bytes_get_data (chunk, NULL), len);
  set_progress (self, data->body->len, self->expected);
  read_more (g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FetchData  *data = g_task_get_task_data (task);
  MgWebFetch *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  const char         *mime_type;
  guint               status;
  goffset             length = 0;

  data->stream = soup.soup_session_send_finish ((SoupSession *) object, result, &error);
  if (data->stream == NULL)
    {
      return_io_error (task, error);
      return;
    }

  status = soup.soup_message_get_status (data->message);
  if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE)
    {
      g_task_return_new_error (task, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_NOT_FOUND,
                               _ ("There is no page at this address (the server answered “%u %s”). Check the address."),
                               status, soup.soup_message_get_reason_phrase (data->message));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, MG_WEB_FETCH_ERROR, MG_WEB_FETCH_ERROR_HTTP,
                               _ ("The server did not send the page: it answered “%u %s”."),
                               status, soup.soup_message_get_reason_phrase (data->message));
      return;
    }

  headers = soup.soup_message_get_response_headers (data->message);
  mime_type = soup.soup_message_headers_get_content_type (headers, NULL);
  data->content_type = g_strdup (soup.soup_message_headers_get_one (headers, "Content-Type"));
  if (mime_type != NULL && !is_html_type (mime_type) && !is_unknown_type (mime_type))
    {
      set_not_html_error (&error, mime_type);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->sniff = is_unknown_type (mime_type);

  if (soup.soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup.soup_message_headers_get_content_length (headers);
  /* Announced sizes are of the bytes sent, which may be compressed: only
   * an uncompressed one is a reason to refuse before reading. */
  if (length > 0 && (guint64) length > self->max_size && soup.soup_message_headers_get_one (headers, "Content-Encoding") == NULL)
    {
      set_too_large_error (&error, self->max_size);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_progress (self, 0, length > 0 ? (guint64) length : 0);
  data->body = g_byte_array_new ();
  read_more (g_steal_pointer (&task));
}

/**
 * mg_web_fetch_fetch_async:
 * @self: a #MgWebFetch
 * @url: an http or https address, see mg_web_url_normalize()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the caller's main context when done
 * @user_data: data for @callback
 *
 * Reads the page at @url. The snapshot's URL is @url normalised; its final
 * URL is where the page was read from after redirects.
 */
void
mg_web_fetch_fetch_async (MgWebFetch         *self,
                          const char         *url,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *normal = NULL;
  FetchData       *data;

  g_return_if_fail (MG_IS_WEB_FETCH (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_web_fetch_fetch_async);

  set_progress (self, 0, 0);

  if (!soup_load (&error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  normal = mg_web_url_normalize (url, &error);
  if (normal == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (FetchData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  data->url = g_steal_pointer (&normal);
  data->message = soup.soup_message_new ("GET", data->url); /* SOUP_METHOD_GET is libsoup's variable */
  if (data->message == NULL)
    {
      set_invalid_url_error (&error, url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->host = mg_web_url_dup_host (data->url);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                              g_object_ref (data->cancellable), g_object_unref);
    }
  data->timeout_id = g_timeout_add (self->timeout_ms, deadline_cb, data);

  soup.soup_session_send_async (self->session, data->message, G_PRIORITY_DEFAULT, data->cancellable,
                                send_cb, g_steal_pointer (&task));
}

/**
 * mg_web_fetch_fetch_finish:
 * @self: a #MgWebFetch
 * @result: the result given to the callback
 * @error: return location for a #GError: a #MgWebFetchError, or
 *   %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the page, not yet saved
 */
MgSnapshot *
mg_web_fetch_fetch_finish (MgWebFetch   *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (MG_IS_WEB_FETCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
