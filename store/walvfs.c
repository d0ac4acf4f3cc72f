/*
 * A thin SQLite VFS over the default one, for state.db's connections:
 * it writes each WAL frame (its 24-byte header and the page after it)
 * with one write(2) instead of two.  SQLite appends a frame as two calls
 * to xWrite, the header at offset o and the page at o + 24; on a guest
 * where a system call is dear, the header's pwrite64 was half of all
 * the daemon's file writes.  Everything else passes straight through.
 *
 * How: a 24-byte write to a WAL file that continues the handle's last
 * write (it starts where that one ended) is held in the handle, not
 * written.  The next call on the handle decides: a write that starts
 * right after the held bytes goes out with them as one pwrite64 of
 * 24 + page bytes; any other call (read, write elsewhere, sync,
 * truncate, size, lock, file control, close) first writes the held
 * bytes alone, then does its work.  Any call on the WAL's database
 * file does the same first, the shared-memory ones (xShmBarrier,
 * xShmLock, xShmMap, xShmUnmap) included.
 *
 * Why that loses nothing:
 * - Order: no call on the WAL or its database ever runs while bytes are
 *   held, so every read, sync and size sees the file as SQLite wrote
 *   it, and an fdatasync covers all that was written before it.  For
 *   an OS crash nothing changes: the page cache never promised order
 *   between unsynced writes.
 * - Visibility: a commit becomes visible to other connections when
 *   SQLite writes the WAL index header in shared memory, which it does
 *   around xShmBarrier on the database file (walIndexWriteHdr), and the
 *   write transaction ends with xShmLock releasing the write lock.
 *   Both write what is held first, so no reader, in this process or
 *   another, and no return to the caller, ever meets a commit whose
 *   frames are not all in the file: a kill -9 after sqlite3_step
 *   returned loses no committed byte (what write(2) accepted is the
 *   kernel's).  A kill while bytes are held is a kill before the commit
 *   frame's page was written, which recovery treats as no commit, as it
 *   would without this file.
 * - Which header is held: SQLite writes a frame's header then its page
 *   at once (walWriteOneFrame).  The other 24-byte writes to a WAL,
 *   walRewriteChecksums' header rewrites, each follow a read of their
 *   frame, so "continues the last write" never holds them; one that was
 *   held anyway would be written at the barrier, before the commit is
 *   seen.  Only while the database file has its WAL index mapped
 *   (xShmMap, not exclusive locking mode's heap index, where no barrier
 *   or shared lock call would follow) is anything held.
 * - Errors: a joined write that fails reports the error at the page's
 *   xWrite, where SQLite rolls the transaction back as it would for
 *   either write; a failed write of held bytes alone fails the call
 *   that caused it, or (xShmBarrier returns nothing) every later call
 *   on the WAL.
 * Each handle belongs to one connection, used by one thread at a time
 * (the checkpoint thread has its own), so the handles need no lock.
 */
#include "config.h"

#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "store/store_int.h"

/* SQLite's WAL frame header; the biggest page is 64 KiB. */
#define WALVFS_HDR 24
#define WALVFS_PAGE_MAX 65536
#define WALVFS_NAME "feedwatch-wal"

struct walvfs_file {
	sqlite3_file base;       /* pMethods: walvfs_methods */
	sqlite3_file *real;      /* the default VFS's file, after this struct */
	struct walvfs_file *db;  /* a WAL: its database file's handle */
	struct walvfs_file *wal; /* a database: its open WAL's handle */
	int shm;                 /* a database: its WAL index is mapped */
	int is_wal;
	int failed; /* a WAL: held bytes that did not land */
	int held;   /* a WAL: hdr holds bytes for held_off */
	sqlite3_int64 held_off;
	sqlite3_int64 last_end; /* where the last write ended; -1: a read
	                           or another call came since */
	unsigned char hdr[WALVFS_HDR];
	unsigned char *join; /* header and page, for the joined write */
};

/* The real file sits after the struct, aligned as malloc would. */
#define WALVFS_REAL_OFF ((sizeof(struct walvfs_file) + 15) & ~(size_t)15)

