package lsm

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aegisdb/aegis/vfs"
)

// The manifest is a log of version edits:
//
//	| crc32c:4 LE | len:4 LE | edit: len bytes |   repeated; crc covers len and edit
//
// Its first record is a snapshot of the whole version (every live file,
// the counters); each later record is an edit, synced before the new
// version it describes is used. CURRENT names the live manifest
// ("MANIFEST-000007\n") and is replaced atomically (write CURRENT.tmp,
// sync, rename, sync the directory). A new manifest is started at every
// Open, and after a failed append nothing more is appended, so a torn
// record can only be the last one of a manifest; the reader stops there.
// A bad record with more bytes after it is not a torn write but damage,
// and reading it fails: dropping the edits after it would make Open
// delete the tables they name as orphans.

const (
	currentName     = "CURRENT"
	manifestPrefix  = "MANIFEST-"
	manifestHdrLen  = 8
	maxManifestEdit = 64 << 20
)

func manifestName(num uint64) string { return fmt.Sprintf("%s%06d", manifestPrefix, num) }
func tableName(num uint64) string    { return fmt.Sprintf("%06d.sst", num) }

// parseTableName returns the number of a table file name.
func parseTableName(name string) (uint64, bool) {
	s, ok := strings.CutSuffix(name, ".sst")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

func parseManifestName(name string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, manifestPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// manifestWriter appends edits to one manifest file.
type manifestWriter struct {
	f    vfs.File
	name string
	size int64
}

func (w *manifestWriter) append(e *versionEdit) error {
	payload := e.encode()
	rec := make([]byte, manifestHdrLen, manifestHdrLen+len(payload))
	binary.LittleEndian.PutUint32(rec[4:], uint32(len(payload)))
	rec = append(rec, payload...)
	binary.LittleEndian.PutUint32(rec, crc32.Checksum(rec[4:], crcTable))
	if _, err := w.f.Write(rec); err != nil {
		return fmt.Errorf("lsm: write manifest %s: %w", w.name, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("lsm: sync manifest %s: %w", w.name, err)
	}
	w.size += int64(len(rec))
	return nil
}

// recoveredState is what a manifest describes.
type recoveredState struct {
	v        *version
	logLSN   uint64
	nextFile uint64
	lastSeq  uint64
}

// readCurrent returns the manifest CURRENT names, or "" if there is no
// CURRENT (a new store).
func readCurrent(fs vfs.FS, dir string) (string, error) {
	path := filepath.Join(dir, currentName)
	if !vfs.Exists(fs, path) {
		return "", nil
	}
	b, err := vfs.ReadFile(fs, path)
	if err != nil {
		return "", fmt.Errorf("lsm: read CURRENT: %w", err)
	}
	name, ok := strings.CutSuffix(string(b), "\n")
	if _, valid := parseManifestName(name); !ok || !valid {
		return "", corruptf(currentName, 0, "holds %q, want a manifest name and a newline", b)
	}
	return name, nil
}

// readManifest replays a manifest. A torn last write ends the log: a
// record whose length runs past the end of the file, or one that fails
// its checksum and is the last record or followed only by zeros (a file
// system may show unwritten blocks as zeros). A record that fails its
// checksum with other bytes after it, or an edit that does not decode or
// apply, is corruption. (A damaged length field that points past the end
// looks like a torn tail and cannot be told from one.)
func readManifest(fs vfs.FS, dir, name string) (*recoveredState, error) {
	data, err := vfs.ReadFile(fs, filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("lsm: read manifest %s: %w", name, err)
	}
	st := &recoveredState{v: &version{}, nextFile: 1}
	off := 0
	records := 0
	for len(data)-off >= manifestHdrLen {
		n := binary.LittleEndian.Uint32(data[off+4:])
		if n > maxManifestEdit || int(n) > len(data)-off-manifestHdrLen {
			break
		}
		end := off + manifestHdrLen + int(n)
		rec := data[off+4 : end]
		if binary.LittleEndian.Uint32(data[off:]) != crc32.Checksum(rec, crcTable) {
			if end < len(data) && !allZero(data[off:]) {
				return nil, corruptf(name, int64(off), "record of %d bytes fails its checksum and %d bytes follow it", n, len(data)-end)
			}
			break
		}
		e, err := decodeEdit(rec[4:])
		if err != nil {
			return nil, corruptf(name, int64(off), "%v", err)
		}
		if st.v, err = st.v.apply(e); err != nil {
			return nil, corruptf(name, int64(off), "%v", err)
		}
		if e.hasLogLSN {
			st.logLSN = e.logLSN
		}
		if e.hasNextFile {
			st.nextFile = max(st.nextFile, e.nextFile)
		}
		if e.hasLastSeq {
			st.lastSeq = max(st.lastSeq, e.lastSeq)
		}
		off = end
		records++
	}
	if records == 0 {
		return nil, corruptf(name, 0, "manifest has no complete record")
	}
	return st, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// snapshotEdit describes a whole state, the first record of a manifest.
func snapshotEdit(v *version, logLSN, nextFile, lastSeq uint64) *versionEdit {
	e := &versionEdit{}
	e.setLogLSN(logLSN)
	e.setNextFile(nextFile)
	e.setLastSeq(lastSeq)
	for l, fs := range v.levels {
		for _, f := range fs {
			e.added = append(e.added, addedFile{l, f})
		}
	}
	return e
}

// createManifest writes a new manifest holding snap and points CURRENT at
// it. Until CURRENT is renamed the old manifest stays the live one.
func createManifest(fs vfs.FS, dir string, num uint64, snap *versionEdit) (*manifestWriter, error) {
	name := manifestName(num)
	f, err := fs.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("lsm: create manifest %s: %w", name, err)
	}
	w := &manifestWriter{f: f, name: name}
	if err := w.append(snap); err != nil {
		f.Close()
		return nil, err
	}
	if err := fs.SyncDir(dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("lsm: sync dir after creating %s: %w", name, err)
	}
	if err := vfs.WriteFileAtomic(fs, dir, filepath.Join(dir, currentName), []byte(name+"\n")); err != nil {
		f.Close()
		return nil, fmt.Errorf("lsm: install CURRENT -> %s: %w", name, err)
	}
	return w, nil
}

// loadLive reads the manifest CURRENT names, for tools on a closed store.
func loadLive(fs vfs.FS, dir string) (string, *recoveredState, error) {
	cur, err := readCurrent(fs, dir)
	if err != nil {
		return "", nil, err
	}
	if cur == "" {
		return "", nil, fmt.Errorf("lsm: %s holds no store (no CURRENT)", dir)
	}
	st, err := readManifest(fs, dir, cur)
	return cur, st, err
}
