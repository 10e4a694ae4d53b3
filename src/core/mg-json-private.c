/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-json"

#include "config.h"

#include <string.h>

#include "mg-json-private.h"

/* What the readers of JSON share (the store, the annotation's shape and
 * the importer): checks made on JSON text before json-glib parses it, as
 * all of them read files a person or a program may have damaged or
 * written to harm, and getters that take a tree of any shape. */

/* The member @name of @object, or NULL if it is missing or null. */
JsonNode *
mg_json_get_member (JsonObject *object,
                    const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

const char *
mg_json_object_get_string (JsonObject *object,
                           const char *name)
{
  JsonNode *node = mg_json_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

JsonArray *
mg_json_object_get_array (JsonObject *object,
                          const char *name)
{
  JsonNode *node = mg_json_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

JsonObject *
mg_json_node_get_object (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

/* The string member @name of the object @node, if it is one. */
const char *
mg_json_node_get_member_string (JsonNode   *node,
                                const char *name)
{
  return mg_json_object_get_string (mg_json_node_get_object (node), name);
}

static gboolean
read_hex4 (const char *data,
           gsize       len,
           gsize       at,
           guint      *value)
{
  *value = 0;

  if (at + 4 > len)
    return FALSE;

  for (gsize i = at; i < at + 4; i++)
    {
      int digit = g_ascii_xdigit_value (data[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + digit;
    }

  return TRUE;
}

/* json-glib 1.6 decodes the \u escape of a lone UTF-16 surrogate into
 * bytes that are not UTF-8 (and drops the character after it): replace
 * such escapes with \ufffd, as any invalid text is repaired. Escapes are
 * taken in order, so "\\ud800" (an escaped backslash) is left alone.
 * Returns NULL when there is nothing to replace; else @len bytes and a
 * NUL. */
char *
mg_json_repair_surrogates (const char *data,
                           gsize       len)
{
  char *copy = NULL;
  gsize i = 0;

  while (i + 1 < len)
    {
      guint unit;
      guint next;

      if (data[i] != '\\')
        {
          i++;
          continue;
        }

      if (data[i + 1] != 'u' || !read_hex4 (data, len, i + 2, &unit))
        {
          i += 2;
          continue;
        }

      if (unit >= 0xd800 && unit <= 0xdbff && i + 12 <= len && data[i + 6] == '\\' && data[i + 7] == 'u' && read_hex4 (data, len, i + 8, &next) && next >= 0xdc00 && next <= 0xdfff)
        {
          i += 12; /* a pair */
          continue;
        }

      if (unit >= 0xd800 && unit <= 0xdfff)
        {
          /* NUL-terminated, for readers of strings. */
          if (copy == NULL)
            {
              copy = g_malloc (len + 1);
              memcpy (copy, data, len);
              copy[len] = '\0';
            }
          memcpy (copy + i + 2, "fffd", 4);
        }

      i += 6;
    }

  return copy;
}

/* Rejects nesting deeper than MG_JSON_MAX_DEPTH without recursion. Strings and
 * comments are skipped in every form the parser might accept: where the
 * parser does not accept one, it stops there with an error anyway, so
 * skipping more than it would never lets deep nesting through. */
gboolean
mg_json_check_depth (const char *data,
                     gsize       len)
{
  guint depth = 0;
  gsize i = 0;

  while (i < len)
    {
      char c = data[i++];

      switch (c)
        {
        case '"':
        case '\'':
          /* To the next quote not escaped by an odd run of backslashes
           * (one escapes the character after it): the same end as
           * stepping over each escape, found with memchr(). */
          for (;;)
            {
              const char *quote = i < len ? memchr (data + i, c, len - i) : NULL;
              gsize       at;
              gsize       backslashes = 0;

              if (quote == NULL)
                {
                  i = len;
                  break;
                }

              at = quote - data;
              while (at - backslashes > i && data[at - backslashes - 1] == '\\')
                backslashes++;
              i = at + 1;
              if (backslashes % 2 == 0)
                break;
            }
          break;

        case '/':
          if (i < len && data[i] == '/')
            {
              while (i < len && data[i] != '\n')
                i++;
            }
          else if (i < len && data[i] == '*')
            {
              i++;
              while (i + 1 < len && !(data[i] == '*' && data[i + 1] == '/'))
                i++;
              i += 2;
            }
          break;

        case '[':
        case '{':
          if (++depth > MG_JSON_MAX_DEPTH)
            return FALSE;
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        default:
          break;
        }
    }

  return TRUE;
}

static void
skip_space (const char *data,
            gsize       len,
            gsize      *i)
{
  while (*i < len && (data[*i] == ' ' || data[*i] == '\t' || data[*i] == '\n' || data[*i] == '\r'))
    (*i)++;
}

/* Past the string that starts at @i (on its quote). */
static gboolean
skip_string (const char *data,
             gsize       len,
             gsize      *i)
{
  for ((*i)++; *i < len; (*i)++)
    {
      if (data[*i] == '\\')
        (*i)++;
      else if (data[*i] == '"')
        {
          (*i)++;
          return TRUE;
        }
    }

  return FALSE;
}

/* Past the value that starts at @i, without recursion. */
static gboolean
skip_value (const char *data,
            gsize       len,
            gsize      *i)
{
  guint depth = 0;

  if (*i >= len)
    return FALSE;

  do
    {
      char c = data[*i];

      if (c == '"')
        {
          if (!skip_string (data, len, i))
            return FALSE;
        }
      else if (c == '{' || c == '[')
        {
          depth++;
          (*i)++;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return FALSE;
          depth--;
          (*i)++;
        }
      else if (c == '/' || c == '\'')
        {
          /* Comments and single quotes, which json-glib takes: not ours. */
          return FALSE;
        }
      else if (depth == 0)
        {
          /* A number or a literal: to the next delimiter. */
          gsize start = *i;

          while (*i < len && strchr (",]} \t\n\r", data[*i]) == NULL)
            (*i)++;
          return *i > start;
        }
      else
        {
          (*i)++;
        }
    }
  while (depth > 0 && *i < len);

  return depth == 0;
}

/**
 * mg_json_member_array_spans:
 * @data: JSON text that parses
 * @len: its length
 * @name: a member of the root object
 *
 * Where the elements of the array that the root object's member @name
 * holds are in @data (of the last such member, which is the one json-glib
 * keeps): their text as written, for what must be written back as it was.
 *
 * Returns: (transfer full) (nullable): the spans, or %NULL when the root
 *   is not an object, holds no such array, or is written in a way this
 *   reader does not follow (comments)
 */
GArray *
mg_json_member_array_spans (const char *data,
                            gsize       len,
                            const char *name)
{
  g_autoptr (GArray) found = NULL;
  gsize name_len = strlen (name);
  gsize i = 0;

  skip_space (data, len, &i);
  if (i >= len || data[i] != '{')
    return NULL;
  i++;

  for (;;)
    {
      gsize key_start;
      gsize key_end;

      skip_space (data, len, &i);
      if (i < len && data[i] == '}')
        break;
      if (i >= len || data[i] != '"')
        return NULL;

      key_start = i + 1;
      if (!skip_string (data, len, &i))
        return NULL;
      key_end = i - 1;

      skip_space (data, len, &i);
      if (i >= len || data[i] != ':')
        return NULL;
      i++;
      skip_space (data, len, &i);

      if (key_end - key_start == name_len && memcmp (data + key_start, name, name_len) == 0 && i < len && data[i] == '[')
        {
          g_clear_pointer (&found, g_array_unref);
          found = g_array_new (FALSE, FALSE, sizeof (MgJsonSpan));
          i++;
          for (;;)
            {
              MgJsonSpan span;

              skip_space (data, len, &i);
              if (i < len && data[i] == ']')
                {
                  i++;
                  break;
                }
              span.start = i;
              if (!skip_value (data, len, &i))
                return NULL;
              span.len = i - span.start;
              g_array_append_val (found, span);
              skip_space (data, len, &i);
              if (i < len && data[i] == ',')
                i++;
              else if (i >= len || data[i] != ']')
                return NULL;
            }
        }
      else if (!skip_value (data, len, &i))
        {
          return NULL;
        }

      skip_space (data, len, &i);
      if (i < len && data[i] == ',')
        i++;
      else if (i >= len || data[i] != '}')
        return NULL;
    }

  return g_steal_pointer (&found);
}
