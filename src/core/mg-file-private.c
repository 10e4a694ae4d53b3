/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-file"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "mg-file-private.h"

#define HUGE_PAGE_SIZE (2u << 20)

/**
 * mg_try_alloc_big:
 * @size: how many bytes
 *
 * g_try_malloc() for a big block (a file's contents, a book's code
 * points), which asks the kernel for huge pages where it can. Fresh
 * memory comes a page of 4 KB at a time, each a page fault; in a virtual
 * machine they were most of the time it took to fill such a block (16 MB:
 * 65 ms, 4 with huge pages). Free it with g_free().
 *
 * Returns: (nullable): the block, or %NULL if there is no memory for it
 */
gpointer
mg_try_alloc_big (gsize size)
{
#if defined(MADV_HUGEPAGE)
  if (size >= HUGE_PAGE_SIZE * 2)
    {
      gpointer block = NULL;

      if (posix_memalign (&block, HUGE_PAGE_SIZE, size) == 0)
        {
          madvise (block, size, MADV_HUGEPAGE);
          return block;
        }
    }
#endif

  return g_try_malloc (size);
}

/* How much nicer than the rest of the process a background thread is. */
#define BACKGROUND_NICE 10

/**
 * mg_thread_set_background:
 *
 * Gives the calling thread a lower processor priority (a nice value
 * BACKGROUND_NICE above the process's), for work nobody waits to see:
 * the rest of a book once its first screen is shown. On a busy machine
 * the threads that paint, the app's main thread and the display server
 * or compositor that shows its frames, then come first; on an idle one
 * nothing changes. It is for a thread of its own that ends with that
 * work: an unprivileged thread cannot take its priority back, so never
 * call it in a thread of a pool (a GTask's). Linux only; elsewhere it
 * does nothing.
 */
void
mg_thread_set_background (void)
{
#if defined(__linux__) && defined(SYS_gettid)
  id_t tid = (id_t) syscall (SYS_gettid);
  int  nice_value;

  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, tid, MIN (nice_value + BACKGROUND_NICE, 19)) != 0)
    g_debug ("Could not lower the priority of a background thread: %s", g_strerror (errno));
#endif
}

/**
 * mg_file_load_contents:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @contents: (out): the contents, followed by a NUL byte
 * @length: (out): the length of @contents, without the NUL
 * @etag_out: (out) (optional) (nullable): the etag once the file is read
 * @error: return location for a #GError
 *
 * g_file_load_contents(), reading the file in one piece into a buffer of
 * its size: that one reads a block at a time into a buffer that keeps
 * growing, which copies a big file several times over (a quarter of the
 * time it takes to open a 4 MB text). A file that changes size while it
 * is read, or has no size (a pipe), is read the way that takes any size.
 *
 * Returns: %TRUE if the file was read
 */
gboolean
mg_file_load_contents (GFile        *file,
                       GCancellable *cancellable,
                       char        **contents,
                       gsize        *length,
                       char        **etag_out,
                       GError      **error)
{
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *data = NULL;
  goffset          size;
  gsize            n_read;
  char             extra;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    return g_file_load_contents (file, cancellable, contents, length, etag_out, error);

  size = g_file_info_get_size (info);
  if (size <= 0 || (guint64) size >= G_MAXSIZE)
    return g_file_load_contents (file, cancellable, contents, length, etag_out, error);

  data = mg_try_alloc_big ((gsize) size + 1);
  if (data == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, g_strerror (ENOMEM));
      return FALSE;
    }

  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, size, &n_read, cancellable, error))
    return FALSE;

  /* It changed size while it was read. */
  if (n_read != (gsize) size || g_input_stream_read (G_INPUT_STREAM (stream), &extra, 1, cancellable, NULL) != 0)
    {
      g_clear_object (&stream);
      return g_file_load_contents (file, cancellable, contents, length, etag_out, error);
    }
  data[size] = '\0';

  /* Like g_file_load_contents(), the etag once the file is read. */
  if (etag_out != NULL)
    {
      g_autoptr (GFileInfo) etag_info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_ETAG_VALUE, cancellable, NULL);

      *etag_out = etag_info != NULL ? g_strdup (g_file_info_get_etag (etag_info)) : NULL;
    }

  *contents = g_steal_pointer (&data);
  *length = (gsize) size;

  return TRUE;
}
