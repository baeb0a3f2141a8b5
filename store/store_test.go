package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	bolt "go.etcd.io/bbolt"

	"sppcrawl/store"
)

func MustOpen(tb testing.TB, path string, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func newArticle(id, url string, paras ...string) *sppcrawl.Article {
	a := &sppcrawl.Article{
		ID: id, URL: url, Aliases: []string{},
		Channel: "指导性案例", ChannelPath: sites.Default().ChannelPath(url),
		Title: "标题 " + id, PublishedAt: time.Date(2026, 8, 5, 9, 56, 38, 0, sppcrawl.CST()),
		Source: "高检网", Paragraphs: paras, BodyHTML: "<p>" + fmt.Sprint(paras) + "</p>",
		Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{},
	}
	a.ContentHash = a.ComputeHash()
	return a
}

func rawFor(a *sppcrawl.Article) *sppcrawl.RawPage {
	return &sppcrawl.RawPage{URL: a.URL, Status: 200, FetchedAt: time.Now(), Body: []byte("<html>" + a.Title + "</html>")}
}

const (
	u1 = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml"
	u2 = "https://www.spp.gov.cn/spp/tt/202608/t20260805_1.shtml"
	u3 = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_3.shtml"
)

func TestDB_Upsert(t *testing.T) {
	ctx := context.Background()
	type step struct {
		a           *sppcrawl.Article
		want        sppcrawl.Outcome
		wantSeq     uint64
		wantVersion int
	}
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, db *store.DB)
	}{
		{"Created", []step{{newArticle("spp-1", u1, "一"), sppcrawl.Created, 1, 1}}, nil},
		{"SameURLSameContent", []step{
			{newArticle("spp-1", u1, "一"), sppcrawl.Created, 1, 1},
			{newArticle("spp-1", u1, "一"), sppcrawl.Unchanged, 1, 1},
		}, nil},
		{"SameURLChangedBody", []step{
			{newArticle("spp-1", u1, "一"), sppcrawl.Created, 1, 1},
			{newArticle("spp-3", u3, "三"), sppcrawl.Created, 2, 1},
			{newArticle("spp-1", u1, "一（更正）"), sppcrawl.Updated, 3, 2},
			{newArticle("spp-1", u1, "一（更正）"), sppcrawl.Unchanged, 3, 2},
		}, func(t *testing.T, db *store.DB) {
			s, err := db.Get(ctx, "spp-1")
			if err != nil {
				t.Fatal(err)
			}
			vs, err := db.Versions(ctx, "spp-1")
			if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[0].ContentHash != newArticle("spp-1", u1, "一").ContentHash ||
				vs[1].Version != 2 || vs[1].ReplacedAt != nil || s.Version != 2 {
				t.Errorf("versions = %+v, %v; want the first version, then the current", vs, err)
			}
			got, err := db.Since(ctx, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range got {
				ids = append(ids, fmt.Sprint(a.ID, "@", a.Seq))
			}
			if want := []string{"spp-3@2", "spp-1@3"}; !slices.Equal(ids, want) {
				t.Errorf("since 0 = %v, want %v (an updated article once, at its new seq)", ids, want)
			}
		}},
		{"SameIDOtherChannel", []step{
			{newArticle("spp-1", u1, "一"), sppcrawl.Created, 1, 1},
			{newArticle("spp-1", u2, "一"), sppcrawl.Aliased, 1, 1},
			{newArticle("spp-1", u2, "一"), sppcrawl.Unchanged, 1, 1},
		}, func(t *testing.T, db *store.DB) {
			s, err := db.GetByURL(ctx, u2)
			if err != nil {
				t.Fatal(err)
			}
			if s.URL != u1 || !slices.Equal(s.Aliases, []string{u2}) {
				t.Errorf("url %s aliases %v; want %s with alias %s", s.URL, s.Aliases, u1, u2)
			}
		}},
		{"HomeChannelBecomesCanonical", []step{
			// First seen under 头条, but its own channel is /spp/jczdal/.
			{func() *sppcrawl.Article {
				a := newArticle("spp-1", u2, "一")
				a.ChannelPath = "/spp/jczdal/"
				return a
			}(), sppcrawl.Created, 1, 1},
			// Its url and channel change: a new seq tells pullers.
			{newArticle("spp-1", u1, "一"), sppcrawl.Aliased, 2, 1},
		}, func(t *testing.T, db *store.DB) {
			s, err := db.Get(ctx, "spp-1")
			if err != nil {
				t.Fatal(err)
			}
			if s.URL != u1 || !slices.Equal(s.Aliases, []string{u2}) {
				t.Errorf("url %s aliases %v; want home-channel %s with alias %s", s.URL, s.Aliases, u1, u2)
			}
		}},
		{"SameContentOtherID", []step{
			{newArticle("spp-1", u1, "一"), sppcrawl.Created, 1, 1},
			{func() *sppcrawl.Article {
				a := newArticle("spp-3", u3, "一")
				a.Title = "标题 spp-1"
				a.ContentHash = a.ComputeHash()
				return a
			}(), sppcrawl.Aliased, 1, 1},
		}, func(t *testing.T, db *store.DB) {
			if n, _ := db.Count(ctx); n != 1 {
				t.Errorf("count = %d, want 1", n)
			}
			if s, err := db.GetByURL(ctx, u3); err != nil || s.ID != "spp-1" {
				t.Errorf("GetByURL(%s) = %v, %v; want spp-1", u3, s, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
			for i, s := range tt.steps {
				res, err := db.Upsert(ctx, s.a, rawFor(s.a))
				if err != nil {
					t.Fatal(err)
				}
				if res.Outcome != s.want || res.Seq != s.wantSeq || res.Version != s.wantVersion {
					t.Errorf("step %d: got %v seq %d v%d, want %v seq %d v%d", i, res.Outcome, res.Seq, res.Version, s.want, s.wantSeq, s.wantVersion)
				}
			}
			if tt.check != nil {
				tt.check(t, db)
			}
		})
	}
}

func TestDB_UnchangedMovesOnlyLastChecked(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{Now: func() time.Time { return now }})
	a := newArticle("spp-1", u1, "一")
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	before, _ := db.Get(ctx, "spp-1")
	now = now.Add(time.Hour)
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Get(ctx, "spp-1")
	if !after.UpdatedAt.Equal(before.UpdatedAt) || after.Seq != before.Seq {
		t.Errorf("unchanged upsert moved updated_at or seq")
	}
	if !after.LastCheckedAt.Equal(now) {
		t.Errorf("last_checked_at = %v, want %v", after.LastCheckedAt, now)
	}
}

func TestDB_Raw(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	a := newArticle("spp-1", u1, "一")
	raw := &sppcrawl.RawPage{URL: u1, Status: 200, ETag: `"abc"`, LastModified: "Wed, 05 Aug 2026 02:00:00 GMT", FetchedAt: time.Now().Truncate(time.Second), Body: []byte("<html>正文</html>")}
	if _, err := db.Upsert(ctx, a, raw); err != nil {
		t.Fatal(err)
	}
	got, err := db.Raw(ctx, "spp-1")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Body) != string(raw.Body) || got.ETag != raw.ETag || got.LastModified != raw.LastModified || !got.FetchedAt.Equal(raw.FetchedAt) {
		t.Errorf("raw = %+v, want %+v", got, raw)
	}
	if _, err := db.Raw(ctx, "spp-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("raw of unknown id: %v, want ErrNotFound", err)
	}
}

