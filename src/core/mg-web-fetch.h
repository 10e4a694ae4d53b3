/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-snapshot.h"

G_BEGIN_DECLS

#define MG_WEB_FETCH_ERROR (mg_web_fetch_error_quark ())

typedef enum
{
  MG_WEB_FETCH_ERROR_INVALID_URL, /* not an http or https address */
  MG_WEB_FETCH_ERROR_OFFLINE,     /* the host could not be reached */
  MG_WEB_FETCH_ERROR_TIMED_OUT,
  MG_WEB_FETCH_ERROR_NOT_FOUND, /* 404 or 410 */
  MG_WEB_FETCH_ERROR_HTTP,      /* any other status that is not a success */
  MG_WEB_FETCH_ERROR_NOT_HTML,
  MG_WEB_FETCH_ERROR_TOO_LARGE,
  MG_WEB_FETCH_ERROR_TLS, /* the secure connection could not be trusted */
  MG_WEB_FETCH_ERROR_FAILED,
} MgWebFetchError;

/* Pages larger than this are refused: far more than any article. */
#define MG_WEB_FETCH_DEFAULT_MAX_SIZE (20 * 1024 * 1024)
/* A fetch that has not finished after this long is given up. */
#define MG_WEB_FETCH_DEFAULT_TIMEOUT_MS (30 * 1000)

#define MG_TYPE_WEB_FETCH (mg_web_fetch_get_type ())
G_DECLARE_FINAL_TYPE (MgWebFetch, mg_web_fetch, MG, WEB_FETCH, GObject)

GQuark mg_web_fetch_error_quark (void);

char    *mg_web_url_normalize (const char *text,
                               GError    **error);
gboolean mg_web_url_is_web (const char *text);
char    *mg_web_url_dup_host (const char *url);

MgWebFetch *mg_web_fetch_new (void);
void        mg_web_fetch_set_timeout (MgWebFetch *self,
                                      guint       timeout_ms);
void        mg_web_fetch_set_max_size (MgWebFetch *self,
                                       guint64     max_size);
guint64     mg_web_fetch_get_received (MgWebFetch *self);
guint64     mg_web_fetch_get_expected (MgWebFetch *self);
double      mg_web_fetch_get_fraction (MgWebFetch *self);
void        mg_web_fetch_fetch_async (MgWebFetch         *self,
                                      const char         *url,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
MgSnapshot *mg_web_fetch_fetch_finish (MgWebFetch   *self,
                                       GAsyncResult *result,
                                       GError      **error);

G_END_DECLS
