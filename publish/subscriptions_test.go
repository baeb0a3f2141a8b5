package publish_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
)

// A failing subscription degrades /healthz with the reason, and /metrics
// and stats say how far behind each subscription is.
func TestSubscriptions_Health(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 5)
	ctx := context.Background()
	for _, s := range []sppcrawl.Subscription{
		{ID: "sub_ok", Kind: sppcrawl.KindWebhook, URL: "https://a.example/h", State: sppcrawl.SubActive, Cursor: 5, Created: time.Now()},
		{ID: "sub_bad", Kind: sppcrawl.KindWebhook, URL: "https://b.example/h", State: sppcrawl.SubFailing, Cursor: 2,
			LastError: "HTTP 500", ByStatus: map[string]int{"500": 9}, Created: time.Now()},
	} {
		if err := db.PutSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h publish.Health
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || h.Status != "degraded" || !strings.Contains(strings.Join(h.Reasons, ";"), "sub_bad (https://b.example/h) is failing: HTTP 500") {
		t.Errorf("healthz: %d %+v", resp.StatusCode, h)
	}
	resp, err = http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`sppcrawl_subscription_state{state="failing",subscription="sub_bad"} 1`,
		`sppcrawl_subscription_events_behind{subscription="sub_bad"} 3`, `sppcrawl_subscription_events_behind{subscription="sub_ok"} 0`,
		`sppcrawl_subscription_requests_total{status="500",subscription="sub_bad"} 9`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	st, err := publish.GatherStats(ctx, db, time.Now())
	if err != nil || len(st.Subscriptions) != 2 || st.Subscriptions[0].Behind != 3 || st.Subscriptions[0].Oldest.IsZero() {
		t.Errorf("stats: %+v %v", st.Subscriptions, err)
	}
}
