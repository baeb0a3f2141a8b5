package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// Crawls of one channel of a mirror (here the fixture site, served as
// python3 -m http.server serves it): a backfill walks every list page and
// stores the channel's articles; a cron run then finds nothing new on the
// first page and stops there.
func ExampleCrawler_Run() {
	srv := httptest.NewServer(http.FileServer(http.Dir("../testdata/site")))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "sppcrawl-example")
	defer os.RemoveAll(dir)
	db, err := store.Open(filepath.Join(dir, "archive.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	jczdal := []sppcrawl.Channel{sites.Default().ChannelByPath("/spp/jczdal/")}
	for _, full := range []bool{true, false} { // a backfill, then a cron run
		c, err := crawler.New(crawler.Config{Origin: srv.URL, Channels: jczdal, Full: full}, db)
		if err != nil {
			fmt.Println(err)
			return
		}
		sum, err := c.Run(context.Background())
		fmt.Println(sum.Outcome, sum.Created, "created,", sum.ListPages, "list pages", err)
	}
	// Output:
	// ok 62 created, 3 list pages <nil>
	// ok 0 created, 1 list pages <nil>
}
