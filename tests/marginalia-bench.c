/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench-library.h"
#include "bench-library-window.h"
#include "mg-anchor-corpus.h"
#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-application.h"
#include "mg-document-loader.h"
#include "mg-export.h"
#include "mg-reading-style.h"
#include "mg-store.h"
#include "mg-window-open-link.h"
#include "mg-window-private.h"

/* marginalia-bench [FILE]
 * marginalia-bench --hostile   (only the hostile documents)
 * marginalia-bench --library   (only the library: index, search, window)
 *
 * Prints one figure per line, "name value unit", for a document (FILE, or
 * a deterministic ~4 MB generated text) with 10,000 annotations. The run is
 * deterministic apart from the clock: the same seed picks the same
 * passages and the same edits every time. */

#define N_ANNOTATIONS 10000
#define SEED 20261130

static const char *words[] = {
  "the",
  "of",
  "and",
  "a",
  "to",
  "in",
  "is",
  "that",
  "for",
  "it",
  "as",
  "was",
  "with",
  "be",
  "by",
  "on",
  "not",
  "he",
  "this",
  "are",
  "or",
  "his",
  "from",
  "at",
  "which",
  "but",
  "have",
  "an",
  "had",
  "they",
  "you",
  "were",
  "their",
  "one",
  "all",
  "we",
  "can",
  "her",
  "has",
  "there",
  "been",
  "if",
  "more",
  "when",
  "will",
  "would",
  "who",
  "so",
  "no",
  "reading",
  "margin",
  "research",
  "annotation",
  "evidence",
  "argument",
  "history",
  "policy",
  "language",
  "model",
  "export",
  "government",
  "market",
  "question",
  "century",
  "river",
  "council",
  "experiment",
  "measure",
  "theory",
  "letter",
  "garden",
  "winter",
};

static char *
generate_text (gsize target_bytes)
{
  GString *text = g_string_sized_new (target_bytes + 256);
  GRand   *rand = g_rand_new_with_seed (SEED);

  while (text->len < target_bytes)
    {
      guint n_sentences = g_rand_int_range (rand, 2, 8);

      for (guint s = 0; s < n_sentences; s++)
        {
          guint n_words = g_rand_int_range (rand, 6, 24);

          for (guint w = 0; w < n_words; w++)
            {
              const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];

              if (w == 0)
                {
                  g_string_append_unichar (text, g_unichar_toupper (word[0]));
                  g_string_append (text, word + 1);
                }
              else
                {
                  g_string_append_c (text, ' ');
                  g_string_append (text, word);
                }
            }
          g_string_append (text, s + 1 < n_sentences ? ". " : ".\n");
        }
    }

  g_rand_free (rand);

  return g_string_free (text, FALSE);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
report (const char *name,
        double      value,
        const char *unit)
{
  g_print ("%s %.1f %s\n", name, value, unit);
}

static GPtrArray *
make_annotations (MgDocument *document,
                  guint       n)
{
  GPtrArray *annotations = g_ptr_array_new_with_free_func (g_object_unref);
  GRand     *rand = g_rand_new_with_seed (SEED + 1);
  guint      length = mg_document_get_length (document);

  for (guint i = 0; i < n; i++)
    {
      guint         span = g_rand_int_range (rand, 20, 160);
      guint         start = g_rand_int_range (rand, 0, MAX (1, length - span));
      MgAnnotation *a = mg_annotation_new_for_range (document, start, MIN (start + span, length),
                                                     i % MG_N_COLORS);

      if (i % 3 == 0)
        mg_annotation_set_note (a, "A note on this passage, with some words of commentary.");
      g_ptr_array_add (annotations, a);
    }

  g_rand_free (rand);

  return annotations;
}

/* Edits about 1 % of the text's code points, in small edits (deleting,
 * inserting or replacing one to nine code points) at random places. */
static MgDocument *
edit_document (MgDocument *document)
{
  gsize           n = 0;
  const gunichar *chars = mg_document_get_chars (document, &n);
  GRand          *rand = g_rand_new_with_seed (SEED + 2);
  guint8         *edit = g_new0 (guint8, n + 1);
  g_autoptr (GString) out = g_string_sized_new (mg_document_get_n_bytes (document) + 1024);
  g_autoptr (GBytes) bytes = NULL;
  gsize budget = n / 100;
  gsize spent = 0;

  /* 1: delete here, 2: replace here, 3: insert before here. */
  while (spent < budget)
    {
      gsize at = g_rand_int_range (rand, 0, n);
      guint len = g_rand_int_range (rand, 1, 10);
      guint kind = g_rand_int_range (rand, 1, 4);

      for (guint k = 0; k < len && at + k < n; k++)
        edit[at + k] = kind;
      spent += len;
    }

  for (gsize i = 0; i < n; i++)
    {
      switch (edit[i])
        {
        case 1:
          break;
        case 2:
          g_string_append_c (out, 'a' + g_rand_int_range (rand, 0, 26));
          break;
        case 3:
          g_string_append_c (out, 'a' + g_rand_int_range (rand, 0, 26));
          g_string_append_unichar (out, chars[i]);
          break;
        default:
          g_string_append_unichar (out, chars[i]);
        }
    }

  g_free (edit);
  g_rand_free (rand);

  bytes = g_string_free_to_bytes (g_steal_pointer (&out));

  return mg_document_loader_load_bytes (bytes, mg_document_get_uri (document), mg_document_get_title (document), MG_DOCUMENT_FORMAT_TEXT, NULL);
}

