package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
)

// bbolt follows page ids and element offsets of the file as pointers into
// its memory map, unchecked. On a damaged file a read may fault (guard
// turns that into ErrDamaged) or follow a cycle of pages for ever, growing
// its cursor's stack until memory runs out; a write transaction copies
// nodes out of such pages: it allocates for garbage sizes, copies from
// memory that is not the file's, and keeps pointers into the Go heap that
// crash the garbage collector — beyond any recover. So before bbolt walks a
// file, its page structure is checked here with bounds-checked reads of the
// file: every page the tree and the freelist reach (once per change of the
// file by another program: stamp_linux.go; always in verify).

// The layout of bbolt's file format (go.etcd.io/bbolt/internal/common).
const (
	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	elementSize    = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	branchFlag     = 0x01
	leafFlag       = 0x02
	metaFlag       = 0x04
	freelistFlag   = 0x10
	bucketElemFlag = 0x01
	metaMagic      = 0xED0CDAED
	metaVersion    = 2
	noFreelist     = ^uint64(0)
	maxTreeDepth   = 32  // bbolt's trees are a few levels deep; more is a loop
	maxProblems    = 20  // enough to say what is wrong, not a list of the file
	maxBucketName  = 200 // of a bucket named in a problem
)

// structureReport is what checkStructure found.
type structureReport struct {
	Pages    int      // pages in use: the buckets' and the freelist's own
	Free     int      // pages the freelist lists
	Leaked   int      // pages neither reached nor free (0 if the file keeps no freelist)
	Problems []string // damage, in words (the first maxProblems); empty if the structure is sound
	Damaged  int      // problems found
}

func (r structureReport) err(path string) error {
	if len(r.Problems) == 0 {
		return nil
	}
	why := "page structure: " + r.Problems[0]
	if n := r.Damaged - 1; n > 0 {
		why += fmt.Sprintf(" (and %d more)", n)
	}
	return damaged(path, why)
}

// checkStructure checks the bbolt file of size bytes read through r. The
// error is one of reading; damage is in the report.
func checkStructure(r io.ReaderAt, size int64) (structureReport, error) {
	c := &structureCheck{r: r, size: size}
	err := c.walk()
	return c.rep, err
}

// walk checks (or, with visit, salvages) the file from its meta page.
func (c *structureCheck) walk() error {
	m, err := c.meta()
	if err != nil || m == nil {
		return err
	}
	c.pageSize, c.hwm = uint64(m.pageSize), m.pgid
	if c.hwm > uint64(c.size)/c.pageSize { // not hwm*pageSize: it may wrap
		c.problem("the file has %d bytes, its meta page counts %d pages of %d: it was cut short", c.size, c.hwm, c.pageSize)
		c.hwm = uint64(c.size) / c.pageSize // what is left can be salvaged
	}
	if c.hwm < 2 {
		return nil
	}
	c.used = make([]uint64, (c.hwm+63)/64)
	c.mark(0, 2, "meta pages")
	if err := c.page(m.root, 0, nil, keyRange{}); err != nil {
		return err
	}
	if m.freelist != noFreelist {
		if err := c.freelist(m.freelist); err != nil {
			return err
		}
		c.rep.Leaked = int(c.hwm) - 2 - c.rep.Pages - c.rep.Free
	}
	return nil
}

type structureCheck struct {
	r        io.ReaderAt
	size     int64
	pageSize uint64
	hwm      uint64   // pages the meta counts
	used     []uint64 // bit per page: reached, or listed free
	rep      structureReport
	// visit, if set, is given every bucket (k nil, v its 16-byte header)
	// and every key and value of the pages that are sound; the walk goes
	// past damaged ones.
	visit func(bucket bucketPath, k, v []byte) error
	// skip, if set, says which buckets not to walk (a snapshot's reads).
	skip func(bucket bucketPath) bool
}

func (c *structureCheck) problem(format string, args ...any) {
	c.rep.Damaged++
	if len(c.rep.Problems) < maxProblems {
		c.rep.Problems = append(c.rep.Problems, fmt.Sprintf(format, args...))
	}
}

// full says when a check has said enough; a salvage (visit) goes on to
// take every page it can.
func (c *structureCheck) full() bool { return c.visit == nil && c.rep.Damaged >= maxProblems }

// read reads n bytes at off, which the caller has bounded by the file.
func (c *structureCheck) read(off, n uint64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := c.r.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("read %d bytes at %d: %w", n, off, err)
	}
	return b, nil
}

