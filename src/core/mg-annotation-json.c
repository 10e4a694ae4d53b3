/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation-json.h"
#include "mg-annotation-private.h"
#include "mg-json-private.h"

/*
 * An annotation's JSON shape, read and written: the one home of the W3C
 * Web Annotation object that the store's files hold, that the W3C export
 * writes (with what only an export says: where the passage is now, its
 * stylesheet), that the importer reads (after fitting foreign shapes to
 * it), and whose rules the store's cache follows when it gives back an
 * annotation without the JSON (mg_annotation_json_restore()).
 *
 * Written with the one JSON writer (mg-json-writer.c), member by member
 * in a fixed order so that files diff well:
 *
 *   id, type, motivation, created, modified, color,
 *   body: [ the note (TextualBody, commenting), one TextualBody per tag ],
 *   target: { selector: [ TextQuoteSelector, TextPositionSelector ] },
 *   previousExact (only when the passage's words changed since it was
 *   highlighted: the quote as highlighted; not in the W3C export)
 *
 * A tombstone (a deleted annotation) is { id, modified }.
 */

/* Positions beyond this are refused when loading: a document is limited to
 * MG_DOCUMENT_MAX_SIZE bytes anyway, and keeping positions within gint
 * leaves room for arithmetic on them everywhere else. */
#define MAX_POSITION ((gint64) G_MAXINT)

/* A timestamp longer than this is not one: refuse it before GLib's parser
 * spends any time on it. */
#define MAX_TIMESTAMP_LENGTH 64

/* Colours: their names in the file ------------------------------------- */

static const char *const color_names[MG_N_COLORS] = {
  [MG_COLOR_YELLOW] = "yellow",
  [MG_COLOR_GREEN] = "green",
  [MG_COLOR_BLUE] = "blue",
  [MG_COLOR_PINK] = "pink",
  [MG_COLOR_PURPLE] = "purple",
  [MG_COLOR_ORANGE] = "orange",
};

/**
 * mg_color_to_string:
 * @color: a #MgColor
 *
 * Returns: the colour's name as the file and the exports hold it,
 *   e.g. "yellow"
 */
const char *
mg_color_to_string (MgColor color)
{
  g_return_val_if_fail ((guint) color < MG_N_COLORS, color_names[MG_COLOR_YELLOW]);

  return color_names[color];
}

/**
 * mg_color_from_string:
 * @str: (nullable): a colour name, e.g. "yellow"
 * @color: (out) (optional): the colour; yellow when @str is not one
 *
 * Reads a colour name, ignoring ASCII case.
 *
 * Returns: %TRUE if @str names a colour of the palette
 */
