package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boltFile writes a bbolt file with every shape the checker walks: inline
// and nested buckets, a tree three levels deep, values over several pages,
// and a freelist (keys deleted).
func boltFile(tb testing.TB, dir string, scale, pageSize int) string {
	tb.Helper()
	path := filepath.Join(dir, "s.db")
	db, err := bolt.Open(path, 0o644, &bolt.Options{FreelistType: bolt.FreelistMapType, PageSize: pageSize})
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		small, _ := tx.CreateBucket([]byte("small"))
		small.Put([]byte("a"), []byte("1"))
		big, _ := tx.CreateBucket([]byte("big"))
		for i := range 50 * scale {
			big.Put(fmt.Appendf(nil, "key-%05d", i), make([]byte, 100))
		}
		huge, _ := tx.CreateBucket([]byte("huge"))
		for i := range scale {
			huge.Put(fmt.Appendf(nil, "v%d", i), make([]byte, 5*pageSize))
		}
		outer, _ := tx.CreateBucket([]byte("outer"))
		inner, _ := outer.CreateBucket([]byte("inner"))
		for i := range 30 * scale {
			inner.Put(fmt.Appendf(nil, "k%04d", i), []byte("v"))
		}
		tiny, _ := outer.CreateBucket([]byte("tiny"))
		return tiny.Put([]byte("x"), []byte("y"))
	})
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error {
			for i := 0; i < 50*scale; i += 3 {
				tx.Bucket([]byte("big")).Delete(fmt.Appendf(nil, "key-%05d", i))
			}
			return nil
		})
	}
	if err != nil {
		tb.Fatal(err)
	}
	db.Close()
	return path
}

// checkStructureFile checks the page structure of the archive at path.
func checkStructureFile(path string) (structureReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return structureReport{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return structureReport{}, err
	}
	return checkStructure(f, fi.Size())
}

func TestStructure_Sound(t *testing.T) {
	rep, err := checkStructureFile(boltFile(t, t.TempDir(), 10, 4096))
	if err != nil || len(rep.Problems) != 0 || rep.Leaked != 0 || rep.Free == 0 || rep.Pages < 20 {
		t.Errorf("%v %+v", err, rep)
	}
}

// layout is where the test file keeps what the cases damage.
type layout struct {
	pageSize       int
	bigRoot, child uint64 // the big bucket's root (a branch) and its first child
	freelist       uint64
}

func layoutOf(t *testing.T, path string) layout {
	t.Helper()
	db, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := layout{pageSize: db.Info().PageSize}
	db.View(func(tx *bolt.Tx) error {
		l.bigRoot = uint64(tx.Bucket([]byte("big")).Root())
		return nil
	})
	b, _ := os.ReadFile(path)
	c := &structureCheck{r: strings.NewReader(string(b)), size: int64(len(b))}
	m, _ := c.meta()
	l.freelist = m.freelist
	root := b[l.bigRoot*uint64(l.pageSize):]
	if binary.LittleEndian.Uint16(root[8:]) != branchFlag {
		t.Fatal("the big bucket's root is not a branch: make the file bigger")
	}
	l.child = binary.LittleEndian.Uint64(root[pageHeaderSize+8:])
	return l
}

// Each kind of damage is found and said in words; a write open refuses the
// file.
func TestStructure_Damage(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		name, want string
		damage     func(b []byte, l layout) []byte
	}{
		{"child beyond the file", "is beyond the", func(b []byte, l layout) []byte {
			le.PutUint64(b[int(l.bigRoot)*l.pageSize+pageHeaderSize+8:], 1<<40)
			return b
		}},
		{"a branch that holds itself", "reached twice", func(b []byte, l layout) []byte {
			le.PutUint64(b[int(l.bigRoot)*l.pageSize+pageHeaderSize+8:], l.bigRoot)
			return b
		}},
		{"key out of its page", "runs out of the page", func(b []byte, l layout) []byte {
			le.PutUint32(b[int(l.child)*l.pageSize+pageHeaderSize+4:], 0xFFFF0000)
			return b
		}},
		{"keys out of order", "out of order", func(b []byte, l layout) []byte {
			page := b[int(l.child)*l.pageSize:]
			pos := binary.LittleEndian.Uint32(page[pageHeaderSize+4:]) // the first entry's key
			page[pageHeaderSize+int(pos)] = 0xFF
			return b
		}},
		{"a key beyond its page's range", "outside the range", func(b []byte, l layout) []byte {
			page := b[int(l.child)*l.pageSize:]
			last := int(binary.LittleEndian.Uint16(page[10:])) - 1
			e := page[pageHeaderSize+last*elementSize:]
			page[pageHeaderSize+last*elementSize+int(binary.LittleEndian.Uint32(e[4:]))] = 0xFE // in order here, past the next page's keys
			return b
		}},
		{"empty key", "empty key", func(b []byte, l layout) []byte {
			le.PutUint32(b[int(l.child)*l.pageSize+pageHeaderSize+8:], 0) // ksize of the first entry
			return b
		}},
		{"page calls itself another", "calls itself", func(b []byte, l layout) []byte {
			le.PutUint64(b[int(l.child)*l.pageSize:], 7777)
			return b
		}},
		{"element count", "more than it holds", func(b []byte, l layout) []byte {
			le.PutUint16(b[int(l.child)*l.pageSize+10:], 0xFFFE)
			return b
		}},
		{"leaf element flags", "has flags", func(b []byte, l layout) []byte {
			le.PutUint32(b[int(l.child)*l.pageSize+pageHeaderSize:], 0x80)
			return b
		}},
		{"freelist lists a page in use", "freelist: page", func(b []byte, l layout) []byte {
			le.PutUint64(b[int(l.freelist)*l.pageSize+pageHeaderSize:], l.child)
			return b
		}},
		{"freelist count", "free pages, more than it holds", func(b []byte, l layout) []byte {
			le.PutUint16(b[int(l.freelist)*l.pageSize+10:], 0xFFFF)
			le.PutUint64(b[int(l.freelist)*l.pageSize+pageHeaderSize:], 1<<50)
			return b
		}},
		{"cut short", "cut short", func(b []byte, l layout) []byte { return b[:len(b)/2] }},
		{"both meta pages", "neither meta page is valid", func(b []byte, l layout) []byte {
			b[pageHeaderSize+60] ^= 1
			b[l.pageSize+pageHeaderSize+60] ^= 1
			return b
		}},
	}
	dir := t.TempDir()
	good := boltFile(t, dir, 10, 4096)
	l := layoutOf(t, good)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := os.ReadFile(good)
			path := filepath.Join(t.TempDir(), "d.db")
			os.WriteFile(path, c.damage(b, l), 0o644)
			rep, err := checkStructureFile(path)
			if err != nil || len(rep.Problems) == 0 || !strings.Contains(strings.Join(rep.Problems, "; "), c.want) {
				t.Fatalf("%v %+v: want a problem saying %q", err, rep, c.want)
			}
			if err := checkBeforeWrite(path, Options{}); c.name != "both meta pages" && !errors.Is(err, ErrDamaged) {
				t.Errorf("checkBeforeWrite: %v", err)
			}
		})
	}
}

