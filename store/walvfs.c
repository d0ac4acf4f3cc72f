/*
 * A thin SQLite VFS over the default one, for state.db's connections:
 * it writes a transaction's WAL frames with one write(2), not two per
 * frame.  SQLite appends a frame as two calls to xWrite, its 24-byte
 * header at offset o and its page at o + 24, and a commit of n pages
 * as n such frames, the last marked as the commit; on a guest where a
 * system call is dear, those pwrite64 calls were the biggest part of
 * the daemon's system time (two per frame, then one per frame after
 * the first version of this file joined each header to its page).
 * Everything else passes straight through.
 *
 * How: the frames a handle appends (each write starts where the last
 * one ended) are held in the handle's buffer, not written.  The page
 * of a commit frame (its header says how big the database is after
 * the commit; other frames say 0) writes everything held with one
 * pwrite64, and its xWrite returns that write's status; so does a page
 * that would take the buffer past WALVFS_HOLD_MAX.  Any other call on
 * the handle (read, write elsewhere, sync, truncate, size, lock, file
 * control, close) first writes what is held, then does its work.  Any
 * call on the WAL's database file does the same first, the
 * shared-memory ones (xShmBarrier, xShmLock, xShmMap, xShmUnmap)
 * included.
 *
 * Why that loses nothing:
 * - Order: no call on the WAL or its database ever runs while bytes are
 *   held, so every read, sync and size sees the file as SQLite wrote
 *   it, and an fdatasync covers all that was written before it.  For
 *   an OS crash nothing changes: the page cache never promised order
 *   between unsynced writes.
 * - Visibility: a commit becomes visible to other connections when
 *   SQLite writes the WAL index header in shared memory, which it does
 *   after the commit frame's xWrite returned, around xShmBarrier on
 *   the database file (walIndexWriteHdr).  By then the commit frame's
 *   page has written every frame of the transaction, so no reader, in
 *   this process or another, and no return to the caller, ever meets a
 *   commit whose frames are not all in the file: a kill -9 after
 *   sqlite3_step returned loses no committed byte (what write(2)
 *   accepted is the kernel's).  A kill while bytes are held is a kill
 *   before the commit frame was written, which recovery treats as no
 *   commit, as it would without this file.
 * - What is held: only whole frames, and a header whose page is still
 *   to come, each continuing the write before it.  SQLite's other
 *   writes to a WAL (its 32-byte header, walRewriteChecksums' frame
 *   rewrites, a page rewritten in place before the commit) start
 *   elsewhere or follow a read, so they first write what is held and
 *   then go out alone, in the order SQLite made them.  Only while the
 *   database file has its WAL index mapped (xShmMap, not exclusive
 *   locking mode's heap index, where no barrier or shared lock call
 *   would follow) is anything held.
 * - Errors: the commit frame's xWrite reports the status of the write
 *   that carries the transaction, and SQLite rolls the transaction
 *   back as it would for the failure of any of its frames; the held
 *   bytes are let go (they were never visible, and the next
 *   transaction writes its frames over them).  A failed write of held
 *   bytes at any other call fails that call, or (xShmBarrier returns
 *   nothing) every later call on the WAL.
 * Each handle belongs to one connection, used by one thread at a time
 * (the checkpoint thread has its own), so the handles need no lock.
 */
#include "config.h"

#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "store/store_int.h"

/* SQLite's WAL frame header; the biggest page is 64 KiB.  A handle
 * holds at most what the unix VFS writes in one call: its
 * seekAndWriteFd keeps 17 bits of the size, so 31 frames of 4 KiB. */
#define WALVFS_HDR 24
#define WALVFS_PAGE_MAX 65536
#define WALVFS_HOLD_MAX 131071
#define WALVFS_NAME "feedwatch-wal"

struct walvfs_file {
	sqlite3_file base;       /* pMethods: walvfs_methods */
	sqlite3_file *real;      /* the default VFS's file, after this struct */
	struct walvfs_file *db;  /* a WAL: its database file's handle */
	struct walvfs_file *wal; /* a database: its open WAL's handle */
	int shm;                 /* a database: its WAL index is mapped */
	int is_wal;
	int failed;   /* a WAL: held bytes that did not land */
	int hdr_open; /* a WAL: what is held ends with a frame's header */
	unsigned char *hold; /* a WAL: bytes for hold_off on, not written */
	size_t nhold, hold_cap;
	sqlite3_int64 hold_off;
	sqlite3_int64 last_end; /* where the last write ended; -1: a read
	                           or another call came since */
};

