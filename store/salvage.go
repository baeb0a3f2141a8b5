package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A file whose page structure is damaged cannot be repaired in place:
// bbolt would write through the damage. Salvage copies what its sound pages
// hold into a new file, walking them with the same bounds-checked reads as
// the check (never bbolt's), as a database's recover does, and puts the
// copy in its place; the damaged file is kept beside it, never deleted.

// SalvageReport is what Salvage took from a damaged archive.
type SalvageReport struct {
	Path     string   `json:"path"`              // the archive: now the salvaged copy
	Aside    string   `json:"aside"`             // where the damaged file was moved
	Buckets  int      `json:"buckets"`           // buckets copied
	Records  int      `json:"records"`           // keys and values copied
	Damaged  int      `json:"damaged"`           // damaged places passed, with what lay under them
	Lost     int      `json:"lost"`              // records found but refused by bbolt (an empty key, a bucket's name)
	Problems []string `json:"problems"`          // the first of the damaged places, in words
	Schema   string   `json:"schema,omitempty"`  // set when the schema record was lost with its page
	Rescued  bool     `json:"rescued,omitempty"` // taken from an older copy of the root bucket (see rescueRoot)
}

func (r SalvageReport) String() string {
	return fmt.Sprintf("salvage: %d records in %d buckets copied, %d damaged places passed (what lay under them is lost), %d records refused; the damaged file is kept at %s",
		r.Records, r.Buckets, r.Damaged, r.Lost, r.Aside)
}

// Salvage replaces the damaged archive at path by a copy of every record
// its sound pages hold, and moves the damaged file aside (path.damaged-
// and the time). It takes the file's lock for writing, waiting up to
// timeout: no crawl or serve may be using it.
func Salvage(ctx context.Context, path string, timeout time.Duration) (SalvageReport, error) {
	rep := SalvageReport{Path: path, Problems: []string{}}
	f, err := os.Open(path)
	if err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	defer f.Close()
	if err := lockFile(f, timeout); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".salvage")
	os.Remove(tmp) // what an interrupted salvage left
	defer os.Remove(tmp)
	if err := copySound(ctx, f, tmp, &rep); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	rep.Aside = path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(path, rep.Aside); err != nil {
		return rep, fmt.Errorf("salvage %s: move the damaged file aside: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return rep, fmt.Errorf("salvage %s: put the copy in its place (the damaged file is at %s): %w", path, rep.Aside, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	return rep, nil
}

// copySound writes every bucket and record of the sound pages of f into a
// new bbolt file at to, synced.
func copySound(ctx context.Context, f *os.File, to string, rep *SalvageReport) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	out, err := bolt.Open(to, 0o644, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	w := &salvageWriter{db: out, rep: rep}
	c := &structureCheck{r: f, size: fi.Size(), visit: w.add}
	walkErr := c.walk()
	if walkErr == nil {
		walkErr = w.flush()
	}
	if walkErr == nil && rep.Buckets == 0 {
		if rep.Rescued, walkErr = c.rescueRoot(); walkErr == nil {
			walkErr = w.flush()
		}
	}
	rep.Damaged, rep.Problems = c.rep.Damaged, append(rep.Problems, c.rep.Problems...)
	if walkErr == nil {
		walkErr = out.Update(func(tx *bolt.Tx) error {
			if err := seqsPastKeys(tx); err != nil {
				return err
			}
			if err := keepSchema(tx, rep); err != nil {
				return err
			}
			return markSalvaged(tx, rep)
		})
	}
	if walkErr == nil && ctx.Err() != nil {
		walkErr = ctx.Err()
	}
	if walkErr == nil {
		walkErr = out.Sync()
	}
	if err := out.Close(); walkErr == nil {
		walkErr = err
	}
	return walkErr
}

// salvageWriter puts what the walk finds into the new file, a batch at a
// time.
type salvageWriter struct {
	db    *bolt.DB
	rep   *SalvageReport
	batch []salvaged
}

type salvaged struct {
	bucket bucketPath
	k, v   []byte // k nil: the bucket itself
}

func (w *salvageWriter) add(b bucketPath, k, v []byte) error {
	w.batch = append(w.batch, salvaged{append(bucketPath(nil), b...), k, v})
	if len(w.batch) < 1000 {
		return nil
	}
	return w.flush()
}

func (w *salvageWriter) flush() error {
	err := w.db.Update(func(tx *bolt.Tx) error {
		for _, s := range w.batch {
			b, err := bucketAt(tx, s.bucket)
			switch {
			case err != nil:
				w.rep.Lost++
			case s.k == nil:
				w.rep.Buckets++
				if err := b.SetSequence(max(b.Sequence(), binary.LittleEndian.Uint64(s.v[8:]))); err != nil {
					return err
				}
			case b.Put(s.k, s.v) != nil:
				w.rep.Lost++
			default:
				w.rep.Records++
			}
		}
		return nil
	})
	w.batch = w.batch[:0]
	return err
}

// bucketAt is the bucket at path in tx, made if it is not there. The
// archive keeps every record in a bucket of the file's root and nests none:
// a record that a damaged page places deeper is refused (counted lost), or
// it would make a nested bucket where the archive's code expects values
// (bbolt's "incompatible value" on the next write of that key).
func bucketAt(tx *bolt.Tx, path bucketPath) (*bolt.Bucket, error) {
	switch {
	case len(path) == 0:
		return nil, errors.New("a record outside any bucket")
	case len(path) > 1:
		return nil, errors.New("a record in a nested bucket: the archive nests none")
	}
	return tx.CreateBucketIfNotExists(path[0])
}

// seqsPastKeys sets the sequence of every bucket keyed by sequence numbers
// (the articles, raw pages and events logs) past its last key, should the
// bucket's header have been lost: a new record must never take the key of
// one salvaged.
func seqsPastKeys(tx *bolt.Tx) error {
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		k, _ := b.Cursor().Last()
		if len(k) == 8 && binary.BigEndian.Uint64(k) > b.Sequence() {
			return b.SetSequence(binary.BigEndian.Uint64(k))
		}
		return nil
	})
}

