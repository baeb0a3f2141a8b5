package push

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"sppcrawl"
)

// ErrRefused: a receiver push does not send to (scheme, or an address not
// on the public internet); the error is a *RefusedError saying which and
// why.
var ErrRefused = errors.New("receiver refused")

// Loosening is what would let a refused receiver through: a flag of the
// command line for an operator, nothing for a remote WebSub client.
type Loosening int

const (
	LoosenNone    Loosening = iota // nothing lets it through
	LoosenHTTP                     // allowing http receivers
	LoosenPrivate                  // allowing receivers off the public internet
)

// RefusedError is a receiver refused: its URL, and why in words that hold
// for anyone (no flag names: the caller knows who reads it).
type RefusedError struct {
	URL    string
	Reason string
	Loosen Loosening
}

func (e *RefusedError) Error() string {
	if e.URL == "" {
		return ErrRefused.Error() + ": " + e.Reason
	}
	return ErrRefused.Error() + ": " + e.URL + ": " + e.Reason
}

// Is makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Lookup resolves a host name to its addresses (net.DefaultResolver's, or
// a test's).
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

func defaultLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// CheckURL checks a receiver's URL: absolute, https (or http when
// allowHTTP), no credentials, a host that is a name or an address written
// plainly, and every address it resolves to on the public internet
// (unless allowPrivate).
// A nil lookup is the system's resolver.
func CheckURL(ctx context.Context, raw string, allowHTTP, allowPrivate bool, lookup Lookup) error {
	if lookup == nil {
		lookup = defaultLookup
	}
	refuse := func(l Loosening, format string, args ...any) error {
		return &RefusedError{URL: sppcrawl.Clip(raw, 80), Reason: fmt.Sprintf(format, args...), Loosen: l}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return refuse(LoosenNone, "not a URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && allowHTTP):
		return refuse(LoosenHTTP, "only https receivers")
	case u.Host == "" || u.Hostname() == "":
		return refuse(LoosenNone, "no host")
	case u.User != nil:
		return refuse(LoosenNone, "carries credentials: put a secret in the path or rely on the signature")
	}
	if _, err := netip.ParseAddr(u.Hostname()); err != nil && numericHost(u.Hostname()) {
		return refuse(LoosenNone, "the host %s is a number in a form other than four decimal numbers (decimal, hex, octal or shortened): write the address as a.b.c.d", u.Hostname())
	}
	if allowPrivate {
		return nil
	}
	if _, err := addresses(ctx, u.Hostname(), lookup); err != nil {
		var re *RefusedError
		if errors.As(err, &re) {
			re.URL = sppcrawl.Clip(raw, 80)
		}
		return err
	}
	return nil
}

// addresses resolves host, refusing it when any address is not a public
// one (an IP literal is its own address): the one check of an address, at
// subscription and when a delivery connects.
func addresses(ctx context.Context, host string, lookup Lookup) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if why := notPublic(ip); why != "" {
			return nil, &RefusedError{Reason: fmt.Sprintf("%s is %s, not a public address", ip, why), Loosen: LoosenPrivate}
		}
		return []netip.Addr{ip}, nil
	} else if numericHost(host) {
		return nil, &RefusedError{Reason: host + " is a number in a form other than four decimal numbers"}
	} else if ips, err = lookup(ctx, host); err != nil {
		why := "the lookup failed"
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			why = dnsErr.Err // without the resolver's address
		}
		return nil, &RefusedError{Reason: fmt.Sprintf("%s does not resolve: %s", host, why)}
	}
	for _, ip := range ips {
		if why := notPublic(ip); why != "" {
			return nil, &RefusedError{Reason: fmt.Sprintf("%s resolves to %s, which is %s, not a public address", host, ip, why), Loosen: LoosenPrivate}
		}
	}
	if len(ips) == 0 {
		return nil, &RefusedError{Reason: host + " has no address"}
	}
	return ips, nil
}

// newClient is the HTTP client of deliveries: no redirect followed (a 3xx
// is a failure), the timeout, and a dialer that resolves the host itself
// and refuses a private address at the moment it connects (unless
// allowPrivate): a DNS answer that changed since the URL was checked is
// caught there.
func newClient(timeout time.Duration, allowPrivate bool, lookup Lookup) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		Proxy: nil, // a proxy would connect on our behalf, unchecked
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if allowPrivate {
				return d.DialContext(ctx, network, addr)
			}
			ips, err := addresses(ctx, host, lookup)
			if err != nil {
				return nil, err
			}
			var last error
			for _, ip := range ips {
				c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return c, nil
				}
				last = err
			}
			return nil, last
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
