/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum
{
  MG_JSON_WRITER_COMPACT = 0,
  /* Indented by two spaces, one member or element a line. */
  MG_JSON_WRITER_PRETTY = 1 << 0,
  /* "key": value, as JavaScript tools write it; else json-glib's
   * "key" : value. Only with MG_JSON_WRITER_PRETTY. */
  MG_JSON_WRITER_TIGHT_COLON = 1 << 1,
  /* U+2028 and U+2029 escaped: valid in JSON, not in older JavaScript. */
  MG_JSON_WRITER_ESCAPE_LINE_SEPARATORS = 1 << 2,
} MgJsonWriterFlags;

/* The state of one document being written. Fill it in with
 * mg_json_writer_init(); the fields are read by the helpers below. */
typedef struct
{
  GString          *out;
  MgJsonWriterFlags flags;
  guint             level;    /* the depth of the innermost open container */
  gboolean          empty;    /* nothing written in it yet */
  gboolean          repaired; /* something was written other than it is held */

  /* When comparing with @expected rather than keeping what is written:
   * @out holds only what is not compared yet. */
  const char *expected;
  gsize       expected_len;
  gsize       compared;
  gboolean    differs;
} MgJsonWriter;

/* GString's own appends are calls that check their arguments; these are
 * the bulk of writing, so they only copy when there is room. */
static inline void
mg_json_writer_append_len (GString    *out,
                           const char *data,
                           gsize       len)
{
  if (G_UNLIKELY (out->len + len >= out->allocated_len))
    {
      g_string_append_len (out, data, len);
      return;
    }

  memcpy (out->str + out->len, data, len);
  out->len += len;
  out->str[out->len] = '\0';
}

void mg_json_writer_init (MgJsonWriter     *w,
                          GString          *out,
                          MgJsonWriterFlags flags);
void mg_json_writer_set_expected (MgJsonWriter *w,
                                  const char   *expected,
                                  gsize         expected_len);
void mg_json_writer_compare (MgJsonWriter *w);
void mg_json_writer_compare_some (MgJsonWriter *w,
                                  gsize         at_least);

void mg_json_writer_open (MgJsonWriter *w,
                          char          bracket);
void mg_json_writer_close (MgJsonWriter *w,
                           char          bracket);
void mg_json_writer_element (MgJsonWriter *w);
void mg_json_writer_member (MgJsonWriter *w,
                            const char   *name);
void mg_json_writer_plain_member (MgJsonWriter *w,
                                  const char   *name);

void mg_json_writer_string (MgJsonWriter *w,
                            const char   *str);
void mg_json_writer_plain_string (MgJsonWriter *w,
                                  const char   *str);
void mg_json_writer_int (MgJsonWriter *w,
                         gint64        value);
void mg_json_writer_raw (MgJsonWriter *w,
                         const char   *text,
                         gsize         len);
void mg_json_writer_node (MgJsonWriter *w,
                          JsonNode     *node);

void mg_json_writer_string_member (MgJsonWriter *w,
                                   const char   *name,
                                   const char   *value);
void mg_json_writer_plain_string_member (MgJsonWriter *w,
                                         const char   *name,
                                         const char   *value);
void mg_json_writer_int_member (MgJsonWriter *w,
                                const char   *name,
                                gint64        value);

char *mg_json_node_to_compact_string (JsonNode *node,
                                      gboolean *clean);

G_END_DECLS
