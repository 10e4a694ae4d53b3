/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-contents-row"

#include "config.h"

#include "mg-contents-row.h"

/**
 * MgContentsRow:
 *
 * One heading in the window's Contents popover: its text, indented by its
 * level, and the offset in the text where it starts, which activating the
 * row goes to.
 */

struct _MgContentsRow
{
  GtkListBoxRow parent_instance;

  guint offset;
};

G_DEFINE_FINAL_TYPE (MgContentsRow, mg_contents_row, GTK_TYPE_LIST_BOX_ROW)

static void
mg_contents_row_class_init (MgContentsRowClass *klass)
{
}

static void
mg_contents_row_init (MgContentsRow *self)
{
}

/**
 * mg_contents_row_new:
 * @heading: a heading of the document
 *
 * Returns: (transfer floating): a row for @heading
 */
GtkWidget *
mg_contents_row_new (const MgHeading *heading)
{
  MgContentsRow *self;
  GtkWidget     *label;

  g_return_val_if_fail (heading != NULL, NULL);

  self = g_object_new (MG_TYPE_CONTENTS_ROW, NULL);
  self->offset = heading->start;

  label = gtk_label_new (heading->text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_set_margin_start (label, 6 + 16 * (int) (MAX (heading->level, 1) - 1));
  if (heading->level <= 1)
    gtk_widget_add_css_class (label, "heading");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), label);

  return GTK_WIDGET (self);
}

/**
 * mg_contents_row_get_offset:
 * @self: a #MgContentsRow
 *
 * Returns: where the heading starts in the text, in code points
 */
guint
mg_contents_row_get_offset (MgContentsRow *self)
{
  g_return_val_if_fail (MG_IS_CONTENTS_ROW (self), 0);

  return self->offset;
}
