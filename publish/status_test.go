package publish_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
)

// Every error of the archive and of the search index maps to one status,
// however deeply it is wrapped.
func TestFaultOf(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("read article spp-1: %w", fmt.Errorf("view: %w", err)) }
	for _, c := range []struct {
		err        error
		want       publish.Fault
		status     int
		retryAfter bool
	}{
		{wrap(sppcrawl.ErrNotFound), publish.FaultNotFound, 404, false},
		{wrap(publish.ErrRequest), publish.FaultRequest, 400, false},
		{wrap(search.ErrQuery), publish.FaultRequest, 400, false},
		{wrap(sppcrawl.ErrDamaged), publish.FaultDamaged, 500, false},
		{wrap(&sppcrawl.Skipped{Records: []sppcrawl.SkippedRecord{{Key: "seq 1", Why: "crc"}}}), publish.FaultDamaged, 500, false},
		{wrap(search.ErrTimeout), publish.FaultTimeout, 503, false},
		{wrap(search.ErrDamaged), publish.FaultRebuilding, 503, true},
		{wrap(sppcrawl.ErrLocked), publish.FaultBusy, 503, true},
		{wrap(sppcrawl.ErrConflict), publish.FaultBusy, 503, true},
		{wrap(context.Canceled), publish.FaultCanceled, 499, false},
		{errors.New("disk on fire"), publish.FaultInternal, 500, false},
	} {
		f := publish.FaultOf(c.err)
		if f != c.want || f.Status() != c.status || (f.RetryAfter() > 0) != c.retryAfter {
			t.Errorf("%v: fault %d status %d retry %ds; want fault %d status %d retry %v", c.err, f, f.Status(), f.RetryAfter(), c.want, c.status, c.retryAfter)
		}
	}
}

// brokenSiteMap is an archive whose site map cannot be read.
type brokenSiteMap struct{ publish.Reader }

func (brokenSiteMap) SiteMap(context.Context) (sppcrawl.SiteMap, error) {
	return sppcrawl.SiteMap{}, fmt.Errorf("site map: %w", sppcrawl.ErrDamaged)
}

// A feed of a channel whose site map the archive fails to read answers the
// archive's failure (5xx in words), not 400 "no such channel".
func TestServe_SiteMapFailureIsNotABadRequest(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 3)
	srv := apiTestServer(t, brokenSiteMap{db})
	resp, err := http.Get(srv.URL + "/feed.atom?channel=jczdal")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "archive damaged") {
		t.Errorf("feed with an unreadable site map: %d %s; want 500 naming the damage", resp.StatusCode, body)
	}
}
