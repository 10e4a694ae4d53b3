/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-types.h"

G_BEGIN_DECLS

#define MG_SNAPSHOT_ERROR (mg_snapshot_error_quark ())

typedef enum
{
  MG_SNAPSHOT_ERROR_CORRUPT,    /* the snapshot's description could not be read */
  MG_SNAPSHOT_ERROR_NO_ARTICLE, /* the page has no text to read, only script */
} MgSnapshotError;

#define MG_TYPE_SNAPSHOT (mg_snapshot_get_type ())
G_DECLARE_FINAL_TYPE (MgSnapshot, mg_snapshot, MG, SNAPSHOT, GObject)

#define MG_TYPE_SNAPSHOT_STORE (mg_snapshot_store_get_type ())
G_DECLARE_FINAL_TYPE (MgSnapshotStore, mg_snapshot_store, MG, SNAPSHOT_STORE, GObject)

GQuark mg_snapshot_error_quark (void);

MgSnapshot *mg_snapshot_new (const char *url,
                             const char *final_url,
                             const char *content_type,
                             GBytes     *html,
                             GDateTime  *fetched);
const char *mg_snapshot_get_url (MgSnapshot *self);
const char *mg_snapshot_get_final_url (MgSnapshot *self);
const char *mg_snapshot_get_content_type (MgSnapshot *self);
GBytes     *mg_snapshot_get_html (MgSnapshot *self);
GDateTime  *mg_snapshot_get_fetched (MgSnapshot *self);
MgDocument *mg_snapshot_load_document (MgSnapshot *self,
                                       GError    **error);

MgSnapshotStore *mg_snapshot_store_new (const char *directory);
MgSnapshotStore *mg_snapshot_store_get_default (void);
const char      *mg_snapshot_store_get_directory (MgSnapshotStore *self);
MgSnapshot      *mg_snapshot_store_lookup (MgSnapshotStore *self,
                                           const char      *url,
                                           GError         **error);
void             mg_snapshot_store_open_async (MgSnapshotStore    *self,
                                               const char         *url,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
MgDocument      *mg_snapshot_store_open_finish (MgSnapshotStore *self,
                                                GAsyncResult    *result,
                                                MgSnapshot     **snapshot,
                                                GError         **error);
void             mg_snapshot_store_keep_async (MgSnapshotStore    *self,
                                               MgSnapshot         *snapshot,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
MgDocument      *mg_snapshot_store_keep_finish (MgSnapshotStore *self,
                                                GAsyncResult    *result,
                                                GError         **error);
gboolean         mg_snapshot_store_save (MgSnapshotStore *self,
                                         MgSnapshot      *snapshot,
                                         GError         **error);

G_END_DECLS
