/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <string.h>

#include "mg-document-ids.h"
#include "mg-library-private.h"

/* The values the library hands out: MgLibraryDocument (a row of the list,
 * with properties to bind and sort on), MgLibraryHit (an annotation of the
 * index, with the marks of a search) and MgLibraryTag. The library
 * (mg-library.c) fills them from the index (mg-library-index.c). */

G_DEFINE_ENUM_TYPE (MgLibraryDocumentState, mg_library_document_state, G_DEFINE_ENUM_VALUE (MG_LIBRARY_DOCUMENT_OK, "ok"), G_DEFINE_ENUM_VALUE (MG_LIBRARY_DOCUMENT_MISSING, "missing"), G_DEFINE_ENUM_VALUE (MG_LIBRARY_DOCUMENT_UNREADABLE, "unreadable"))

struct _MgLibraryDocument
{
  GObject parent_instance;

  MgLibraryDocumentInfo info;
};

G_DEFINE_FINAL_TYPE (MgLibraryDocument, mg_library_document, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_URI,
  PROP_PATH,
  PROP_STORE_PATH,
  PROP_EXISTS,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_N_HIGHLIGHTS,
  PROP_COLORS,
  PROP_LAST_READ,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
mg_library_document_info_clear (MgLibraryDocumentInfo *info)
{
  g_clear_pointer (&info->id, g_free);
  g_clear_pointer (&info->title, g_free);
  g_clear_pointer (&info->uri, g_free);
  g_clear_pointer (&info->path, g_free);
  g_clear_pointer (&info->store_path, g_free);
  g_clear_pointer (&info->message, g_free);
  g_clear_pointer (&info->sort_key, g_free);
}

void
mg_library_document_info_free (gpointer data)
{
  MgLibraryDocumentInfo *info = data;

  mg_library_document_info_clear (info);
  g_free (info);
}

static void
mg_library_document_finalize (GObject *object)
{
  MgLibraryDocument *self = MG_LIBRARY_DOCUMENT (object);

  mg_library_document_info_clear (&self->info);

  G_OBJECT_CLASS (mg_library_document_parent_class)->finalize (object);
}

static void
mg_library_document_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MgLibraryDocument *self = MG_LIBRARY_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->info.id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->info.title);
      break;
    case PROP_URI:
      g_value_set_string (value, self->info.uri);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->info.path);
      break;
    case PROP_STORE_PATH:
      g_value_set_string (value, self->info.store_path);
      break;
    case PROP_EXISTS:
      g_value_set_boolean (value, self->info.exists);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->info.state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->info.message);
      break;
    case PROP_N_HIGHLIGHTS:
      g_value_set_uint (value, self->info.n_highlights);
      break;
    case PROP_COLORS:
      g_value_set_uint (value, self->info.colors);
      break;
    case PROP_LAST_READ:
      g_value_set_int64 (value, self->info.last_read);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->info.progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_library_document_class_init (MgLibraryDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mg_library_document_finalize;
  object_class->get_property = mg_library_document_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_STORE_PATH] = g_param_spec_string ("store-path", NULL, NULL, NULL, flags);
  properties[PROP_EXISTS] = g_param_spec_boolean ("exists", NULL, NULL, FALSE, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, MG_TYPE_LIBRARY_DOCUMENT_STATE,
                                              MG_LIBRARY_DOCUMENT_OK, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_N_HIGHLIGHTS] = g_param_spec_uint ("n-highlights", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_COLORS] = g_param_spec_uint ("colors", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_LAST_READ] = g_param_spec_int64 ("last-read", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, -1.0, 1.0, -1.0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_library_document_init (MgLibraryDocument *self)
{
  self->info.progress = -1.0;
}

/* Takes @info (its contents: the struct itself is the caller's). */
MgLibraryDocument *
mg_library_document_new (MgLibraryDocumentInfo *info)
{
  MgLibraryDocument *self = g_object_new (MG_TYPE_LIBRARY_DOCUMENT, NULL);

  self->info = *info;
  memset (info, 0, sizeof *info);

  return self;
}

const MgLibraryDocumentInfo *
mg_library_document_get_info (MgLibraryDocument *self)
{
  return &self->info;
}

static gboolean
set_string (MgLibraryDocument *self,
            char             **field,
            char             **value,
            guint              prop)
{
  if (g_strcmp0 (*field, *value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_steal_pointer (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);

  return TRUE;
}

#define SET_VALUE(field, prop)                                        \
  G_STMT_START                                                        \
  {                                                                   \
    if (self->info.field != info->field)                              \
      {                                                               \
        self->info.field = info->field;                               \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      }                                                               \
  }                                                                   \
  G_STMT_END

/* Gives @self the values of @info, notifying those that changed; takes
 * @info's strings. */
void
mg_library_document_update (MgLibraryDocument     *self,
                            MgLibraryDocumentInfo *info)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->info.id, &info->id, PROP_ID);
  set_string (self, &self->info.title, &info->title, PROP_TITLE);
  set_string (self, &self->info.uri, &info->uri, PROP_URI);
  set_string (self, &self->info.path, &info->path, PROP_PATH);
  set_string (self, &self->info.store_path, &info->store_path, PROP_STORE_PATH);
  set_string (self, &self->info.message, &info->message, PROP_MESSAGE);
  SET_VALUE (exists, PROP_EXISTS);
  SET_VALUE (state, PROP_STATE);
  SET_VALUE (n_highlights, PROP_N_HIGHLIGHTS);
  SET_VALUE (colors, PROP_COLORS);
  SET_VALUE (last_read, PROP_LAST_READ);
  SET_VALUE (progress, PROP_PROGRESS);
  g_object_thaw_notify (G_OBJECT (self));
  mg_library_document_info_clear (info);
}

const char *
mg_library_document_get_id (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.id;
}

const char *
mg_library_document_get_title (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.title;
}

const char *
mg_library_document_get_uri (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.uri;
}

const char *
mg_library_document_get_path (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.path;
}

const char *
mg_library_document_get_store_path (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.store_path;
}

gboolean
mg_library_document_get_exists (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), FALSE);
  return self->info.exists;
}

