/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-json-writer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mg-json-writer.h"

/* The one JSON writer of Marginalia: the store's files, the W3C export
 * and the compact text the merge compares all come out of it.
 *
 * Our own writer rather than JsonGenerator: the bytes of a file must not
 * depend on the json-glib version (the Flatpak runtime's differs from
 * Debian's), and json-glib 1.6 writes some numbers as invalid JSON (1e999
 * as "inf.0", 1e300 as "1e+300.0"), which would make a file we cannot
 * read back. Members come in the order they are written, so callers give
 * a stable order; integers are written exactly, strings with the escapes
 * JSON requires (invalid UTF-8 repaired, and said in @repaired). The
 * pretty layout is json-glib's: two spaces, "key" : value (or "key":
 * value with MG_JSON_WRITER_TIGHT_COLON).
 *
 * It writes straight from the caller's data, without a JsonNode tree in
 * between: for ten thousand annotations, building, copying and freeing a
 * tree costs many times more than the writing.
 *
 * A writer may also compare what it writes with bytes it is given
 * (mg_json_writer_set_expected()), in pieces that are let go, to tell
 * whether a file would be written the same without holding a copy. */

#define out_append_literal(out, literal) mg_json_writer_append_len ((out), "" literal, sizeof (literal) - 1)

void
mg_json_writer_init (MgJsonWriter     *w,
                     GString          *out,
                     MgJsonWriterFlags flags)
{
  memset (w, 0, sizeof *w);
  w->out = out;
  w->flags = flags;
  w->empty = TRUE;
}

/* In comparing mode, @out holds only what was not compared yet. */
void
mg_json_writer_set_expected (MgJsonWriter *w,
                             const char   *expected,
                             gsize         expected_len)
{
  w->expected = expected;
  w->expected_len = expected_len;
  w->compared = 0;
  w->differs = FALSE;
}

/* In comparing mode, compares what was written so far and lets it go. */
void
mg_json_writer_compare (MgJsonWriter *w)
{
  GString *out = w->out;

  if (w->expected == NULL || w->differs)
    return;

  if (out->len > w->expected_len - w->compared || memcmp (w->expected + w->compared, out->str, out->len) != 0)
    w->differs = TRUE;
  else
    w->compared += out->len;

  g_string_truncate (out, 0);
}

/* The same, once at least @at_least bytes wait: between entries. */
void
mg_json_writer_compare_some (MgJsonWriter *w,
                             gsize         at_least)
{
  if (w->expected != NULL && w->out->len >= at_least)
    mg_json_writer_compare (w);
}

/* Whether the UTF-8 at @p is U+2028 or U+2029. */
static inline gboolean
is_line_separator (const char *p)
{
  return (guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && ((guchar) p[2] == 0xA8 || (guchar) p[2] == 0xA9);
}

void
mg_json_writer_string (MgJsonWriter *w,
                       const char   *str)
{
  g_autofree char *valid = NULL;
  GString         *out = w->out;
  gboolean         separators = (w->flags & MG_JSON_WRITER_ESCAPE_LINE_SEPARATORS) != 0;
  const char      *run;
  const char      *p;

  /* Never write what we could not read back. */
  if (!g_utf8_validate (str, -1, NULL))
    {
      str = valid = g_utf8_make_valid (str, -1);
      w->repaired = TRUE;
    }

  g_string_append_c (out, '"');

  /* Runs of characters that need no escape are copied at once. */
  for (run = p = str; *p != '\0'; p++)
    {
      guchar      c = *p;
      const char *escape;
      char        buf[8];
      gsize       skip = 0;

      if (c >= 0x20 && c != '"' && c != '\\' && !(separators && c == 0xE2 && is_line_separator (p)))
        continue;

      switch (c)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\b':
          escape = "\\b";
          break;
        case '\f':
          escape = "\\f";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        case 0xE2:
          escape = (guchar) p[2] == 0xA8 ? "\\u2028" : "\\u2029";
          skip = 2;
          break;
        default:
          g_snprintf (buf, sizeof buf, "\\u%04x", (guint) c);
          escape = buf;
          break;
        }

      mg_json_writer_append_len (out, run, p - run);
      mg_json_writer_append_len (out, escape, strlen (escape));
      p += skip;
      run = p + 1;
    }

  mg_json_writer_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* A string of our own that is known to need neither repair nor escapes
 * (member names, "Annotation"...): what mg_json_writer_string() writes,
 * quicker. */
void
mg_json_writer_plain_string (MgJsonWriter *w,
                             const char   *str)
{
  g_string_append_c (w->out, '"');
  mg_json_writer_append_len (w->out, str, strlen (str));
  g_string_append_c (w->out, '"');
}

void
mg_json_writer_int (MgJsonWriter *w,
                    gint64        value)
{
  char    buf[24];
  char   *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  /* What "%" G_GINT64_FORMAT gives. */
  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';

  mg_json_writer_append_len (w->out, p, buf + sizeof buf - p);
}

/* A value that is JSON text already (kept as it was read): as it is. */
void
mg_json_writer_raw (MgJsonWriter *w,
                    const char   *text,
                    gsize         len)
{
  mg_json_writer_append_len (w->out, text, len);
}

static void
write_value (MgJsonWriter *w,
             JsonNode     *node)
{
  char   buf[G_ASCII_DTOSTR_BUF_SIZE];
  double value;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      mg_json_writer_string (w, json_node_get_string (node));
      break;

    case G_TYPE_INT64:
      mg_json_writer_int (w, json_node_get_int (node));
      break;

    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      if (!isfinite (value))
        {
          out_append_literal (w->out, "null");
          w->repaired = TRUE;
          break;
        }
      g_ascii_dtostr (buf, sizeof buf, value);
      mg_json_writer_append_len (w->out, buf, strlen (buf));
      /* Still a double when read back. */
      if (strpbrk (buf, ".eE") == NULL)
        out_append_literal (w->out, ".0");
      break;

    case G_TYPE_BOOLEAN:
      if (json_node_get_boolean (node))
        out_append_literal (w->out, "true");
      else
        out_append_literal (w->out, "false");
      break;

    default:
      /* No such value comes from a file or an annotation. */
      out_append_literal (w->out, "null");
      w->repaired = TRUE;
      break;
    }
}