/* The kernel's high-water mark of this process's resident memory. Not
 * getrusage(): in a process started with fork() and exec(), as
 * bench_launch() starts the app, its ru_maxrss starts at the RSS the
 * parent had when it forked. */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char      *line;
  struct rusage    usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) && (line = strstr (status, "VmHWM:")) != NULL)
    return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10) / 1024.0;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_maxrss / 1024.0;
}

/* Re-anchoring on real revisions of real prose (mg-anchor-corpus.c): the
 * shared corpus, from $MARGINALIA_ANCHORING_CORPUS or ../shared/anchoring
 * next to the source folder. The share of each class of passage anchored
 * right, the false anchors (which must stay at 0), and the time to anchor
 * one document's annotations. */
static void
bench_anchoring_corpus (void)
{
  g_autofree char *dir = mg_anchor_corpus_default_dir ();
  g_autoptr (GError) error = NULL;
  MgAnchorCorpusScore score;

  if (!mg_anchor_corpus_run (dir, &score, NULL, &error))
    {
      g_printerr ("marginalia-bench: no anchoring corpus (%s), so no anchoring_ figures\n", error->message);
      return;
    }

  report ("anchoring_kept_pct", mg_anchor_corpus_pct (score.kept_right, score.n_kept), "%");
  report ("anchoring_edited_pct", mg_anchor_corpus_pct (score.edited_found, score.n_edited), "%");
  report ("anchoring_deleted_pct", mg_anchor_corpus_pct (score.deleted_orphaned, score.n_deleted), "%");
  g_print ("anchoring_false_anchors %u count\n", score.false_anchors);
  report ("anchoring_per_document", score.anchor_ms / MAX (score.n_documents, 1), "ms");
}

/* The window part. Each figure ends at the first frame, on the window's
 * frame clock, that shows the document's text: the first "after-paint" in
 * which the window holds the document and shows its page, and the text
 * view has the text. (Should the page stack cross-fade to the document,
 * the first frame of the cross-fade draws it at opacity 0: that frame does
 * not count.)
 *
 *  open_bundled_first_paint: a window that is up (its empty page drawn) is
 *    asked to show the bundled article, as a launch without a file and New
 *    Window do (mg_window_open_bundled()).
 *  open_first_paint: such a window is asked to open FILE (a copy under
 *    another name, for which no annotations are stored) the way
 *    "marginalia FILE" in a running instance, Open… and a drop open it
 *    (mg_window_open_file()): the file is read, decoded, normalised and
 *    hashed in a worker thread, then its text is put in the view, laid out
 *    and painted.
 *  open_with_10k_annotations_first_paint: the same for FILE itself, with
 *    its 10,000 annotations stored. They are loaded after that first frame
 *    (_highlights_shown is the frame that paints them all, _sidebar_shown
 *    the one that shows them in the sidebar).
 *  launch_first_paint, launch_bundled_first_paint,
 *  launch_with_10k_annotations_first_paint: from just before a new process
 *    is spawned to its first frame with the text, for "marginalia FILE"
 *    (the copy without annotations), "marginalia" and "marginalia FILE"
 *    with its 10,000 annotations: all that a new process pays (exec,
 *    dynamic linking, GTK and libadwaita start-up, the session bus, a new
 *    window) and the load above. _highlights_shown is its first frame with
 *    every highlight painted, _sidebar_shown the first with the annotations
 *    in the sidebar too (made just after the highlights' frame). The files are in the page cache: a warm
 *    start, not a cold boot. The outside view of the same (to the first
 *    text on the screen, next to a minimal GTK app) is the shared
 *    side-by-side tool's, which `build-aux/dev bench` runs when present.
 *  peak_rss: the peak RSS of that last launched process when its
 *    highlights are shown: the whole app with the document and 10,000
 *    annotations (peak_rss_bench is this process, with every window
 *    above).
 *  open_link_first_paint: a window that is up is asked to open the address
 *    of a 200 KB article served by a web server in this process, on
 *    127.0.0.1 (mg_window_open_location(), as for "marginalia URL"): the
 *    look for a kept copy, the fetch, the copy kept on disk, the reader
 *    mode, the text laid out and painted. */
typedef struct
{
  MgWindow *window;
  gint64    start;
  guint     text_frames;
  double    first_paint;
  gboolean  text_shown;
  gboolean  highlights_shown;
  gboolean  done;
} PaintProbe;

static gboolean
frame_shows_text (PaintProbe *probe)
{
  GtkTextView *view = mg_window_get_text_view (probe->window);
  GtkWidget   *stack = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_STACK);

  /* A big file's first screen counts: it is shown before the document
   * is whole (and its window has no document yet). */
  if (g_strcmp0 (mg_window_get_page (probe->window), "document") != 0 || gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (view)) == 0)
    return FALSE;

  if (probe->text_frames++ == 0 && stack != NULL && gtk_stack_get_transition_running (GTK_STACK (stack)))
    return FALSE;

  return TRUE;
}

