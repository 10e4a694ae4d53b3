/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper JSON is refused before it reaches json-glib's recursive parser. */
#define MG_JSON_MAX_DEPTH 64

gboolean mg_json_check_depth (const char *data,
                              gsize       len);
char    *mg_json_repair_surrogates (const char *data,
                                    gsize       len);

/* Getters that take any shape: NULL for a member that is missing, null,
 * or of another type. */
JsonNode   *mg_json_get_member (JsonObject *object,
                                const char *name);
const char *mg_json_object_get_string (JsonObject *object,
                                       const char *name);
JsonArray  *mg_json_object_get_array (JsonObject *object,
                                      const char *name);
JsonObject *mg_json_node_get_object (JsonNode *node);
const char *mg_json_node_get_member_string (JsonNode   *node,
                                            const char *name);

/* A piece of JSON text, as bytes of the text it is in. */
typedef struct
{
  gsize start;
  gsize len;
} MgJsonSpan;

GArray *mg_json_member_array_spans (const char *data,
                                    gsize       len,
                                    const char *name);

G_END_DECLS
