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
 * Returns NULL when there is nothing to replace. */
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
          if (copy == NULL)
            copy = g_memdup2 (data, len);
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
