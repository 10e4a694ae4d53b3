/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation-private.h"
#include "mg-document.h"

/**
 * MgAnnotation:
 *
 * One highlight, with its colour, note and tags, and the passage it marks.
 *
 * The passage is kept twice. The *stored target* (exact, prefix, suffix,
 * start, end) is what the file holds, in the W3C Web Annotation shape: it
 * only changes when the user re-attaches the annotation. The *anchoring*
 * (state, range-start, range-end) is where the annotation was found in the
 * open document; it is computed when a document is opened and never saved.
 *
 * User edits go through mg_annotation_set_color(), mg_annotation_set_note(),
 * mg_annotation_set_tags() and mg_annotation_set_target(): each one that
 * really changes something bumps #MgAnnotation:modified and emits
 * #MgAnnotation::changed once, which lists and the store listen to.
 * Anchoring changes only notify their properties.
 *
 * Timestamps are kept in UTC with millisecond precision, the precision of
 * the file, so what is in memory compares equal to what was saved.
 */
struct _MgAnnotation
{
  GObject parent_instance;

  char      *id;
  GDateTime *created;
  GDateTime *modified;
  char      *note;
  char     **tags;

  char *exact;
  char *prefix;
  char *suffix;
  guint start;
  guint end;
  char *previous_exact; /* the quote as highlighted, if its words changed */

  guint range_start;
  guint range_end;

  guint color : 8; /* MgColor */
  guint state : 8; /* MgAnnotationState */
};

