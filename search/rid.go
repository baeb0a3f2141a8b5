package search

import (
	"strconv"
	"time"

	"sppcrawl"
)

// A rid (the rowid of a version in both FTS tables) is laid out so that
// a channel and a range of days are one rowid range, which FTS5 seeks to
// instead of reading every match, and so that versions near in channel and
// time have near rids: FTS5 stores each entry's rowid as the difference
// from the one before, in a varint, and with seconds in the rid that
// difference was three bytes more in most entries (the index half as
// large again, on the site's text). The publication second is in the docs
// table.
//
//	bits 42–32 the channel's index (channels table)
//	bits 31–12 the publication day (days since 1970-01-01, +08:00)
//	bits 11–0  a counter among versions of that channel and day
const (
	ridChanShift = 32
	ridDayShift  = 12
	ridCtrMask   = 1<<ridDayShift - 1
	maxChannels  = 1 << 11
)

func ridBase(ch int64, published time.Time) int64 {
	return ch<<ridChanShift | siteDay(pubSecs(published))<<ridDayShift
}

// pubSecs is a publication time as the index keeps it: Unix seconds,
// clamped to what a uint32 holds.
func pubSecs(t time.Time) int64 {
	return min(max(t.Unix(), 0), 1<<32-1)
}

// siteDay is the day of a Unix second on the site's calendar (+08:00).
func siteDay(secs int64) int64 { return (secs + 8*3600) / 86400 }

func ridChannel(rid int64) int { return int(rid >> ridChanShift) }

func secsTime(secs uint32) time.Time { return time.Unix(int64(secs), 0).In(sppcrawl.CST()) }

// sortKey orders versions by publication second, then channel and counter:
// one integer comparison for newest- or oldest-first.
func sortKey(secs uint32, rid int64) uint64 {
	return uint64(secs)<<23 | uint64(ridChannel(rid))<<ridDayShift | uint64(rid&ridCtrMask)
}

// ridRange is the rids of channel ch published on the days of [from, to]
// (Unix seconds); the seconds themselves are filtered from the docs table.
func ridRange(ch int, from, to int64) [2]int64 {
	c := int64(ch) << ridChanShift
	return [2]int64{c | siteDay(max(from, 0))<<ridDayShift, c | siteDay(min(to, 1<<32-1))<<ridDayShift | ridCtrMask}
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
