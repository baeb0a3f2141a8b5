package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/store"
)

// copyFile copies src to a new file in a temporary directory.
func copyFile(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// An archive written by sppcrawl 0.1 (schema 1) opens with this code, is
// upgraded in place, and keeps every article, raw page and revision hash.
func TestUpgrade_V1Archive(t *testing.T) {
	ctx := context.Background()
	path := copyFile(t, "../testdata/archive/v1.db")
	// A command that only reads (stats, export, serve) upgrades it too.
	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of a schema 1 archive: %v", err)
	}
	if n, _ := ro.Count(ctx); n != 14 {
		t.Errorf("read-only open after the upgrade: %d articles, want 14", n)
	}
	ro.Close()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	note, _ := db.Upgraded(ctx)
	if !strings.Contains(note, "schema 1→2") || !strings.Contains(note, "2 earlier revisions") ||
		!strings.Contains(note, "schema 2→3: cross-posts moved to the URL of their own channel: 1 ") {
		t.Errorf("upgrade note %q", note)
	}
	// Every article as 0.1 exported it: each field it had, the same.
	f, err := os.Open("../testdata/archive/v1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var old map[string]any
		if err := json.Unmarshal(sc.Bytes(), &old); err != nil {
			t.Fatal(err)
		}
		id := old["id"].(string)
		b, err := db.GetJSON(ctx, id)
		if err != nil {
			t.Fatalf("%s after the upgrade: %v", id, err)
		}
		var now map[string]any
		json.Unmarshal(b, &now)
		if id == crossPost {
			// 0.1 stored this cross-post under the first URL it met (头条's);
			// the upgrade moves it to its own channel, the other URL an alias.
			checkMovedHome(t, old, now)
			old = maps.Clone(old)
			for _, k := range []string{"url", "aliases", "channel", "channel_path", "seq"} {
				delete(old, k)
			}
		}
		for k, v := range old {
			if !reflect.DeepEqual(now[k], v) {
				t.Errorf("%s.%s = %v, was %v", id, k, now[k], v)
			}
		}
		if raw, err := db.Raw(ctx, id); err != nil || !strings.Contains(string(raw.Body), "</html>") {
			t.Errorf("raw page of %s: %v", id, err)
		}
		n++
	}
	if c, _ := db.Count(ctx); n != 14 || c != 14 {
		t.Errorf("%d articles exported by 0.1, %d now; want 14", n, c)
	}
	// The corrected article: its two earlier revisions are versions with the
	// hashes 0.1 kept, which are those of the site's page before and after the
	// first correction.
	vs, err := db.Versions(ctx, "spp-900000")
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions of spp-900000: %d, %v", len(vs), err)
	}
	page, err := os.ReadFile("../testdata/site/spp/gzbg/202611/t20261119_900000.shtml")
	if err != nil {
		t.Fatal(err)
	}
	const u = "https://www.spp.gov.cn/spp/gzbg/202611/t20261119_900000.shtml"
	first := strings.Replace(string(page), `<p style="margin-bottom: 1.5em; text-indent: 2em;">`, `<p style="margin-bottom: 1.5em; text-indent: 2em;">（第一次更正）`, 1)
	for i, body := range []string{string(page), first} {
		a, err := sites.Default().ParseArticle([]byte(body), u, "")
		if err != nil {
			t.Fatal(err)
		}
		if vs[i].Version != i+1 || vs[i].ContentHash != a.ContentHash || vs[i].ReplacedAt == nil || vs[i].HasRaw {
			t.Errorf("version %d: %+v, want hash %s and no raw page", i+1, vs[i], a.ContentHash)
		}
		var known map[string]any
		json.Unmarshal(vs[i].Article, &known)
		if known["title"] != a.Title || known["url"] != u {
			t.Errorf("version %d article %s", i+1, vs[i].Article)
		}
	}
	if vs[2].Version != 3 || vs[2].ReplacedAt != nil || !vs[2].HasRaw {
		t.Errorf("current version %+v", vs[2])
	}
	// The stored article 0.1 saw gone once is withdrawn by a sighting in a
	// later run.
	withdrawn, err := db.RecordGone(ctx, "https://www.spp.gov.cn/spp/gjgb/202611/t20261110_910003.shtml", time.Now(), "homepage")
	if err != nil || !withdrawn {
		t.Errorf("second gone sighting of spp-910003: %v %v, want withdrawn", withdrawn, err)
	}
	// New pages get raw keys after the old ones: nothing is overwritten.
	a, _ := db.Get(ctx, "spp-890000")
	b := *a.Article
	b.Paragraphs = append(b.Paragraphs, "更正")
	b.ContentHash = b.ComputeHash()
	if _, err := db.Upsert(ctx, &b, &sppcrawl.RawPage{URL: b.URL, Status: 200, Body: []byte("<html>new</html>")}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"spp-890004", "spp-900000", "spp-810001"} {
		if raw, err := db.Raw(ctx, id); err != nil || !strings.Contains(string(raw.Body), "</html>") || strings.Contains(string(raw.Body), "new") {
			t.Errorf("raw page of %s after a new page was stored: %v", id, err)
		}
	}
	db.Close()
	// Upgraded once: read-only opens now work.
	db = MustOpen(t, path, store.Options{ReadOnly: true})
	if c, _ := db.Count(ctx); c != 14 {
		t.Errorf("read-only after the upgrade: %d articles", c)
	}
}

