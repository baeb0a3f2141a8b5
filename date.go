package sppcrawl

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// China has had no daylight saving since 1991, so a fixed zone is exact and
// independent of the machine's zoneinfo.
var cst = time.FixedZone("CST", 8*3600)

// CST is the fixed +08:00 zone every time of the site is expressed in.
func CST() *time.Location { return cst }

var (
	stampRE    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[-\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?`)
	textDateRE = regexp.MustCompile(`(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?`)
)

// ParseStamp reads a time stamp of the site's meta tags (2026-08-05-09:56:38,
// 2026-08-05 09:56, 2026-08-05) in +08:00; it must open s.
func ParseStamp(s string) (time.Time, bool) {
	m := stampRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	return dateOf(m[1:]...)
}

// ParseDate reads a date as the site writes it anywhere in s (2026-08-05,
// 2026年8月5日, 2026-08-05 09:56, 2026-08-05-09:56:38) in +08:00.
func ParseDate(s string) (time.Time, bool) {
	if t, ok := ParseStamp(s); ok {
		return t, true
	}
	m := textDateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	return dateOf(m[1:]...)
}

// dateOf builds a time from year, month, day, hour, minute and second
// strings ("" is 0), refusing what is no date (2月30日, a year of no page).
func dateOf(parts ...string) (time.Time, bool) {
	var n [6]int
	for i := range min(len(parts), 6) {
		n[i], _ = strconv.Atoi(parts[i])
	}
	y, mo, d, hh, mm, ss := n[0], n[1], n[2], n[3], n[4], n[5]
	if y < 1949 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, cst)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}
