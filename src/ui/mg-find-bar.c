/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-find-bar"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-find-bar.h"
#include "mg-reader-view.h"
#include "mg-text-fold.h"
#include "mg-ui-resources.h"

/**
 * MgFindBar:
 *
 * A bar to find text in a GtkTextView, as Ctrl+F does in GNOME Text Editor.
 *
 * Matching works on code points. Without "Match Case", each character of
 * the text and of the search is replaced by its full case folding and then
 * by its canonical decomposition, so "STRASSE" finds "Straße", "CAFÉ"
 * finds "Café" whether the é is one code point or two, and "İ" finds the
 * "i̇" it folds to. A match must begin and end on whole characters of the
 * text: the folded form of each character keeps the offset of the
 * character it came from, so a match maps back to exact buffer offsets even
 * where folding changed the length ("ß" is one code point in the buffer and
 * two in the folded text), and "s" alone never matches half of a "ß".
 *
 * The search runs as the user types, so it must never hold the main loop:
 * the text is searched in chunks of CHUNK_SIZE code points, starting with
 * the chunk shown at the top of the view (the visible matches are marked
 * at once), then onwards to the end and around from the start, from an
 * idle handler with a time budget per step.
 *
 * At most MG_FIND_BAR_MAX_MATCHES matches are kept and marked: a search for
 * "e" in a book would otherwise create hundreds of thousands of tag
 * toggles, which make every later layout and repaint of the buffer slower,
 * and a count such as "3 of 412,337" tells the reader nothing that "More
 * than 10,000" does not. Once the cap is passed the search stops.
 */

#define CHUNK_SIZE 16384      /* code points searched per chunk */
#define IDLE_BUDGET_USEC 4000 /* searching time per idle step: keeps 60 fps */
#define PREFILL_MAX 80        /* longest selection copied into the entry */

typedef struct
{
  guint start;
  guint end;
} Match;

struct _MgFindBar
{
  GtkWidget parent_instance;

  GtkSearchBar   *search_bar;
  GtkSearchEntry *entry;
  GtkLabel       *count_label;
  GtkCheckButton *case_button;

  GtkTextView   *view;
  GtkTextBuffer *buffer;
  GtkTextTag    *match_tag;
  GtkTextTag    *current_tag;

  /* The search as it stands: the folded needle and what was found. */
  gunichar *needle;
  guint     needle_len;
  gboolean  match_case;
  GArray   *matches; /* of Match, sorted, never overlapping */
  int       current;
  guint     origin;
  gboolean  capped;

  /* Chunks are searched from first_chunk onwards, wrapping around. */
  guint n_chars;
  guint n_chunks;
  guint first_chunk;
  guint chunks_done;
  guint search_source;
  guint restart_source;

  /* Folded forms of non-ASCII characters, for each case mode. */
  GHashTable *fold_cache[2];
};

G_DEFINE_FINAL_TYPE (MgFindBar, mg_find_bar, GTK_TYPE_WIDGET)

static void start_search (MgFindBar *self,
                          gboolean   force);

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
update_tag_colors (MgFindBar *self)
{
  gboolean dark = is_dark ();
  GdkRGBA  rgba;

  if (self->match_tag == NULL)
    return;

  /* Every match is a grey tint, underlined: no hue, so that it is not
   * taken for a highlight (a translucent accent colour looked like the
   * blue one), lighter than the selection (the text in reverse), and the
   * same over white, dark or sepia paper. The current match is the solid
   * accent colour with light text. The find tags are above the
   * highlights, so both show over them. */
  gdk_rgba_parse (&rgba, dark ? "rgba(255,255,255,0.3)" : "rgba(0,0,0,0.28)");
  g_object_set (self->match_tag, "background-rgba", &rgba, NULL);
  gdk_rgba_parse (&rgba, dark ? "rgba(255,255,255,0.8)" : "rgba(0,0,0,0.75)");
  g_object_set (self->match_tag, "underline", PANGO_UNDERLINE_SINGLE, "underline-rgba", &rgba, NULL);

  gdk_rgba_parse (&rgba, dark ? "#78aeed" : "#1c71d8");
  g_object_set (self->current_tag, "background-rgba", &rgba, NULL);
  gdk_rgba_parse (&rgba, dark ? "#000000" : "#ffffff");
  g_object_set (self->current_tag, "foreground-rgba", &rgba, NULL);
}

