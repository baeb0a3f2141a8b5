package s12309

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
)

// record is a hit of the list service: the fields crawlers of the live
// site read, and those of its development copy.
type record struct {
	Mid              flexString `json:"mid"`
	Title            string     `json:"title"`
	SubTitle         string     `json:"subTitle"`
	Memo             string     `json:"memo"`
	Content          string     `json:"content"`
	PublishedTimeStr flexString `json:"publishedTimeStr"`
	PublishedTime    flexString `json:"publishedTime"`
	CreatedTime      flexString `json:"createdTime"`
	URL              string     `json:"url"`
	DocURL           string     `json:"docUrl"`
	Link             string     `json:"link"`
	Href             string     `json:"href"`
	DetailURL        string     `json:"detailUrl"`
	ChannelLevels    flexString `json:"channelLevels"`
	ChannelWebPath   string     `json:"channelWebPath"`
}

// decodeHit reads a hit, which is the record itself or an Elasticsearch
// hit holding it in _source; raw is the record's own JSON.
func decodeHit(h json.RawMessage) (record, json.RawMessage, error) {
	var es struct {
		Source json.RawMessage `json:"_source"`
	}
	if err := json.Unmarshal(h, &es); err != nil {
		return record{}, nil, fmt.Errorf("hit %.40s: %w", h, err)
	}
	raw := h
	if len(es.Source) > 0 && es.Source[0] == '{' {
		raw = es.Source
	}
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return record{}, nil, fmt.Errorf("hit %.40s: %w", h, err)
	}
	return r, raw, nil
}

// link is the record's detail page: as answered (url, docUrl, link, href,
// detailUrl), else, for a record naming its region (channelWebPath), its
// numeric id and its day, where the site's detail URLs put such a page:
// /12309/gj/{region…}/{zjxflws|zdajxx}/{yyyymm}/t{yyyymmdd}_{mid}.shtml.
func (r record) link(k kind) string {
	for _, u := range []string{r.URL, r.DocURL, r.Link, r.Href, r.DetailURL} {
		if u = strings.TrimSpace(u); u != "" {
			return u
		}
	}
	region, mid, t := strings.TrimSpace(r.ChannelWebPath), string(r.Mid), r.published()
	if !regionRE.MatchString(region) || !midRE.MatchString(mid) || t.IsZero() {
		return ""
	}
	folder := "zjxflws"
	if k.Name == caseInfo {
		folder = "zdajxx"
	}
	return fmt.Sprintf("/12309%s/%s/%s/t%s_%s.shtml", region, folder, t.Format("200601"), t.Format("20060102"), mid)
}

var (
	regionRE = regexp.MustCompile(`^/gj(/[a-z0-9]+)*$`)
	midRE    = regexp.MustCompile(`^[0-9]{1,12}$`)
)

// published is when the record was published, zero when it does not say.
func (r record) published() time.Time {
	for _, s := range []flexString{r.PublishedTimeStr, r.PublishedTime} {
		if t, ok := parseTime(string(s)); ok {
			return t
		}
	}
	t, _ := parseTime(string(r.CreatedTime))
	return t
}

var (
	clockRE = regexp.MustCompile(`\d{1,2}:\d{2}`)
	epochRE = regexp.MustCompile(`^\d{10}(\d{3})?$`)
	// dateRE reads the forms a date takes: 2024-12-04, 2024/12/04,
	// 2024.12.04, 2024年12月4日, each with an optional time of day.
	dateRE = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?`)
)

// parseTime reads a date in any form the service or a page gives it, in
// +08:00 unless it says otherwise: a date, a date and time, RFC 3339, or
// epoch seconds or milliseconds.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if epochRE.MatchString(s) {
		n, _ := strconv.ParseInt(s, 10, 64)
		if len(s) == 13 {
			return time.UnixMilli(n).In(sppcrawl.CST()), true
		}
		return time.Unix(n, 0).In(sppcrawl.CST()), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(sppcrawl.CST()), true
	}
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1]) // digits, or "" for 0
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, sppcrawl.CST())
	if t.Month() != time.Month(n[1]) || t.Day() != n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, false // 2024-02-30 is no date
	}
	return t, true
}

// flexString is a field the service may answer as a string or a number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n.String())
	default:
		*f = "" // an object or array where a value was expected: not read
	}
	return nil
}

// flexInt is a count the service may answer as a number or a string.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] == '{' || b[0] == '[' {
		return fmt.Errorf("not a number: %.20s", b)
	}
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(string(s), 64)
	if err != nil || n < 0 || n > 1e9 {
		return fmt.Errorf("not a count: %q", s)
	}
	*f = flexInt(n)
	return nil
}