// crossPost is the article v1.db stores under 头条's URL, with its own
// channel's (最高检新闻) as an alias.
const crossPost = "spp-810001"

// checkMovedHome checks the cross-post as the upgrade left it (now) against
// what 0.1 exported (old): under its own channel's URL, the first URL an
// alias, under a new seq.
func checkMovedHome(t *testing.T, old, now map[string]any) {
	t.Helper()
	const tt, gjybs = "https://www.spp.gov.cn/spp/tt/202611/t20261117_810001.shtml", "https://www.spp.gov.cn/spp/gjybs/202611/t20261117_810001.shtml"
	if old["url"] != tt || !reflect.DeepEqual(old["aliases"], []any{gjybs}) {
		t.Fatalf("v1.jsonl: %s at %v %v, want it stored the wrong way", crossPost, old["url"], old["aliases"])
	}
	if now["url"] != gjybs || !reflect.DeepEqual(now["aliases"], []any{tt}) ||
		now["channel"] != "最高检新闻" || now["channel_path"] != "/spp/gjybs/" || now["seq"].(float64) <= old["seq"].(float64) {
		t.Errorf("%s after the upgrade: url %v, aliases %v, channel %v %v, seq %v (was %v: want a new one)", crossPost,
			now["url"], now["aliases"], now["channel"], now["channel_path"], now["seq"], old["seq"])
	}
}

