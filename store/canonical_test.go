package store_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/store"

	bolt "go.etcd.io/bbolt"
)

const (
	ttURL    = "https://www.spp.gov.cn/spp/tt/202611/t20261117_810001.shtml"
	gjybsURL = "https://www.spp.gov.cn/spp/gjybs/202611/t20261117_810001.shtml"
)

// sitePage reads a page of the fixture site and parses it as served at u,
// after edit (nil: as it is).
func sitePage(t *testing.T, u string, edit func(string) string) (*sppcrawl.Article, *sppcrawl.RawPage) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata/site", strings.TrimPrefix(u, sites.Default().Origin())))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		b = []byte(edit(string(b)))
	}
	a, err := sites.Default().ParseArticle(b, u, "")
	if err != nil {
		t.Fatal(err)
	}
	return a, &sppcrawl.RawPage{URL: u, Status: 200, Body: b}
}

// home is where an archive keeps the cross-post.
type home struct {
	url, channel, path, rawURL string
	aliases                    []string
	counts                     map[string]int
}

func homeOf(t *testing.T, db *store.DB) home {
	t.Helper()
	ctx := context.Background()
	s, err := db.Get(ctx, "spp-810001")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := db.Raw(ctx, "spp-810001")
	if err != nil {
		t.Fatal(err)
	}
	cc, err := db.CountByChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := home{url: s.URL, channel: s.Channel, path: s.ChannelPath, rawURL: raw.URL, aliases: s.Aliases, counts: map[string]int{}}
	for _, c := range cc {
		h.counts[c.Path] = c.Articles
	}
	return h
}

// An article listed in 头条 and in its own channel is stored under its own
// channel's URL whichever list is read first: on the fixture site, where
// each copy's breadcrumb names the channel it is in, and where the 头条
// copy's breadcrumb names its own channel.
func TestDB_Upsert_CrossPostEitherOrder(t *testing.T) {
	ownCrumb := func(s string) string {
		s = strings.ReplaceAll(s, "/spp/tt/index.shtml", "/spp/gjybs/index.shtml")
		return strings.ReplaceAll(strings.ReplaceAll(s, "<span>头条</span>", "<span>最高检新闻</span>"), `content="头条"`, `content="最高检新闻"`)
	}
	want := home{url: gjybsURL, channel: "最高检新闻", path: "/spp/gjybs/", rawURL: gjybsURL,
		aliases: []string{ttURL}, counts: map[string]int{"/spp/gjybs/": 1}}
	for name, ttEdit := range map[string]func(string) string{"each crumb its own list": nil, "both crumbs 最高检新闻": ownCrumb} {
		for _, order := range [][]string{{ttURL, gjybsURL}, {gjybsURL, ttURL}} {
			t.Run(name+"/"+filepath.Base(filepath.Dir(filepath.Dir(order[0])))+" first", func(t *testing.T) {
				ctx := context.Background()
				db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
				var seqs []uint64
				for i, u := range order {
					edit := ttEdit
					if u == gjybsURL {
						edit = nil
					}
					a, raw := sitePage(t, u, edit)
					res, err := db.Upsert(ctx, a, raw)
					if err != nil {
						t.Fatal(err)
					}
					if wantOutcome := []sppcrawl.Outcome{sppcrawl.Created, sppcrawl.Aliased}[i]; res.Outcome != wantOutcome {
						t.Errorf("%s: %v, want %v", u, res.Outcome, wantOutcome)
					}
					seqs = append(seqs, res.Seq)
				}
				checkMoveSeq(t, db, order[0] == ttURL, seqs)
				if got := homeOf(t, db); !sameHome(got, want) {
					t.Errorf("stored as %+v, want %+v", got, want)
				}
			})
		}
	}
}

// checkMoveSeq checks the seqs of the two upserts of the cross-post: a
// move of its canonical URL (moved) is a new seq with an updated event, the
// version unchanged; an alias alone is none.
func checkMoveSeq(t *testing.T, db *store.DB, moved bool, seqs []uint64) {
	t.Helper()
	evs, err := db.Events(context.Background(), seqs[0], 10)
	switch {
	case err != nil:
		t.Fatal(err)
	case moved && (seqs[1] <= seqs[0] || len(evs) != 1 || evs[0].Type != sppcrawl.EventUpdated || evs[0].Seq != seqs[1] || evs[0].Version != 1):
		t.Errorf("moved to its own channel's URL: seqs %v, events after the first %+v; want a new seq, an updated event of v1", seqs, evs)
	case !moved && (seqs[1] != seqs[0] || len(evs) != 0):
		t.Errorf("an alias added: seqs %v, events %+v; want no new seq", seqs, evs)
	}
}

func sameHome(a, b home) bool {
	if a.url != b.url || a.channel != b.channel || a.path != b.path || a.rawURL != b.rawURL || !slices.Equal(a.aliases, b.aliases) || len(a.counts) != len(b.counts) {
		return false
	}
	for k, v := range a.counts {
		if b.counts[k] != v {
			return false
		}
	}
	return true
}

