package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/web"
)

// brokenSiteMap is an archive whose site map cannot be read.
type brokenSiteMap struct{ publish.Reader }

func (brokenSiteMap) SiteMap(context.Context) (sppcrawl.SiteMap, error) {
	return sppcrawl.SiteMap{}, fmt.Errorf("site map: %w", sppcrawl.ErrDamaged)
}

// A channel's page over an archive that fails to read its site map says
// the archive failed (500 in words), not 404 "no such channel".
func TestPages_SiteMapFailureIsNotNotFound(t *testing.T) {
	db := testarchive.Corrected(t)
	srv := httptest.NewServer(web.New(brokenSiteMap{db}, web.Options{}).Handler())
	t.Cleanup(srv.Close)
	code, body, _ := get(t, srv.URL+"/channels/jczdal/gaps")
	if code != http.StatusInternalServerError || !strings.Contains(body, "档案文件已损坏") {
		t.Errorf("gaps with an unreadable site map: %d\n%s", code, body)
	}
}