gboolean
mg_color_from_string (const char *str,
                      MgColor    *color)
{
  guint i;

  if (color != NULL)
    *color = MG_COLOR_YELLOW;

  if (str == NULL)
    return FALSE;

  for (i = 0; i < MG_N_COLORS; i++)
    {
      if (g_ascii_strcasecmp (str, color_names[i]) == 0)
        {
          if (color != NULL)
            *color = (MgColor) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Times ------------------------------------------------------------------ */

/* GLib's UTC zone, which g_date_time_to_utc() gives every result. */
GTimeZone *
mg_annotation_utc_zone (void)
{
  static GTimeZone *utc;

  if (g_once_init_enter (&utc))
    g_once_init_leave (&utc, g_time_zone_new_utc ());

  return utc;
}

/* Drops the sub-millisecond part, which the file cannot hold. */
GDateTime *
mg_annotation_truncate_time (GDateTime *datetime)
{
  g_autoptr (GDateTime) utc = NULL;
  int usec;

  /* Already so (every time read from a file or made here): a GDateTime
   * never changes, so the same one does. */
  if (g_date_time_get_timezone (datetime) == mg_annotation_utc_zone () && g_date_time_get_microsecond (datetime) % 1000 == 0)
    return g_date_time_ref (datetime);

  utc = g_date_time_to_utc (datetime);
  usec = g_date_time_get_microsecond (utc);

  return g_date_time_add (utc, -(GTimeSpan) (usec % 1000));
}

GDateTime *
mg_annotation_now (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return mg_annotation_truncate_time (now);
}

/**
 * mg_format_timestamp:
 * @datetime: a #GDateTime
 *
 * Formats @datetime as the file holds it: ISO 8601 in UTC, with
 * milliseconds and a `Z`, e.g. "2026-11-30T10:28:37.123Z".
 *
 * Returns: (transfer full): the timestamp
 */
char *
mg_format_timestamp (GDateTime *datetime)
{
  g_autoptr (GDateTime) utc = NULL;
  GDateTime *fields = datetime;
  char       buf[sizeof "YYYY-MM-DDTHH:MM:SS.mmmZ"];
  int        year;
  int        month;
  int        day;
  int        parts[4];
  char      *p = buf;

  g_return_val_if_fail (datetime != NULL, NULL);

  /* At an offset of zero the fields are those of UTC already. */
  if (g_date_time_get_utc_offset (datetime) != 0)
    fields = utc = g_date_time_to_utc (datetime);

  /* Saving writes two of these per annotation: digits by hand rather
   * than through printf. GDateTime's years are 1 to 9999. */
  g_date_time_get_ymd (fields, &year, &month, &day);
  g_assert (year >= 1 && year <= 9999);

  *p++ = '0' + year / 1000;
  *p++ = '0' + year / 100 % 10;
  *p++ = '0' + year / 10 % 10;
  *p++ = '0' + year % 10;
  *p++ = '-';
  *p++ = '0' + month / 10;
  *p++ = '0' + month % 10;
  *p++ = '-';
  *p++ = '0' + day / 10;
  *p++ = '0' + day % 10;

  parts[0] = g_date_time_get_hour (fields);
  parts[1] = g_date_time_get_minute (fields);
  parts[2] = g_date_time_get_second (fields);
  parts[3] = g_date_time_get_microsecond (fields) / 1000;
  for (guint i = 0; i < 3; i++)
    {
      *p++ = i == 0 ? 'T' : ':';
      *p++ = '0' + parts[i] / 10;
      *p++ = '0' + parts[i] % 10;
    }
  *p++ = '.';
  *p++ = '0' + parts[3] / 100;
  *p++ = '0' + parts[3] / 10 % 10;
  *p++ = '0' + parts[3] % 10;
  *p++ = 'Z';
  *p = '\0';

  return g_strndup (buf, p - buf);
}

/**
 * mg_parse_timestamp:
 * @str: (nullable): an ISO 8601 date and time
 *
 * Reads any ISO 8601 date and time; one without a time zone is taken as
 * UTC. The result is in UTC, truncated to milliseconds like the file.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL if @str is not
 *   an ISO 8601 date and time
 */
GDateTime *
mg_parse_timestamp (const char *str)
{
  g_autoptr (GDateTime) parsed = NULL;

  if (str == NULL || strnlen (str, MAX_TIMESTAMP_LENGTH + 1) > MAX_TIMESTAMP_LENGTH)
    return NULL;

  parsed = g_date_time_new_from_iso8601 (str, mg_annotation_utc_zone ());
  if (parsed == NULL)
    return NULL;

  return mg_annotation_truncate_time (parsed);
}

/* Writing --------------------------------------------------------------- */

static void
write_body_item (MgJsonWriter *w,
                 const char   *purpose,
                 const char   *value,
                 gboolean      markdown)
{
  mg_json_writer_element (w);
  mg_json_writer_open (w, '{');
  mg_json_writer_plain_string_member (w, "type", "TextualBody");
  mg_json_writer_plain_string_member (w, "purpose", purpose);
  mg_json_writer_string_member (w, "value", value);
  if (markdown)
    mg_json_writer_plain_string_member (w, "format", "text/markdown");
  mg_json_writer_close (w, '}');
}

/**
 * mg_annotation_json_write:
 * @w: a writer where a value is expected
 * @annotation: the annotation
 * @created: its creation time, formatted with mg_format_timestamp()
 * @modified: its modification time, formatted
 * @w3c: (nullable): for the W3C export, what it writes beyond the store's
 *   shape; %NULL for the store's shape
 *
 * Writes the annotation as one W3C Web Annotation object, with a stable
 * key order so files diff well: id, type, motivation, created, modified,
 * color, body (the note as a commenting TextualBody, then one tagging
 * TextualBody per tag), target (TextQuoteSelector, TextPositionSelector).
 * The anchoring is not written: it is recomputed on load.
 *
 * The export's shape has a CssStylesheet instead of the colour, a body
 * only when there is one, and a target with the document as its source,
 * the colour's styleClass and the selectors as the passage is now; an
 * orphan's target has the quote selector only, and the not-found mark
 * (%MG_ANNOTATION_JSON_STATE_MEMBER).
 */
void
mg_annotation_json_write (MgJsonWriter              *w,
                          MgAnnotation              *annotation,
                          const char                *created,
                          const char                *modified,
                          const MgAnnotationJsonW3c *w3c)
{
  const char        *note = mg_annotation_get_note (annotation);
  const char *const *tags = mg_annotation_get_tags (annotation);
  const char        *color = mg_color_to_string (mg_annotation_get_color (annotation));
  gboolean           with_note = w3c != NULL ? w3c->with_note : note[0] != '\0';

  mg_json_writer_open (w, '{');
  mg_json_writer_string_member (w, "id", mg_annotation_get_id (annotation));
  mg_json_writer_plain_string_member (w, "type", "Annotation");
  mg_json_writer_plain_string_member (w, "motivation", with_note ? "commenting" : "highlighting");
  mg_json_writer_plain_string_member (w, "created", created);
  mg_json_writer_plain_string_member (w, "modified", modified);

  if (w3c == NULL)
    {
      mg_json_writer_plain_string_member (w, "color", color);
    }
  else
    {
      mg_json_writer_plain_member (w, "stylesheet");
      mg_json_writer_open (w, '{');
      mg_json_writer_plain_string_member (w, "type", "CssStylesheet");
      mg_json_writer_string_member (w, "value", w3c->stylesheet);
      mg_json_writer_close (w, '}');
    }

  if (w3c == NULL || with_note || tags[0] != NULL)
    {
      mg_json_writer_plain_member (w, "body");
      mg_json_writer_open (w, '[');
      if (with_note)
        write_body_item (w, "commenting", note, TRUE);
      for (gsize i = 0; tags[i] != NULL; i++)
        write_body_item (w, "tagging", tags[i], FALSE);
      mg_json_writer_close (w, ']');
    }

  mg_json_writer_plain_member (w, "target");
  mg_json_writer_open (w, '{');
  if (w3c != NULL)
    {
      mg_json_writer_string_member (w, "source", w3c->source);
      mg_json_writer_plain_string_member (w, "styleClass", color);
      if (w3c->not_found)
        mg_json_writer_plain_string_member (w, MG_ANNOTATION_JSON_STATE_MEMBER, MG_ANNOTATION_JSON_STATE_ORPHANED);
    }
  mg_json_writer_plain_member (w, "selector");
  mg_json_writer_open (w, '[');

  mg_json_writer_element (w);
  mg_json_writer_open (w, '{');
  mg_json_writer_plain_string_member (w, "type", "TextQuoteSelector");
  mg_json_writer_string_member (w, "exact", w3c ? w3c->exact : mg_annotation_get_exact (annotation));
  mg_json_writer_string_member (w, "prefix", w3c ? w3c->prefix : mg_annotation_get_prefix (annotation));
  mg_json_writer_string_member (w, "suffix", w3c ? w3c->suffix : mg_annotation_get_suffix (annotation));
  mg_json_writer_close (w, '}');

  /* An orphan's old position now covers other words: it claims none. */
  if (w3c == NULL || !w3c->not_found)
    {
      mg_json_writer_element (w);
      mg_json_writer_open (w, '{');
      mg_json_writer_plain_string_member (w, "type", "TextPositionSelector");
      mg_json_writer_int_member (w, "start", w3c ? w3c->start : mg_annotation_get_start (annotation));
      mg_json_writer_int_member (w, "end", w3c ? w3c->end : mg_annotation_get_end (annotation));
      mg_json_writer_close (w, '}');
    }

  mg_json_writer_close (w, ']');
  mg_json_writer_close (w, '}');

  /* The store's shape only: the quote as highlighted, when re-anchoring
   * found the passage with other words (mg_annotation_follow_text()). */
  if (w3c == NULL && mg_annotation_get_previous_exact (annotation) != NULL)
    mg_json_writer_string_member (w, "previousExact", mg_annotation_get_previous_exact (annotation));

  mg_json_writer_close (w, '}');
}

/**
 * mg_annotation_to_json:
 * @self: a #MgAnnotation
 *
 * The annotation as a tree, holding what the store writes of it (see
 * mg_annotation_json_write()): for tests, and for the rare comparison of
 * an annotation with an entry written in another way.
 *
 * Returns: (transfer full): the annotation object
 */
JsonNode *
mg_annotation_to_json (MgAnnotation *self)
{
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *text = NULL;
  MgJsonWriter     w;
  JsonNode        *node;

  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  created = mg_format_timestamp (mg_annotation_get_created (self));
  modified = mg_format_timestamp (mg_annotation_get_modified (self));

  mg_json_writer_init (&w, g_string_new (NULL), MG_JSON_WRITER_COMPACT);
  mg_annotation_json_write (&w, self, created, modified, NULL);
  text = g_string_free (w.out, FALSE);
  node = json_from_string (text, NULL);
  g_assert (node != NULL);

  return node;
}

/* The annotation as the store writes it, compact: to tell two apart.
 * @clean: (out) (optional): whether it holds the annotation exactly
 * (nothing was repaired). */
char *
mg_annotation_json_compact_text (MgAnnotation *annotation,
                                 gboolean     *clean)
{
  g_autofree char *created = mg_format_timestamp (mg_annotation_get_created (annotation));
  g_autofree char *modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  MgJsonWriter     w;

  mg_json_writer_init (&w, g_string_sized_new (1024), MG_JSON_WRITER_COMPACT);
  mg_annotation_json_write (&w, annotation, created, modified, NULL);
  if (clean != NULL)
    *clean = !w.repaired;

  return g_string_free (w.out, FALSE);
}

/* A tombstone: what stays of a deleted annotation. */
void
mg_annotation_json_write_tombstone (MgJsonWriter *w,
                                    const char   *id,
                                    const char   *when)
{
  mg_json_writer_open (w, '{');
  mg_json_writer_string_member (w, "id", id);
  mg_json_writer_string_member (w, "modified", when);
  mg_json_writer_close (w, '}');
}

/* The same, as a tree. */
JsonNode *
mg_annotation_json_tombstone_new (const char *id,
                                  const char *when)
{
  JsonObject *object = json_object_new ();
  JsonNode   *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "modified", when);
  json_node_take_object (node, object);

  return node;
}

/* The time an annotation entry was last modified, as the reader below
 * takes it, or NULL when it has none. */
GDateTime *
mg_annotation_json_get_modified (JsonNode *node)
{
  static const char *const names[] = { "modified", "updated", "created" };
  JsonObject              *object = mg_json_node_get_object (node);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *str = mg_json_object_get_string (object, names[i]);

      if (str != NULL)
        return mg_parse_timestamp (str);
    }

  return NULL;
}

/* Reading --------------------------------------------------------------- */

/*
 * Reading JSON.
 *
 * The file may come from us, from another W3C tool, from Hypothesis, from a
 * sync conflict or from a fuzzer, so nothing about its shape is assumed.
 * The rules:
 *
 * - What makes an annotation an annotation is required: an id (a non-empty
 *   string) and a target with a TextQuoteSelector whose exact is a
 *   non-empty string. Without them there is nothing to anchor or merge.
 * - A member that is present but of the wrong JSON type is an error: the
 *   data is damaged or not what we think, and guessing could lose the
 *   user's work when the store writes it back. JSON null counts as absent.
 * - A member that is missing gets a default: no colour is yellow, no body
 *   is no note and no tags, no position selector is position 0 (anchoring
 *   then searches for the quote). Missing dates borrow from each other
 *   (created <- modified/updated and back), and when both are missing the
 *   time of loading is used. A date that is present but unreadable is an
 *   error, as merging by "modified" depends on it.
 * - An unknown value of an open vocabulary is tolerated: an unknown colour
 *   is yellow, unknown selector and body types (RangeSelector, CssSelector,
 *   SpecificResource...) are ignored, unknown members are ignored.
 * - Positions must be whole numbers from 0 to G_MAXINT with start <= end.
 *
 * Hypothesis' shape is also read: "target" as an array (its first element
 * is used), "selector" as one object, "updated" for "modified", and "text"
 * and "tags" for the note and tags when there is no "body".
 *
 * No recursion happens here, so deep nesting costs nothing beyond what the
 * parser already did.
 */

#define INVALID(error, ...) \
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, __VA_ARGS__)