/* Creates the tags in the buffer's table, or finds them, and puts them
 * above every other tag so that matches show over highlights. */
static void
ensure_tags (MgFindBar *self)
{
  GtkTextTagTable *table;
  int              top;

  g_assert (self->buffer != NULL);

  table = gtk_text_buffer_get_tag_table (self->buffer);
  self->match_tag = gtk_text_tag_table_lookup (table, "mg-find-match");
  if (self->match_tag == NULL)
    self->match_tag = gtk_text_buffer_create_tag (self->buffer, "mg-find-match", NULL);
  self->current_tag = gtk_text_tag_table_lookup (table, "mg-find-current");
  if (self->current_tag == NULL)
    self->current_tag = gtk_text_buffer_create_tag (self->buffer, "mg-find-current", NULL);

  top = gtk_text_tag_table_get_size (table) - 1;
  gtk_text_tag_set_priority (self->match_tag, top);
  gtk_text_tag_set_priority (self->current_tag, top);

  update_tag_colors (self);
}

static void
get_iters (MgFindBar   *self,
           guint        start,
           guint        end,
           GtkTextIter *start_iter,
           GtkTextIter *end_iter)
{
  gtk_text_buffer_get_iter_at_offset (self->buffer, start_iter, start);
  gtk_text_buffer_get_iter_at_offset (self->buffer, end_iter, end);
}

static void
free_folding (gpointer data)
{
  g_array_unref (data);
}

/* Appends the folded form of @c to @folded and, for each code point
 * appended, @owner to @owners. */
static void
fold_char (MgFindBar *self,
           gunichar   c,
           guint      owner,
           GArray    *folded,
           GArray    *owners)
{
  GArray *cached;

  /* ASCII, most of a text, without the cache. */
  if (c < 0x80)
    {
      gunichar f = self->match_case ? c : (gunichar) g_ascii_tolower ((char) c);

      g_array_append_val (folded, f);
      if (owners != NULL)
        g_array_append_val (owners, owner);
      return;
    }

  cached = g_hash_table_lookup (self->fold_cache[self->match_case], GUINT_TO_POINTER (c));
  if (cached == NULL)
    {
      gunichar out[MG_TEXT_FOLD_MAX_CHARS];
      gsize    n = mg_text_fold_char (c, self->match_case ? MG_TEXT_FOLD_NONE : MG_TEXT_FOLD_CASE, out);

      g_assert (n > 0);
      cached = g_array_sized_new (FALSE, FALSE, sizeof (gunichar), n);
      g_array_append_vals (cached, out, n);
      g_hash_table_insert (self->fold_cache[self->match_case], GUINT_TO_POINTER (c), cached);
    }

  g_array_append_vals (folded, cached->data, cached->len);
  if (owners != NULL)
    for (guint i = 0; i < cached->len; i++)
      g_array_append_val (owners, owner);
}

static void
set_needle (MgFindBar  *self,
            const char *text)
{
  g_autoptr (GArray) folded = g_array_new (FALSE, FALSE, sizeof (gunichar));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    fold_char (self, g_utf8_get_char (p), 0, folded, NULL);

  g_clear_pointer (&self->needle, g_free);
  self->needle_len = folded->len;
  self->needle = (gunichar *) (void *) g_array_free (g_steal_pointer (&folded), FALSE);
}