static sqlite3_vfs walvfs;
static sqlite3_vfs *walvfs_base;

/* Write what a WAL handle holds; its status. */
static int
walvfs_flush(struct walvfs_file *f)
{
	int rc;

	if (f == NULL)
		return SQLITE_OK;
	if (f->failed)
		return f->failed;
	if (!f->held)
		return SQLITE_OK;
	f->held = 0;
	f->last_end = -1;
	rc =
	    f->real->pMethods->xWrite(f->real, f->hdr, WALVFS_HDR, f->held_off);
	if (rc != SQLITE_OK)
		f->failed = rc;
	return rc;
}

/* Before any call on a file: a WAL writes what it holds, a database
 * what its WAL holds. */
static int
walvfs_before(sqlite3_file *file)
{
	struct walvfs_file *f = (struct walvfs_file *)file;

	if (!f->is_wal)
		return walvfs_flush(f->wal);
	f->last_end = -1; /* the next header then follows no write */
	return walvfs_flush(f);
}

/* The common shape of a pass-through call. */
#define WALVFS_REAL(file) (((struct walvfs_file *)(file))->real)
#define WALVFS_PASS(file, call)                           \
	do {                                              \
		int rc_ = walvfs_before(file);            \
		if (rc_ != SQLITE_OK)                     \
			return rc_;                       \
		return WALVFS_REAL(file)->pMethods->call; \
	} while (0)

/* Unlink a WAL from its database and close the real file. */
static int
walvfs_close(sqlite3_file *file)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	int rc = walvfs_before(file), rc2;

	if (f->is_wal && f->db != NULL)
		f->db->wal = NULL;
	if (!f->is_wal && f->wal != NULL)
		f->wal->db = NULL;
	sqlite3_free(f->join);
	f->join = NULL;
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

/* The calls from here to walvfs_fcntl pass through, after
 * walvfs_before. */
static int
walvfs_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	WALVFS_PASS(file, xRead(WALVFS_REAL(file), buf, amt, off));
}

/* A held header and the page right after it, as one write. */
static int
walvfs_join(struct walvfs_file *f, const void *buf, int amt)
{
	int rc;

	if (f->join == NULL &&
	    (f->join = sqlite3_malloc(WALVFS_HDR + WALVFS_PAGE_MAX)) == NULL)
		return walvfs_flush(f) != SQLITE_OK ? f->failed : SQLITE_NOMEM;
	memcpy(f->join, f->hdr, WALVFS_HDR);
	memcpy(f->join + WALVFS_HDR, buf, (size_t)amt);
	f->held = 0;
	rc = f->real->pMethods->xWrite(
	    f->real, f->join, WALVFS_HDR + amt, f->held_off);
	f->last_end = rc == SQLITE_OK ? f->held_off + WALVFS_HDR + amt : -1;
	return rc;
}

static int
walvfs_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	int rc;

	if (f->is_wal && f->held && !f->failed &&
	    off == f->held_off + WALVFS_HDR && amt > 0 &&
	    amt <= WALVFS_PAGE_MAX) {
		rc = walvfs_join(f, buf, amt);
		if (rc != SQLITE_NOMEM)
			return rc;
	}
	if (f->is_wal && !f->held && !f->failed && amt == WALVFS_HDR &&
	    off == f->last_end && f->db != NULL && f->db->shm) {
		memcpy(f->hdr, buf, WALVFS_HDR);
		f->held = 1;
		f->held_off = off;
		return SQLITE_OK;
	}
	if ((rc = walvfs_before(file)) != SQLITE_OK)
		return rc;
	rc = f->real->pMethods->xWrite(f->real, buf, amt, off);
	if (f->is_wal)
		f->last_end = rc == SQLITE_OK ? off + amt : -1;
	return rc;
}

static int
walvfs_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	WALVFS_PASS(file, xTruncate(WALVFS_REAL(file), size));
}

static int
walvfs_sync(sqlite3_file *file, int flags)
{
	WALVFS_PASS(file, xSync(WALVFS_REAL(file), flags));
}