static gboolean
get_string_member (JsonObject  *object,
                   const char  *name,
                   const char **value,
                   GError     **error)
{
  JsonNode *node = mg_json_get_member (object, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      INVALID (error, _ ("The annotation’s “%s” is not text"), name);
      return FALSE;
    }

  *value = json_node_get_string (node);
  if (!g_utf8_validate (*value, -1, NULL))
    {
      *value = NULL;
      INVALID (error, _ ("The annotation’s “%s” is not valid UTF-8 text"), name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_position_member (JsonObject *object,
                     const char *name,
                     guint      *value,
                     GError    **error)
{
  JsonNode *node = mg_json_get_member (object, name);
  gint64    number;

  *value = 0;
  if (node == NULL)
    {
      INVALID (error, _ ("The annotation’s position selector has no “%s”"), name);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    goto not_a_position;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      number = json_node_get_int (node);
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* Written by a tool that uses floating point for every number. */
      if (!(d >= 0 && d <= (double) MAX_POSITION) || d != (double) (gint64) d)
        goto not_a_position;
      number = (gint64) d;
    }
  else
    goto not_a_position;

  if (number < 0 || number > MAX_POSITION)
    goto not_a_position;

  *value = (guint) number;
  return TRUE;

not_a_position:
  INVALID (error, _ ("The annotation’s position “%s” is not a whole number from 0 to %d"),
           name, G_MAXINT);
  return FALSE;
}

static gboolean
get_date_member (JsonObject *object,
                 const char *name,
                 GDateTime **value,
                 GError    **error)
{
  const char *str;

  *value = NULL;
  if (!get_string_member (object, name, &str, error))
    return FALSE;
  if (str == NULL)
    return TRUE;

  *value = mg_parse_timestamp (str);
  if (*value == NULL)
    {
      INVALID (error, _ ("The annotation’s “%s” is not an ISO 8601 date and time"), name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_utf8_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING && g_utf8_validate (json_node_get_string (node), -1, NULL);
}

/* A string, or an array of strings, as found in "tags" and "type". */
static gboolean
collect_strings (JsonNode   *node,
                 const char *name,
                 GPtrArray  *out,
                 GError    **error)
{
  if (is_utf8_string (node))
    {
      g_ptr_array_add (out, (gpointer) json_node_get_string (node));
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint      n = json_array_get_length (array);
      guint      i;

      for (i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!is_utf8_string (element))
            {
              INVALID (error, _ ("The annotation’s “%s” holds something other than text"), name);
              return FALSE;
            }
          g_ptr_array_add (out, (gpointer) json_node_get_string (element));
        }
      return TRUE;
    }

  INVALID (error, _ ("The annotation’s “%s” is neither text nor a list of text"), name);
  return FALSE;
}

typedef struct
{
  GString   *note;
  GPtrArray *tags; /* borrowed strings */
} Body;

static gboolean
read_body_item (JsonNode *node,
                Body     *body,
                GError  **error)
{
  JsonObject *object;
  const char *type;
  const char *purpose;
  const char *value;

  /* A body may be the IRI of an external resource: nothing to show. */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      INVALID (error, _ ("The annotation’s body holds something other than an object"));
      return FALSE;
    }

  object = json_node_get_object (node);

  if (!get_string_member (object, "type", &type, error) || !get_string_member (object, "purpose", &purpose, error))
    return FALSE;

  /* Only textual bodies are ours; others (images, links) are ignored. A
   * body with a value but no type is textual in practice. */
  if (type != NULL && g_strcmp0 (type, "TextualBody") != 0)
    return TRUE;

  if (!get_string_member (object, "value", &value, error))
    return FALSE;
  if (value == NULL)
    {
      if (type == NULL)
        return TRUE;
      INVALID (error, _ ("The annotation’s textual body has no “value”"));
      return FALSE;
    }

  if (g_strcmp0 (purpose, "tagging") == 0)
    {
      g_ptr_array_add (body->tags, (gpointer) value);
    }
  else if (purpose == NULL || g_str_equal (purpose, "commenting") || g_str_equal (purpose, "describing") || g_str_equal (purpose, "replying"))
    {
      if (value[0] == '\0')
        return TRUE;
      if (body->note->len > 0)
        g_string_append (body->note, "\n\n");
      g_string_append (body->note, value);
    }

  return TRUE;
}

static gboolean
read_body (JsonObject *object,
           Body       *body,
           GError    **error)
{
  JsonNode *node = mg_json_get_member (object, "body");

  if (node == NULL)
    {
      /* Hypothesis keeps the note and tags at the top level. */
      const char *text;

      if (!get_string_member (object, "text", &text, error))
        return FALSE;
      if (text != NULL)
        g_string_append (body->note, text);

      node = mg_json_get_member (object, "tags");
      if (node != NULL && !collect_strings (node, "tags", body->tags, error))
        return FALSE;

      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint      n = json_array_get_length (array);
      guint      i;

      for (i = 0; i < n; i++)
        {
          if (!read_body_item (json_array_get_element (array, i), body, error))
            return FALSE;
        }
      return TRUE;
    }

  return read_body_item (node, body, error);
}

typedef struct
{
  const char *exact;
  const char *prefix;
  const char *suffix;
  guint       start;
  guint       end;
  gboolean    has_quote;
  gboolean    has_position;
} Target;

static gboolean
read_selector (JsonNode *node,
               Target   *target,
               GError  **error)
{
  JsonObject *object;
  const char *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      INVALID (error, _ ("The annotation’s target holds a selector that is not an object"));
      return FALSE;
    }

  object = json_node_get_object (node);
  if (!get_string_member (object, "type", &type, error))
    return FALSE;

  /* The first selector of each kind wins; others (RangeSelector,
   * XPathSelector, FragmentSelector...) are for other kinds of documents. */
  if (g_strcmp0 (type, "TextQuoteSelector") == 0 && !target->has_quote)
    {
      if (!get_string_member (object, "exact", &target->exact, error) || !get_string_member (object, "prefix", &target->prefix, error) || !get_string_member (object, "suffix", &target->suffix, error))
        return FALSE;

      if (target->exact == NULL || target->exact[0] == '\0')
        {
          INVALID (error, _ ("The annotation’s quote selector has no “exact” text"));
          return FALSE;
        }
      target->has_quote = TRUE;
    }
  else if (g_strcmp0 (type, "TextPositionSelector") == 0 && !target->has_position)
    {
      if (!get_position_member (object, "start", &target->start, error) || !get_position_member (object, "end", &target->end, error))
        return FALSE;

      if (target->start > target->end)
        {
          INVALID (error, _ ("The annotation’s position starts at %u, after its end at %u"),
                   target->start, target->end);
          return FALSE;
        }
      target->has_position = TRUE;
    }

  return TRUE;
}

static gboolean
read_target (JsonObject *object,
             Target     *target,
             GError    **error)
{
  JsonNode *node = mg_json_get_member (object, "target");
  JsonNode *selector;

  if (node == NULL)
    {
      INVALID (error, _ ("The annotation has no target"));
      return FALSE;
    }

  /* Hypothesis: an array of targets, of which the first is the page. */
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        {
          INVALID (error, _ ("The annotation has no target"));
          return FALSE;
        }
      node = json_array_get_element (array, 0);
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      INVALID (error, _ ("The annotation’s target is not an object"));
      return FALSE;
    }

  selector = mg_json_get_member (json_node_get_object (node), "selector");
  if (selector == NULL)
    {
      INVALID (error, _ ("The annotation’s target has no selector"));
      return FALSE;
    }

  if (JSON_NODE_HOLDS_ARRAY (selector))
    {
      JsonArray *array = json_node_get_array (selector);
      guint      n = json_array_get_length (array);
      guint      i;

      for (i = 0; i < n; i++)
        {
          if (!read_selector (json_array_get_element (array, i), target, error))
            return FALSE;
        }
    }
  else if (!read_selector (selector, target, error))
    {
      return FALSE;
    }

  if (!target->has_quote)
    {
      INVALID (error, _ ("The annotation’s target has no quote selector"));
      return FALSE;
    }

  return TRUE;
}

/**
 * mg_annotation_new_from_json:
 * @node: a #JsonNode holding one annotation object
 * @error: return location for a #GError
 *
 * Reads an annotation written by mg_annotation_to_json(), by another W3C
 * Web Annotation tool, or exported by Hypothesis. Any shape of @node is
 * safe to pass: what cannot be read gives a %G_IO_ERROR_INVALID_DATA
 * error with a message for the user. The annotation starts orphaned, at
 * its stored position, until it is anchored.
 *
 * Returns: (transfer full) (nullable): the annotation, or %NULL on error
 */
MgAnnotation *
mg_annotation_new_from_json (JsonNode *node,
                             GError  **error)
{
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) modified = NULL;
  g_autoptr (GPtrArray) types = NULL;
  g_autoptr (GPtrArray) tags = NULL;
  g_autoptr (GString) note = NULL;
  g_auto (GStrv) normalized_tags = NULL;
  JsonObject *object;
  JsonNode   *type_node;
  const char *id;
  const char *color_name;
  const char *previous_exact;
  MgColor     color = MG_COLOR_YELLOW;
  Target      target = { 0 };
  Body        body;
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      INVALID (error, _ ("An annotation must be an object"));
      return NULL;
    }

  object = json_node_get_object (node);

  if (!get_string_member (object, "id", &id, error))
    return NULL;
  if (id == NULL || id[0] == '\0')
    {
      INVALID (error, _ ("The annotation has no id"));
      return NULL;
    }

  /* Refuse what is plainly something else, e.g. an AnnotationCollection. */
  type_node = mg_json_get_member (object, "type");
  if (type_node != NULL)
    {
      types = g_ptr_array_new ();
      if (!collect_strings (type_node, "type", types, error))
        return NULL;
      g_ptr_array_add (types, NULL);
      if (!g_strv_contains ((const char *const *) types->pdata, "Annotation"))
        {
          INVALID (error, _ ("The object “%s” is not of type Annotation"), id);
          return NULL;
        }
    }

  if (!get_date_member (object, "created", &created, error) || !get_date_member (object, "modified", &modified, error))
    return NULL;
  if (modified == NULL && !get_date_member (object, "updated", &modified, error))
    return NULL;

  if (created == NULL && modified == NULL)
    created = mg_annotation_now ();
  if (created == NULL)
    created = g_date_time_ref (modified);
  if (modified == NULL)
    modified = g_date_time_ref (created);

  if (!get_string_member (object, "color", &color_name, error))
    return NULL;
  if (color_name != NULL && !mg_color_from_string (color_name, &color))
    g_debug ("Annotation %s has the unknown colour “%s”: using yellow", id, color_name);

  note = g_string_new (NULL);
  tags = g_ptr_array_new ();
  body.note = note;
  body.tags = tags;
  if (!read_body (object, &body, error))
    return NULL;
  g_ptr_array_add (tags, NULL);
  normalized_tags = mg_annotation_normalize_tags ((const char *const *) tags->pdata);

  if (!read_target (object, &target, error))
    return NULL;

  if (!get_string_member (object, "previousExact", &previous_exact, error))
    return NULL;

  return mg_annotation_new_full (id, created, modified, color, note->str,
                                 (const char *const *) normalized_tags,
                                 target.exact,
                                 target.prefix ? target.prefix : "",
                                 target.suffix ? target.suffix : "",
                                 target.start, target.end,
                                 previous_exact != NULL && previous_exact[0] != '\0' ? previous_exact : NULL);
}