static void
writer_newline (MgJsonWriter *w)
{
  static const char spaces[] = "                                                                ";
  gsize             indent;

  if (!(w->flags & MG_JSON_WRITER_PRETTY))
    return;

  g_string_append_c (w->out, '\n');
  for (indent = 2 * (gsize) w->level; indent > 0;)
    {
      gsize n = MIN (indent, sizeof spaces - 1);

      mg_json_writer_append_len (w->out, spaces, n);
      indent -= n;
    }
}

/* Opens an object ('{') or an array ('['), after mg_json_writer_element()
 * or a member name (or at the top). */
void
mg_json_writer_open (MgJsonWriter *w,
                     char          bracket)
{
  g_string_append_c (w->out, bracket);
  w->level++;
  w->empty = TRUE;
}

void
mg_json_writer_close (MgJsonWriter *w,
                      char          bracket)
{
  g_assert (w->level > 0);

  w->level--;
  if (!w->empty)
    writer_newline (w);
  g_string_append_c (w->out, bracket);
  /* The container was a value in the one around it. */
  w->empty = FALSE;
}

/* Before each element of an array. */
void
mg_json_writer_element (MgJsonWriter *w)
{
  if (!w->empty)
    g_string_append_c (w->out, ',');
  w->empty = FALSE;
  writer_newline (w);
}

static void
writer_separator (MgJsonWriter *w)
{
  if (!(w->flags & MG_JSON_WRITER_PRETTY))
    g_string_append_c (w->out, ':');
  else if (w->flags & MG_JSON_WRITER_TIGHT_COLON)
    out_append_literal (w->out, ": ");
  else
    out_append_literal (w->out, " : ");
}

/* Before each member of an object: its name. */
void
mg_json_writer_member (MgJsonWriter *w,
                       const char   *name)
{
  mg_json_writer_element (w);
  mg_json_writer_string (w, name);
  writer_separator (w);
}

/* The same, for a name of our own (see mg_json_writer_plain_string()). */
void
mg_json_writer_plain_member (MgJsonWriter *w,
                             const char   *name)
{
  mg_json_writer_element (w);
  mg_json_writer_plain_string (w, name);
  writer_separator (w);
}

void
mg_json_writer_string_member (MgJsonWriter *w,
                              const char   *name,
                              const char   *value)
{
  mg_json_writer_plain_member (w, name);
  mg_json_writer_string (w, value);
}

void
mg_json_writer_plain_string_member (MgJsonWriter *w,
                                    const char   *name,
                                    const char   *value)
{
  mg_json_writer_plain_member (w, name);
  mg_json_writer_plain_string (w, value);
}

void
mg_json_writer_int_member (MgJsonWriter *w,
                           const char   *name,
                           gint64        value)
{
  mg_json_writer_plain_member (w, name);
  mg_json_writer_int (w, value);
}

/* A tree, members in the order the object keeps them. */
void
mg_json_writer_node (MgJsonWriter *w,
                     JsonNode     *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject    *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char    *name;
        JsonNode      *member;

        mg_json_writer_open (w, '{');
        if (object != NULL)
          {
            json_object_iter_init_ordered (&iter, object);
            while (json_object_iter_next_ordered (&iter, &name, &member))
              {
                mg_json_writer_member (w, name);
                mg_json_writer_node (w, member);
              }
          }
        mg_json_writer_close (w, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint      length = json_array_get_length (array);

        mg_json_writer_open (w, '[');
        for (guint i = 0; i < length; i++)
          {
            mg_json_writer_element (w);
            mg_json_writer_node (w, json_array_get_element (array, i));
          }
        mg_json_writer_close (w, ']');
      }
      break;

    case JSON_NODE_VALUE:
      write_value (w, node);
      break;

    case JSON_NODE_NULL:
    default:
      out_append_literal (w->out, "null");
      break;
    }
}

/* Compact text, to compare and to break ties. @clean: (out) (optional):
 * whether it holds @node exactly (nothing was repaired). */
char *
mg_json_node_to_compact_string (JsonNode *node,
                                gboolean *clean)
{
  MgJsonWriter w;

  mg_json_writer_init (&w, g_string_new (NULL), MG_JSON_WRITER_COMPACT);
  mg_json_writer_node (&w, node);
  if (clean != NULL)
    *clean = !w.repaired;

  return g_string_free (w.out, FALSE);
}