// mark records pages [id, id+n) as taken, false if one already was.
func (c *structureCheck) mark(id, n uint64, what string) bool {
	for p := id; p < id+n; p++ {
		if c.used[p/64]&(1<<(p%64)) != 0 {
			c.problem("%s: page %d is reached twice", what, p)
			return false
		}
		c.used[p/64] |= 1 << (p % 64)
	}
	return true
}

type metaPage struct {
	pageSize             uint32
	root, freelist, pgid uint64
	txid                 uint64
}

// meta picks the meta page bbolt would use: the valid one with the higher
// transaction id. nil (and a problem) if neither is valid.
func (c *structureCheck) meta() (*metaPage, error) {
	m0, err := c.metaAt(0)
	if err != nil {
		return nil, err
	}
	// The second meta page sits one page in; the page size comes from the
	// first, or is one of the sizes bbolt writes if that one is damaged.
	sizes := []uint64{4096, 8192, 16384, 32768, 65536}
	if m0 != nil {
		sizes = []uint64{uint64(m0.pageSize)}
	}
	var m1 *metaPage
	for _, s := range sizes {
		if m1, err = c.metaAt(s); err != nil || m1 != nil {
			break
		}
	}
	switch {
	case err != nil:
		return nil, err
	case m0 == nil && m1 == nil:
		c.problem("neither meta page is valid")
		return nil, nil
	case m0 == nil || (m1 != nil && m1.txid > m0.txid):
		return m1, nil
	}
	return m0, nil
}