// keepSchema writes the schema record if it was lost (or its bytes) with
// what the salvage passed (else the copy would be taken for a foreign bbolt
// file, or a new one): the records are taken as this release's.
func keepSchema(tx *bolt.Tx, rep *SalvageReport) error {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v, err := strconv.Atoi(string(meta.Get(keySchema))); err == nil && v >= 1 && v <= SchemaVersion {
			return nil
		}
	}
	// Nothing of the archive salvaged, the copy still takes its place: an
	// archive that the crawls fill again.
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	rep.Schema = fmt.Sprintf("the schema record was lost or damaged: the records are taken as schema %d's", SchemaVersion)
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}

// rescueRoot is the salvage's way in when the meta pages lead to no bucket
// (both damaged, or the root they name lies beyond a cut): bbolt writes a
// new root page with every commit, and the copies before it stay in their
// pages until a later commit reuses them. Every page that still reads as
// a leaf holding the archive's buckets is such a copy; the newest is the
// one whose articles log counts furthest (its sequence only grows). The
// walk then salvages from it: the archive as that commit left it, less
// what later commits have overwritten.
func (c *structureCheck) rescueRoot() (rescued bool, err error) {
	if c.pageSize == 0 {
		c.pageSize = guessPageSize(c.r, c.size)
	}
	c.hwm = uint64(c.size) / c.pageSize
	if c.hwm < 3 {
		c.problem("the file holds no page beyond its meta pages: nothing can be salvaged")
		return false, nil
	}
	var newest []uint64
	bestSeq := uint64(0)
	for id := uint64(2); id < c.hwm; id++ {
		seq, ok, err := c.rootCopy(id)
		switch {
		case err != nil:
			return false, err
		case !ok || seq < bestSeq:
		case seq > bestSeq || len(newest) == 0:
			newest, bestSeq = []uint64{id}, seq
		default:
			newest = append(newest, id)
		}
	}
	best, err := c.soundest(newest)
	if err != nil || best == 0 {
		c.problem("no copy of the root bucket is left in the file's %d pages: nothing can be salvaged", c.hwm)
		return false, err
	}
	c.problem("the meta pages lead to no bucket: salvaged from the newest copy of the root bucket left in the file (page %d, its articles log at seq %d); what later commits wrote is lost", best, bestSeq)
	c.used = make([]uint64, (c.hwm+63)/64)
	c.mark(0, 2, "meta pages")
	return true, c.page(best, 0, nil, keyRange{})
}

