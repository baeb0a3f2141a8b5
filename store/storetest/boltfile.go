package storetest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
)

// boltFile reads an archive file's pages as bbolt lays them out on disk
// (its documented format: meta pages 0 and 1, then B+tree pages of 16-byte
// headers and 16-byte elements). The damage helpers read the file this way,
// as a disk would hold it, so that no package but store imports bbolt.
type boltFile struct {
	b        []byte
	pageSize uint64
	root     uint64 // the root bucket's page
	highPage uint64 // the first page past those in use
}

// Page and element layout of bbolt's format.
const (
	pageHeader   = 16
	elemSize     = 16
	branchFlag   = 0x01
	leafFlag     = 0x02
	bucketFlag   = 0x01 // on a leaf element: its value is a bucket
	bucketHeader = 16   // a bucket value: root page, sequence; an inline page follows when root is 0
	boltMagic    = 0xED0CDAED
)

// openBoltFile reads the meta page of the newest transaction whose checksum
// holds, as bbolt does when it opens the file.
func openBoltFile(b []byte) (*boltFile, error) {
	if len(b) < 2*pageHeader+64 {
		return nil, fmt.Errorf("archive of %d bytes: no meta page", len(b))
	}
	pageSize := uint64(binary.LittleEndian.Uint32(b[pageHeader+8:]))
	var best *boltFile
	var bestTx uint64
	for i := range uint64(2) {
		off := i*pageSize + pageHeader
		if off+64 > uint64(len(b)) {
			break
		}
		m := b[off : off+64]
		h := fnv.New64a()
		h.Write(m[:56])
		if binary.LittleEndian.Uint32(m) != boltMagic || h.Sum64() != binary.LittleEndian.Uint64(m[56:]) {
			continue
		}
		if tx := binary.LittleEndian.Uint64(m[48:]); best == nil || tx > bestTx {
			bestTx = tx
			best = &boltFile{b: b, pageSize: pageSize,
				root: binary.LittleEndian.Uint64(m[16:]), highPage: binary.LittleEndian.Uint64(m[40:])}
		}
	}
	if best == nil {
		return nil, fmt.Errorf("archive: no valid meta page")
	}
	return best, nil
}

// usedBytes is the size of the pages in use (bbolt grows a file ahead of
// them).
func (f *boltFile) usedBytes() uint64 { return f.highPage * f.pageSize }

// pageAt is the file offset of page id.
func (f *boltFile) pageAt(id uint64) uint64 { return id * f.pageSize }

// flags and count of the page at file offset p.
func (f *boltFile) flags(p uint64) uint16 { return binary.LittleEndian.Uint16(f.b[p+8:]) }
func (f *boltFile) count(p uint64) int    { return int(binary.LittleEndian.Uint16(f.b[p+10:])) }

// firstLeaf follows the first child from the page at offset p down to a
// leaf page's offset.
func (f *boltFile) firstLeaf(p uint64) uint64 {
	for f.flags(p) == branchFlag {
		p = f.pageAt(binary.LittleEndian.Uint64(f.b[p+pageHeader+8:]))
	}
	return p
}

// find returns the file offset and length of key's value in the tree whose
// root page is at offset p, and whether the key is there.
func (f *boltFile) find(p uint64, key []byte) (off, n uint64, ok bool) {
	for f.flags(p) == branchFlag {
		child := binary.LittleEndian.Uint64(f.b[p+pageHeader+8:])
		for i := range f.count(p) {
			e := p + pageHeader + uint64(i)*elemSize
			pos, ksize := uint64(binary.LittleEndian.Uint32(f.b[e:])), uint64(binary.LittleEndian.Uint32(f.b[e+4:]))
			if bytes.Compare(f.b[e+pos:e+pos+ksize], key) > 0 {
				break
			}
			child = binary.LittleEndian.Uint64(f.b[e+8:])
		}
		p = f.pageAt(child)
	}
	for i := range f.count(p) {
		e := p + pageHeader + uint64(i)*elemSize
		pos := uint64(binary.LittleEndian.Uint32(f.b[e+4:]))
		ksize, vsize := uint64(binary.LittleEndian.Uint32(f.b[e+8:])), uint64(binary.LittleEndian.Uint32(f.b[e+12:]))
		if bytes.Equal(f.b[e+pos:e+pos+ksize], key) {
			return e + pos + ksize, vsize, true
		}
	}
	return 0, 0, false
}

// bucket returns the file offset of the root page of the top-level bucket
// name (inline buckets hold their page within their value).
func (f *boltFile) bucket(name string) (uint64, error) {
	off, n, ok := f.find(f.pageAt(f.root), []byte(name))
	if !ok || n < bucketHeader {
		return 0, fmt.Errorf("archive: no bucket %q", name)
	}
	if root := binary.LittleEndian.Uint64(f.b[off:]); root != 0 {
		return f.pageAt(root), nil
	}
	return off + bucketHeader, nil
}
