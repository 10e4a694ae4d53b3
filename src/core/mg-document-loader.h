/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-document-structure.h"
#include "mg-document.h"

G_BEGIN_DECLS

MgDocumentFormat mg_document_format_guess (const char *filename_or_uri,
                                           const char *content_type,
                                           GBytes     *head);
const char      *mg_document_format_to_string (MgDocumentFormat format);

MgDocument *mg_document_loader_load_bytes (GBytes          *bytes,
                                           const char      *uri,
                                           const char      *title_hint,
                                           MgDocumentFormat format,
                                           GError         **error);
MgDocument *mg_document_loader_load_file (GFile        *file,
                                          GCancellable *cancellable,
                                          GError      **error);
void        mg_document_loader_load_file_async (GFile              *file,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
/**
 * MgFirstScreen:
 *
 * The first screen of a document being loaded, see
 * mg_document_loader_load_file_streamed_async().
 */
typedef struct _MgFirstScreen MgFirstScreen;

typedef void (*MgFirstScreenFunc) (MgFirstScreen *first_screen,
                                   gpointer       user_data);

#define MG_TYPE_FIRST_SCREEN (mg_first_screen_get_type ())
GType          mg_first_screen_get_type (void) G_GNUC_CONST;
MgFirstScreen *mg_first_screen_ref (MgFirstScreen *self);
void           mg_first_screen_unref (MgFirstScreen *self);
const char    *mg_first_screen_get_text (MgFirstScreen *self,
                                         gsize         *len);
void           mg_first_screen_resume (MgFirstScreen *self);
gboolean       mg_first_screen_show_now (MgFirstScreen *self,
                                         gint64         timeout_usec);
gboolean       mg_first_screen_is_prefix_of (MgFirstScreen *self,
                                             MgDocument    *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgFirstScreen, mg_first_screen_unref)

MgFirstScreen *mg_document_loader_load_file_streamed_async (GFile              *file,
                                                            MgFirstScreenFunc   first_screen_func,
                                                            gpointer            first_screen_data,
                                                            GDestroyNotify      first_screen_notify,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
MgDocument    *mg_document_loader_load_file_finish (GAsyncResult *result,
                                                    GError      **error);

char *mg_document_loader_dup_encoding_notice (MgDocument *document);

G_END_DECLS
