package postgres

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// passwordParam is a password given as a parameter: in a URL's query
// (password=…) or a key/value connection string (password=… or '…').
var passwordParam = regexp.MustCompile(`(?i)(password=)('(?:[^'\\]|\\.)*'|[^&\s]*)`)

// Redact is the connection string dsn with its password replaced by
// "xxxxx", for messages and logs; other parts stay, so a person can tell
// which database is meant.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return passwordParam.ReplaceAllString(dsn, "${1}xxxxx")
}

// redacted is an error whose message had a password taken out.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// redactErr takes dsn's password out of err's message: a driver error may
// quote the connection string.
func redactErr(err error, dsn string) error {
	if err == nil {
		return nil
	}
	pw := password(dsn)
	msg := err.Error()
	if pw == "" || !strings.Contains(msg, pw) {
		return err
	}
	var r *redacted
	if errors.As(err, &r) {
		return err
	}
	return &redacted{msg: strings.ReplaceAll(msg, pw, "xxxxx"), err: err}
}

// password is the password dsn holds, "" if none.
func password(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if pw, ok := u.User.Password(); ok {
			return pw
		}
		return u.Query().Get("password")
	}
	if m := passwordParam.FindStringSubmatch(dsn); m != nil {
		return strings.Trim(m[2], "'")
	}
	return ""
}
