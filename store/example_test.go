package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sppcrawl/store"
)

// A second URL of the same article is an alias; a corrected article is
// handed out once more, at a new seq.
func ExampleDB_Upsert() {
	dir, _ := os.MkdirTemp("", "sppcrawl-example")
	defer os.RemoveAll(dir)
	db, err := store.Open(filepath.Join(dir, "archive.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	for _, a := range []struct{ url, text string }{
		{"https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml", "正文"},
		{"https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml", "正文"},
		{"https://www.spp.gov.cn/spp/tt/202608/t20260805_1.shtml", "正文"},
		{"https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml", "正文（更正）"},
	} {
		res, err := db.Upsert(ctx, newArticle("spp-1", a.url, a.text), nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Outcome, "seq", res.Seq, "version", res.Version)
	}
	// Output:
	// created seq 1 version 1
	// unchanged seq 1 version 1
	// aliased seq 1 version 1
	// updated seq 2 version 2
}
