package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"sppcrawl/postgres"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://crawler:s3cret@db.example:5432/spp?sslmode=verify-full", "postgres://crawler:xxxxx@db.example:5432/spp?sslmode=verify-full"},
		{"postgresql://crawler@db.example/spp", "postgresql://crawler@db.example/spp"},
		{"postgres://db.example/spp?user=crawler&password=s3cret", "postgres://db.example/spp?password=xxxxx&user=crawler"},
		{"host=db.example user=crawler password=s3cret dbname=spp", "host=db.example user=crawler password=xxxxx dbname=spp"},
		{"host=db.example password='s3 cret' dbname=spp", "host=db.example password=xxxxx dbname=spp"},
	} {
		if got := postgres.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOpen_ErrorHidesPassword: a database that cannot be reached is named
// in the error without its password.
func TestOpen_ErrorHidesPassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://crawler:s3cret@127.0.0.1:1/spp?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("open of a port nothing listens on: no error")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "crawler:xxxxx@127.0.0.1:1") {
		t.Errorf("error %q: want the database named, its password not", err)
	}
}

func TestIsDSN(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://h/db": true, "POSTGRESQL://h/db": true, "sppcrawl.db": false, "/var/lib/postgres/x.db": false, "postgres.db": false,
	} {
		if got := postgres.IsDSN(in); got != want {
			t.Errorf("IsDSN(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzRedact: whatever the password, a connection string redacted does
// not hold it, in a URL's user info or its query.
func FuzzRedact(f *testing.F) {
	for _, pw := range []string{"s3cret", "p@ss:word/?#", "密码密码", "xxxxx1"} {
		f.Add(pw)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if len(pw) < 6 || strings.Contains("postgres://crawler:xxxxx@db.example:5432/spp?sslmode=disable&password=", pw) {
			return // too short to tell from the rest of the string
		}
		for _, dsn := range []string{
			"postgres://" + url.UserPassword("crawler", pw).String() + "@db.example:5432/spp?sslmode=disable",
			"postgres://crawler@db.example:5432/spp?sslmode=disable&password=" + url.QueryEscape(pw),
		} {
			got := postgres.Redact(dsn)
			if strings.Contains(got, pw) || strings.Contains(got, url.QueryEscape(pw)) || strings.Contains(got, url.UserPassword("", pw).String()[1:]) {
				t.Errorf("Redact(%q) = %q: the password shows", dsn, got)
			}
		}
	})
}