func TestDB_CountByChannel(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	for i, u := range []string{u1, u3, u2} {
		a := newArticle(fmt.Sprint("spp-", i+10), u, fmt.Sprint(i))
		a.PublishedAt = a.PublishedAt.Add(time.Duration(i) * time.Hour)
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.CountByChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ChannelCount{
		{Path: "/spp/jczdal/", Articles: 2, NewestID: "spp-11"},
		{Path: "/spp/tt/", Articles: 1, NewestID: "spp-12"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Path != want[i].Path || got[i].Articles != want[i].Articles || got[i].NewestID != want[i].NewestID {
			t.Errorf("channel %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDB_Failures(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	for _, f := range []sppcrawl.Failure{
		{URL: u1, Attempts: 4, LastError: "503", NextRetry: now.Add(-time.Minute)},
		{URL: u1, Attempts: 4, LastError: "503", NextRetry: now.Add(-time.Minute)},
		{URL: u2, Attempts: 1, LastError: "404", Gone: true},
		{URL: u3, Attempts: 4, LastError: "timeout", NextRetry: now.Add(time.Hour)},
	} {
		if _, err := db.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	due, err := db.Failures(ctx, true, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].URL != u1 || due[0].Attempts != 8 {
		t.Errorf("due = %+v, want only %s with 8 attempts", due, u1)
	}
	if err := db.ClearFailure(ctx, u1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Failure(ctx, u1); ok {
		t.Error("failure still there after ClearFailure")
	}
}

func TestOpen_Locked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	MustOpen(t, path, store.Options{})
	start := time.Now()
	_, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("ErrLocked after %v", waited)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "another sppcrawl") {
		t.Errorf("message %q should name the file and say another sppcrawl holds it", msg)
	}
	if _, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 100 * time.Millisecond}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("read-only open while written: %v, want ErrLocked", err)
	}
}

func TestOpen_BadFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	content := []byte("这不是数据库 — just some notes the operator keeps\n")
	if err := os.WriteFile(text, append(content, make([]byte, 8192)...), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(text)
	if _, err := store.Open(text, store.Options{}); !errors.Is(err, store.ErrNotArchive) || !strings.Contains(err.Error(), text) {
		t.Errorf("open text file: %v, want ErrNotArchive naming it", err)
	}
	after, _ := os.ReadFile(text)
	if string(before) != string(after) {
		t.Error("opening a foreign file changed it")
	}

	// A bbolt file of another program.
	foreign := filepath.Join(dir, "other.db")
	bdb, err := bolt.Open(foreign, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	bdb.Close()
	if _, err := store.Open(foreign, store.Options{}); !errors.Is(err, store.ErrNotArchive) {
		t.Errorf("open foreign bbolt file: %v, want ErrNotArchive", err)
	}

	// An archive from a newer sppcrawl.
	newer := filepath.Join(dir, "newer.db")
	db := MustOpen(t, newer, store.Options{})
	a := newArticle("spp-1", u1, "一")
	db.Upsert(context.Background(), a, nil)
	db.Close()
	bdb, _ = bolt.Open(newer, 0o644, nil)
	bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("99")) })
	bdb.Close()
	if _, err := store.Open(newer, store.Options{}); !errors.Is(err, store.ErrNewerSchema) {
		t.Errorf("open newer schema: %v, want ErrNewerSchema", err)
	}
	bdb, _ = bolt.Open(newer, 0o644, nil)
	bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte(strconv.Itoa(store.SchemaVersion)))
	})
	bdb.Close()
	db = MustOpen(t, newer, store.Options{ReadOnly: true})
	if n, _ := db.Count(context.Background()); n != 1 {
		t.Errorf("after refusing the newer schema the data changed: count %d", n)
	}

	if os.Getuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if _, err := store.Open(filepath.Join(ro, "a.db"), store.Options{}); err == nil || !strings.Contains(err.Error(), ro) {
			t.Errorf("open in unwritable dir: %v, want an error naming the file", err)
		}
	}
	if _, err := store.Open(filepath.Join(dir, "missing", "a.db"), store.Options{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("open in missing dir: %v, want an error naming the file", err)
	}
}

