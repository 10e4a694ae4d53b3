/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "mg-reading-positions.h"

/* The table of where each document was left (MgReadingPositions): kept by
 * URI, read back from its file, capped, saved atomically, and forgiving of
 * a damaged file. Each test works in a temporary folder of its own. */

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("mg-positions-XXXXXX", &error);
  g_assert_no_error (error);
  /* A folder that does not exist yet: saving makes it. */
  f->path = g_build_filename (f->dir, "state", "positions.ini", NULL);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *state = g_build_filename (f->dir, "state", NULL);
  g_autoptr (GDir) dir = g_dir_open (state, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (state, name, NULL);

      g_remove (path);
    }
  g_rmdir (state);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
test_round_trip (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (MgReadingPositions) positions = mg_reading_positions_new (f->path);
  guint offset = 0;

  g_assert_cmpstr (mg_reading_positions_get_path (positions), ==, f->path);
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///nowhere.txt", &offset));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  mg_reading_positions_set_offset (positions, "file:///home/a/book.txt", 1234);
  mg_reading_positions_set_offset (positions, "file:///tmp/%5Bodd%5D=name;x.txt", 7);
  mg_reading_positions_set_offset (positions, "https://example.org/a?b=c#d", 42);
  mg_reading_positions_set_offset (positions, "file:///home/a/book.txt", 4321);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));

  /* From the file, not from memory. */
  mg_reading_positions_reload (positions);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///home/a/book.txt", &offset));
  g_assert_cmpuint (offset, ==, 4321);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///tmp/%5Bodd%5D=name;x.txt", &offset));
  g_assert_cmpuint (offset, ==, 7);
  g_assert_true (mg_reading_positions_get_offset (positions, "https://example.org/a?b=c#d", &offset));
  g_assert_cmpuint (offset, ==, 42);
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///home/a/other.txt", &offset));
}

/* A second table on the same file (another window's process) sees what the
 * first saved once it reloads, and not before. */
static void
test_reload (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (MgReadingPositions) first = mg_reading_positions_new (f->path);
  g_autoptr (MgReadingPositions) second = mg_reading_positions_new (f->path);
  guint offset = 0;

  mg_reading_positions_set_offset (first, "file:///a.txt", 10);
  g_assert_true (mg_reading_positions_get_offset (second, "file:///a.txt", &offset));
  g_assert_cmpuint (offset, ==, 10);

  mg_reading_positions_set_offset (first, "file:///a.txt", 20);
  g_assert_true (mg_reading_positions_get_offset (second, "file:///a.txt", &offset));
  g_assert_cmpuint (offset, ==, 10);

  mg_reading_positions_reload (second);
  g_assert_true (mg_reading_positions_get_offset (second, "file:///a.txt", &offset));
  g_assert_cmpuint (offset, ==, 20);
}

/* Saving writes a new file and renames it over the old one: the old file
 * is never truncated in place (a crash would leave it empty), no temporary
 * file stays behind, and only the user can read where they were reading. */