G_DEFINE_FINAL_TYPE (MgAnnotation, mg_annotation, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_ENUM_TYPE (MgColor, mg_color,
                    G_DEFINE_ENUM_VALUE (MG_COLOR_YELLOW, "yellow"),
                    G_DEFINE_ENUM_VALUE (MG_COLOR_GREEN, "green"),
                    G_DEFINE_ENUM_VALUE (MG_COLOR_BLUE, "blue"),
                    G_DEFINE_ENUM_VALUE (MG_COLOR_PINK, "pink"),
                    G_DEFINE_ENUM_VALUE (MG_COLOR_PURPLE, "purple"),
                    G_DEFINE_ENUM_VALUE (MG_COLOR_ORANGE, "orange"))

G_DEFINE_ENUM_TYPE (MgAnnotationState, mg_annotation_state,
                    G_DEFINE_ENUM_VALUE (MG_ANNOTATION_STATE_ANCHORED, "anchored"),
                    G_DEFINE_ENUM_VALUE (MG_ANNOTATION_STATE_MOVED, "moved"),
                    G_DEFINE_ENUM_VALUE (MG_ANNOTATION_STATE_ORPHANED, "orphaned"))
/* clang-format on */

enum
{
  PROP_0,
  PROP_ID,
  PROP_CREATED,
  PROP_MODIFIED,
  PROP_COLOR,
  PROP_NOTE,
  PROP_TAGS,
  PROP_EXACT,
  PROP_PREFIX,
  PROP_SUFFIX,
  PROP_START,
  PROP_END,
  PROP_STATE,
  PROP_RANGE_START,
  PROP_RANGE_END,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const empty_strv[] = { NULL };

/**
 * mg_color_get_label:
 * @color: a #MgColor
 *
 * Returns: the colour's name as the user reads it, translated ("Yellow")
 */
const char *
mg_color_get_label (MgColor color)
{
  switch (color)
    {
    case MG_COLOR_YELLOW:
      return _ ("Yellow");
    case MG_COLOR_GREEN:
      return _ ("Green");
    case MG_COLOR_BLUE:
      return _ ("Blue");
    case MG_COLOR_PINK:
      return _ ("Pink");
    case MG_COLOR_PURPLE:
      return _ ("Purple");
    case MG_COLOR_ORANGE:
      return _ ("Orange");
    case MG_N_COLORS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Trims Unicode white space from both ends of @str. */
static char *
strip_unicode (const char *str)
{
  const char *begin = str;
  const char *end = str + strlen (str);

  while (*begin != '\0' && g_unichar_isspace (g_utf8_get_char (begin)))
    begin = g_utf8_next_char (begin);

  while (end > begin)
    {
      const char *prev = g_utf8_find_prev_char (begin, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (begin, end - begin);
}

/* Trims each tag, drops empty ones and later duplicates. A hash set keeps
 * this linear however many tags a hostile file holds. */
char **
mg_annotation_normalize_tags (const char *const *tags)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = NULL;
  gsize i;

  if (tags == NULL || tags[0] == NULL)
    return g_strv_builder_end (builder);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (i = 0; tags[i] != NULL; i++)
    {
      g_autofree char *tag = strip_unicode (tags[i]);

      if (tag[0] == '\0' || g_hash_table_contains (seen, tag))
        continue;

      g_strv_builder_add (builder, tag);
      g_hash_table_add (seen, g_steal_pointer (&tag));
    }

  return g_strv_builder_end (builder);
}

static gboolean
strv_equal (const char *const *a,
            const char *const *b)
{
  return g_strv_equal ((const char *const *) (a ? a : empty_strv),
                       (const char *const *) (b ? b : empty_strv));
}

static void
mg_annotation_finalize (GObject *object)
{
  MgAnnotation *self = (MgAnnotation *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->modified, g_date_time_unref);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->exact, g_free);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->suffix, g_free);
  g_clear_pointer (&self->previous_exact, g_free);

  G_OBJECT_CLASS (mg_annotation_parent_class)->finalize (object);
}

static void
mg_annotation_constructed (GObject *object)
{
  MgAnnotation *self = (MgAnnotation *) object;

  G_OBJECT_CLASS (mg_annotation_parent_class)->constructed (object);

  /* A new annotation gets a fresh id; a copy or a loaded one brings its own. */
  if (self->id == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      self->id = g_strconcat ("urn:uuid:", uuid, NULL);
    }

  if (self->created == NULL)
    self->created = mg_annotation_now ();

  if (self->modified == NULL)
    self->modified = g_date_time_ref (self->created);
}

static void
mg_annotation_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MgAnnotation *self = MG_ANNOTATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;

    case PROP_MODIFIED:
      g_value_set_boxed (value, self->modified);
      break;

    case PROP_COLOR:
      g_value_set_enum (value, self->color);
      break;

    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, self->tags);
      break;

    case PROP_EXACT:
      g_value_set_string (value, self->exact);
      break;

    case PROP_PREFIX:
      g_value_set_string (value, self->prefix);
      break;

    case PROP_SUFFIX:
      g_value_set_string (value, self->suffix);
      break;

    case PROP_START:
      g_value_set_uint (value, self->start);
      break;

    case PROP_END:
      g_value_set_uint (value, self->end);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_RANGE_START:
      g_value_set_uint (value, self->range_start);
      break;

    case PROP_RANGE_END:
      g_value_set_uint (value, self->range_end);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_annotation_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MgAnnotation *self = MG_ANNOTATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      /* Construct-only: NULL means "make a new one" in constructed(). */
      g_clear_pointer (&self->id, g_free);
      if (g_value_get_string (value) != NULL && g_value_get_string (value)[0] != '\0')
        self->id = g_value_dup_string (value);
      break;

    case PROP_CREATED:
      {
        GDateTime *created = g_value_get_boxed (value);

        g_clear_pointer (&self->created, g_date_time_unref);
        if (created != NULL)
          self->created = mg_annotation_truncate_time (created);
      }
      break;

    case PROP_MODIFIED:
      if (g_value_get_boxed (value) != NULL)
        mg_annotation_set_modified (self, g_value_get_boxed (value));
      break;

    case PROP_COLOR:
      mg_annotation_set_color (self, g_value_get_enum (value));
      break;

    case PROP_NOTE:
      mg_annotation_set_note (self, g_value_get_string (value));
      break;

    case PROP_TAGS:
      mg_annotation_set_tags (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_annotation_class_init (MgAnnotationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_annotation_finalize;
  object_class->constructed = mg_annotation_constructed;
  object_class->get_property = mg_annotation_get_property;
  object_class->set_property = mg_annotation_set_property;

  /**
   * MgAnnotation:id:
   *
   * "urn:uuid:" and a random UUID for a new annotation, or the id it was
   * loaded with. Stable forever.
   */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MODIFIED] = g_param_spec_boxed ("modified", NULL, NULL, G_TYPE_DATE_TIME,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_COLOR] = g_param_spec_enum ("color", NULL, NULL, MG_TYPE_COLOR, MG_COLOR_YELLOW,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, "",
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_EXACT] = g_param_spec_string ("exact", NULL, NULL, "",
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PREFIX] = g_param_spec_string ("prefix", NULL, NULL, "",
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SUFFIX] = g_param_spec_string ("suffix", NULL, NULL, "",
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_START] = g_param_spec_uint ("start", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_END] = g_param_spec_uint ("end", NULL, NULL, 0, G_MAXUINT, 0,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, MG_TYPE_ANNOTATION_STATE,
                                              MG_ANNOTATION_STATE_ANCHORED,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RANGE_START] = g_param_spec_uint ("range-start", NULL, NULL, 0, G_MAXUINT, 0,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RANGE_END] = g_param_spec_uint ("range-end", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgAnnotation::changed:
   *
   * Emitted once after a user edit (colour, note, tags, target) that
   * really changed something, after its property notifications.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
mg_annotation_init (MgAnnotation *self)
{
  self->note = g_strdup ("");
  self->tags = g_new0 (char *, 1);
  self->exact = g_strdup ("");
  self->prefix = g_strdup ("");
  self->suffix = g_strdup ("");
  self->color = MG_COLOR_YELLOW;
  self->state = MG_ANNOTATION_STATE_ANCHORED;
}

/* Called by every user edit once it has changed something, while property
 * notifications are frozen: listeners to ::changed see the new values and
 * the deferred notifications that follow cannot trigger a second refresh. */
static void
mg_annotation_edited (MgAnnotation *self)
{
  g_autoptr (GDateTime) now = mg_annotation_now ();

  mg_annotation_set_modified (self, now);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_string (MgAnnotation *self,
            char        **field,
            const char   *value,
            guint         prop_id,
            gboolean     *changed)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  *changed = TRUE;
}

static void
set_uint (MgAnnotation *self,
          guint        *field,
          guint         value,
          guint         prop_id,
          gboolean     *changed)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  *changed = TRUE;
}

/* Cuts the quote and its context out of @document. */
static void
extract_target (MgDocument *document,
                guint       start,
                guint       end,
                char      **exact,
                char      **prefix,
                char      **suffix)
{
  const gunichar *chars;
  gsize           n_chars;
  guint           before;
  guint           after;

  chars = mg_document_get_chars (document, &n_chars);
  g_assert (start <= end && end <= n_chars);

  before = start >= MG_ANNOTATION_CONTEXT_LENGTH ? start - MG_ANNOTATION_CONTEXT_LENGTH : 0;
  after = MIN ((gsize) end + MG_ANNOTATION_CONTEXT_LENGTH, n_chars);

  *exact = g_ucs4_to_utf8 (chars + start, end - start, NULL, NULL, NULL);
  *prefix = g_ucs4_to_utf8 (chars + before, start - before, NULL, NULL, NULL);
  *suffix = g_ucs4_to_utf8 (chars + end, after - end, NULL, NULL, NULL);

  /* The document holds valid text, so these never fail; stay safe if so. */
  if (*exact == NULL)
    *exact = g_strdup ("");
  if (*prefix == NULL)
    *prefix = g_strdup ("");
  if (*suffix == NULL)
    *suffix = g_strdup ("");
}

/**
 * mg_annotation_new:
 * @exact: the quoted text
 * @prefix: (nullable): up to %MG_ANNOTATION_CONTEXT_LENGTH code points before it
 * @suffix: (nullable): up to %MG_ANNOTATION_CONTEXT_LENGTH code points after it
 * @start: where the quote starts, in code points
 * @end: where the quote ends (exclusive), in code points
 * @color: the highlight colour
 *
 * Creates a new annotation, with a new id, for a target given as W3C
 * selectors. Like mg_annotation_new_for_range(), it starts anchored at
 * [@start, @end); an anchoring pass may correct that.
 *
 * Returns: (transfer full): a new #MgAnnotation
 */
MgAnnotation *
mg_annotation_new (const char *exact,
                   const char *prefix,
                   const char *suffix,
                   guint       start,
                   guint       end,
                   MgColor     color)
{
  MgAnnotation *self;

  g_return_val_if_fail (exact != NULL, NULL);
  g_return_val_if_fail (start <= end, NULL);
  g_return_val_if_fail ((guint) color < MG_N_COLORS, NULL);

  self = g_object_new (MG_TYPE_ANNOTATION, NULL);

  g_free (self->exact);
  self->exact = g_strdup (exact);
  g_free (self->prefix);
  self->prefix = g_strdup (prefix ? prefix : "");
  g_free (self->suffix);
  self->suffix = g_strdup (suffix ? suffix : "");
  self->start = self->range_start = start;
  self->end = self->range_end = end;
  self->color = color;
  self->state = MG_ANNOTATION_STATE_ANCHORED;

  return self;
}

/**
 * mg_annotation_new_for_range:
 * @document: the #MgDocument the user selected in
 * @start: the selection's start, in code points
 * @end: the selection's end (exclusive), in code points
 * @color: the highlight colour
 *
 * Creates a new annotation for a selection: the quote is the text of
 * [@start, @end), with up to %MG_ANNOTATION_CONTEXT_LENGTH code points of
 * context on each side. It is anchored where it was made.
 *
 * Returns: (transfer full): a new #MgAnnotation
 */
MgAnnotation *
mg_annotation_new_for_range (MgDocument *document,
                             guint       start,
                             guint       end,
                             MgColor     color)
{
  g_autofree char *exact = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (start <= end, NULL);
  g_return_val_if_fail (end <= mg_document_get_length (document), NULL);
  g_return_val_if_fail ((guint) color < MG_N_COLORS, NULL);

  extract_target (document, start, end, &exact, &prefix, &suffix);

  return mg_annotation_new (exact, prefix, suffix, start, end, color);
}

/**
 * mg_annotation_copy:
 * @self: a #MgAnnotation
 *
 * A deep copy, with the same id, dates and anchoring: what undo keeps.
 *
 * Returns: (transfer full): the copy
 */
MgAnnotation *
mg_annotation_copy (MgAnnotation *self)
{
  MgAnnotation *copy;

  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  copy = g_object_new (MG_TYPE_ANNOTATION,
                       "id", self->id,
                       "created", self->created,
                       NULL);

  g_date_time_unref (copy->modified);
  copy->modified = g_date_time_ref (self->modified);
  copy->color = self->color;
  g_free (copy->note);
  copy->note = g_strdup (self->note);
  g_strfreev (copy->tags);
  copy->tags = g_strdupv (self->tags);
  g_free (copy->exact);
  copy->exact = g_strdup (self->exact);
  g_free (copy->prefix);
  copy->prefix = g_strdup (self->prefix);
  g_free (copy->suffix);
  copy->suffix = g_strdup (self->suffix);
  copy->start = self->start;
  copy->end = self->end;
  copy->previous_exact = g_strdup (self->previous_exact);
  copy->state = self->state;
  copy->range_start = self->range_start;
  copy->range_end = self->range_end;

  return copy;
}

/**
 * mg_annotation_get_id:
 * @self: a #MgAnnotation
 *
 * Returns: the id, e.g. "urn:uuid:…"
 */
const char *
mg_annotation_get_id (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->id;
}

/**
 * mg_annotation_get_created:
 * @self: a #MgAnnotation
 *
 * Returns: (transfer none): when the annotation was made, in UTC
 */
GDateTime *
mg_annotation_get_created (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->created;
}

/**
 * mg_annotation_get_modified:
 * @self: a #MgAnnotation
 *
 * Returns: (transfer none): when the user last edited the annotation, in UTC
 */
GDateTime *
mg_annotation_get_modified (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->modified;
}

/**
 * mg_annotation_set_modified:
 * @self: a #MgAnnotation
 * @modified: the new modification time
 *
 * Sets the modification time, truncated to milliseconds, without emitting
 * #MgAnnotation::changed: for the store's merge and for tests.
 */
void
mg_annotation_set_modified (MgAnnotation *self,
                            GDateTime    *modified)
{
  g_autoptr (GDateTime) truncated = NULL;

  g_return_if_fail (MG_IS_ANNOTATION (self));
  g_return_if_fail (modified != NULL);

  truncated = mg_annotation_truncate_time (modified);
  if (self->modified != NULL && g_date_time_equal (self->modified, truncated))
    return;

  g_clear_pointer (&self->modified, g_date_time_unref);
  self->modified = g_steal_pointer (&truncated);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/**
 * mg_annotation_get_color:
 * @self: a #MgAnnotation
 *
 * Returns: the highlight colour
 */
MgColor
mg_annotation_get_color (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), MG_COLOR_YELLOW);

  return self->color;
}

/**
 * mg_annotation_set_color:
 * @self: a #MgAnnotation
 * @color: the new colour
 *
 * A user edit: when @color differs, bumps the modification time and emits
 * #MgAnnotation::changed.
 */
void
mg_annotation_set_color (MgAnnotation *self,
                         MgColor       color)
{
  g_return_if_fail (MG_IS_ANNOTATION (self));
  g_return_if_fail ((guint) color < MG_N_COLORS);

  if (self->color == color)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->color = color;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
  mg_annotation_edited (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mg_annotation_get_note:
 * @self: a #MgAnnotation
 *
 * Returns: the note (it may hold Markdown), "" when there is none
 */
const char *
mg_annotation_get_note (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->note;
}

/**
 * mg_annotation_set_note:
 * @self: a #MgAnnotation
 * @note: (nullable): the new note; %NULL is the same as ""
 *
 * A user edit: when @note differs, bumps the modification time and emits
 * #MgAnnotation::changed.
 */
void
mg_annotation_set_note (MgAnnotation *self,
                        const char   *note)
{
  gboolean changed = FALSE;

  g_return_if_fail (MG_IS_ANNOTATION (self));

  if (note == NULL)
    note = "";

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->note, note, PROP_NOTE, &changed);
  if (changed)
    mg_annotation_edited (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mg_annotation_get_tags:
 * @self: a #MgAnnotation
 *
 * Returns: (transfer none): the tags, in the user's order; never %NULL
 */
const char *const *
mg_annotation_get_tags (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return (const char *const *) self->tags;
}

/**
 * mg_annotation_set_tags:
 * @self: a #MgAnnotation
 * @tags: (nullable) (array zero-terminated=1): the new tags
 *
 * Sets the tags, trimmed of white space, without empty ones and without
 * duplicates (the first one is kept). A user edit: when the result
 * differs, bumps the modification time and emits #MgAnnotation::changed.
 */
void
mg_annotation_set_tags (MgAnnotation      *self,
                        const char *const *tags)
{
  g_auto (GStrv) normalized = NULL;

  g_return_if_fail (MG_IS_ANNOTATION (self));

  normalized = mg_annotation_normalize_tags (tags);
  if (strv_equal ((const char *const *) normalized, (const char *const *) self->tags))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_strfreev (self->tags);
  self->tags = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
  mg_annotation_edited (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mg_annotation_has_tag:
 * @self: a #MgAnnotation
 * @tag: a tag
 *
 * Returns: %TRUE if @self has exactly the tag @tag
 */
gboolean
mg_annotation_has_tag (MgAnnotation *self,
                       const char   *tag)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), FALSE);
  g_return_val_if_fail (tag != NULL, FALSE);

  return g_strv_contains ((const char *const *) self->tags, tag);
}

/**
 * mg_annotation_get_exact:
 * @self: a #MgAnnotation
 *
 * Returns: the stored quote (the quote selector’s exact)
 */
const char *
mg_annotation_get_exact (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->exact;
}

/**
 * mg_annotation_get_prefix:
 * @self: a #MgAnnotation
 *
 * Returns: the stored text before the quote, possibly ""
 */
const char *
mg_annotation_get_prefix (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->prefix;
}

/**
 * mg_annotation_get_suffix:
 * @self: a #MgAnnotation
 *
 * Returns: the stored text after the quote, possibly ""
 */
const char *
mg_annotation_get_suffix (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->suffix;
}

/**
 * mg_annotation_get_start:
 * @self: a #MgAnnotation
 *
 * Returns: the stored start (the position selector’s start), in code points
 */
guint
mg_annotation_get_start (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), 0);

  return self->start;
}

/**
 * mg_annotation_get_end:
 * @self: a #MgAnnotation
 *
 * Returns: the stored end (the position selector’s end, exclusive), in code points
 */
guint
mg_annotation_get_end (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), 0);

  return self->end;
}