MgLibraryDocumentState
mg_library_document_get_state (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), MG_LIBRARY_DOCUMENT_OK);
  return self->info.state;
}

/* A sentence for the user about an unreadable file, or NULL. */
const char *
mg_library_document_get_message (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), NULL);
  return self->info.message;
}

guint
mg_library_document_get_n_highlights (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), 0);
  return self->info.n_highlights;
}

guint
mg_library_document_get_colors (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), 0);
  return self->info.colors;
}

gint64
mg_library_document_get_last_read (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), 0);
  return self->info.last_read;
}

double
mg_library_document_get_progress (MgLibraryDocument *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_DOCUMENT (self), -1.0);
  return self->info.progress;
}

/* MgLibraryHit ------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (MgLibraryHit, mg_library_hit, mg_library_hit_ref, mg_library_hit_unref)

MgLibraryHit *
mg_library_hit_new (void)
{
  MgLibraryHit *hit = g_atomic_rc_box_new0 (MgLibraryHit);

  for (guint i = 0; i < G_N_ELEMENTS (hit->marks); i++)
    hit->marks[i] = g_array_new (FALSE, FALSE, sizeof (MgLibraryMark));

  return hit;
}

MgLibraryHit *
mg_library_hit_ref (MgLibraryHit *hit)
{
  g_return_val_if_fail (hit != NULL, NULL);

  return g_atomic_rc_box_acquire (hit);
}

static void
hit_clear (gpointer data)
{
  MgLibraryHit *hit = data;

  g_free (hit->document_id);
  g_free (hit->document_title);
  g_free (hit->document_uri);
  g_free (hit->annotation_id);
  g_free (hit->quote);
  g_free (hit->note);
  g_strfreev (hit->tags);
  for (guint i = 0; i < G_N_ELEMENTS (hit->marks); i++)
    g_array_unref (hit->marks[i]);
}

void
mg_library_hit_unref (MgLibraryHit *hit)
{
  g_return_if_fail (hit != NULL);

  g_atomic_rc_box_release_full (hit, hit_clear);
}

const char *
mg_library_hit_get_document_id (MgLibraryHit *hit)
{
  return hit->document_id;
}

const char *
mg_library_hit_get_document_title (MgLibraryHit *hit)
{
  return hit->document_title;
}

/* Where the document is on this machine, or NULL. */
const char *
mg_library_hit_get_document_uri (MgLibraryHit *hit)
{
  return hit->document_uri;
}

const char *
mg_library_hit_get_annotation_id (MgLibraryHit *hit)
{
  return hit->annotation_id;
}

const char *
mg_library_hit_get_quote (MgLibraryHit *hit)
{
  return hit->quote;
}

/* The note, "" when there is none. */
const char *
mg_library_hit_get_note (MgLibraryHit *hit)
{
  return hit->note;
}

const char *const *
mg_library_hit_get_tags (MgLibraryHit *hit)
{
  return (const char *const *) hit->tags;
}

MgColor
mg_library_hit_get_color (MgLibraryHit *hit)
{
  return hit->color;
}

/* Where the passage was when last saved, in code points. */
guint
mg_library_hit_get_start (MgLibraryHit *hit)
{
  return hit->start;
}

guint
mg_library_hit_get_end (MgLibraryHit *hit)
{
  return hit->end;
}

/* Microseconds since the Unix epoch. */
gint64
mg_library_hit_get_created (MgLibraryHit *hit)
{
  return hit->created;
}

gint64
mg_library_hit_get_modified (MgLibraryHit *hit)
{
  return hit->modified;
}

/* bm25: the lower, the better; 0 outside a search. */
double
mg_library_hit_get_rank (MgLibraryHit *hit)
{
  return hit->rank;
}

/**
 * mg_library_hit_get_marks:
 * @hit: a hit
 * @field: which text
 * @n_marks: (out): how many marks
 *
 * The spans of @field's text (mg_library_hit_get_quote(), _get_note(),
 * _get_document_title()) that the search matched: byte offsets, on
 * character boundaries, in order. Escape the text and bold the spans: the
 * core never gives markup.
 *
 * Returns: (array length=n_marks): the marks, owned by @hit
 */
const MgLibraryMark *
mg_library_hit_get_marks (MgLibraryHit  *hit,
                          MgLibraryField field,
                          guint         *n_marks)
{
  g_return_val_if_fail (hit != NULL, NULL);
  g_return_val_if_fail (field <= MG_LIBRARY_FIELD_TITLE, NULL);

  *n_marks = hit->marks[field]->len;

  return (const MgLibraryMark *) (gpointer) hit->marks[field]->data;
}

/* A `marginalia://open?document=…&annotation=…` link to the passage, or
 * NULL without a document id. */
char *
mg_library_hit_get_link (MgLibraryHit *hit)
{
  if (hit->document_id == NULL || !mg_document_id_is_valid (hit->document_id))
    return NULL;

  return mg_document_link_new (hit->document_id, hit->annotation_id);
}

void
mg_library_tag_free (MgLibraryTag *tag)
{
  g_free (tag->name);
  g_free (tag);
}