static void
test_atomic_save (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (MgReadingPositions) positions = mg_reading_positions_new (f->path);
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *old_name = g_build_filename (f->dir, "old", NULL);
  g_autoptr (GDir) listing = NULL;
  g_autofree char *old_contents = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf before, after;
  guint    n_files = 0;

  mg_reading_positions_set_offset (positions, "file:///a.txt", 1);
  g_assert_cmpint (g_stat (f->path, &before), ==, 0);
  g_assert_cmpint (before.st_mode & 0777, ==, 0600);

  /* A second name for the old file keeps its inode and contents. */
  g_assert_cmpint (link (f->path, old_name), ==, 0);
  g_assert_true (g_file_get_contents (old_name, &old_contents, NULL, NULL));

  mg_reading_positions_set_offset (positions, "file:///b.txt", 2);
  g_assert_true (mg_reading_positions_save (positions, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (f->path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  {
    g_autofree char *still = NULL;

    g_assert_true (g_file_get_contents (old_name, &still, NULL, NULL));
    g_assert_cmpstr (still, ==, old_contents);
  }
  g_remove (old_name);

  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
}

/* Where the file cannot be written, saving says why and the positions stay
 * known for this session. */
static void
test_save_fails (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "state", NULL);
  g_autoptr (MgReadingPositions) positions = NULL;
  g_autoptr (GError) error = NULL;
  guint offset = 0;

  /* A regular file where the folder should be. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  positions = mg_reading_positions_new (f->path);

  g_test_expect_message ("mg-reading-positions", G_LOG_LEVEL_WARNING, "*Could not read the reading positions*");
  g_test_expect_message ("mg-reading-positions", G_LOG_LEVEL_WARNING, "*Could not save the reading positions*");
  mg_reading_positions_set_offset (positions, "file:///a.txt", 3);
  g_test_assert_expected_messages ();

  g_assert_false (mg_reading_positions_save (positions, &error));
  g_assert_nonnull (error);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///a.txt", &offset));
  g_assert_cmpuint (offset, ==, 3);

  g_remove (blocker);
}

/* A damaged file is no reason to fail: it starts afresh, and the next save
 * replaces it. A position that is not a number is ignored. */
static void
test_bad_file (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (MgReadingPositions) positions = mg_reading_positions_new (f->path);
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *group = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "file:///c.txt", -1);
  g_autofree char *odd = NULL;
  guint            offset = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, "[[[not a key file", -1, NULL));

  g_test_expect_message ("mg-reading-positions", G_LOG_LEVEL_WARNING, "*Could not read the reading positions*");
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///a.txt", &offset));
  g_test_assert_expected_messages ();

  mg_reading_positions_set_offset (positions, "file:///a.txt", 5);
  mg_reading_positions_reload (positions);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///a.txt", &offset));
  g_assert_cmpuint (offset, ==, 5);

  /* A group whose offset is not a number, and one whose URI is not the
   * one asked for (a checksum collision, or an edited file). */
  odd = g_strdup_printf ("[%s]\nuri=file:///c.txt\noffset=many\ntime=1\n"
                         "[0000]\nuri=file:///d.txt\noffset=9\ntime=1\n",
                         group);
  g_assert_true (g_file_set_contents (f->path, odd, -1, NULL));
  mg_reading_positions_reload (positions);
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///c.txt", &offset));
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///d.txt", &offset));
}

static void
test_cap (Fixture      *f,
          gconstpointer data)
{
  g_autoptr (MgReadingPositions) positions = mg_reading_positions_new (f->path);
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_auto (GStrv) groups = NULL;
  guint n = MG_READING_POSITIONS_MAX + 10;
  guint offset;
  gsize n_groups;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uri = g_strdup_printf ("file:///books/%u.txt", i);

      mg_reading_positions_set_offset (positions, uri, i * 10);
    }

  /* Reading an old one again makes it recent: the next new one drops the
   * one after it instead. */
  mg_reading_positions_set_offset (positions, "file:///books/10.txt", 1);
  mg_reading_positions_set_offset (positions, "file:///books/new.txt", 2);

  mg_reading_positions_reload (positions);
  g_assert_true (g_key_file_load_from_file (keyfile, f->path, G_KEY_FILE_NONE, NULL));
  groups = g_key_file_get_groups (keyfile, &n_groups);
  g_assert_cmpuint (n_groups, ==, MG_READING_POSITIONS_MAX);

  g_assert_false (mg_reading_positions_get_offset (positions, "file:///books/0.txt", &offset));
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///books/9.txt", &offset));
  g_assert_false (mg_reading_positions_get_offset (positions, "file:///books/11.txt", &offset));
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///books/10.txt", &offset));
  g_assert_cmpuint (offset, ==, 1);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///books/12.txt", &offset));
  g_assert_cmpuint (offset, ==, 120);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///books/509.txt", &offset));
  g_assert_cmpuint (offset, ==, 5090);
  g_assert_true (mg_reading_positions_get_offset (positions, "file:///books/new.txt", &offset));
  g_assert_cmpuint (offset, ==, 2);
}

/* The user's table is in the application's folder of the state folder. */
static void
test_default_path (void)
{
  MgReadingPositions *positions = mg_reading_positions_get_default ();
  g_autofree char    *expected = g_build_filename (g_get_user_state_dir (), APP_ID, "positions.ini", NULL);

  g_assert_true (positions == mg_reading_positions_get_default ());
  g_assert_cmpstr (mg_reading_positions_get_path (positions), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  ADD ("/reading-positions/round-trip", test_round_trip);
  ADD ("/reading-positions/reload", test_reload);
  ADD ("/reading-positions/save/atomic", test_atomic_save);
  ADD ("/reading-positions/save/fails", test_save_fails);
  ADD ("/reading-positions/bad-file-ignored", test_bad_file);
  ADD ("/reading-positions/cap", test_cap);
  g_test_add_func ("/reading-positions/default-path", test_default_path);
#undef ADD

  return g_test_run ();
}
