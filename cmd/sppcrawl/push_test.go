package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/push"
	"sppcrawl/store"
)

// The subscriptions command as an operator uses it: add prints the id and
// secret (JSON for scripts), a refused URL is a usage error, test pings,
// deliver sends, the others change the state; the crawl delivers at its
// end.
func TestCLI_Subscriptions(t *testing.T) {
	path := fixtureArchive(t)
	// (A crawl in which 头条 came before 最高检新闻 moved their cross-post
	// to its own channel's URL: one event more.)
	after270, after274 := eventsAfter(t, path, 270), eventsAfter(t, path, 274)
	var hooks atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hooks.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)
	runOut := func(args ...string) (int, string) {
		var code int
		out := stdoutOf(&code, append(args, "--db", path, "--quiet"))
		return code, out
	}
	if code, _ := runOut("subscriptions", "add", recv.URL); code != exitUsage {
		t.Errorf("add of an http loopback URL without --allow-http: exit %d, want 2", code)
	}
	code, out := runOut("subscriptions", "add", "--allow-http", "--allow-private", "--since", "270", "--events", "created,updated",
		"--format", "json", recv.URL)
	var added struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(out), &added); code != exitOK || err != nil || !strings.HasPrefix(added.Secret, "whsec_") {
		t.Fatalf("add: exit %d, %q (%v)", code, out, err)
	}
	if code, out := runOut("subscriptions", "list"); code != exitOK || !strings.Contains(out, added.ID) || !strings.Contains(out, "active") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if code, out := runOut("subscriptions", "test", added.ID); code != exitOK || !strings.Contains(out, "answered 204") {
		t.Errorf("test: exit %d, %q", code, out)
	}
	if code, _ := runOut("deliver", "--for", "5s"); code != exitOK || hooks.Load() != int64(1+after270) {
		t.Errorf("deliver: exit %d, %d requests (1 ping + the %d events after seq 270)", code, hooks.Load(), after270)
	}
	if code, out := runOut("subscriptions", "deliveries", added.ID); code != exitOK || strings.Count(out, "204") != after270 {
		t.Errorf("deliveries: exit %d\n%s", code, out)
	}
	for _, sub := range []string{"pause", "resume", "rotate-secret"} {
		if code, _ := runOut("subscriptions", sub, added.ID); code != exitOK {
			t.Errorf("%s: exit %d", sub, code)
		}
	}
	if code, _ := runOut("subscriptions", "replay", added.ID, "--since", "274"); code != exitOK {
		t.Errorf("replay: exit %d", code)
	}
	site := siteServer(t)
	if code, _ := runOut("crawl", "--origin", site.URL, "--delay", "0", "--channels", "builtin", "--media", "none"); code != exitOK || hooks.Load() != int64(1+after270+after274) {
		t.Errorf("a crawl after replay --since 274: exit %d, %d requests (want the %d events replayed)", code, hooks.Load(), after274)
	}
	if code, _ := runOut("subscriptions", "remove", added.ID); code != exitOK {
		t.Errorf("remove: exit %d", code)
	}
	if code, _ := runOut("subscriptions", "show", added.ID); code != exitFailures {
		t.Errorf("show of a removed subscription: exit %d, want 1", code)
	}
	if code, _ := runOut("subscriptions", "nope"); code != exitUsage {
		t.Errorf("an unknown subcommand: exit %d", code)
	}
}

// eventsAfter counts the archive's events after seq.
func eventsAfter(t *testing.T, path string, seq uint64) int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.Events(context.Background(), seq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// lastSeq is the archive's last seq.
func lastSeq(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	last, err := db.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return last
}

// An archive without subscriptions says so, not a bare header; JSON is an
// empty list.
func TestCLI_SubscriptionsNone(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	db.Close()
	for _, c := range []struct{ format, want string }{{"text", "no subscriptions\n"}, {"json", "[]\n"}} {
		var code int
		out := stdoutOf(&code, []string{"subscriptions", "list", "--db", path, "--format", c.format, "--quiet"})
		if code != exitOK || out != c.want {
			t.Errorf("list --format %s: exit %d, %q, want %q", c.format, code, out, c.want)
		}
	}
}

// A refused receiver is a usage error saying why, and which flag would
// allow it where one would.
func TestCLI_SubscriptionsRefused(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	db.Close()
	for _, c := range []struct{ url, want, flag string }{
		{"http://hooks.example.org/h", "only https", "--allow-http"},
		{"https://[::127.0.0.1]/h", "IPv4-compatible", "--allow-private"},
		{"https://[fec0::1]/h", "site-local", "--allow-private"},
		{"https://255.255.255.255/h", "broadcast", "--allow-private"},
		{"https://2130706433/h", "four decimal numbers", ""},
		{"https://127.1/h", "four decimal numbers", ""},
	} {
		var code int
		out := stderrOf(&code, []string{"subscriptions", "add", c.url, "--db", path})
		if code != exitUsage || !strings.Contains(out, c.want) || (c.flag != "" && !strings.Contains(out, c.flag)) ||
			(c.flag == "" && strings.Contains(out, "--allow-")) {
			t.Errorf("add %s: exit %d, %q, want 2 saying %q and %q", c.url, code, out, c.want, c.flag)
		}
	}
}

// While another process holds the archive for writing (serve
// --crawl-every), the subscriptions commands that only read (list, show,
// deliveries, test) work beside it; those that change a subscription wait
// for its lock (exit 4).
func TestCLI_SubscriptionsBesideAWriter(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 3)
	s, err := push.New(db, push.Options{}).Add(context.Background(), push.AddOptions{URL: "https://93.184.216.34/h"})
	if err != nil {
		t.Fatal(err)
	}
	runOut := func(args ...string) (int, string) {
		var code int
		out := stdoutOf(&code, append(args, "--db", path, "--quiet", "--lock-timeout", "100ms"))
		return code, out
	}
	if code, out := runOut("subscriptions", "list"); code != exitOK || !strings.Contains(out, s.ID) {
		t.Errorf("list beside a writer: exit %d\n%s", code, out)
	}
	if code, out := runOut("subscriptions", "deliveries", s.ID, "--format", "json"); code != exitOK || out != "[]\n" {
		t.Errorf("deliveries beside a writer: exit %d, %q", code, out)
	}
	if code, out := runOut("subscriptions", "show", s.ID, "--format", "json"); code != exitOK || !strings.Contains(out, s.Secret) {
		t.Errorf("show beside a writer: exit %d, %q", code, out)
	}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(recv.Close)
	local, err := push.New(db, push.Options{}).Add(context.Background(), push.AddOptions{URL: recv.URL, AllowHTTP: true, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runOut("subscriptions", "test", local.ID); code != exitOK || !strings.Contains(out, "answered 204") {
		t.Errorf("test beside a writer: exit %d, %q", code, out)
	}
	if code, _ := runOut("subscriptions", "pause", s.ID); code != exitLocked {
		t.Errorf("pause beside a writer: exit %d, want %d", code, exitLocked)
	}
}