// Corrections keep every version whole, with the page it came from.
func TestDB_VersionsWhole(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	texts := [][]string{{"一", "二"}, {"一（改）", "二"}, {"一（改）", "二", "三"}}
	for i, p := range texts {
		a := newArticle("spp-1", u1, p...)
		if _, err := db.Upsert(ctx, a, &sppcrawl.RawPage{URL: u1, Status: 200, Body: []byte("<html>v" + string(rune('1'+i)) + "</html>")}); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := db.Versions(ctx, "spp-1")
	if err != nil || len(vs) != 3 {
		t.Fatalf("%d versions, %v", len(vs), err)
	}
	for i, v := range vs {
		var a sppcrawl.Article
		if err := json.Unmarshal(v.Article, &a); err != nil {
			t.Fatal(err)
		}
		if a.Version != i+1 || strings.Join(a.Paragraphs, "|") != strings.Join(texts[i], "|") || a.ContentHash != v.ContentHash {
			t.Errorf("version %d: %+v", i+1, a)
		}
		raw, err := db.VersionRaw(ctx, "spp-1", i+1)
		if err != nil || string(raw.Body) != "<html>v"+string(rune('1'+i))+"</html>" {
			t.Errorf("raw page of version %d: %v", i+1, err)
		}
		if i < 2 && (v.ReplacedAt == nil || !v.ReplacedAt.Equal(vs[i+1].StoredAt)) {
			t.Errorf("version %d replaced at %v, next stored at %v", i+1, v.ReplacedAt, vs[i+1].StoredAt)
		}
	}
	if _, err := db.Versions(ctx, "spp-404"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("versions of an unknown id: %v", err)
	}
}

// A URL answering gone once is a sighting; a second in another run withdraws
// the article (new seq, content kept); a good answer in between forgets the
// sighting; coming back restores it (new seq again).
func TestDB_Withdrawal(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	a := newArticle("spp-1", u1, "一")
	db.Upsert(ctx, a, rawFor(a))
	db.Upsert(ctx, newArticle("spp-3", u3, "三"), nil)
	run1, run2, run3 := time.Now(), time.Now().Add(time.Minute), time.Now().Add(2*time.Minute)
	gone := func(run time.Time) bool {
		t.Helper()
		w, err := db.RecordGone(ctx, u1, run, "HTTP 404")
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	// Both sightings happen (|| would skip the second when the first withdrew).
	if first, second := gone(run1), gone(run1); first || second {
		t.Error("withdrawn by sightings in one run")
	}
	if res, _ := db.Upsert(ctx, newArticle("spp-1", u1, "一"), nil); res.Outcome != sppcrawl.Unchanged {
		t.Errorf("good answer: %v", res.Outcome)
	}
	if gone(run2) {
		t.Error("withdrawn although a good answer came between the sightings")
	}
	if !gone(run3) {
		t.Fatal("not withdrawn by a second sighting in a later run")
	}
	s, _ := db.Get(ctx, "spp-1")
	if s.WithdrawnAt.IsZero() || s.Seq != 3 || s.Version != 1 || len(s.Paragraphs) != 1 {
		t.Errorf("withdrawn article %+v: want withdrawn_at, seq 3, content kept", s.Article)
	}
	if got, _ := db.Since(ctx, 2, 10); len(got) != 1 || got[0].ID != "spp-1" || got[0].WithdrawnAt.IsZero() {
		t.Errorf("the cursor does not deliver the withdrawal: %v", got)
	}
	b, _ := db.GetJSON(ctx, "spp-1")
	if !strings.Contains(string(b), `"withdrawn_at":"`) {
		t.Errorf("JSON without withdrawn_at: %s", b)
	}
	res, _ := db.Upsert(ctx, newArticle("spp-1", u1, "一"), nil)
	if res.Outcome != sppcrawl.Restored || res.Seq != 4 {
		t.Errorf("coming back: %+v, want restored at seq 4", res)
	}
	s, _ = db.Get(ctx, "spp-1")
	b, _ = db.GetJSON(ctx, "spp-1")
	if !s.WithdrawnAt.IsZero() || strings.Contains(string(b), "withdrawn_at") {
		t.Errorf("restored article still withdrawn: %s", b)
	}
	// A 304 restores too.
	gone(run1)
	gone(run2)
	if res, err := db.RecordChecked(ctx, u1); err != nil || res.Outcome != sppcrawl.Restored {
		t.Errorf("304 on a withdrawn article: %+v %v", res, err)
	}
}

// Rechecks come least recently checked first, with their page's validators.
func TestDB_DueRechecks(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{Now: func() time.Time { return now }})
	for i, id := range []string{"spp-1", "spp-2", "spp-3", "spp-4"} {
		now = now.Add(time.Hour)
		u := strings.Replace(u1, "_1.", "_"+id[4:]+".", 1)
		a := newArticle(id, u, "段"+id)
		raw := rawFor(a)
		raw.ETag = `"e` + id + `"`
		if _, err := db.Upsert(ctx, a, raw); err != nil {
			t.Fatal(err)
		}
		_ = i
	}
	now = now.Add(time.Hour)
	db.RecordChecked(ctx, strings.Replace(u1, "_1.", "_1.", 1)) // spp-1 checked last now
	due, err := db.DueRechecks(ctx, 2)
	if err != nil || len(due) != 2 || due[0].ID != "spp-2" || due[1].ID != "spp-3" || due[0].ETag != `"espp-2"` {
		t.Errorf("due = %+v, %v; want spp-2, spp-3 with their ETags", due, err)
	}
	oldest, _ := db.OldestCheck(ctx)
	if !oldest.Equal(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("oldest check %v", oldest)
	}
}

// reextract brings a better reading of the same text: an article whose
// cases change gets a version of its own (a press conference's speakers
// read as cases by an older extractor lose them); the others stay as they
// are, written not at all.
func TestReextract_CasesChanged(t *testing.T) {
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	ctx := context.Background()
	press := newArticle("spp-1", u1, "【主持人】各位记者朋友，大家好！", "【记者】请问……")
	press.Cases = []sppcrawl.Case{{Keywords: []string{}, Sections: []sppcrawl.Section{{Heading: "主持人", Paragraphs: []string{"各位记者朋友，大家好！"}}}}}
	other := newArticle("spp-2", strings.Replace(u1, "_1.", "_2.", 1), "正文")
	for _, a := range []*sppcrawl.Article{press, other} {
		if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
			t.Fatal(err)
		}
	}
	gen0, _ := db.Generation(ctx)
	res, err := db.Reextract(ctx, func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		id := "spp-" + raw.URL[strings.LastIndex(raw.URL, "_")+1:strings.LastIndex(raw.URL, ".")]
		a := newArticle(id, raw.URL, "正文")
		if id == "spp-1" {
			a = newArticle(id, raw.URL, "【主持人】各位记者朋友，大家好！", "【记者】请问……") // the same text, no cases
		}
		return a, nil
	}, func(string, error) {}, nil)
	if err != nil || res.Changed != 1 || res.Unchanged != 1 {
		t.Fatalf("reextract: %+v %v", res, err)
	}
	got, _ := db.Get(ctx, "spp-1")
	if got.Version != 2 || len(got.Cases) != 0 || got.ContentHash != press.ContentHash {
		t.Errorf("the press conference after reextract: v%d, %d cases", got.Version, len(got.Cases))
	}
	if o, _ := db.Get(ctx, "spp-2"); o.Version != 1 {
		t.Errorf("the other article: v%d, want untouched", o.Version)
	}
	if gen, _ := db.Generation(ctx); gen == gen0 {
		t.Error("the change did not reach the generation")
	}
}