/* Whether every highlight is painted (they may not be in the sidebar yet). */
static gboolean
highlights_painted (PaintProbe *probe)
{
  MgReaderView *reader = MG_READER_VIEW (mg_window_get_text_view (probe->window));

  return mg_reader_view_get_annotations (reader) != NULL && !mg_reader_view_get_loading (reader) && mg_reader_view_get_pending_chunks (reader) == 0;
}

static void
first_text_cb (GdkFrameClock *clock,
               PaintProbe    *probe)
{
  if (probe->done || !frame_shows_text (probe))
    return;

  probe->first_paint = ms_since (probe->start);
  probe->done = TRUE;
}

static void
next_frame_cb (GdkFrameClock *clock,
               PaintProbe    *probe)
{
  if (probe->done)
    return;

  probe->first_paint = ms_since (probe->start);
  probe->done = TRUE;
}

static void
wait_for_frame (GdkFrameClock *clock,
                GCallback      callback,
                PaintProbe    *probe,
                gint64         deadline)
{
  probe->done = FALSE;
  g_signal_connect (clock, "after-paint", callback, probe);
  while (!probe->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_func (clock, callback, probe);
}

/* One application for every window, as in the real program. */
static MgApplication *
bench_application (void)
{
  static MgApplication *app = NULL;

  if (app == NULL)
    {
      /* As g_application_run() names "marginalia", e.g. for the recent files. */
      g_set_prgname ("marginalia");
      app = mg_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, NULL);
      g_application_hold (G_APPLICATION (app));
    }

  return app;
}

/* Opens @file (the bundled article if %NULL) in a new window of the
 * benchmark's application, once that window is up. */
static gboolean
bench_open (GFile      *file,
            const char *name)
{
  MgApplication *app;
  PaintProbe     probe = { 0 };
  GdkFrameClock *clock;
  gint64         deadline;

  if (!gtk_init_check ())
    {
      g_printerr ("marginalia-bench: no display, so no %s\n", name);
      return FALSE;
    }

  app = bench_application ();

  probe.window = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (probe.window));

  /* Let the empty window settle first, so that only the document counts. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (probe.window));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  probe.start = g_get_monotonic_time ();
  if (file != NULL)
    mg_window_open_location (probe.window, file);
  else
    mg_window_open_bundled (probe.window);
  wait_for_frame (clock, G_CALLBACK (first_text_cb), &probe, deadline);

  if (!probe.done)
    {
      g_printerr ("marginalia-bench: no frame with the text, so no %s\n", name);
      return FALSE;
    }

  report (name, probe.first_paint, "ms");

  /* Then the annotations: loaded, anchored and painted after that frame,
   * then shown in the sidebar. */
  while (!highlights_painted (&probe) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (probe.window));
  wait_for_frame (clock, G_CALLBACK (next_frame_cb), &probe, deadline);
  g_print ("%s_highlights_shown %.1f ms\n", name, probe.first_paint);
  while (mg_window_get_annotations (probe.window) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (probe.window));
  wait_for_frame (clock, G_CALLBACK (next_frame_cb), &probe, deadline);
  g_print ("%s_sidebar_shown %.1f ms\n", name, probe.first_paint);
  g_print ("%s_annotations %u count\n", name,
           g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (probe.window))));

  /* Hidden, not destroyed: the next window belongs to the same application. */
  gtk_widget_set_visible (GTK_WIDGET (probe.window), FALSE);

  return TRUE;
}

static void
serve_article_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  GBytes *page = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (page, NULL), g_bytes_get_size (page));
}

/* A web server on 127.0.0.1 with a 200 KB article at the address returned. */
static SoupServer *
start_article_server (char **url)
{
  g_autofree char *text = generate_text (200 * 1024 - 200);
  g_auto (GStrv) paragraphs = g_strsplit (text, "\n", -1);
  GString    *html = g_string_new ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                      "<title>Winter Notes</title></head><body><article><h1>Winter Notes</h1>\n");
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  GSList          *uris;

  /* A proxy of the machine must not see 127.0.0.1. */
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    if (paragraphs[i][0] != '\0')
      g_string_append_printf (html, "<p>%s</p>\n", paragraphs[i]);
  g_string_append (html, "</article></body></html>\n");

  soup_server_add_handler (server, NULL, serve_article_cb, g_string_free_to_bytes (html),
                           (GDestroyNotify) g_bytes_unref);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("No web server: %s", error->message);
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  *url = g_strconcat (base, "winter-notes.html", NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return server;
}

/* open_restore_position: a window that is up is asked to open FILE (the
 * copy without annotations), for which a reading position three quarters
 * into the text is saved. The figure ends at the first frame in which the
 * line of that position is at the top of the view, within a line.
 * _frames_elsewhere counts the frames before it that showed the text at
 * another place (the first page, or on the way there). */
typedef struct
{
  MgWindow *window;
  gint64    start;
  guint     offset;
  guint     frames_elsewhere;
  double    restored;
  gboolean  done;
} RestoreProbe;

