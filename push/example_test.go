package push_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sppcrawl/push"
)

// The signature of a delivery, on the Standard Webhooks specification's own
// example (secret, webhook-id, webhook-timestamp, body): what any receiver's
// library checks.
func ExampleSign() {
	sig, err := push.Sign([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	fmt.Println(sig, err)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= <nil>
}

// A receiver needs no library: it recomputes the HMAC of
// "webhook-id.webhook-timestamp.body" with its secret, accepts any of the
// space-separated signatures (two while a secret is rotated), and refuses a
// timestamp over five minutes away (a replay).
func ExampleSign_verify() {
	secret, body := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", []byte(`{"type":"article.created"}`)
	sent := time.Now()
	h := http.Header{}
	h.Set("webhook-id", "msg_example")
	h.Set("webhook-timestamp", strconv.FormatInt(sent.Unix(), 10))
	sig, _ := push.Sign([]string{secret}, "msg_example", sent, body)
	h.Set("webhook-signature", sig)

	fmt.Println(verify(secret, h, body, time.Now()))
	fmt.Println(verify(secret, h, []byte(`{"type":"article.withdrawn"}`), time.Now()))
	fmt.Println(verify(secret, h, body, time.Now().Add(time.Hour)))
	// Output:
	// <nil>
	// no signature matches
	// timestamp too far from now
}

// verify is a receiver's whole check of a delivery.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	ts, err := strconv.ParseInt(h.Get("webhook-timestamp"), 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("timestamp too far from now")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", h.Get("webhook-id"), ts)
	m.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, got := range strings.Fields(h.Get("webhook-signature")) {
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
			return nil
		}
	}
	return fmt.Errorf("no signature matches")
}
