// Command fixtureserver serves the 12309 fixture site, its list service
// included, for trying `sppcrawl crawl --site 12309` by hand (python's
// http.server answers no POST):
//
//	go run ./internal/listservice/fixtureserver -addr 127.0.0.1:18309
//	sppcrawl crawl --site 12309 --origin http://127.0.0.1:18309 --full --db /tmp/x.db
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"

	"sppcrawl/internal/listservice"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18309", "address to listen on")
	dir := flag.String("dir", "testdata/sites/www.12309.gov.cn", "the fixture site's folder")
	formOnly := flag.Bool("form-only", false, "refuse JSON bodies (HTTP 415), as a service reading only form fields")
	flag.Parse()
	if _, err := os.Stat(*dir); err != nil {
		fmt.Fprintf(os.Stderr, "fixtureserver: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("serving %s on http://%s\n", *dir, *addr)
	if err := http.ListenAndServe(*addr, &listservice.Server{Dir: *dir, FormOnly: *formOnly}); err != nil {
		fmt.Fprintf(os.Stderr, "fixtureserver: %v\n", err)
		os.Exit(1)
	}
}