func TestDB_ReadOnlyRefusesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	db.Close()
	ro := MustOpen(t, path, store.Options{ReadOnly: true})
	a := newArticle("spp-1", u1, "一")
	if _, err := ro.Upsert(context.Background(), a, nil); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("upsert on read-only archive: %v, want ErrReadOnly", err)
	}
	// Two readers at once are fine.
	MustOpen(t, path, store.Options{ReadOnly: true})
}

func TestDB_ContextCancelled(t *testing.T) {
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := newArticle("spp-1", u1, "一")
	if _, err := db.Upsert(ctx, a, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("upsert with cancelled ctx: %v", err)
	}
	if n, _ := db.Count(context.Background()); n != 0 {
		t.Errorf("count = %d after a cancelled upsert", n)
	}
}

// The raw page follows its article to the new seq of an update; an update
// without one (reextract) keeps the stored page; every version keeps its own.
func TestDB_RawFollowsUpdates(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	a := newArticle("spp-1", u1, "一")
	if _, err := db.Upsert(ctx, a, &sppcrawl.RawPage{URL: u1, Status: 200, Body: []byte("<p>v1</p>")}); err != nil {
		t.Fatal(err)
	}
	b := newArticle("spp-1", u1, "一（改）")
	if _, err := db.Upsert(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if raw, err := db.Raw(ctx, "spp-1"); err != nil || string(raw.Body) != "<p>v1</p>" {
		t.Errorf("after an update without a page: %v %v, want the stored page", raw, err)
	}
	c := newArticle("spp-1", u1, "一（再改）")
	if _, err := db.Upsert(ctx, c, &sppcrawl.RawPage{URL: u1, Status: 200, Body: []byte("<p>v3</p>")}); err != nil {
		t.Fatal(err)
	}
	if raw, err := db.Raw(ctx, "spp-1"); err != nil || string(raw.Body) != "<p>v3</p>" {
		t.Errorf("after an update with a page: %v %v, want v3", raw, err)
	}
	ids, err := store.RawIDs(db, ctx)
	if err != nil || len(ids) != 1 || ids[0] != "spp-1" {
		t.Errorf("RawIDs = %v, %v", ids, err)
	}
	if s, _ := db.Get(ctx, "spp-1"); s.Seq != 3 || s.Version != 3 {
		t.Errorf("seq %d version %d, want 3 and 3", s.Seq, s.Version)
	}
	// Every version keeps the page it came from: v2 was extracted again from v1's.
	for v, want := range map[int]string{1: "<p>v1</p>", 2: "<p>v1</p>", 3: "<p>v3</p>"} {
		if raw, err := db.VersionRaw(ctx, "spp-1", v); err != nil || string(raw.Body) != want {
			t.Errorf("raw page of version %d: %v %v, want %s", v, raw, err, want)
		}
	}
}

func TestDB_LatestInChannel(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	for i := range 12 {
		ch := []string{"/spp/jczdal/", "/spp/tt/", "/spp/gzbg/"}[i%3]
		a := newArticle(fmt.Sprint("spp-", 100+i), fmt.Sprintf("https://www.spp.gov.cn%s202608/t20260805_%d.shtml", ch, 100+i), fmt.Sprint(i))
		a.ChannelPath = ch
		a.PublishedAt = a.PublishedAt.Add(time.Duration(-i) * time.Hour) // later i: older
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		path string
		n    int
		want []string
	}{
		{"/spp/tt/", 2, []string{"spp-101", "spp-104"}},
		{"/spp/gzbg/", 10, []string{"spp-102", "spp-105", "spp-108", "spp-111"}},
		{"/spp/jczdal/", 1, []string{"spp-100"}},
		{"/spp/none/", 5, nil},
	} {
		got, err := db.LatestInChannel(ctx, c.path, c.n, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("LatestInChannel(%s, %d) = %v, want %v", c.path, c.n, ids, c.want)
		}
	}
}
