/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a store file holds once read, as the store keeps it. */
typedef struct
{
  char       *uri; /* of the "document" the file was written for */
  char       *sha256;
  char       *title;
  GPtrArray  *annotations;    /* MgAnnotation, not anchored */
  GPtrArray  *raw_entries;    /* JsonNode: entries kept as they are */
  GHashTable *tombstones;     /* id -> time of deletion, as written */
  GPtrArray  *raw_tombstones; /* JsonNode */
  GHashTable *raw_texts;      /* their texts as read, by mg_store_node_key() */
} MgStoreCacheContents;

void mg_store_cache_contents_clear (MgStoreCacheContents *contents);

char     *mg_store_cache_checksum (GBytes *json);
GVariant *mg_store_cache_build (const char *uri,
                                const char *sha256,
                                const char *title,
                                GListModel *annotations,
                                GPtrArray  *raw_entries,
                                GHashTable *tombstones,
                                GPtrArray  *raw_tombstones,
                                GHashTable *raw_texts);
gboolean  mg_store_cache_write (GFile    *file,
                                GVariant *built,
                                GBytes   *json,
                                GError  **error);
gboolean  mg_store_cache_read (GFile                *file,
                               GBytes               *json,
                               MgStoreCacheContents *contents);
GBytes   *mg_store_cache_frame (const void *data,
                                gsize       data_size,
                                GBytes     *json);
gboolean  mg_store_cache_parse (GBytes               *cache_bytes,
                                GBytes               *json,
                                MgStoreCacheContents *contents);

G_END_DECLS
