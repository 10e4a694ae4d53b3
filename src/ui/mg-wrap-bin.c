/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-wrap-bin"

#include "config.h"

#include "mg-wrap-bin.h"

/**
 * MgWrapBin:
 *
 * Holds one wrapping #GtkLabel and tells its width without laying out its
 * text: at least the label's #GtkLabel:width-chars, at most its
 * #GtkLabel:max-width-chars or as many characters as it has, in the
 * label's font, as GtkLabel counts them. Its height for a width is the
 * label's own.
 *
 * A wrapping GtkLabel lays its text out again for each size it is asked
 * about: its minimum width, its natural width, then its height for the
 * width it gets, and Pango shapes the whole text each time. GTK 4.8's list
 * view makes and measures 200 rows at once: in the sidebar, the first two
 * layouts were a third of the frame that shows 10,000 annotations. In the
 * bin, only the last one is left.
 */

struct _MgWrapBin
{
  GtkWidget parent_instance;

  GtkLabel *label;
};

G_DEFINE_FINAL_TYPE (MgWrapBin, mg_wrap_bin, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the label's CSS and margins add to its text, across. */
static int
get_extra_width (GtkWidget *label)
{
  GtkStyleContext *context = gtk_widget_get_style_context (label);
  GtkBorder        margin, border, padding;

  gtk_style_context_get_margin (context, &margin);
  gtk_style_context_get_border (context, &border);
  gtk_style_context_get_padding (context, &padding);

  return margin.left + margin.right + border.left + border.right + padding.left + padding.right + gtk_widget_get_margin_start (label) + gtk_widget_get_margin_end (label);
}

static void
get_widths (MgWrapBin *self,
            int       *minimum,
            int       *natural)
{
  GtkLabel         *label = self->label;
  PangoFontMetrics *metrics;
  int               char_width;
  int               min_chars = MAX (gtk_label_get_width_chars (label), 0);
  int               max_chars = gtk_label_get_max_width_chars (label);
  int               n_chars = (int) MIN (g_utf8_strlen (gtk_label_get_text (label), -1), G_MAXINT);
  int               extra = get_extra_width (GTK_WIDGET (label));

  /* The width GtkLabel gives a character. */
  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (label)), NULL, NULL);
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                    pango_font_metrics_get_approximate_digit_width (metrics));
  pango_font_metrics_unref (metrics);

  if (max_chars >= 0)
    n_chars = MIN (n_chars, MAX (max_chars, min_chars));

  *minimum = PANGO_PIXELS_CEIL (char_width * min_chars) + extra;
  *natural = MAX (*minimum, PANGO_PIXELS_CEIL (char_width * n_chars) + extra);
}

static GtkSizeRequestMode
mg_wrap_bin_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
mg_wrap_bin_measure (GtkWidget     *widget,
                     GtkOrientation orientation,
                     int            for_size,
                     int           *minimum,
                     int           *natural,
                     int           *minimum_baseline,
                     int           *natural_baseline)
{
  MgWrapBin *self = MG_WRAP_BIN (widget);

  if (self->label == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->label)))
    {
      *minimum = *natural = 0;
      return;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    get_widths (self, minimum, natural);
  else
    gtk_widget_measure (GTK_WIDGET (self->label), orientation, for_size,
                        minimum, natural, minimum_baseline, natural_baseline);
}

static void
mg_wrap_bin_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  MgWrapBin *self = MG_WRAP_BIN (widget);

  if (self->label != NULL && gtk_widget_get_visible (GTK_WIDGET (self->label)))
    gtk_widget_allocate (GTK_WIDGET (self->label), width, height, baseline, NULL);
}

static void
mg_wrap_bin_dispose (GObject *object)
{
  MgWrapBin *self = MG_WRAP_BIN (object);

  if (self->label != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->label));
      self->label = NULL;
    }

  G_OBJECT_CLASS (mg_wrap_bin_parent_class)->dispose (object);
}

static void
mg_wrap_bin_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MgWrapBin *self = MG_WRAP_BIN (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_object (value, self->label);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_wrap_bin_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MgWrapBin *self = MG_WRAP_BIN (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      mg_wrap_bin_set_label (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_wrap_bin_class_init (MgWrapBinClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_wrap_bin_dispose;
  object_class->get_property = mg_wrap_bin_get_property;
  object_class->set_property = mg_wrap_bin_set_property;

  widget_class->get_request_mode = mg_wrap_bin_get_request_mode;
  widget_class->measure = mg_wrap_bin_measure;
  widget_class->size_allocate = mg_wrap_bin_size_allocate;

  properties[PROP_LABEL] = g_param_spec_object ("label", NULL, NULL,
                                                GTK_TYPE_LABEL,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
mg_wrap_bin_init (MgWrapBin *self)
{
}

GtkWidget *
mg_wrap_bin_new (GtkLabel *label)
{
  g_return_val_if_fail (label == NULL || GTK_IS_LABEL (label), NULL);

  return g_object_new (MG_TYPE_WRAP_BIN, "label", label, NULL);
}

GtkLabel *
mg_wrap_bin_get_label (MgWrapBin *self)
{
  g_return_val_if_fail (MG_IS_WRAP_BIN (self), NULL);

  return self->label;
}

void
mg_wrap_bin_set_label (MgWrapBin *self,
                       GtkLabel  *label)
{
  g_return_if_fail (MG_IS_WRAP_BIN (self));
  g_return_if_fail (label == NULL || GTK_IS_LABEL (label));
  g_return_if_fail (label == NULL || gtk_widget_get_parent (GTK_WIDGET (label)) == NULL);

  if (self->label == label)
    return;

  if (self->label != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->label));

  self->label = label;

  if (label != NULL)
    gtk_widget_set_parent (GTK_WIDGET (label), GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}
