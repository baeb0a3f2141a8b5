package push_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// receiver is a webhook receiver as a reposting site writes one: it checks
// every request's signature with its own code (not push's), and records
// what it got. fail, when set, chooses an answer per request (0: 200).
type receiver struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	secrets []string // a signature must verify with one of them
	got     []received
	reqs    int
	fail    func(n int) (status int, header http.Header)
	arrived chan struct{}
}

// received is one event as the receiver saw it.
type received struct {
	MsgID string // the request's webhook-id
	Type  string
	Seq   uint64
	ID    string // the article's
	Sigs  int    // signatures in the header
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, arrived: make(chan struct{}, 1024)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setSecrets(s ...string) {
	r.mu.Lock()
	r.secrets = s
	r.mu.Unlock()
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs++
	if r.fail != nil {
		if status, h := r.fail(r.reqs); status != 0 {
			for k, v := range h {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			return
		}
	}
	id, ts, sig := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature")
	if !verifies(r.secrets, id, ts, sig, body) {
		r.t.Errorf("receiver: request %s: the signature %q does not verify", id, sig)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	type eventData struct {
		Seq     uint64 `json:"seq"`
		Article struct {
			ID string `json:"id"`
		} `json:"article"`
	}
	var m struct {
		Type   string    `json:"type"`
		Data   eventData `json:"data"`
		Events []struct {
			ID   string    `json:"id"`
			Type string    `json:"type"`
			Data eventData `json:"data"`
		} `json:"events"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		r.t.Errorf("receiver: %v in %.200s", err, body)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	n := len(strings.Fields(sig))
	if m.Type == "batch" {
		for _, e := range m.Events {
			r.got = append(r.got, received{e.ID, e.Type, e.Data.Seq, e.Data.Article.ID, n})
		}
	} else {
		r.got = append(r.got, received{id, m.Type, m.Data.Seq, m.Data.Article.ID, n})
	}
	w.WriteHeader(http.StatusNoContent)
	select {
	case r.arrived <- struct{}{}:
	default:
	}
}

// verifies checks a Standard Webhooks signature header as the
// specification says a receiver does: base64 HMAC-SHA256 of
// "id.timestamp.body" with the key decoded from whsec_…, any of the
// space-separated v1 signatures.
func verifies(secrets []string, id, ts, header string, body []byte) bool {
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil {
			continue
		}
		m := hmac.New(sha256.New, key)
		fmt.Fprintf(m, "%s.%s.", id, ts)
		m.Write(body)
		want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
		for _, sig := range strings.Fields(header) {
			if hmac.Equal([]byte(sig), []byte(want)) {
				return true
			}
		}
	}
	return false
}

func (r *receiver) events() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}
