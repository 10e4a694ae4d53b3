/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-types.h"

G_BEGIN_DECLS

#define MG_IMPORT_ERROR (mg_import_error_quark ())

typedef enum
{
  MG_IMPORT_ERROR_INVALID,   /* not JSON, or not annotations, or a damaged one */
  MG_IMPORT_ERROR_TOO_LARGE, /* over MG_IMPORT_MAX_SIZE */
} MgImportError;

/* Files larger than this are refused with MG_IMPORT_ERROR_TOO_LARGE. */
#define MG_IMPORT_MAX_SIZE (256 * 1024 * 1024)

/**
 * MgImportResult:
 * @n_read: annotations in the file with a quote to anchor
 * @n_added: of those, annotations whose id was not in the list
 * @n_updated: annotations that replaced an older version (by `modified`)
 * @n_skipped: annotations left out because the list holds the same or a
 *   newer version, or because the file repeats the id
 * @n_ignored: entries that cannot be annotations of a text: page notes,
 *   replies, annotations of a whole resource (no quote selector)
 * @n_anchored: added or updated annotations found where they were made
 * @n_moved: added or updated annotations found elsewhere or changed
 * @n_orphaned: added or updated annotations not found in the text
 * @n_renumbered: of those added, annotations that repeated the id and
 *   the time of another one in the file with other contents: kept with
 *   an id of their own
 *
 * What an import did. @n_anchored + @n_moved + @n_orphaned is
 * @n_added + @n_updated, and @n_added + @n_updated + @n_skipped is @n_read.
 */
typedef struct
{
  guint n_read;
  guint n_added;
  guint n_updated;
  guint n_skipped;
  guint n_ignored;
  guint n_anchored;
  guint n_moved;
  guint n_orphaned;
  guint n_renumbered;
} MgImportResult;

GQuark mg_import_error_quark (void);

gboolean mg_import_w3c (MgDocument       *document,
                        MgAnnotationList *annotations,
                        GBytes           *data,
                        MgImportResult   *result,
                        GError          **error);

G_END_DECLS
