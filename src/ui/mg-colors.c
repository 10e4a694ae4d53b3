/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-colors"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-colors.h"

/* The highlight palette, from the GNOME palette. Highlights are soft
 * backgrounds under text that stays in the normal foreground colour: in
 * the light style a pale tint, in the dark style a translucent mid tone,
 * so that the text keeps its contrast in both. The strong shades mark
 * notes (underlines) and the colour swatches. */
typedef struct
{
  const char *light;
  const char *dark;
  const char *strong_light;
  const char *strong_dark;
} Palette;

static const Palette palette[MG_N_COLORS] = {
  [MG_COLOR_YELLOW] = { "rgba(248,228,92,0.55)", "rgba(246,211,45,0.30)", "#e5a50a", "#f8e45c" },
  [MG_COLOR_GREEN] = { "rgba(143,240,164,0.55)", "rgba(51,209,122,0.28)", "#26a269", "#8ff0a4" },
  [MG_COLOR_BLUE] = { "rgba(153,193,241,0.60)", "rgba(53,132,228,0.38)", "#1c71d8", "#99c1f1" },
  [MG_COLOR_PINK] = { "rgba(255,170,200,0.60)", "rgba(240,90,150,0.32)", "#c01c5c", "#ffa8c8" },
  [MG_COLOR_PURPLE] = { "rgba(220,170,235,0.60)", "rgba(192,97,203,0.36)", "#813d9c", "#dc8add" },
  [MG_COLOR_ORANGE] = { "rgba(255,190,111,0.60)", "rgba(255,120,0,0.30)", "#c64600", "#ffbe6f" },
};

/**
 * mg_color_get_highlight_label:
 * @color: a #MgColor
 *
 * Returns: what a button that highlights in @color says, one whole
 *   sentence per colour for the translators ("Highlight in Yellow")
 */
const char *
mg_color_get_highlight_label (MgColor color)
{
  switch (color)
    {
    case MG_COLOR_YELLOW:
      return _ ("Highlight in Yellow");
    case MG_COLOR_GREEN:
      return _ ("Highlight in Green");
    case MG_COLOR_BLUE:
      return _ ("Highlight in Blue");
    case MG_COLOR_PINK:
      return _ ("Highlight in Pink");
    case MG_COLOR_PURPLE:
      return _ ("Highlight in Purple");
    case MG_COLOR_ORANGE:
      return _ ("Highlight in Orange");
    case MG_N_COLORS:
    default:
      g_return_val_if_reached (NULL);
    }
}

void
mg_color_get_highlight (MgColor  color,
                        gboolean dark,
                        GdkRGBA *rgba)
{
  g_return_if_fail (color < MG_N_COLORS);

  gdk_rgba_parse (rgba, dark ? palette[color].dark : palette[color].light);
}

void
mg_color_get_strong (MgColor  color,
                     gboolean dark,
                     GdkRGBA *rgba)
{
  g_return_if_fail (color < MG_N_COLORS);

  gdk_rgba_parse (rgba, dark ? palette[color].strong_dark : palette[color].strong_light);
}