// soundest is the copy of the root among ids whose tree reads with the
// fewest damaged places, then the most pages: commits that stored no
// article leave copies with the same articles sequence, and those older
// than the last have pages that later commits reused.
func (c *structureCheck) soundest(ids []uint64) (uint64, error) {
	best, bestDamaged, bestPages := uint64(0), 0, 0
	for _, id := range ids {
		try := &structureCheck{r: c.r, size: c.size, pageSize: c.pageSize, hwm: c.hwm, used: make([]uint64, (c.hwm+63)/64)}
		try.mark(0, 2, "meta pages")
		if err := try.page(id, 0, nil, keyRange{}); err != nil {
			return 0, err
		}
		if best == 0 || try.rep.Damaged < bestDamaged || try.rep.Damaged == bestDamaged && try.rep.Pages > bestPages {
			best, bestDamaged, bestPages = id, try.rep.Damaged, try.rep.Pages
		}
	}
	return best, nil
}

// rootCopy reads page id as a copy of the root bucket: a leaf whose
// entries are the archive's buckets, or a branch over such leaves, holding
// meta and articles among them. seq is the articles bucket's sequence.
func (c *structureCheck) rootCopy(id uint64) (seq uint64, ok bool, err error) {
	b, err := c.read(id*c.pageSize, c.pageSize)
	if err != nil {
		return 0, false, err
	}
	le := binary.LittleEndian
	count := uint64(le.Uint16(b[10:]))
	if le.Uint64(b) != id || count == 0 || pageHeaderSize+count*elementSize > c.pageSize {
		return 0, false, nil
	}
	var found rootNames
	switch le.Uint16(b[8:]) {
	case leafFlag:
		found = bucketLeaf(b, count)
	case branchFlag:
		for i := range count {
			child := le.Uint64(b[pageHeaderSize+i*elementSize+8:])
			if child < 2 || child >= c.hwm || child == id {
				return 0, false, nil
			}
			cb, err := c.read(child*c.pageSize, c.pageSize)
			if err != nil {
				return 0, false, err
			}
			n := uint64(le.Uint16(cb[10:]))
			if le.Uint64(cb) != child || le.Uint16(cb[8:]) != leafFlag || n == 0 || pageHeaderSize+n*elementSize > c.pageSize {
				return 0, false, nil
			}
			found = found.add(bucketLeaf(cb, n))
		}
	}
	return found.seq, found.meta && found.articles && !found.bad, nil
}

// rootNames is what copies of the root bucket's pages hold.
type rootNames struct {
	meta, articles, bad bool
	seq                 uint64 // of the articles bucket
}

func (r rootNames) add(o rootNames) rootNames {
	return rootNames{meta: r.meta || o.meta, articles: r.articles || o.articles, bad: r.bad || o.bad, seq: max(r.seq, o.seq)}
}

// bucketLeaf reads a leaf page b of count entries as one of the root
// bucket's: every entry a bucket.
func bucketLeaf(b []byte, count uint64) rootNames {
	le := binary.LittleEndian
	var r rootNames
	for i := range count {
		e := b[pageHeaderSize+i*elementSize:]
		flags, pos, ksize, vsize := le.Uint32(e), uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
		off := pageHeaderSize + i*elementSize + pos
		if flags != bucketElemFlag || off+ksize+vsize > uint64(len(b)) || vsize < 16 {
			return rootNames{bad: true}
		}
		switch string(b[off : off+ksize]) {
		case string(bucketMeta):
			r.meta = true
		case string(bucketArticles):
			r.articles, r.seq = true, le.Uint64(b[off+ksize+8:])
		}
	}
	return r
}

// guessPageSize is the page size of a file whose meta pages are damaged:
// the size bbolt uses at which pages name their own place in the file.
func guessPageSize(r io.ReaderAt, size int64) uint64 {
	b := make([]byte, 8)
	for _, ps := range []int64{4096, 8192, 16384, 32768, 65536} {
		for id := int64(2); (id+1)*ps <= size && id < 8; id++ {
			if _, err := r.ReadAt(b, id*ps); err == nil && binary.LittleEndian.Uint64(b) == uint64(id) {
				return uint64(ps)
			}
		}
	}
	return 4096
}

// markSalvaged notes in the copy what the salvage passed, for the repair
// that follows to count as lost (see loss.go).
func markSalvaged(tx *bolt.Tx, rep *SalvageReport) error {
	kept := tx.Bucket(bucketMeta).Get([]byte(countArticles)) != nil
	v, err := json.Marshal(salvageMark{Damaged: rep.Damaged, Rescued: rep.Rescued, CountsKept: kept, At: time.Now().UTC()})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keySalvaged, v)
}
