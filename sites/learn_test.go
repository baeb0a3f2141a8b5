package sites_test

import (
	"context"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"
)

// records is an archive's records as Learn reads them.
type records struct {
	states []sppcrawl.ChannelState
	first  []*sppcrawl.Article
}

func (r records) ChannelStates(context.Context) ([]sppcrawl.ChannelState, error) {
	return r.states, nil
}
func (r records) Since(context.Context, uint64, int) ([]*sppcrawl.Article, error) {
	return r.first, nil
}

// A local site learns its pages' extension from what the archive holds of
// it (its channels' newest URLs, else the archive's first article if it is
// the site's), never from another site's records.
func TestLearn(t *testing.T) {
	const host = "www.sx.jcy.gov.cn"
	html := "https://" + host + "/jcyw/202401/t20240101_1.html"
	for _, c := range []struct {
		name string
		r    records
		want string
	}{
		{"its channel's newest", records{states: []sppcrawl.ChannelState{{Site: host, Path: "/jcyw/", NewestURL: html}}}, "https://" + host + "/jcyw/index.html"},
		{"its first article", records{first: []*sppcrawl.Article{{URL: html}}}, "https://" + host + "/jcyw/index.html"},
		{"another site's", records{states: []sppcrawl.ChannelState{{Site: "www.hbjc.gov.cn", Path: "/jcyw/", NewestURL: "https://www.hbjc.gov.cn/jcyw/202401/t20240101_1.html"}}}, "https://" + host + "/jcyw/index.shtml"},
		{"nothing", records{}, "https://" + host + "/jcyw/index.shtml"},
	} {
		s, err := sites.Lookup(host)
		if err != nil {
			t.Fatal(err)
		}
		if err := sites.Learn(context.Background(), c.r, s); err != nil {
			t.Fatal(err)
		}
		if got := s.ListPageURL("/jcyw/", 1); got != c.want {
			t.Errorf("%s: page 1 is %s, want %s", c.name, got, c.want)
		}
	}
}