/* Searches the matches that start in @chunk and appends them to @found. */
static void
search_chunk (MgFindBar *self,
              guint      chunk,
              GArray    *found)
{
  g_autoptr (GArray) folded = NULL;
  g_autoptr (GArray) owners = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start_iter, end_iter;
  const gunichar  *f;
  const guint     *own;
  guint            start = chunk * CHUNK_SIZE;
  guint            end = MIN (start + CHUNK_SIZE, self->n_chars);
  guint            slice_end;
  guint            n;
  guint            m = self->needle_len;
  guint            i = 0;

  /* Every character folds to at least one code point, so a match that
   * starts in the chunk ends within needle_len characters. */
  slice_end = MIN (end + m, self->n_chars);
  get_iters (self, start, slice_end, &start_iter, &end_iter);
  /* A slice, not the text: it keeps one code point for each embedded
   * object, so offsets stay the buffer's. The reader's is the document's
   * text, without the breaks it shows in long paragraphs. */
  if (MG_IS_READER_VIEW (self->view))
    text = mg_reader_view_get_slice (MG_READER_VIEW (self->view), &start_iter, &end_iter);
  else
    text = gtk_text_buffer_get_slice (self->buffer, &start_iter, &end_iter, TRUE);

  folded = g_array_sized_new (FALSE, FALSE, sizeof (gunichar), slice_end - start + 16);
  owners = g_array_sized_new (FALSE, FALSE, sizeof (guint), slice_end - start + 16);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    fold_char (self, g_utf8_get_char (p), i++, folded, owners);

  f = (const gunichar *) (void *) folded->data;
  own = (const guint *) (void *) owners->data;
  n = folded->len;

  for (guint p = 0; p + m <= n; p++)
    {
      Match match;

      if (start + own[p] >= end)
        break;
      /* Matches begin and end on whole characters of the text. */
      if (p > 0 && own[p] == own[p - 1])
        continue;
      if (f[p] != self->needle[0] || memcmp (f + p, self->needle, m * sizeof (gunichar)) != 0)
        continue;
      if (p + m < n && own[p + m] == own[p + m - 1])
        continue;

      match.start = start + own[p];
      match.end = start + own[p + m - 1] + 1;
      g_array_append_val (found, match);
      p += m - 1;
    }
}

static void
update_label (MgFindBar *self)
{
  g_autofree char *text = NULL;
  guint            n = self->matches != NULL ? self->matches->len : 0;

  if (self->needle_len == 0)
    text = g_strdup ("");
  else if (n == 0 && self->search_source != 0)
    text = g_strdup ("");
  else if (n == 0)
    text = g_strdup (_ ("No results"));
  else if (self->capped && self->current >= 0)
    /* Translators: the current match, and a count of matches that reached the limit */
    text = g_strdup_printf (_ ("%'d of more than %'u"), self->current + 1, (guint) MG_FIND_BAR_MAX_MATCHES);
  else if (self->capped)
    text = g_strdup_printf (_ ("More than %'u"), (guint) MG_FIND_BAR_MAX_MATCHES);
  else if (self->current >= 0)
    /* Translators: the current match and the number of matches, e.g. "3 of 17" */
    text = g_strdup_printf (_ ("%'d of %'u"), self->current + 1, n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u match", "%'u matches", n), n);

  gtk_label_set_label (self->count_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);

  if (self->needle_len > 0 && n == 0 && self->search_source == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
}

static void
update_actions (MgFindBar *self)
{
  gboolean any = self->matches != NULL && self->matches->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "find.next", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "find.previous", any);
}

static void
set_current (MgFindBar *self,
             int        index,
             gboolean   reveal)
{
  GtkTextIter start, end;

  g_assert (index >= -1 && (index < 0 || (guint) index < self->matches->len));

  if (self->current >= 0)
    {
      const Match *old = &g_array_index (self->matches, Match, self->current);

      get_iters (self, old->start, old->end, &start, &end);
      gtk_text_buffer_remove_tag (self->buffer, self->current_tag, &start, &end);
    }

  self->current = index;

  if (index >= 0)
    {
      const Match *match = &g_array_index (self->matches, Match, index);

      get_iters (self, match->start, match->end, &start, &end);
      gtk_text_buffer_apply_tag (self->buffer, self->current_tag, &start, &end);

      if (reveal)
        {
          gtk_text_buffer_select_range (self->buffer, &start, &end);
          gtk_text_view_scroll_to_mark (self->view,
                                        gtk_text_buffer_get_insert (self->buffer),
                                        0.25, FALSE, 0.0, 0.0);
        }
    }

  update_label (self);
}

static void
clear_search (MgFindBar *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  g_clear_handle_id (&self->restart_source, g_source_remove);

  if (self->buffer != NULL && self->match_tag != NULL)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (self->buffer, &start, &end);
      gtk_text_buffer_remove_tag (self->buffer, self->match_tag, &start, &end);
      gtk_text_buffer_remove_tag (self->buffer, self->current_tag, &start, &end);
    }

  if (self->matches != NULL)
    g_array_set_size (self->matches, 0);
  self->current = -1;
  self->capped = FALSE;
  self->chunks_done = 0;
  self->n_chunks = 0;
}