static int
walvfs_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	WALVFS_PASS(file, xFileSize(WALVFS_REAL(file), size));
}

static int
walvfs_lock(sqlite3_file *file, int level)
{
	WALVFS_PASS(file, xLock(WALVFS_REAL(file), level));
}

static int
walvfs_unlock(sqlite3_file *file, int level)
{
	WALVFS_PASS(file, xUnlock(WALVFS_REAL(file), level));
}

static int
walvfs_reserved(sqlite3_file *file, int *out)
{
	WALVFS_PASS(file, xCheckReservedLock(WALVFS_REAL(file), out));
}

static int
walvfs_fcntl(sqlite3_file *file, int op, void *arg)
{
	WALVFS_PASS(file, xFileControl(WALVFS_REAL(file), op, arg));
}

/* Sector size and device characteristics only describe the file. */
static int
walvfs_sector(sqlite3_file *file)
{
	(void)walvfs_before(file);
	return WALVFS_REAL(file)->pMethods->xSectorSize(WALVFS_REAL(file));
}

static int
walvfs_device(sqlite3_file *file)
{
	(void)walvfs_before(file);
	return WALVFS_REAL(file)->pMethods->xDeviceCharacteristics(
	    WALVFS_REAL(file));
}

/* The database's WAL index: mapped in shared memory, so commits are
 * published through the barrier and shared locks below. */
static int
walvfs_shm_map(
    sqlite3_file *file, int pg, int pgsz, int extend, void volatile **out)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	int rc;

	if ((rc = walvfs_before(file)) != SQLITE_OK)
		return rc;
	rc = f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, out);
	if (rc == SQLITE_OK || rc == SQLITE_READONLY)
		f->shm = 1;
	return rc;
}

static int
walvfs_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	WALVFS_PASS(file, xShmLock(WALVFS_REAL(file), offset, n, flags));
}

/* Before the WAL index header that publishes a commit is written. */
static void
walvfs_shm_barrier(sqlite3_file *file)
{
	(void)walvfs_before(file);
	WALVFS_REAL(file)->pMethods->xShmBarrier(WALVFS_REAL(file));
}

static int
walvfs_shm_unmap(sqlite3_file *file, int delete)
{
	struct walvfs_file *f = (struct walvfs_file *)file;

	f->shm = 0;
	WALVFS_PASS(file, xShmUnmap(WALVFS_REAL(file), delete));
}

static int
walvfs_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **out)
{
	WALVFS_PASS(file, xFetch(WALVFS_REAL(file), off, amt, out));
}

static int
walvfs_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	WALVFS_PASS(file, xUnfetch(WALVFS_REAL(file), off, p));
}

/* Version 3 methods; a base file of a lower version gets one of the
 * copies store_wal_vfs makes, with the methods it lacks NULL. */
static const sqlite3_io_methods walvfs_methods3 = {3, walvfs_close, walvfs_read,
    walvfs_write, walvfs_truncate, walvfs_sync, walvfs_file_size, walvfs_lock,
    walvfs_unlock, walvfs_reserved, walvfs_fcntl, walvfs_sector, walvfs_device,
    walvfs_shm_map, walvfs_shm_lock, walvfs_shm_barrier, walvfs_shm_unmap,
    walvfs_fetch, walvfs_unfetch};
/* [v - 1]: the methods for a base file of version v. */
static sqlite3_io_methods walvfs_methods[3];

/* Is file one of ours? */
static int
walvfs_ours(const sqlite3_file *file)
{
	return file != NULL && file->pMethods >= &walvfs_methods[0] &&
	    file->pMethods <= &walvfs_methods[2];
}

/* The copies for versions 1 and 2: no shared memory, no fetch. */
static void
walvfs_methods_init(void)
{
	for (int v = 1; v <= 3; v++) {
		sqlite3_io_methods *m = &walvfs_methods[v - 1];

		*m = walvfs_methods3;
		m->iVersion = v;
		if (v < 3) {
			m->xFetch = NULL;
			m->xUnfetch = NULL;
		}
		if (v < 2) {
			m->xShmMap = NULL;
			m->xShmLock = NULL;
			m->xShmBarrier = NULL;
			m->xShmUnmap = NULL;
		}
	}
}

