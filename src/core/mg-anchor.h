/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mg-annotation.h"
#include "mg-types.h"

G_BEGIN_DECLS

/**
 * MgAnchorResult:
 * @state: %MG_ANNOTATION_STATE_ANCHORED, %MG_ANNOTATION_STATE_MOVED or
 *   %MG_ANNOTATION_STATE_ORPHANED
 * @start: first code point of the range in the current text
 * @end: code point after the range; @start and @end are 0 when orphaned
 * @score: how well the range matches the stored target, from 0 to 1
 *
 * Where a stored target was found in the current text.
 */
typedef struct
{
  MgAnnotationState state;
  guint             start;
  guint             end;
  double            score;
} MgAnchorResult;

void mg_anchor_find (const gunichar *text,
                     gsize           n_text,
                     const char     *exact,
                     const char     *prefix,
                     const char     *suffix,
                     guint           hint_start,
                     guint           hint_end,
                     MgAnchorResult *result);
void mg_anchor_annotation (MgAnnotation *annotation,
                           MgDocument   *document);

G_END_DECLS