/* The first match that starts at or after @offset: matches->len if none. */
static guint
lower_bound (GArray *matches,
             guint   offset)
{
  guint lo = 0;
  guint hi = matches->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (matches, Match, mid).start < offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Adds the matches of one chunk, which are sorted and all fall between
 * two neighbours of the sorted array, and marks them. */
static void
add_matches (MgFindBar *self,
             GArray    *found,
             gboolean   wrapped)
{
  guint first = 0;
  guint last;
  guint at;

  if (found->len == 0)
    return;

  at = lower_bound (self->matches, g_array_index (found, Match, 0).start);
  last = found->len;

  /* A match that runs over a chunk boundary may overlap one found in the
   * next chunk; keep the one already there. */
  if (at > 0 && g_array_index (self->matches, Match, at - 1).end > g_array_index (found, Match, 0).start)
    first++;
  if (at < self->matches->len && last > first && g_array_index (found, Match, last - 1).end > g_array_index (self->matches, Match, at).start)
    last--;

  if (self->matches->len + (last - first) > MG_FIND_BAR_MAX_MATCHES)
    {
      self->capped = TRUE;
      last = first + (MG_FIND_BAR_MAX_MATCHES - self->matches->len);
    }

  if (last <= first)
    return;

  g_array_insert_vals (self->matches, at, &g_array_index (found, Match, first), last - first);

  for (guint i = at; i < at + (last - first); i++)
    {
      const Match *match = &g_array_index (self->matches, Match, i);
      GtkTextIter  start, end;

      get_iters (self, match->start, match->end, &start, &end);
      gtk_text_buffer_apply_tag (self->buffer, self->match_tag, &start, &end);
    }

  if (self->current >= 0 && (guint) self->current >= at)
    self->current += last - first;

  /* The current match is the first one at or after the origin; until the
   * search wraps, each chunk is after the origin's. */
  if (self->current < 0)
    {
      guint index = lower_bound (self->matches, self->origin);

      if (wrapped)
        set_current (self, 0, TRUE);
      else if (index < at + (last - first))
        set_current (self, index, TRUE);
    }
}

static gboolean
search_step (MgFindBar *self)
{
  gint64 deadline = g_get_monotonic_time () + IDLE_BUDGET_USEC;

  g_assert (self->buffer != NULL);

  do
    {
      g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (Match));
      guint chunk = (self->first_chunk + self->chunks_done) % self->n_chunks;

      search_chunk (self, chunk, found);
      add_matches (self, found, chunk < self->first_chunk);
      self->chunks_done++;
    }
  while (self->chunks_done < self->n_chunks && !self->capped && g_get_monotonic_time () < deadline);

  if (self->chunks_done < self->n_chunks && !self->capped)
    return G_SOURCE_CONTINUE;

  /* Only matches before the origin, all in its chunk. */
  if (self->current < 0 && self->matches->len > 0)
    set_current (self, 0, TRUE);

  return G_SOURCE_REMOVE;
}

static gboolean
search_idle_cb (gpointer user_data)
{
  MgFindBar *self = user_data;

  if (search_step (self) == G_SOURCE_CONTINUE)
    {
      update_label (self);
      update_actions (self);
      return G_SOURCE_CONTINUE;
    }

  self->search_source = 0;
  update_label (self);
  update_actions (self);

  return G_SOURCE_REMOVE;
}

/* Where the search starts: the selection if it can be seen (so that the
 * match the reader selected stays the current one as the search grows),
 * else the top of the view. */
static guint
get_origin (MgFindBar *self)
{
  GdkRectangle visible;
  GtkTextIter  top, insert;
  int          y, height;

  gtk_text_view_get_visible_rect (self->view, &visible);
  gtk_text_view_get_iter_at_location (self->view, &top, visible.x, visible.y);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &insert, gtk_text_buffer_get_insert (self->buffer));

  if (gtk_text_buffer_get_has_selection (self->buffer))
    {
      GtkTextIter sel_start, sel_end;

      gtk_text_buffer_get_selection_bounds (self->buffer, &sel_start, &sel_end);
      insert = sel_start;
    }

  gtk_text_view_get_line_yrange (self->view, &insert, &y, &height);
  if (visible.height == 0 || (y + height > visible.y && y < visible.y + visible.height))
    return gtk_text_iter_get_offset (&insert);

  return gtk_text_iter_get_offset (&top);
}