static void
restore_frame_cb (GdkFrameClock *clock,
                  RestoreProbe  *probe)
{
  GtkTextView *view = mg_window_get_text_view (probe->window);
  GtkTextIter  iter;
  GdkRectangle visible, location;

  if (probe->done || mg_window_get_document (probe->window) == NULL || g_strcmp0 (mg_window_get_page (probe->window), "document") != 0 || gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (view)) == 0)
    return;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, probe->offset);
  gtk_text_view_get_iter_location (view, &iter, &location);

  if (ABS (location.y - visible.y) > MAX (location.height, 1))
    {
      probe->frames_elsewhere++;
      return;
    }

  probe->restored = ms_since (probe->start);
  probe->done = TRUE;
}

static void
bench_restore (GFile      *file,
               const char *name)
{
  GApplication *app = g_application_get_default ();
  RestoreProbe  probe = { 0 };
  g_autoptr (MgDocument) document = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  const gunichar  *chars;
  gsize            length;
  GdkFrameClock   *clock;
  gint64           deadline;

  document = mg_document_loader_load_file (file, NULL, NULL);
  if (app == NULL || document == NULL)
    return;

  /* The start of the paragraph three quarters into the text. */
  chars = mg_document_get_chars (document, &length);
  probe.offset = length * 3 / 4;
  while (probe.offset > 0 && chars[probe.offset - 1] != '\n')
    probe.offset--;
  mg_reading_positions_set_offset (mg_reading_positions_get_default (), uri, probe.offset);

  probe.window = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (probe.window));

  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (probe.window));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_signal_connect (clock, "after-paint", G_CALLBACK (restore_frame_cb), &probe);
  probe.start = g_get_monotonic_time ();
  mg_window_open_file (probe.window, file);
  while (!probe.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_func (clock, restore_frame_cb, &probe);

  if (!probe.done)
    g_printerr ("marginalia-bench: the position was never restored, so no %s\n", name);
  else
    report (name, probe.restored, "ms");
  g_print ("%s_frames_elsewhere %u count\n", name, probe.frames_elsewhere);

  gtk_widget_set_visible (GTK_WIDGET (probe.window), FALSE);
}

/* marginalia-bench --launch [FILE]: "marginalia [FILE]" as main.c runs it,
 * which prints the monotonic time of its first frame with the text, then
 * of the first frame with all its highlights painted, then of the first
 * with the sidebar filled too, its peak RSS at that point (the whole app
 * with the document and its annotations), and quits. */
static void
launch_first_text_cb (GdkFrameClock *clock,
                      PaintProbe    *probe)
{
  if (!probe->text_shown)
    {
      if (!frame_shows_text (probe))
        return;
      probe->text_shown = TRUE;
      g_print ("first_text_frame_at %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
    }

  if (probe->done || !highlights_painted (probe))
    {
      gtk_widget_queue_draw (GTK_WIDGET (probe->window));
      return;
    }

  if (!probe->highlights_shown)
    {
      probe->highlights_shown = TRUE;
      g_print ("highlights_frame_at %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
    }

  /* Then the sidebar's rows, a frame or more later. */
  if (mg_window_get_annotations (probe->window) == NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (probe->window));
      return;
    }

  probe->done = TRUE;
  g_print ("sidebar_frame_at %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_print ("peak_rss_kb %.0f\n", peak_rss_mb () * 1024);
  g_application_quit (g_application_get_default ());
}

static void
launch_window_realized_cb (GtkWidget  *window,
                           PaintProbe *probe)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (launch_first_text_cb), probe);
}

static void
launch_window_added_cb (GtkApplication *app,
                        GtkWindow      *window,
                        PaintProbe     *probe)
{
  if (!MG_IS_WINDOW (window) || probe->window != NULL)
    return;

  probe->window = MG_WINDOW (window);
  g_signal_connect_after (window, "realize", G_CALLBACK (launch_window_realized_cb), probe);
}

static int
launch_main (int   argc,
             char *argv[])
{
  g_autoptr (MgApplication) app = mg_application_new ();
  PaintProbe probe = { 0 };

  g_signal_connect (app, "window-added", G_CALLBACK (launch_window_added_cb), &probe);

  return g_application_run (G_APPLICATION (app), argc, argv);
}

static gint64
read_figure (const char *out,
             const char *key)
{
  const char *line = strstr (out, key);

  return line != NULL ? g_ascii_strtoll (line + strlen (key), NULL, 10) : -1;
}

static void
bench_launch (const char *path,
              const char *name,
              gboolean    with_rss)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  g_autofree char *shown_name = g_strconcat (name, "_highlights_shown", NULL);
  g_autofree char *sidebar_name = g_strconcat (name, "_sidebar_shown", NULL);
  const char      *argv[] = { self, "--launch", path, NULL };
  gint64           start, text, shown, sidebar;
  int              status;

  start = g_get_monotonic_time ();
  if (self == NULL || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error))
    {
      g_printerr ("marginalia-bench: no %s: %s\n", name, error != NULL ? error->message : "no /proc/self/exe");
      return;
    }

  text = read_figure (out, "first_text_frame_at ");
  shown = read_figure (out, "highlights_frame_at ");
  sidebar = read_figure (out, "sidebar_frame_at ");
  if (!g_spawn_check_wait_status (status, NULL) || text < 0 || shown < 0 || sidebar < 0)
    {
      g_printerr ("marginalia-bench: no frame with the text, so no %s\n", name);
      return;
    }

  /* CLOCK_MONOTONIC, the same in every process. */
  report (name, (text - start) / 1000.0, "ms");
  report (shown_name, (shown - start) / 1000.0, "ms");
  report (sidebar_name, (sidebar - start) / 1000.0, "ms");
  if (with_rss)
    report ("peak_rss", read_figure (out, "peak_rss_kb ") / 1024.0, "MB");
}

