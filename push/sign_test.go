package push_test

import (
	"strings"
	"testing"
	"time"

	"sppcrawl/push"
)

// The specification's published example: secret, message id, timestamp and
// body, and the signature every implementation must produce.
func TestSign_SpecificationVector(t *testing.T) {
	got, err := push.Sign([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

func TestSign_RotatedSecrets(t *testing.T) {
	a, _ := push.NewSecret()
	b, _ := push.NewSecret()
	if !strings.HasPrefix(a, "whsec_") || a == b || len(a) != len("whsec_")+44 {
		t.Fatalf("secrets %q %q", a, b)
	}
	both, err := push.Sign([]string{a, b}, "msg_1", time.Unix(1, 0), []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	one, _ := push.Sign([]string{a}, "msg_1", time.Unix(1, 0), []byte("{}"))
	two, _ := push.Sign([]string{b}, "msg_1", time.Unix(1, 0), []byte("{}"))
	if both != one+" "+two {
		t.Errorf("two secrets sign %q, want %q", both, one+" "+two)
	}
	if _, err := push.Sign([]string{"whsec_!!"}, "m", time.Now(), nil); err == nil {
		t.Error("a secret that is no base64 signs")
	}
}