/* The real file sits after the struct, aligned as malloc would. */
#define WALVFS_REAL_OFF ((sizeof(struct walvfs_file) + 15) & ~(size_t)15)

static sqlite3_vfs walvfs;
static sqlite3_vfs *walvfs_base;

/* Write the first n bytes a WAL handle holds with one call, and keep
 * the rest; its status.  The n bytes are let go whatever it is. */
static int
walvfs_write_part(struct walvfs_file *f, size_t n)
{
	int rc;

	rc = f->real->pMethods->xWrite(f->real, f->hold, (int)n, f->hold_off);
	f->last_end = rc == SQLITE_OK ? f->hold_off + (sqlite3_int64)n : -1;
	f->nhold -= n;
	f->hold_off += (sqlite3_int64)n;
	memmove(f->hold, f->hold + n, f->nhold);
	return rc;
}

/* Write all a WAL handle holds with one call; its status. */
static int
walvfs_write_held(struct walvfs_file *f)
{
	f->hdr_open = 0;
	return walvfs_write_part(f, f->nhold);
}

/* Write what a WAL handle holds before another call; its status, which
 * stays with the handle when the write failed. */
static int
walvfs_flush(struct walvfs_file *f)
{
	int rc;

	if (f == NULL)
		return SQLITE_OK;
	if (f->failed)
		return f->failed;
	if (f->nhold == 0)
		return SQLITE_OK;
	if ((rc = walvfs_write_held(f)) != SQLITE_OK)
		f->failed = rc;
	return rc;
}

/* Before any call on a file: a WAL writes what it holds, a database
 * what its WAL holds. */
static int
walvfs_before(sqlite3_file *file)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	int rc;

	if (!f->is_wal)
		return walvfs_flush(f->wal);
	rc = walvfs_flush(f);
	f->last_end = -1; /* the next header then follows no write */
	return rc;
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
	sqlite3_free(f->hold);
	f->hold = NULL;
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

/* Room for n more held bytes; 0 when there is none to be had.  The
 * buffer is had once, at its greatest size. */
static int
walvfs_room(struct walvfs_file *f, size_t n)
{
	if (f->nhold + n > WALVFS_HOLD_MAX)
		return 0;
	if (f->hold == NULL &&
	    (f->hold = sqlite3_malloc(WALVFS_HOLD_MAX)) == NULL)
		return 0;
	return 1;
}

/* Hold a WAL write that continues the last one, a frame's header or its
 * page: 1 when it was taken (*rc then says how it went), 0 when it
 * must go out as it is. */
static int
walvfs_hold(
    struct walvfs_file *f, const void *buf, int amt, sqlite3_int64 off, int *rc)
{
	const unsigned char *h;
	size_t n = (size_t)amt;

	if (!f->is_wal || f->failed || f->db == NULL || !f->db->shm)
		return 0;
	if (f->nhold == 0 ? off != f->last_end
	                  : off != f->hold_off + (sqlite3_int64)f->nhold)
		return 0;
	if (f->hdr_open ? amt <= 0 || amt > WALVFS_PAGE_MAX : amt != WALVFS_HDR)
		return 0;
	/* A page that does not fit: the frames before its header go out
	 * first, and the header waits with the page. */
	if (f->hdr_open && f->nhold + n > WALVFS_HOLD_MAX &&
	    f->nhold > WALVFS_HDR &&
	    (*rc = walvfs_write_part(f, f->nhold - WALVFS_HDR)) != SQLITE_OK) {
		f->nhold = 0;
		f->hdr_open = 0;
		return 1;
	}
	if (!walvfs_room(f, n))
		return 0;
	if (f->nhold == 0)
		f->hold_off = off;
	memcpy(f->hold + f->nhold, buf, n);
	f->nhold += n;
	*rc = SQLITE_OK;
	if (!f->hdr_open) {
		f->hdr_open = 1;
		return 1;
	}
	f->hdr_open = 0;
	/* Bytes 4-7 of a frame's header: the database's size in pages
	 * after a commit, 0 in any other frame. */
	h = f->hold + f->nhold - n - WALVFS_HDR;
	if ((h[4] | h[5] | h[6] | h[7]) != 0)
		*rc = walvfs_write_held(f);
	return 1;
}

static int
walvfs_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct walvfs_file *f = (struct walvfs_file *)file;
	int rc;

	if (walvfs_hold(f, buf, amt, off, &rc))
		return rc;
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