/* open_nested_100k, open_entities_1m, open_long_line_1m,
 * open_entity_lines_10k, open_quotes_100k, open_html_nested_100k,
 * open_attributes_200k, open_indented_list_3k: hostile documents (a
 * Markdown list nested 100,000 deep, an HTML page of a million entities, a
 * text of one line of a million characters, an HTML paragraph of 10,000
 * lines of 100 entities, Markdown block quotes nested 100,000 deep, HTML
 * lists nested 100,000 deep, an HTML tag with 200,000 attributes, a
 * Markdown list of 3,000 lines each indented deeper than the one before:
 * those of issue 12), opened as open_first_paint opens FILE, to the first frame
 * that shows their text or the page that says why they were refused.
 * _longest_stall is the longest the main loop went without running from
 * the open until a while after that frame, while the reader goes to the
 * end of the text and back (which has the view lay out all of it): the
 * window must answer (Quit, Close, scrolling) at any moment.
 * _longest_stall_cpu is the main thread's CPU time in that stretch: the
 * same on a busy machine, where the first is mostly waiting for a CPU. */
typedef struct
{
  PaintProbe probe;
  gint64     last_tick;
  gint64     longest_stall;
  gint64     last_cpu;
  gint64     longest_cpu;
} HostileProbe;

/* The CPU time of the main thread: on a busy machine a stall of the main
 * loop is mostly waiting for a CPU; this is the work in it. */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);

  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
hostile_frame_cb (GdkFrameClock *clock,
                  HostileProbe  *hostile)
{
  PaintProbe *probe = &hostile->probe;

  if (probe->done)
    return;
  if (g_strcmp0 (mg_window_get_page (probe->window), "error") != 0 && !frame_shows_text (probe))
    return;

  probe->first_paint = ms_since (probe->start);
  probe->done = TRUE;
}

static gboolean
hostile_tick_cb (gpointer user_data)
{
  HostileProbe *hostile = user_data;
  gint64        now = g_get_monotonic_time ();

  gint64 cpu = thread_cpu_usec ();

  hostile->longest_stall = MAX (hostile->longest_stall, now - hostile->last_tick);
  hostile->longest_cpu = MAX (hostile->longest_cpu, cpu - hostile->last_cpu);
  hostile->last_tick = now;
  hostile->last_cpu = cpu;

  return G_SOURCE_CONTINUE;
}

static void
run_main_loop_for (guint msec)
{
  gint64 deadline = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

/* The reader goes to the end of the text and back to the top. */
static void
hostile_scroll_through (MgWindow *window)
{
  GtkTextView *view = mg_window_get_text_view (window);
  GtkTextIter  iter;

  run_main_loop_for (1000);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &iter);
  gtk_text_view_scroll_to_iter (view, &iter, 0.0, TRUE, 0.0, 1.0);
  run_main_loop_for (1500);
  gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (view), &iter);
  gtk_text_view_scroll_to_iter (view, &iter, 0.0, TRUE, 0.0, 0.0);
  run_main_loop_for (1000);
}

static void
bench_open_hostile (const char *path,
                    const char *name)
{
  GApplication *app = g_application_get_default ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *stall_name = g_strconcat (name, "_longest_stall", NULL);
  HostileProbe     hostile = { 0 };
  GdkFrameClock   *clock;
  gint64           deadline;
  guint            tick;

  if (app == NULL)
    return;

  hostile.probe.window = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (hostile.probe.window));
  run_main_loop_for (500);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (hostile.probe.window));
  deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;
  hostile.probe.start = hostile.last_tick = g_get_monotonic_time ();
  hostile.last_cpu = thread_cpu_usec ();
  tick = g_timeout_add (10, hostile_tick_cb, &hostile);
  mg_window_open_file (hostile.probe.window, file);
  wait_for_frame (clock, G_CALLBACK (hostile_frame_cb), &hostile.probe, deadline);
  if (hostile.probe.done && g_strcmp0 (mg_window_get_page (hostile.probe.window), "error") != 0)
    hostile_scroll_through (hostile.probe.window);
  g_source_remove (tick);
  hostile_tick_cb (&hostile);

  if (!hostile.probe.done)
    {
      g_printerr ("marginalia-bench: no frame with the text or an error, so no %s\n", name);
    }
  else
    {
      report (name, hostile.probe.first_paint, "ms");
      report (stall_name, hostile.longest_stall / 1000.0, "ms");
      g_print ("%s_cpu %.1f ms\n", stall_name, hostile.longest_cpu / 1000.0);
      g_print ("%s_refused %d count\n", name, g_strcmp0 (mg_window_get_page (hostile.probe.window), "error") == 0);
    }

  gtk_widget_set_visible (GTK_WIDGET (hostile.probe.window), FALSE);
}