// Bytes changed anywhere: a file the checker finds sound is one bbolt
// writes to and reads whole without a panic (none of its assertions, no
// fault); the others are refused before bbolt writes.
func TestStructure_SoundIsWritable(t *testing.T) {
	good, err := os.ReadFile(boltFile(t, t.TempDir(), 1, 1024))
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for seed := range 1500 {
		b := append([]byte(nil), good...)
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		for range 1 + r.IntN(8) {
			b[r.IntN(len(b))] = byte(r.Uint32())
		}
		if rep, _ := checkStructure(bytes.NewReader(b), int64(len(b))); len(rep.Problems) > 0 {
			refused++
			continue
		}
		path := filepath.Join(t.TempDir(), "f.db")
		os.WriteFile(path, b, 0o644)
		if err := writeAll(path); errors.Is(err, ErrDamaged) {
			t.Errorf("seed %d: sound to the checker, but %v", seed, err)
		}
	}
	if refused == 0 {
		t.Error("no change was found damaging")
	}
}

// writeAll opens the bbolt file at path, reads every bucket and writes to
// each, turning a panic into an error.
func writeAll(path string) error {
	return guard(path, func() error {
		db, err := bolt.Open(path, 0o644, &bolt.Options{FreelistType: bolt.FreelistMapType})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Update(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
				if bk == nil { // a name changed: out of order, bbolt cannot seek it
					return nil
				}
				bk.ForEach(func(k, v []byte) error { return nil })
				return bk.Put([]byte("new"), make([]byte, 5000))
			})
		})
	})
}

// Whatever the bytes, the checker answers (no panic, no allocation beyond
// the file's size), and a file it finds sound is one bbolt can write to
// and read whole without faulting. A crash of the runtime ends the fuzzer.
func FuzzCheckStructure(f *testing.F) {
	b, err := os.ReadFile(boltFile(f, f.TempDir(), 1, 1024))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := checkStructure(bytes.NewReader(b), int64(len(b)))
		if err != nil || len(rep.Problems) > 0 || len(b) < 8192 {
			return
		}
		path := filepath.Join(t.TempDir(), "f.db")
		os.WriteFile(path, b, 0o644)
		if err := writeAll(path); errors.Is(err, ErrDamaged) {
			t.Errorf("sound to the checker, but %v", err)
		}
	})
}

// A file found sound carries a stamp that spares the next open the check,
// until something else writes it.
func TestStructure_Stamp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := fullChecks.Load()
	for _, opts := range []Options{{}, {ReadOnly: true}, {}} {
		db, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	if n := fullChecks.Load() - before; n != 0 {
		t.Fatalf("%d checks of a stamped file written only by this package", n)
	}
	// Bytes changed by something else: its time changes, the stamp no
	// longer matches, and the damage is found.
	b, _ := os.ReadFile(path)
	c := &structureCheck{r: bytes.NewReader(b), size: int64(len(b))}
	m, _ := c.meta()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	off := int64(m.root)*int64(m.pageSize) + pageHeaderSize + 4 // the root's first entry's pos
	f.WriteAt([]byte{0, 0, 0xff, 0xff}, off)
	f.Close()
	// A file's time moves by the kernel's clock tick: a write in the same
	// tick as the stamp's keeps it. Here the change comes a second later.
	later := time.Now().Add(time.Second)
	os.Chtimes(path, later, later)
	if _, err := Open(path, Options{}); !errors.Is(err, ErrDamaged) || fullChecks.Load() != before+1 {
		t.Errorf("open after a change by hand: %v (%d checks)", err, fullChecks.Load()-before)
	}
}
