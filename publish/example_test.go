package publish_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// A downstream site pulls by cursor: each export of JSON Lines starts after
// the seq it ended at last time, and gets what is new or corrected since,
// a corrected article again, whole, as its next version.
func ExampleExport() {
	dir, _ := os.MkdirTemp("", "sppcrawl-example")
	defer os.RemoveAll(dir)
	db, err := store.Open(filepath.Join(dir, "archive.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	put := func(n int, text string) {
		url := fmt.Sprintf("https://www.spp.gov.cn/spp/xwfbh/202608/t20260805_%d.shtml", n)
		a := &sppcrawl.Article{ID: fmt.Sprintf("spp-%d", n), URL: url, ChannelPath: sites.Default().ChannelPath(url),
			Title: "标题", PublishedAt: time.Date(2026, 8, 5, 9, 0, 0, 0, sppcrawl.CST()), Paragraphs: []string{text},
			Aliases: []string{}, Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{}}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			fmt.Println(err)
		}
	}
	var cursor uint64
	pull := func() {
		var buf bytes.Buffer
		next, err := publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{AfterSeq: cursor}})
		if err != nil {
			fmt.Println(err)
			return
		}
		for sc := bufio.NewScanner(&buf); sc.Scan(); {
			var a struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
				Seq     uint64 `json:"seq"`
			}
			json.Unmarshal(sc.Bytes(), &a)
			fmt.Printf("%s v%d (seq %d); ", a.ID, a.Version, a.Seq)
		}
		fmt.Println("next cursor", next)
		cursor = next
	}
	put(1, "第一篇正文")
	put(2, "第二篇正文")
	pull()
	pull() // nothing new
	put(1, "第一篇正文（更正）")
	pull()
	// Output:
	// spp-1 v1 (seq 1); spp-2 v1 (seq 2); next cursor 2
	// next cursor 2
	// spp-1 v2 (seq 3); next cursor 3
}