/* The store part for big files ------------------------------------------
 *
 * marginalia-bench --store-make FILE DIR N writes N annotations of FILE in
 * a store in DIR; marginalia-bench --store-load FILE DIR loads them, in a
 * process of its own so that its peak memory is the load's (with the
 * document's), and prints "ms peak_rss_mb". The main run does both for
 * 100,000 annotations (store_load_100k); they also serve to measure a
 * million by hand. */

static MgDocument *
load_document (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr (GError) error = NULL;
  MgDocument *document = mg_document_loader_load_file (file, NULL, &error);

  if (document == NULL)
    g_error ("%s", error->message);

  return document;
}

static int
store_make_main (const char *path,
                 const char *dir,
                 guint       n)
{
  g_autoptr (MgDocument) document = load_document (path);
  g_autoptr (GPtrArray) annotations = make_annotations (document, n);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GError) error = NULL;

  mg_store_set_cache_directory (store, NULL);
  if (!mg_store_load (store, &error))
    g_error ("%s", error->message);
  mg_annotation_list_add_many (list, annotations);
  if (!mg_store_flush (store, &error))
    g_error ("%s", error->message);

  return 0;
}

static int
store_load_main (const char *path,
                 const char *dir)
{
  g_autoptr (MgDocument) document = load_document (path);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GError) error = NULL;
  gint64 start;
  double before;

  mg_store_set_cache_directory (store, NULL);
  mg_document_get_chars (document, NULL);
  before = peak_rss_mb ();
  start = g_get_monotonic_time ();
  if (!mg_store_load (store, &error))
    g_error ("%s", error->message);
  g_print ("%.1f %.1f %.1f %u\n", ms_since (start), peak_rss_mb (), before,
           g_list_model_get_n_items (G_LIST_MODEL (list)));

  return 0;
}

/* Runs the bench itself with @args; its standard output. */
static char *
spawn_self (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int   status;

  g_ptr_array_add (argv, (gpointer) "/proc/self/exe");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("%s", error->message);

  return out;
}

/* store_load_100k: the first load (no cache) of 100,000 annotations. */
static void
bench_store_load_100k (const char *path,
                       const char *tmp)
{
  g_autofree char *dir = g_build_filename (tmp, "store-100k", NULL);
  const char      *make[] = { "--store-make", path, dir, "100000", NULL };
  const char      *load[] = { "--store-load", path, dir, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GDir) files = NULL;
  double      ms = 0;
  double      rss = 0;
  double      before = 0;
  guint       n = 0;
  const char *name;

  g_free (spawn_self (make));
  files = g_dir_open (dir, 0, NULL);
  while (files != NULL && (name = g_dir_read_name (files)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      GStatBuf         buf;

      if (g_str_has_suffix (name, ".json") && g_stat (file, &buf) == 0)
        report ("store_100k_file", buf.st_size / (1024.0 * 1024.0), "MB");
    }

  out = spawn_self (load);
  if (sscanf (out, "%lf %lf %lf %u", &ms, &rss, &before, &n) != 4 || n != 100000)
    g_error ("marginalia-bench --store-load said: %s", out);
  report ("store_load_100k", ms, "ms");
  /* The whole process, and what the document had taken before. */
  report ("store_load_100k_peak_rss", rss, "MB");
  report ("store_load_100k_rss_before", before, "MB");
}

/* Writes @contents into @dir/@name. */
static char *
write_contents (const char *dir,
                const char *name,
                GString    *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, contents->str, contents->len, &error))
    g_error ("%s", error->message);

  return path;
}

/* Writes @unit @n times between @head and @tail into @dir/@name. */
static char *
write_repeated (const char *dir,
                const char *name,
                const char *head,
                const char *unit,
                guint       n,
                const char *tail)
{
  g_autoptr (GString) contents = g_string_new (head);

  for (guint i = 0; i < n; i++)
    g_string_append (contents, unit);
  g_string_append (contents, tail);

  return write_contents (dir, name, contents);
}

/* MG_BENCH_KEEP=1 keeps the bench's folder (documents, annotations,
 * reading positions) for a profiler, and says where it is. */
