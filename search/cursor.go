package search

import (
	"encoding/base64"
	"encoding/binary"
	"math"

	"sppcrawl"
)

// cursor is where a page ended: the sort key and score of its last result,
// bound to the request it came from.
type cursor struct {
	key   uint64
	score float64
}

// The cursor's bytes: the request's hash, the key, the score (big endian),
// in URL-safe base64. Opaque to users; only its binding is checked.
func (c cursor) encode(hash uint64) string {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, hash)
	b = binary.BigEndian.AppendUint64(b, c.key)
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.score))
	return base64.RawURLEncoding.EncodeToString(b)
}

func readCursor(s string, hash uint64) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 24 {
		return nil, badQuery("cursor %q: not a cursor of this search", "翻页参数 %q 无效：请从第一页重新搜索", sppcrawl.Clip(s, 40))
	}
	if binary.BigEndian.Uint64(b) != hash {
		return nil, badQuery("the cursor belongs to another query (or other filters): start again without it", "翻页参数属于另一次查询（或其他筛选条件）：请从第一页重新搜索")
	}
	return &cursor{key: binary.BigEndian.Uint64(b[8:]), score: math.Float64frombits(binary.BigEndian.Uint64(b[16:]))}, nil
}