/* Open the real file after ours; a WAL is linked to its database. */
static int
walvfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
    int *out_flags)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	sqlite3_file *dbf;
	int rc, v;

	(void)vfs;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)((char *)file + WALVFS_REAL_OFF);
	f->last_end = -1;
	rc = walvfs_base->xOpen(walvfs_base, name, f->real, flags, out_flags);
	if (f->real->pMethods == NULL) {
		file->pMethods = NULL; /* nothing for SQLite to close */
		return rc;
	}
	v = f->real->pMethods->iVersion;
	file->pMethods = &walvfs_methods[v < 1 ? 0 : v > 3 ? 2 : v - 1];
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name != NULL &&
	    walvfs_ours(dbf = sqlite3_database_file_object(name))) {
		f->is_wal = 1;
		f->db = (struct walvfs_file *)dbf;
		f->db->wal = f;
	}
	return rc;
}

/* The rest of the VFS is the default's own. */
static int
walvfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return walvfs_base->xDelete(walvfs_base, name, sync_dir);
}

static int
walvfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return walvfs_base->xAccess(walvfs_base, name, flags, out);
}

static int
walvfs_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return walvfs_base->xFullPathname(walvfs_base, name, n, out);
}

static int
walvfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return walvfs_base->xRandomness(walvfs_base, n, out);
}

static int
walvfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return walvfs_base->xSleep(walvfs_base, us);
}

static int
walvfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return walvfs_base->xCurrentTime(walvfs_base, out);
}

static int
walvfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return walvfs_base->xGetLastError(walvfs_base, n, out);
}

static int
walvfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return walvfs_base->xCurrentTimeInt64(walvfs_base, out);
}

/* Extensions are the default VFS's business too. */
static void *
walvfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return walvfs_base->xDlOpen(walvfs_base, name);
}

static void
walvfs_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	walvfs_base->xDlError(walvfs_base, n, out);
}

static void (*walvfs_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return walvfs_base->xDlSym(walvfs_base, h, sym);
}

static void
walvfs_dl_close(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	walvfs_base->xDlClose(walvfs_base, h);
}

/*
 * The VFS's name for sqlite3_open_v2, registered (not as the default)
 * on first use; NULL (SQLite's default VFS) when there is no default
 * to wrap.  The main thread opens the store first, before the
 * checkpoint thread starts, so the registration never races.
 */
const char *
store_wal_vfs(void)
{
	static int done;

	if (!done) {
		done = 1;
		walvfs_base = sqlite3_vfs_find(NULL);
		if (walvfs_base == NULL || walvfs_base->iVersion < 2 ||
		    walvfs_base->xCurrentTimeInt64 == NULL)
			walvfs_base = NULL;
		else {
			walvfs_methods_init();
			walvfs.iVersion = 2;
			walvfs.szOsFile =
			    (int)WALVFS_REAL_OFF + walvfs_base->szOsFile;
			walvfs.mxPathname = walvfs_base->mxPathname;
			walvfs.zName = WALVFS_NAME;
			walvfs.xOpen = walvfs_open;
			walvfs.xDelete = walvfs_delete;
			walvfs.xDlOpen = walvfs_dl_open;
			walvfs.xDlError = walvfs_dl_error;
			walvfs.xDlSym = walvfs_dl_sym;
			walvfs.xDlClose = walvfs_dl_close;
			walvfs.xAccess = walvfs_access;
			walvfs.xFullPathname = walvfs_full_path;
			walvfs.xRandomness = walvfs_randomness;
			walvfs.xSleep = walvfs_sleep;
			walvfs.xCurrentTime = walvfs_time;
			walvfs.xGetLastError = walvfs_last_error;
			walvfs.xCurrentTimeInt64 = walvfs_time64;
			if (sqlite3_vfs_register(&walvfs, 0) != SQLITE_OK)
				walvfs_base = NULL;
		}
	}
	return walvfs_base != NULL ? WALVFS_NAME : NULL;
}