static void
remove_tree (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *command = g_strconcat ("rm -rf ", quoted, NULL);

  if (g_getenv ("MG_BENCH_KEEP") != NULL)
    {
      g_printerr ("marginalia-bench: kept %s\n", path);
      return;
    }
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* The hostile documents of bench_open_hostile(), written into @dir. */
static void
bench_hostile (const char *dir)
{
  g_autofree char *nested = write_repeated (dir, "nested.md", "", "- ", 100000, "item\n");
  g_autofree char *entities = write_repeated (dir, "entities.html", "<p>", "&amp;", 1000000, "</p>\n");
  g_autofree char *long_line = write_repeated (dir, "long-line.txt", "", "margin ", 1000000 / 7, "\n");
  g_autofree char *quotes = write_repeated (dir, "quotes.md", "", "> ", 100000, "text *in* it\n");
  g_autofree char *html_nested = write_repeated (dir, "nested-lists.html", "", "<ul><li>", 100000, "x\n");
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GString) tag = g_string_new ("<p><a href=\"https://example.org/\"");
  g_autoptr (GString) indented = g_string_new (NULL);
  g_autofree char *entity_lines = NULL;
  g_autofree char *attributes = NULL;
  g_autofree char *indented_list = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append (line, "&amp;");
  g_string_append_c (line, '\n');
  entity_lines = write_repeated (dir, "entity-lines.html", "<p>", line->str, 10000, "</p>\n");

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (tag, " a%u=\"%u\"", i, i);
  g_string_append (tag, ">link</a> then <b>bold</b></p>\n");
  attributes = write_contents (dir, "attributes.html", tag);

  for (guint i = 0; i < 3000; i++)
    {
      for (guint j = 0; j < i; j++)
        g_string_append (indented, "  ");
      g_string_append_printf (indented, "- item %u\n", i);
    }
  indented_list = write_contents (dir, "indented-list.md", indented);

  bench_open_hostile (nested, "open_nested_100k");
  bench_open_hostile (entities, "open_entities_1m");
  bench_open_hostile (long_line, "open_long_line_1m");
  bench_open_hostile (entity_lines, "open_entity_lines_10k");
  bench_open_hostile (quotes, "open_quotes_100k");
  bench_open_hostile (html_nested, "open_html_nested_100k");
  bench_open_hostile (attributes, "open_attributes_200k");
  bench_open_hostile (indented_list, "open_indented_list_3k");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgDocument) edited = NULL;
  g_autoptr (GPtrArray) annotations = NULL;
  g_autoptr (MgAnnotationList) list = NULL;
  g_autoptr (MgAnnotationList) loaded = NULL;
  g_autoptr (MgStore) store = NULL;
  g_autoptr (MgStore) reader = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *path = NULL;
  guint            counts[3] = { 0 };
  gint64           start;

  /* A launch of "marginalia [FILE]", for bench_launch(). */
  if (argc > 1 && g_str_equal (argv[1], "--launch"))
    {
      argv[1] = argv[0];
      return launch_main (argc - 1, argv + 1);
    }
  if (argc == 5 && g_str_equal (argv[1], "--store-make"))
    return store_make_main (argv[2], argv[3], (guint) g_ascii_strtoull (argv[4], NULL, 10));
  if (argc == 4 && g_str_equal (argv[1], "--store-load"))
    return store_load_main (argv[2], argv[3]);

  tmp = g_dir_make_tmp ("marginalia-bench-XXXXXX", &error);
  g_assert_no_error (error);
  /* The window finds annotations in the user data folder, and reading
   * positions in the state folder: private ones. */
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);
  g_setenv ("XDG_STATE_HOME", tmp, TRUE);
  store_dir = mg_store_default_directory ();

  /* marginalia-bench --hostile: only the hostile documents. */
  if (argc > 1 && g_str_equal (argv[1], "--hostile"))
    {
      if (gtk_init_check ())
        {
          bench_application ();
          bench_hostile (tmp);
        }
      remove_tree (tmp);
      return 0;
    }

  /* marginalia-bench --library: only the library's figures (1,000
   * documents, 100,000 annotations), the index and the window. */
  if (argc > 1 && g_str_equal (argv[1], "--library"))
    {
      mg_bench_library (tmp);
      /* As in the whole bench, a first window warms up fonts, styles and
       * icons: the figure is the library window's, not GTK's first one. */
      if (gtk_init_check () && bench_open (NULL, "open_bundled_first_paint"))
        mg_bench_library_window (tmp, GTK_APPLICATION (bench_application ()));
      remove_tree (tmp);
      return 0;
    }

  if (argc > 1)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[1]);

      document = mg_document_loader_load_file (file, NULL, &error);
      if (document == NULL)
        {
          g_printerr ("marginalia-bench: %s\n", error->message);
          return 1;
        }
      path = g_file_get_path (file);
      if (path == NULL)
        {
          g_printerr ("marginalia-bench: %s is not a local file\n", argv[1]);
          return 1;
        }
    }
  else
    {
      g_autofree char *text = generate_text (4 * 1024 * 1024);
      gsize            length = strlen (text);
      g_autofree char *uri = NULL;
      g_autoptr (GBytes) bytes = NULL;

      /* In a file, so that the windows open it as they open FILE. */
      path = g_build_filename (tmp, "generated.txt", NULL);
      if (!g_file_set_contents (path, text, length, &error))
        g_error ("%s", error->message);
      uri = g_filename_to_uri (path, NULL, NULL);
      bytes = g_bytes_new_take (g_steal_pointer (&text), length);
      document = mg_document_loader_load_bytes (bytes, uri, "Generated", MG_DOCUMENT_FORMAT_TEXT, NULL);
    }

  g_print ("document %s\n", mg_document_get_title (document));
  g_print ("document_size %.1f MB\n", mg_document_get_n_bytes (document) / (1024.0 * 1024.0));
  g_print ("annotations %d count\n", N_ANNOTATIONS);

  annotations = make_annotations (document, N_ANNOTATIONS);
  mg_document_get_chars (document, NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < annotations->len; i++)
    mg_anchor_annotation (g_ptr_array_index (annotations, i), document);
  report ("anchor_unchanged", ms_since (start), "ms");

  edited = edit_document (document);
  mg_document_get_chars (edited, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < annotations->len; i++)
    mg_anchor_annotation (g_ptr_array_index (annotations, i), edited);
  report ("anchor_after_edits", ms_since (start), "ms");

  for (guint i = 0; i < annotations->len; i++)
    counts[mg_annotation_get_state (g_ptr_array_index (annotations, i))]++;
  g_print ("after_edits_anchored %u count\n", counts[MG_ANNOTATION_STATE_ANCHORED]);
  g_print ("after_edits_moved %u count\n", counts[MG_ANNOTATION_STATE_MOVED]);
  g_print ("after_edits_orphaned %u count\n", counts[MG_ANNOTATION_STATE_ORPHANED]);

  bench_anchoring_corpus ();

  /* The edited copy is done with: the figures below are for the original. */
  g_clear_object (&edited);

  /* Saving and loading the original document's annotations. */
  for (guint i = 0; i < annotations->len; i++)
    mg_anchor_annotation (g_ptr_array_index (annotations, i), document);
  list = mg_annotation_list_new ();
  store = mg_store_new (document, list, store_dir);
  if (!mg_store_load (store, &error))
    g_error ("%s", error->message);
  mg_annotation_list_add_many (list, annotations);

  start = g_get_monotonic_time ();
  if (!mg_store_flush (store, &error))
    g_error ("%s", error->message);
  report ("save", ms_since (start), "ms");

  /* Loading is measured as a new session would: the writing store and its
   * list are gone (writing the cache of what they saved, as a closing
   * window does), only the annotations the benchmark made remain.
   *
   * "load_json" is the first load of a file the store did not write or
   * read last (e.g. a synced folder brought it): the JSON is parsed, and
   * the cache made for the next time. "load" is every other load, from
   * that cache. */
  g_clear_object (&store);
  g_clear_object (&list);

  loaded = mg_annotation_list_new ();
  reader = mg_store_new (document, loaded, store_dir);
  mg_store_set_cache_directory (reader, NULL);
  start = g_get_monotonic_time ();
  if (!mg_store_load (reader, &error))
    g_error ("%s", error->message);
  report ("load_json", ms_since (start), "ms");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, N_ANNOTATIONS);
  g_clear_object (&reader);
  g_clear_object (&loaded);

  loaded = mg_annotation_list_new ();
  reader = mg_store_new (document, loaded, store_dir);
  start = g_get_monotonic_time ();
  if (!mg_store_load (reader, &error))
    g_error ("%s", error->message);
  report ("load", ms_since (start), "ms");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, N_ANNOTATIONS);

  {
    g_autofree char *markdown = NULL;
    g_autofree char *w3c = NULL;

    start = g_get_monotonic_time ();
    markdown = mg_export_markdown (document, G_LIST_MODEL (loaded), NULL);
    report ("export_markdown_10k", ms_since (start), "ms");

    start = g_get_monotonic_time ();
    w3c = mg_export_w3c (document, G_LIST_MODEL (loaded), NULL);
    report ("export_w3c_10k", ms_since (start), "ms");
  }

  report ("peak_rss_core", peak_rss_mb (), "MB");

  bench_store_load_100k (path, tmp);
  mg_bench_library (tmp);

  g_clear_object (&reader);
  g_clear_object (&store);

  /* The window figures, for the file of the document above. A copy with a
   * line more, under another name, has no annotations (an exact copy would
   * be recognised by its SHA-256 and get them): the difference between the
   * first two figures for it is what 10,000 annotations cost the first
   * paint. */
  {
    g_autofree char *plain_dir = g_build_filename (tmp, "plain", NULL);
    g_autofree char *name = g_path_get_basename (path);
    g_autofree char *plain_path = g_build_filename (plain_dir, name, NULL);
    g_autofree char *contents = NULL;
    gsize            length;
    g_autoptr (GString) other = NULL;
    g_autoptr (GFile) file = g_file_new_for_path (path);
    g_autoptr (GFile) plain = g_file_new_for_path (plain_path);

    if (!g_file_get_contents (path, &contents, &length, &error))
      g_error ("%s", error->message);
    other = g_string_new_len (contents, length);
    g_string_append (other, "\n\nThe end.\n");
    if (g_mkdir_with_parents (plain_dir, 0700) != 0 || !g_file_set_contents (plain_path, other->str, other->len, &error))
      g_error ("Could not write %s: %s", plain_path, error != NULL ? error->message : g_strerror (errno));

    /* The first window also warms up fonts, styles and icons for the others. */
    if (bench_open (NULL, "open_bundled_first_paint"))
      {
        bench_open (plain, "open_first_paint");
        bench_open (file, "open_with_10k_annotations_first_paint");
        bench_restore (plain, "open_restore_position");
        mg_bench_library_window (tmp, GTK_APPLICATION (bench_application ()));

        {
          g_autofree char *url = NULL;
          g_autoptr (SoupServer) server = start_article_server (&url);
          g_autoptr (GFile) page = g_file_new_for_uri (url);

          bench_open (page, "open_link_first_paint");
          soup_server_disconnect (server);
        }
        bench_launch (path, "launch_with_10k_annotations_first_paint", TRUE);
        bench_launch (plain_path, "launch_first_paint", FALSE);
        bench_launch (NULL, "launch_bundled_first_paint", FALSE);

        bench_hostile (tmp);
      }
  }

  /* This process: the core figures and every window above. */
  report ("peak_rss_bench", peak_rss_mb (), "MB");

  remove_tree (tmp);

  return 0;
}