/* Sets the anchoring, notifying what changed. Returns whether it did. */
static gboolean
apply_anchor (MgAnnotation     *self,
              MgAnnotationState state,
              guint             start,
              guint             end)
{
  gboolean changed = FALSE;

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      changed = TRUE;
    }

  set_uint (self, &self->range_start, start, PROP_RANGE_START, &changed);
  set_uint (self, &self->range_end, end, PROP_RANGE_END, &changed);

  return changed;
}

/* Takes the stored target from [@start, @end) of @document, anchored there
 * with @state. Returns whether the stored target changed. */
static gboolean
take_target (MgAnnotation     *self,
             MgDocument       *document,
             guint             start,
             guint             end,
             MgAnnotationState state)
{
  g_autofree char *exact = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;
  gboolean         changed = FALSE;

  extract_target (document, start, end, &exact, &prefix, &suffix);

  set_string (self, &self->exact, exact, PROP_EXACT, &changed);
  set_string (self, &self->prefix, prefix, PROP_PREFIX, &changed);
  set_string (self, &self->suffix, suffix, PROP_SUFFIX, &changed);
  set_uint (self, &self->start, start, PROP_START, &changed);
  set_uint (self, &self->end, end, PROP_END, &changed);
  apply_anchor (self, state, start, end);

  return changed;
}