static void
start_search (MgFindBar *self,
              gboolean   force)
{
  const char *text;
  gboolean    match_case;

  if (self->buffer == NULL)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  match_case = gtk_check_button_get_active (self->case_button);

  /* The entry reports a change some time after it happened: do not start
   * again a search that set_text already started. */
  if (!force && self->needle != NULL && match_case == self->match_case)
    {
      g_autofree gunichar *old = g_steal_pointer (&self->needle);
      guint                old_len = self->needle_len;
      gboolean             same;

      set_needle (self, text);
      same = old_len == self->needle_len && memcmp (old, self->needle, old_len * sizeof (gunichar)) == 0;
      if (same && (self->search_source != 0 || self->n_chunks > 0))
        return;
    }

  clear_search (self);
  self->match_case = match_case;
  set_needle (self, text);

  if (self->needle_len > 0 && gtk_search_bar_get_search_mode (self->search_bar))
    {
      ensure_tags (self);

      self->n_chars = gtk_text_buffer_get_char_count (self->buffer);
      self->n_chunks = MAX (1, (self->n_chars + CHUNK_SIZE - 1) / CHUNK_SIZE);
      self->origin = get_origin (self);
      /* The chunk of the top of the view, so that what the reader sees is
       * marked first, is that of the origin or before it. */
      {
        GdkRectangle visible;
        GtkTextIter  top;
        guint        top_offset;

        gtk_text_view_get_visible_rect (self->view, &visible);
        gtk_text_view_get_iter_at_location (self->view, &top, visible.x, visible.y);
        top_offset = MIN (gtk_text_iter_get_offset (&top), self->origin);
        self->first_chunk = MIN (top_offset / CHUNK_SIZE, self->n_chunks - 1);
      }

      /* The first step now, so that the visible matches show at once. */
      if (search_step (self) == G_SOURCE_CONTINUE)
        {
          /* Above the text view's own background layout, which for a
           * large book runs for seconds after loading and would hold the
           * search back, and below redrawing, so that frames still come
           * between steps. */
          self->search_source = g_idle_add_full (GDK_PRIORITY_REDRAW + 1, search_idle_cb, self, NULL);
          g_source_set_name_by_id (self->search_source, "[mg] find in document");
        }
    }

  update_label (self);
  update_actions (self);
}