// metaAt reads the meta page at off: nil if it is not a valid one.
func (c *structureCheck) metaAt(off uint64) (*metaPage, error) {
	const metaSize = 64
	if off+pageHeaderSize+metaSize > uint64(c.size) {
		return nil, nil
	}
	b, err := c.read(off, pageHeaderSize+metaSize)
	if err != nil {
		return nil, err
	}
	h, m := b[:pageHeaderSize], b[pageHeaderSize:]
	sum := fnv.New64a()
	sum.Write(m[:56])
	le := binary.LittleEndian
	ps := le.Uint32(m[8:])
	if le.Uint16(h[8:]) != metaFlag || le.Uint32(m) != metaMagic || le.Uint32(m[4:]) != metaVersion ||
		le.Uint64(m[56:]) != sum.Sum64() || ps < 1024 || ps > 1<<20 || ps&(ps-1) != 0 {
		return nil, nil
	}
	return &metaPage{pageSize: ps, root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}

// header reads and checks the header of page id as a page of one of kinds,
// ok false if it is damaged.
func (c *structureCheck) header(id uint64, kinds uint16, what string) (h pageHeader, ok bool, err error) {
	if id < 2 || id >= c.hwm {
		c.problem("%s: page %d is beyond the %d pages of the file", what, id, c.hwm)
		return h, false, nil
	}
	b, err := c.read(id*c.pageSize, pageHeaderSize)
	if err != nil {
		return h, false, err
	}
	le := binary.LittleEndian
	self, flags, overflow := le.Uint64(b), le.Uint16(b[8:]), uint64(le.Uint32(b[12:]))
	switch {
	case self != id:
		c.problem("%s: page %d calls itself page %d", what, id, self)
	case flags&kinds == 0 || flags&(flags-1) != 0:
		c.problem("%s: page %d has flags %#x, not those of its kind", what, id, flags)
	case id+overflow+1 > c.hwm:
		c.problem("%s: page %d runs %d pages past the end of the file", what, id, id+overflow+1-c.hwm)
	case c.mark(id, overflow+1, what):
		c.rep.Pages += int(overflow + 1)
		return pageHeader{flags: flags, count: uint64(le.Uint16(b[10:])), span: overflow + 1}, true, nil
	}
	return h, false, nil
}

// pageHeader is what a page's header says: its kind, its number of
// elements and its length in pages.
type pageHeader struct {
	flags       uint16
	count, span uint64
}

// page checks the tree of pages under id (a bucket's root at depth 0).
func (c *structureCheck) page(id uint64, depth int, bucket bucketPath, rng keyRange) error {
	if c.full() {
		return nil
	}
	if depth > maxTreeDepth {
		c.problem("%s: deeper than %d levels at page %d", bucket, maxTreeDepth, id)
		return nil
	}
	h, ok, err := c.header(id, branchFlag|leafFlag, bucket.String())
	if !ok || err != nil {
		return err
	}
	extent := h.span * c.pageSize
	if pageHeaderSize+h.count*elementSize > extent {
		c.problem("%s: page %d counts %d elements, more than it holds", bucket, id, h.count)
		return nil
	}
	// One read takes the header, the elements and, mostly, the keys.
	head, err := c.read(id*c.pageSize, min(extent, max(c.pageSize, pageHeaderSize+h.count*elementSize)))
	if err != nil {
		return err
	}
	p := pageElems{base: id * c.pageSize, extent: extent, elems: head[pageHeaderSize : pageHeaderSize+h.count*elementSize], head: head, rng: rng}
	if h.flags == branchFlag {
		return c.branch(p, depth, bucket, id)
	}
	return c.leaf(p, bucket, id)
}

// pageElems is the element array of a page whose bytes start at base in the
// file (or in an inline bucket's value) and run extent bytes.
type pageElems struct {
	base, extent uint64
	elems        []byte
	head         []byte   // the page's first bytes, read at once
	rng          keyRange // where its keys must lie, by its parent's keys
	inline       []byte   // the inline bucket's page itself, if it is one
}

// span is where element i's data (pos from the element, n bytes) lies,
// relative to the page, ok false if it runs out of the page.
func (p pageElems) span(i int, pos, n uint64) (uint64, bool) {
	off := pageHeaderSize + uint64(i)*elementSize + pos
	return off, off+n <= p.extent
}

func (c *structureCheck) branch(p pageElems, depth int, bucket bucketPath, id uint64) error {
	le := binary.LittleEndian
	if len(p.elems) == 0 {
		c.problem("%s: branch page %d is empty", bucket, id)
	}
	n := len(p.elems) / elementSize
	keys := make([][]byte, n) // nil where the key is damaged
	var prev []byte
	for i := range n {
		e := p.elems[i*elementSize:]
		ksize := uint64(le.Uint32(e[4:]))
		off, ok := p.span(i, uint64(le.Uint32(e)), ksize)
		if !ok || ksize == 0 {
			c.problem("%s: page %d: key %d is empty or runs out of the page", bucket, id, i)
			continue
		}
		k, err := c.inOrder(p, i, off, ksize, &prev, bucket, id)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	// Child i holds the keys from its own key to the next one's.
	for i := 0; i < n && !c.full(); i++ {
		if keys[i] == nil {
			continue
		}
		rng := keyRange{lo: keys[i], hi: p.rng.hi}
		if i+1 < n && keys[i+1] != nil {
			rng.hi = keys[i+1]
		}
		if err := c.page(le.Uint64(p.elems[i*elementSize+8:]), depth+1, bucket, rng); err != nil {
			return err
		}
	}
	return nil
}

func (c *structureCheck) leaf(p pageElems, bucket bucketPath, id uint64) error {
	le := binary.LittleEndian
	var prev []byte
	for i := 0; i < len(p.elems)/elementSize && !c.full(); i++ {
		e := p.elems[i*elementSize:]
		flags, ksize, vsize := le.Uint32(e), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
		off, ok := p.span(i, uint64(le.Uint32(e[4:])), ksize+vsize)
		switch {
		case !ok:
			c.problem("%s: page %d: entry %d runs out of the page", bucket, id, i)
			continue
		case ksize == 0: // bbolt asserts keys are not empty
			c.problem("%s: page %d: entry %d has an empty key", bucket, id, i)
			continue
		case flags&^bucketElemFlag != 0:
			c.problem("%s: page %d: entry %d has flags %#x", bucket, id, i, flags)
			continue
		}
		// Out of order, the entry is still salvaged (a Put sorts it).
		if _, err := c.inOrder(p, i, off, ksize, &prev, bucket, id); err != nil {
			return err
		}
		switch {
		case flags == bucketElemFlag:
			kv, err := p.bytes(c, off, ksize+vsize)
			if err != nil {
				return err
			}
			if err := c.bucket(kv[:ksize], kv[ksize:], bucket, id); err != nil {
				return err
			}
		case c.visit != nil:
			kv, err := p.bytes(c, off, ksize+vsize)
			if err != nil {
				return err
			}
			if err := c.visit(bucket, kv[:ksize:ksize], kv[ksize:]); err != nil {
				return err
			}
		}
	}
	return nil
}

// bytes reads n bytes at off of the page (off+n within its extent).
func (p pageElems) bytes(c *structureCheck, off, n uint64) ([]byte, error) {
	if p.inline != nil {
		return p.inline[off : off+n], nil
	}
	if off+n <= uint64(len(p.head)) {
		return p.head[off : off+n : off+n], nil
	}
	return c.read(p.base+off, n)
}

// keyRange is where the keys of a page must lie: from lo, before hi (nil:
// no bound).
type keyRange struct{ lo, hi []byte }

// inOrder checks that the key of entry i follows the one before it (prev)
// and lies in its page's range: bbolt finds a key by binary search, so one
// out of place is one that cannot be found, updated or deleted.
func (c *structureCheck) inOrder(p pageElems, i int, off, ksize uint64, prev *[]byte, bucket bucketPath, id uint64) ([]byte, error) {
	k, err := p.bytes(c, off, ksize)
	if err != nil {
		return nil, err
	}
	switch {
	case i > 0 && bytes.Compare(*prev, k) >= 0:
		c.problem("%s: page %d: key %d is out of order", bucket, id, i)
	case p.rng.lo != nil && bytes.Compare(k, p.rng.lo) < 0, p.rng.hi != nil && bytes.Compare(k, p.rng.hi) >= 0:
		c.problem("%s: page %d: key %d lies outside the range its parent gives the page", bucket, id, i)
	}
	*prev = k
	return k, nil
}

// bucket checks the nested bucket named name whose header is v, found in
// page id of parent.
func (c *structureCheck) bucket(name, v []byte, parent bucketPath, id uint64) error {
	nested := append(parent[:len(parent):len(parent)], name)
	if c.skip != nil && c.skip(nested) {
		return nil
	}
	if len(v) < 16 {
		c.problem("%s (in page %d): its header is %d bytes", nested, id, len(v))
		return nil
	}
	if c.visit != nil {
		if err := c.visit(nested, nil, v[:16]); err != nil {
			return err
		}
	}
	if root := binary.LittleEndian.Uint64(v); root != 0 {
		return c.page(root, 0, nested, keyRange{})
	}
	return c.inline(v[16:], nested, id)
}

// bucketPath names a bucket by the names of the buckets that hold it.
type bucketPath [][]byte

func (b bucketPath) String() string {
	if len(b) == 0 {
		return "the root bucket"
	}
	names := make([]string, len(b))
	for i, n := range b {
		names[i] = string(n[:min(len(n), maxBucketName)])
	}
	return fmt.Sprintf("bucket %q", strings.Join(names, "/"))
}

// inline checks a bucket small enough to be kept in its parent's value: a
// leaf page of its own, without an id.
func (c *structureCheck) inline(b []byte, bucket bucketPath, id uint64) error {
	le := binary.LittleEndian
	// bbolt writes an inline page with id 0 and frees the page of a
	// bucket's node by that id when the bucket outgrows its parent.
	if len(b) < pageHeaderSize || le.Uint16(b[8:]) != leafFlag || le.Uint64(b) != 0 || le.Uint32(b[12:]) != 0 {
		c.problem("%s (inline, in page %d): not an inline leaf page", bucket, id)
		return nil
	}
	count := uint64(le.Uint16(b[10:]))
	if pageHeaderSize+count*elementSize > uint64(len(b)) {
		c.problem("%s (inline, in page %d): counts %d entries, more than it holds", bucket, id, count)
		return nil
	}
	p := pageElems{extent: uint64(len(b)), elems: b[pageHeaderSize : pageHeaderSize+count*elementSize], inline: b}
	return c.leaf(p, bucket, id)
}

// freelist checks the freelist page: every page it lists is in the file,
// listed once, and reached by no bucket (bbolt would hand it out and
// overwrite what is there).
func (c *structureCheck) freelist(id uint64) error {
	h, ok, err := c.header(id, freelistFlag, "freelist")
	if !ok || err != nil {
		return err
	}
	count, span, start := h.count, h.span, uint64(pageHeaderSize)
	if count == 0xFFFF { // more than a uint16 counts: the first id is the count
		b, err := c.read(id*c.pageSize+start, 8)
		if err != nil {
			return err
		}
		count, start = binary.LittleEndian.Uint64(b), start+8
	}
	if count > c.hwm || start+count*8 > span*c.pageSize {
		c.problem("freelist: page %d counts %d free pages, more than it holds", id, count)
		return nil
	}
	ids, err := c.read(id*c.pageSize+start, count*8)
	if err != nil {
		return err
	}
	for i := uint64(0); i < count && !c.full(); i++ {
		free := binary.LittleEndian.Uint64(ids[i*8:])
		if free < 2 || free >= c.hwm {
			c.problem("freelist: page %d lists page %d, beyond the %d pages of the file", id, free, c.hwm)
			continue
		}
		if c.mark(free, 1, "freelist") {
			c.rep.Free++
		}
	}
	return nil
}