/**
 * mg_annotation_set_target:
 * @self: a #MgAnnotation
 * @document: the open #MgDocument
 * @start: the new start, in code points
 * @end: the new end (exclusive), in code points
 *
 * Re-attaches the annotation to [@start, @end) of @document, e.g. an
 * orphan to the user's selection: the stored quote, context and position
 * are taken from there, and the annotation is anchored there. A user edit:
 * when the stored target changes, bumps the modification time and emits
 * #MgAnnotation::changed. The user chose these words: no previous quote
 * is kept.
 */
void
mg_annotation_set_target (MgAnnotation *self,
                          MgDocument   *document,
                          guint         start,
                          guint         end)
{
  g_return_if_fail (MG_IS_ANNOTATION (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));
  g_return_if_fail (start <= end);
  g_return_if_fail (end <= mg_document_get_length (document));

  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->previous_exact, g_free);
  if (take_target (self, document, start, end, MG_ANNOTATION_STATE_ANCHORED))
    mg_annotation_edited (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mg_annotation_follow_text:
 * @self: a #MgAnnotation
 * @document: the open #MgDocument
 * @start: where anchoring found the annotation, in code points
 * @end: where it ends (exclusive), in code points
 *
 * Records that anchoring found the annotation at [@start, @end) of
 * @document, not where its position selector says or with other words
 * (%MG_ANNOTATION_STATE_MOVED). The stored target follows the text: quote,
 * context and position are taken from there (the next save writes them).
 * When the words changed, the quote as the user highlighted it stays
 * available as mg_annotation_get_previous_exact() (the first one, over
 * several changes; none once the words are those again). Not a user edit:
 * neither bumps the modification time nor emits #MgAnnotation::changed.
 */
void
mg_annotation_follow_text (MgAnnotation *self,
                           MgDocument   *document,
                           guint         start,
                           guint         end)
{
  g_autofree char *previous = NULL;

  g_return_if_fail (MG_IS_ANNOTATION (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));
  g_return_if_fail (start <= end && end <= mg_document_get_length (document));

  previous = g_strdup (self->previous_exact != NULL ? self->previous_exact : self->exact);

  g_object_freeze_notify (G_OBJECT (self));
  take_target (self, document, start, end, MG_ANNOTATION_STATE_MOVED);
  g_free (self->previous_exact);
  self->previous_exact = g_strcmp0 (previous, self->exact) != 0 ? g_steal_pointer (&previous) : NULL;
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mg_annotation_get_previous_exact:
 * @self: a #MgAnnotation
 *
 * Returns: (nullable): the quote as the user highlighted it, when the
 *   words of the passage changed since (see mg_annotation_follow_text())
 */
const char *
mg_annotation_get_previous_exact (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), NULL);

  return self->previous_exact;
}

