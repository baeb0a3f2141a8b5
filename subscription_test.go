package sppcrawl_test

import (
	"encoding/json"
	"strings"
	"testing"

	"sppcrawl"
)

// A subscription's kind is typed and keeps the bytes the archive stored:
// a record written before it was typed reads back as the same kind, and
// writes back as the same word.
func TestSubscription_KindBytes(t *testing.T) {
	for _, k := range []sppcrawl.SubKind{sppcrawl.KindWebhook, sppcrawl.KindWebSub} {
		stored := `{"id":"sub_1","kind":"` + string(k) + `","url":"https://a.example/h","state":"active","cursor":3,"created":"2026-01-02T03:04:05Z"}`
		var s sppcrawl.Subscription
		if err := json.Unmarshal([]byte(stored), &s); err != nil {
			t.Fatal(err)
		}
		if s.Kind != k {
			t.Errorf("kind %q read as %q", k, s.Kind)
		}
		b, err := json.Marshal(s)
		if err != nil || !strings.Contains(string(b), `"kind":"`+string(k)+`"`) {
			t.Errorf("kind %q written as %s (%v)", k, b, err)
		}
	}
}