// A correction of one field the page states, the text unchanged, is a
// version as a correction of the text is: version+1, a new seq and event,
// the earlier version whole, and the media already archived kept.
func TestDB_FieldOnlyCorrection(t *testing.T) {
	img := "https://www.spp.gov.cn/spp/jczdal/202608/W1.jpg"
	for _, c := range []struct {
		name  string
		field string
		fix   func(a *sppcrawl.Article)
	}{
		{"Source", "source", func(a *sppcrawl.Article) { a.Source = "检察日报（更正）" }},
		{"Author", "author", func(a *sppcrawl.Article) { a.Author = "新作者" }},
		{"Editor", "editor", func(a *sppcrawl.Article) { a.Editor = "新编辑" }},
		{"PublishedAt", "published_at", func(a *sppcrawl.Article) { a.PublishedAt = a.PublishedAt.Add(2 * time.Hour) }},
		{"Kicker", "kicker", func(a *sppcrawl.Article) { a.Kicker = "新引题" }},
		{"ImageAlt", "images", func(a *sppcrawl.Article) { a.Images[0].Alt = "新说明" }},
		{"Attachment", "attachments", func(a *sppcrawl.Article) {
			a.Attachments = []sppcrawl.Attachment{{URL: "https://www.spp.gov.cn/spp/jczdal/202608/P1.pdf", Name: "附件"}}
		}},
		{"Document", "document", func(a *sppcrawl.Article) { a.Document = &sppcrawl.Document{Number: "高检发〔2026〕1号"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
			a := newArticle("spp-1", u1, "一", "二")
			a.Images = []sppcrawl.Image{{URL: img, Alt: "图"}}
			first, err := db.Upsert(ctx, a, rawFor(a))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.PutMedia(ctx, []string{"spp-1"}, img, []byte("jpeg"), "image/jpeg", time.Now()); err != nil {
				t.Fatal(err)
			}
			fixed := newArticle("spp-1", u1, "一", "二")
			fixed.Images = []sppcrawl.Image{{URL: img, Alt: "图"}}
			c.fix(fixed)
			fixed.ContentHash = fixed.ComputeHash()
			if o, err := db.Predict(ctx, fixed); err != nil || o != sppcrawl.Updated {
				t.Errorf("Predict = %v, %v; want updated", o, err)
			}
			res, err := db.Upsert(ctx, fixed, &sppcrawl.RawPage{URL: u1, Status: 200, Body: []byte("<html>corrected</html>")})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != sppcrawl.Updated || res.Version != 2 || res.Seq <= first.Seq {
				t.Fatalf("Upsert = %+v, want updated v2 after seq %d", res, first.Seq)
			}
			evs, err := db.Events(ctx, first.Seq, 10)
			if err != nil || len(evs) != 1 || evs[0].Type != sppcrawl.EventUpdated || evs[0].Seq != res.Seq {
				t.Errorf("events after seq %d: %+v, %v; want one article.updated", first.Seq, evs, err)
			}
			h, err := db.History(ctx, "spp-1")
			if err != nil || len(h.Versions) != 2 {
				t.Fatalf("history: %v, %v", h, err)
			}
			was, _ := h.Article(0)
			now, _ := h.Article(1)
			if got := sppcrawl.Revision(was, now).String(); got != c.field {
				t.Errorf("versions differ in %q, want %q", got, c.field)
			}
			// Kept whole: each version with the page it came from.
			for v, want := range map[int]string{1: "<html>" + a.Title + "</html>", 2: "<html>corrected</html>"} {
				if raw, err := db.VersionRaw(ctx, "spp-1", v); err != nil || string(raw.Body) != want {
					t.Errorf("raw page of v%d: %v; want %q", v, err, want)
				}
			}
			if now.Images[0].SHA256 == "" {
				t.Errorf("the new version lost the archived image: %+v", now.Images[0])
			}
			// The same page again is no further version.
			if again, err := db.Upsert(ctx, fixed, rawFor(fixed)); err != nil || again.Outcome != sppcrawl.Unchanged {
				t.Errorf("the corrected page again: %+v, %v; want unchanged", again, err)
			}
		})
	}
}

// What the program derives or learns (the channel a cross-post was read
// from, the files of its media, when it was fetched) is no version.
func TestDB_DerivedFieldsMakeNoVersion(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	img := "https://www.spp.gov.cn/spp/jczdal/202608/W1.jpg"
	a := newArticle("spp-1", u1, "一")
	a.Images = []sppcrawl.Image{{URL: img, Alt: "图"}}
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	alias := newArticle("spp-1", u2, "一")
	alias.Images = []sppcrawl.Image{{URL: img, Alt: "图"}}
	alias.Channel, alias.ChannelPath = "头条", "/spp/tt/"
	if res, err := db.Upsert(ctx, alias, rawFor(alias)); err != nil || res.Outcome != sppcrawl.Aliased {
		t.Fatalf("the cross-post: %+v, %v", res, err)
	}
	if _, _, err := db.PutMedia(ctx, []string{"spp-1"}, img, []byte("jpeg"), "image/jpeg", time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, again := range []*sppcrawl.Article{alias, a} {
		again.FetchedAt = time.Now()
		again.ModifiedAt = time.Now()
		if res, err := db.Upsert(ctx, again, rawFor(again)); err != nil || res.Outcome != sppcrawl.Unchanged || res.Version != 1 {
			t.Errorf("%s again: %+v, %v; want unchanged v1", again.URL, res, err)
		}
	}
}