/* The cache's columns ---------------------------------------------------
 *
 * The store's cache (mg-store-cache.c) keeps each annotation's values in
 * columns rather than as JSON. Only what reading the JSON would give back
 * unchanged goes in, and what comes out is checked by the same rules as
 * the JSON: a cache that holds anything else is no cache. */

static GDateTime *
time_from_usec (gint64 usec)
{
  static GDateTime *epoch;

  if (g_once_init_enter (&epoch))
    g_once_init_leave (&epoch, g_date_time_new (mg_annotation_utc_zone (), 1970, 1, 1, 0, 0, 0));

  /* The file holds whole milliseconds. */
  if (usec % 1000 != 0)
    return NULL;

  return g_date_time_add (epoch, usec);
}

gint64
mg_annotation_json_time_to_usec (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

static gboolean
is_text (const char *str)
{
  return str != NULL && g_utf8_validate (str, -1, NULL);
}

static gboolean
tags_read_back (const char *const *tags)
{
  g_auto (GStrv) normalized = NULL;

  if (tags == NULL)
    return FALSE;
  for (guint i = 0; tags[i] != NULL; i++)
    {
      if (!is_text (tags[i]))
        return FALSE;
    }

  normalized = mg_annotation_normalize_tags (tags);

  return g_strv_equal ((const char *const *) normalized, tags);
}

/* A previous quote as the reader keeps one: none, or a non-empty text
 * (an empty "previousExact" reads as none). */
static gboolean
previous_reads_back (const char *previous_exact)
{
  return previous_exact == NULL || (is_text (previous_exact) && previous_exact[0] != '\0');
}

/**
 * mg_annotation_json_restore:
 *
 * An annotation from the values the cache kept of one, checked as the JSON
 * reader checks them: a non-empty id and quote, text that is UTF-8, tags
 * as the reader makes them, a colour of the palette, times in range and
 * in whole milliseconds, positions from 0 to G_MAXINT with start <= end,
 * no previous quote (%NULL) or a non-empty one.
 *
 * Returns: (transfer full) (nullable): the annotation, or %NULL when the
 *   values are not what reading a file could give
 */
MgAnnotation *
mg_annotation_json_restore (const char        *id,
                            gint64             created_usec,
                            gint64             modified_usec,
                            guint              color,
                            const char        *note,
                            const char *const *tags,
                            const char        *exact,
                            const char        *prefix,
                            const char        *suffix,
                            guint              start,
                            guint              end,
                            const char        *previous_exact)
{
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) modified = NULL;

  if (!is_text (id) || id[0] == '\0' || !is_text (note) || !is_text (exact) || exact[0] == '\0' || !is_text (prefix) || !is_text (suffix) || !tags_read_back (tags) || color >= MG_N_COLORS || start > end || end > MAX_POSITION || !previous_reads_back (previous_exact))
    return NULL;

  created = time_from_usec (created_usec);
  modified = time_from_usec (modified_usec);
  if (created == NULL || modified == NULL)
    return NULL;

  return mg_annotation_new_full (id, created, modified, color, note, tags,
                                 exact, prefix, suffix, start, end, previous_exact);
}

/**
 * mg_annotation_json_reads_back:
 * @annotation: a #MgAnnotation
 *
 * Returns: whether reading what mg_annotation_json_write() writes of
 *   @annotation gives its very values back (what the cache may keep)
 */
gboolean
mg_annotation_json_reads_back (MgAnnotation *annotation)
{
  const char *id = mg_annotation_get_id (annotation);
  const char *exact = mg_annotation_get_exact (annotation);

  return is_text (id) && id[0] != '\0' && is_text (mg_annotation_get_note (annotation)) && is_text (exact) && exact[0] != '\0' && is_text (mg_annotation_get_prefix (annotation)) && is_text (mg_annotation_get_suffix (annotation)) && tags_read_back (mg_annotation_get_tags (annotation)) && mg_annotation_get_end (annotation) <= MAX_POSITION && previous_reads_back (mg_annotation_get_previous_exact (annotation));
}
