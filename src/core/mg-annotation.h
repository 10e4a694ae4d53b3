/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-types.h"

G_BEGIN_DECLS

/* The fixed palette. The string forms ("yellow", ...) are what the JSON
 * file and the exports hold. */
typedef enum
{
  MG_COLOR_YELLOW,
  MG_COLOR_GREEN,
  MG_COLOR_BLUE,
  MG_COLOR_PINK,
  MG_COLOR_PURPLE,
  MG_COLOR_ORANGE,
  MG_N_COLORS
} MgColor;

/* Computed when a document is opened, never stored. */
typedef enum
{
  MG_ANNOTATION_STATE_ANCHORED, /* found where the position selector says */
  MG_ANNOTATION_STATE_MOVED,    /* found elsewhere, or with changed text */
  MG_ANNOTATION_STATE_ORPHANED, /* not found: kept and listed apart */
} MgAnnotationState;

/* Code points of context kept before and after the quote. */
#define MG_ANNOTATION_CONTEXT_LENGTH 32

#define MG_TYPE_COLOR (mg_color_get_type ())
GType mg_color_get_type (void) G_GNUC_CONST;

#define MG_TYPE_ANNOTATION_STATE (mg_annotation_state_get_type ())
GType mg_annotation_state_get_type (void) G_GNUC_CONST;

#define MG_TYPE_ANNOTATION (mg_annotation_get_type ())
G_DECLARE_FINAL_TYPE (MgAnnotation, mg_annotation, MG, ANNOTATION, GObject)

const char *mg_color_to_string (MgColor color);
const char *mg_color_get_label (MgColor color);
gboolean    mg_color_from_string (const char *str,
                                  MgColor    *color);

MgAnnotation *mg_annotation_new (const char *exact,
                                 const char *prefix,
                                 const char *suffix,
                                 guint       start,
                                 guint       end,
                                 MgColor     color);
MgAnnotation *mg_annotation_new_for_range (MgDocument *document,
                                           guint       start,
                                           guint       end,
                                           MgColor     color);
/* The JSON shape: defined in mg-annotation-json.c, its one home. */
MgAnnotation *mg_annotation_new_from_json (JsonNode *node,
                                           GError  **error);
JsonNode     *mg_annotation_to_json (MgAnnotation *self);
MgAnnotation *mg_annotation_copy (MgAnnotation *self);

const char        *mg_annotation_get_id (MgAnnotation *self);
GDateTime         *mg_annotation_get_created (MgAnnotation *self);
GDateTime         *mg_annotation_get_modified (MgAnnotation *self);
MgColor            mg_annotation_get_color (MgAnnotation *self);
void               mg_annotation_set_color (MgAnnotation *self,
                                            MgColor       color);
const char        *mg_annotation_get_note (MgAnnotation *self);
void               mg_annotation_set_note (MgAnnotation *self,
                                           const char   *note);
const char *const *mg_annotation_get_tags (MgAnnotation *self);
void               mg_annotation_set_tags (MgAnnotation      *self,
                                           const char *const *tags);
gboolean           mg_annotation_has_tag (MgAnnotation *self,
                                          const char   *tag);

/* The stored target: the W3C quote and position selectors. */
const char *mg_annotation_get_exact (MgAnnotation *self);
const char *mg_annotation_get_prefix (MgAnnotation *self);
const char *mg_annotation_get_suffix (MgAnnotation *self);
guint       mg_annotation_get_start (MgAnnotation *self);
guint       mg_annotation_get_end (MgAnnotation *self);
void        mg_annotation_set_target (MgAnnotation *self,
                                      MgDocument   *document,
                                      guint         start,
                                      guint         end);
void        mg_annotation_follow_text (MgAnnotation *self,
                                       MgDocument   *document,
                                       guint         start,
                                       guint         end);
const char *mg_annotation_get_previous_exact (MgAnnotation *self);

/* The computed anchoring: where the annotation is in the open document. */
MgAnnotationState mg_annotation_get_state (MgAnnotation *self);
guint             mg_annotation_get_range_start (MgAnnotation *self);
guint             mg_annotation_get_range_end (MgAnnotation *self);
void              mg_annotation_set_anchor (MgAnnotation     *self,
                                            MgAnnotationState state,
                                            guint             start,
                                            guint             end);

/* Low level, for the store's merge and for tests. */
void mg_annotation_set_modified (MgAnnotation *self,
                                 GDateTime    *modified);

/* Times as the JSON file holds them (mg-annotation-json.c). */
char      *mg_format_timestamp (GDateTime *datetime);
GDateTime *mg_parse_timestamp (const char *str);

G_END_DECLS