static gboolean
restart_cb (gpointer user_data)
{
  MgFindBar *self = user_data;

  self->restart_source = 0;
  start_search (self, TRUE);

  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (MgFindBar     *self,
                   GtkTextBuffer *buffer)
{
  /* The offsets found are stale: search again once the changes settle. */
  if (!gtk_search_bar_get_search_mode (self->search_bar) || self->needle_len == 0)
    return;

  g_clear_handle_id (&self->search_source, g_source_remove);
  if (self->restart_source == 0)
    self->restart_source = g_idle_add_full (G_PRIORITY_LOW, restart_cb, self, NULL);
}

static void
set_buffer (MgFindBar     *self,
            GtkTextBuffer *buffer)
{
  if (self->buffer == buffer)
    return;

  clear_search (self);

  if (self->buffer != NULL)
    g_signal_handlers_disconnect_by_func (self->buffer, buffer_changed_cb, self);

  g_set_object (&self->buffer, buffer);
  self->match_tag = NULL;
  self->current_tag = NULL;

  if (self->buffer != NULL)
    g_signal_connect_object (self->buffer, "changed",
                             G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);

  if (self->buffer != NULL && gtk_search_bar_get_search_mode (self->search_bar))
    start_search (self, TRUE);
}

static void
view_notify_buffer_cb (MgFindBar   *self,
                       GParamSpec  *pspec,
                       GtkTextView *view)
{
  set_buffer (self, gtk_text_view_get_buffer (view));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mg_find_bar_next (MG_FIND_BAR (widget));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  mg_find_bar_previous (MG_FIND_BAR (widget));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  mg_find_bar_close (MG_FIND_BAR (widget));
}

static void
search_changed_cb (MgFindBar *self)
{
  start_search (self, FALSE);
}

static void
case_toggled_cb (MgFindBar *self)
{
  start_search (self, TRUE);
}

static gboolean
entry_key_pressed_cb (MgFindBar             *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  gboolean enter = keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter;

  if (enter && (state & GDK_SHIFT_MASK) != 0)
    {
      mg_find_bar_previous (self);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
search_mode_cb (MgFindBar *self)
{
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    clear_search (self);
  update_label (self);
  update_actions (self);
}

static void
dark_changed_cb (MgFindBar *self)
{
  update_tag_colors (self);
}

static void
mg_find_bar_dispose (GObject *object)
{
  MgFindBar *self = MG_FIND_BAR (object);

  clear_search (self);
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_func (self->view, view_notify_buffer_cb, self);
  set_buffer (self, NULL);
  g_clear_object (&self->view);

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_FIND_BAR);

  G_OBJECT_CLASS (mg_find_bar_parent_class)->dispose (object);
}

static void
mg_find_bar_finalize (GObject *object)
{
  MgFindBar *self = MG_FIND_BAR (object);

  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->fold_cache[0], g_hash_table_unref);
  g_clear_pointer (&self->fold_cache[1], g_hash_table_unref);

  G_OBJECT_CLASS (mg_find_bar_parent_class)->finalize (object);
}

static void
mg_find_bar_class_init (MgFindBarClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_find_bar_dispose;
  object_class->finalize = mg_find_bar_finalize;

  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mgfindbar");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-find-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, MgFindBar, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MgFindBar, entry);
  gtk_widget_class_bind_template_child (widget_class, MgFindBar, count_label);
  gtk_widget_class_bind_template_child (widget_class, MgFindBar, case_button);

  gtk_widget_class_install_action (widget_class, "find.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "find.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "find.close", NULL, close_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "find.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "find.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "find.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "find.close", NULL);
}

static void
mg_find_bar_init (MgFindBar *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  mg_accessible_repair (GTK_WIDGET (self));

  self->matches = g_array_new (FALSE, FALSE, sizeof (Match));
  self->current = -1;
  self->fold_cache[0] = g_hash_table_new_full (NULL, NULL, NULL, free_folding);
  self->fold_cache[1] = g_hash_table_new_full (NULL, NULL, NULL, free_folding);

  /* The entry's own bindings: Enter and Ctrl+G go on, Shift+Ctrl+G back,
   * Escape closes. Shift+Enter goes back, as in GNOME Text Editor. */
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (mg_find_bar_next), self);
  g_signal_connect_swapped (self->entry, "next-match", G_CALLBACK (mg_find_bar_next), self);
  g_signal_connect_swapped (self->entry, "previous-match", G_CALLBACK (mg_find_bar_previous), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (mg_find_bar_close), self);
  g_signal_connect_swapped (self->case_button, "notify::active", G_CALLBACK (case_toggled_cb), self);
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (search_mode_cb), self);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
}

GtkWidget *
mg_find_bar_new (void)
{
  return g_object_new (MG_TYPE_FIND_BAR, NULL);
}

/**
 * mg_find_bar_set_view:
 * @self: a #MgFindBar
 * @view: (nullable): the text view to search
 *
 * Sets the view whose buffer is searched, marked and scrolled. The bar
 * follows the view when it is given another buffer.
 */
void
mg_find_bar_set_view (MgFindBar   *self,
                      GtkTextView *view)
{
  g_return_if_fail (MG_IS_FIND_BAR (self));
  g_return_if_fail (view == NULL || GTK_IS_TEXT_VIEW (view));

  if (self->view == view)
    return;

  if (self->view != NULL)
    g_signal_handlers_disconnect_by_func (self->view, view_notify_buffer_cb, self);

  g_set_object (&self->view, view);

  if (view != NULL)
    g_signal_connect_object (view, "notify::buffer",
                             G_CALLBACK (view_notify_buffer_cb), self, G_CONNECT_SWAPPED);

  set_buffer (self, view != NULL ? gtk_text_view_get_buffer (view) : NULL);
}

GtkTextView *
mg_find_bar_get_view (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), NULL);

  return self->view;
}

/**
 * mg_find_bar_open:
 * @self: a #MgFindBar
 *
 * Reveals the bar and focuses its entry. A short selection in the view,
 * on one line, becomes the text to find.
 */