// A new version read at an alias keeps the article in its own channel.
func TestDB_Upsert_VersionAtAlias(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	for _, u := range []string{gjybsURL, ttURL} {
		a, raw := sitePage(t, u, nil)
		if _, err := db.Upsert(ctx, a, raw); err != nil {
			t.Fatal(err)
		}
	}
	a, raw := sitePage(t, ttURL, func(s string) string { return strings.Replace(s, "</p>", "（更正）</p>", 1) })
	if res, err := db.Upsert(ctx, a, raw); err != nil || res.Outcome != sppcrawl.Updated {
		t.Fatalf("a correction at the alias: %+v, %v", res, err)
	}
	s, _ := db.Get(ctx, "spp-810001")
	if s.URL != gjybsURL || s.Channel != "最高检新闻" || s.ChannelPath != "/spp/gjybs/" || s.Version != 2 {
		t.Errorf("after a correction at the alias: %s %s %s v%d", s.URL, s.Channel, s.ChannelPath, s.Version)
	}
}

// The upgrade moves a cross-post an earlier release stored under 头条's URL
// to its own channel's, ids and seqs unchanged, and has the next crawl fetch
// the page of that URL, which then becomes the article's page.
func TestUpgrade_CrossPostMovedHome(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, copyFile(t, "../testdata/archive/v1.db"), store.Options{})
	got := homeOf(t, db)
	want := home{url: gjybsURL, channel: "最高检新闻", path: "/spp/gjybs/", rawURL: ttURL, aliases: []string{ttURL},
		counts: map[string]int{"/spp/gjgb/": 4, "/spp/gzbg/": 4, "/spp/gjybs/": 1, "/spp/tzgg1/": 5}}
	if !sameHome(got, want) {
		t.Errorf("after the upgrade: %+v, want %+v", got, want)
	}
	f, found, err := db.Failure(ctx, gjybsURL)
	if err != nil || !found || f.NextRetry.After(f.LastTry) {
		t.Errorf("the page of the new canonical URL is not due: %+v %v %v", f, found, err)
	}
	a, raw := sitePage(t, gjybsURL, nil)
	if res, err := db.Upsert(ctx, a, raw); err != nil || res.Outcome != sppcrawl.Unchanged {
		t.Fatalf("fetching it: %+v, %v", res, err)
	}
	want.rawURL = gjybsURL
	if got := homeOf(t, db); !sameHome(got, want) {
		t.Errorf("after fetching it: %+v, want %+v", got, want)
	}
}

// An archive of schema 2 that stored the cross-post under 头条's URL opens
// with it under its own channel's, a new seq and an updated event telling
// pullers; every other article as that release exported it.
func TestUpgrade_V2CrossPost(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, copyFile(t, "../testdata/archive/v2-crosspost.db"), store.Options{})
	if note, _ := db.Upgraded(ctx); note != "schema 2→3: cross-posts moved to the URL of their own channel: 1 (the earlier URL kept as an alias); pages of a canonical URL to fetch: 1 (the next crawl fetches them); schema 3→4: 0 channel states kept as www.spp.gov.cn's (an archive holds many sites now)" {
		t.Errorf("upgrade note %q", note)
	}
	b, err := os.ReadFile("../testdata/archive/v2-crosspost.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var old map[string]any
		if err := json.Unmarshal([]byte(line), &old); err != nil {
			t.Fatal(err)
		}
		j, err := db.GetJSON(ctx, old["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var now map[string]any
		json.Unmarshal(j, &now)
		if old["id"] == crossPost {
			checkMovedHome(t, old, now)
			for _, k := range []string{"url", "aliases", "channel", "channel_path", "seq"} {
				delete(old, k)
				delete(now, k)
			}
		}
		if !reflect.DeepEqual(now, old) {
			t.Errorf("%s after the upgrade:\n%v\nwas\n%v", old["id"], now, old)
		}
	}
	evs, err := db.Events(ctx, 2, 10)
	if err != nil || len(evs) != 1 || evs[0].Type != sppcrawl.EventUpdated || evs[0].ID != crossPost || evs[0].Seq != 3 || evs[0].Version != 1 {
		t.Errorf("events after the upgrade: %+v, %v; want one updated event of %s v1 at seq 3", evs, err, crossPost)
	}
}

// An archive whose article an earlier release moved to its own channel's
// URL without that URL's page (it kept the page of the URL it was first
// met at) has the next crawl fetch the page after the upgrade.
func TestUpgrade_PageOfCanonicalURL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	tt, raw := sitePage(t, ttURL, nil)
	tt.Channel, tt.ChannelPath = "最高检新闻", "/spp/gjybs/" // its breadcrumb names its own channel
	if _, err := db.Upsert(ctx, tt, raw); err != nil {
		t.Fatal(err)
	}
	own, _ := sitePage(t, gjybsURL, nil)
	if _, err := db.Upsert(ctx, own, nil); err != nil { // moved, without a page
		t.Fatal(err)
	}
	db.Close()
	bdb, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("2")) })
	bdb.Close()
	db = MustOpen(t, path, store.Options{})
	if note, _ := db.Upgraded(ctx); !strings.Contains(note, "moved to the URL of their own channel: 0 ") || !strings.Contains(note, "pages of a canonical URL to fetch: 1 ") {
		t.Errorf("upgrade note %q", note)
	}
	if f, found, err := db.Failure(ctx, gjybsURL); err != nil || !found || f.NextRetry.After(f.LastTry) {
		t.Errorf("the page of the canonical URL is not due: %+v %v %v", f, found, err)
	}
	if _, found, _ := db.Failure(ctx, ttURL); found {
		t.Errorf("the alias is due for a fetch")
	}
}
