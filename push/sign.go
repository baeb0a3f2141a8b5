package push

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// secretPrefix marks a webhook secret (Standard Webhooks, as Svix writes
// them): whsec_ and the key in base64.
const secretPrefix = "whsec_"

// NewSecret is a new webhook secret: whsec_ and 32 random bytes in base64.
func NewSecret() (string, error) {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return "", err
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key[:]), nil
}

// secretKey is the HMAC key of a secret (its base64 after the prefix).
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("webhook secret: not whsec_ and base64")
	}
	return key, nil
}

// Sign is the webhook-signature header of a message: for each secret,
// v1, and the base64 HMAC-SHA256 of "id.timestamp.body"; several
// signatures separated by spaces (a rotated secret signs beside the new
// one, and a receiver accepts any).
func Sign(secrets []string, id string, ts time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := secretKey(s)
		if err != nil {
			return "", err
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// hubSignature is WebSub's X-Hub-Signature of a body: sha256= and the hex
// HMAC-SHA256 with the subscriber's hub.secret.
func hubSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