void
mg_find_bar_open (MgFindBar *self)
{
  GtkTextIter start, end;

  g_return_if_fail (MG_IS_FIND_BAR (self));

  if (self->buffer != NULL && gtk_text_buffer_get_selection_bounds (self->buffer, &start, &end) && gtk_text_iter_get_offset (&end) - gtk_text_iter_get_offset (&start) <= PREFILL_MAX)
    {
      g_autofree char *selected = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);

      if (strchr (selected, '\n') == NULL && strchr (selected, '\r') == NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->entry), selected);
    }

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);

  start_search (self, TRUE);
}

/**
 * mg_find_bar_close:
 * @self: a #MgFindBar
 *
 * Hides the bar and removes the marks of the matches. The current match
 * stays selected, and the focus goes back to the view.
 */
void
mg_find_bar_close (MgFindBar *self)
{
  g_return_if_fail (MG_IS_FIND_BAR (self));

  clear_search (self);
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  update_label (self);
  update_actions (self);

  if (self->view != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

gboolean
mg_find_bar_is_open (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

/* The offset after which "next" looks when no match is current. */
static guint
get_cursor_offset (MgFindBar *self)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, gtk_text_buffer_get_insert (self->buffer));

  return gtk_text_iter_get_offset (&iter);
}

/**
 * mg_find_bar_next:
 * @self: a #MgFindBar
 *
 * Selects the next match, from the last one after the first, and scrolls
 * the view to it.
 */
void
mg_find_bar_next (MgFindBar *self)
{
  guint n;
  guint index;

  g_return_if_fail (MG_IS_FIND_BAR (self));

  n = self->matches->len;
  if (n == 0)
    return;

  if (self->current >= 0)
    index = ((guint) self->current + 1) % n;
  else
    index = lower_bound (self->matches, get_cursor_offset (self)) % n;

  set_current (self, index, TRUE);
}

/**
 * mg_find_bar_previous:
 * @self: a #MgFindBar
 *
 * Selects the previous match, from the first one the last, and scrolls
 * the view to it.
 */
void
mg_find_bar_previous (MgFindBar *self)
{
  guint n;
  guint index;

  g_return_if_fail (MG_IS_FIND_BAR (self));

  n = self->matches->len;
  if (n == 0)
    return;

  if (self->current >= 0)
    index = ((guint) self->current + n - 1) % n;
  else
    index = (lower_bound (self->matches, get_cursor_offset (self)) + n - 1) % n;

  set_current (self, index, TRUE);
}

/**
 * mg_find_bar_get_n_matches:
 * @self: a #MgFindBar
 *
 * Returns: the number of matches found so far, at most
 *   %MG_FIND_BAR_MAX_MATCHES
 */
guint
mg_find_bar_get_n_matches (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), 0);

  return self->matches->len;
}

/**
 * mg_find_bar_get_capped:
 * @self: a #MgFindBar
 *
 * Returns: whether there were more than %MG_FIND_BAR_MAX_MATCHES matches,
 *   so that the search stopped
 */
gboolean
mg_find_bar_get_capped (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), FALSE);

  return self->capped;
}

/**
 * mg_find_bar_get_current:
 * @self: a #MgFindBar
 *
 * Returns: the index of the current match in document order, or -1
 */
gint
mg_find_bar_get_current (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), -1);

  return self->current;
}

/**
 * mg_find_bar_get_match:
 * @self: a #MgFindBar
 * @index: the index of a match
 * @start: (out) (optional): its first code point
 * @end: (out) (optional): the code point after its last
 *
 * Returns: whether there is a match at @index
 */
gboolean
mg_find_bar_get_match (MgFindBar *self,
                       guint      index,
                       guint     *start,
                       guint     *end)
{
  const Match *match;

  g_return_val_if_fail (MG_IS_FIND_BAR (self), FALSE);

  if (index >= self->matches->len)
    return FALSE;

  match = &g_array_index (self->matches, Match, index);
  if (start != NULL)
    *start = match->start;
  if (end != NULL)
    *end = match->end;

  return TRUE;
}

/**
 * mg_find_bar_is_searching:
 * @self: a #MgFindBar
 *
 * Returns: whether chunks of the text remain to be searched
 */
gboolean
mg_find_bar_is_searching (MgFindBar *self)
{
  g_return_val_if_fail (MG_IS_FIND_BAR (self), FALSE);

  return self->search_source != 0 || self->restart_source != 0;
}
