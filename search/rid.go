package search

import (
	"strconv"
	"time"

	"sppcrawl"
)

// A rid (the rowid of a version in both FTS tables) is laid out so that
// a channel and a date range are one rowid range, which FTS5 seeks to
// instead of reading every match:
//
//	bits 62–52 the channel's index (channels table)
//	bits 51–20 publication time, Unix seconds (clamped to 0..2³²-1)
//	bits 19–0  a counter among versions of that channel and second
const (
	ridChanShift = 52
	ridTimeShift = 20
	ridCtrMask   = 1<<ridTimeShift - 1
	ridLowMask   = 1<<ridChanShift - 1
	maxChannels  = 1 << (63 - ridChanShift)
)

func ridBase(ch int64, published time.Time) int64 {
	return ch<<ridChanShift | pubSecs(published)<<ridTimeShift
}

func pubSecs(t time.Time) int64 {
	return min(max(t.Unix(), 0), 1<<32-1)
}

func ridChannel(rid int64) int    { return int(rid >> ridChanShift) }
func ridSecs(rid int64) int64     { return rid & ridLowMask >> ridTimeShift }
func ridTime(rid int64) time.Time { return time.Unix(ridSecs(rid), 0).In(sppcrawl.CST()) }

// sortKey orders rids by publication time, then channel and counter: one
// integer comparison for newest- or oldest-first.
func sortKey(rid int64) uint64 {
	return uint64(rid&ridLowMask)<<(63-ridChanShift) | uint64(rid>>ridChanShift)
}

// ridRange is the rids of channel ch published in [from, to] (Unix seconds).
func ridRange(ch int, from, to int64) [2]int64 {
	c := int64(ch) << ridChanShift
	return [2]int64{c | max(from, 0)<<ridTimeShift, c | min(to, 1<<32-1)<<ridTimeShift | ridCtrMask}
}

// Flags of an indexed version.
const (
	flagCurrent     = 1 << iota // the article's current version
	flagWithdrawn               // the site withdrew the article
	flagCase                    // it holds guiding or typical cases
	flagDocument                // it carries a document header (文号 …)
	flagImages                  // it has images
	flagAttachments             // it has attachments
	flagGone                    // no longer indexed (the row stays for other processes' caches)
)

func flagsOf(a *sppcrawl.Article, current bool) int64 {
	var f int64
	set := func(on bool, bit int64) {
		if on {
			f |= bit
		}
	}
	set(current, flagCurrent)
	set(!a.WithdrawnAt.IsZero(), flagWithdrawn)
	set(len(a.Cases) > 0, flagCase)
	set(a.Document != nil, flagDocument)
	set(len(a.Images) > 0, flagImages)
	set(len(a.Attachments) > 0, flagAttachments)
	return f
}

// effectiveOf is a document's 施行日期 as yyyymmdd, 0 for none.
func effectiveOf(a *sppcrawl.Article) int64 {
	if a.Document == nil {
		return 0
	}
	return dayNumber(a.Document.Effective)
}

// dayNumber reads 2025-03-15 as 20250315, 0 when it is not such a date.
func dayNumber(s string) int64 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(t.Format("20060102"), 10, 64)
	return n
}