/**
 * mg_annotation_get_state:
 * @self: a #MgAnnotation
 *
 * Returns: whether and how the annotation was found in the open document
 */
MgAnnotationState
mg_annotation_get_state (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), MG_ANNOTATION_STATE_ORPHANED);

  return self->state;
}

/**
 * mg_annotation_get_range_start:
 * @self: a #MgAnnotation
 *
 * Returns: where the annotation starts in the open document, in code
 *   points; meaningless for an orphan
 */
guint
mg_annotation_get_range_start (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), 0);

  return self->range_start;
}

/**
 * mg_annotation_get_range_end:
 * @self: a #MgAnnotation
 *
 * Returns: where the annotation ends (exclusive) in the open document, in
 *   code points; meaningless for an orphan
 */
guint
mg_annotation_get_range_end (MgAnnotation *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION (self), 0);

  return self->range_end;
}

/**
 * mg_annotation_set_anchor:
 * @self: a #MgAnnotation
 * @state: the anchoring state
 * @start: where it was found, in code points
 * @end: where it ends (exclusive), in code points
 *
 * Records where anchoring found the annotation. This is not a user edit:
 * it notifies the properties that changed, but neither bumps the
 * modification time nor emits #MgAnnotation::changed.
 */
void
mg_annotation_set_anchor (MgAnnotation     *self,
                          MgAnnotationState state,
                          guint             start,
                          guint             end)
{
  g_return_if_fail (MG_IS_ANNOTATION (self));
  g_return_if_fail (state <= MG_ANNOTATION_STATE_ORPHANED);
  g_return_if_fail (start <= end);

  g_object_freeze_notify (G_OBJECT (self));
  apply_anchor (self, state, start, end);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The private constructor of mg-annotation-private.h, for the readers
 * of the JSON shape and of the cache: no property is set one by one, and
 * no id is made only to be replaced. The values were checked by the
 * caller; @tags are normalised already. */
MgAnnotation *
mg_annotation_new_full (const char        *id,
                        GDateTime         *created,
                        GDateTime         *modified,
                        MgColor            color,
                        const char        *note,
                        const char *const *tags,
                        const char        *exact,
                        const char        *prefix,
                        const char        *suffix,
                        guint              start,
                        guint              end,
                        const char        *previous_exact)
{
  MgAnnotation *self;

  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);
  g_return_val_if_fail (created != NULL && modified != NULL, NULL);
  g_return_val_if_fail (color < MG_N_COLORS, NULL);
  g_return_val_if_fail (start <= end, NULL);

  self = g_object_new (MG_TYPE_ANNOTATION,
                       "id", id,
                       "created", created,
                       NULL);

  g_date_time_unref (self->modified);
  self->modified = g_date_time_ref (modified);
  self->color = color;
  g_free (self->note);
  self->note = g_strdup (note ? note : "");
  g_strfreev (self->tags);
  self->tags = g_strdupv ((char **) (tags ? tags : empty_strv));
  g_free (self->exact);
  self->exact = g_strdup (exact ? exact : "");
  g_free (self->prefix);
  self->prefix = g_strdup (prefix ? prefix : "");
  g_free (self->suffix);
  self->suffix = g_strdup (suffix ? suffix : "");
  self->start = self->range_start = start;
  self->end = self->range_end = end;
  self->previous_exact = g_strdup (previous_exact);
  self->state = MG_ANNOTATION_STATE_ORPHANED;

  return self;
}
