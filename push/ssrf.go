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
)

// ErrRefused: a receiver push does not send to (scheme, or an address on
// a private network); the message says which and why.
var ErrRefused = errors.New("receiver refused")

// Lookup resolves a host name to its addresses (net.DefaultResolver's, or
// a test's).
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

func defaultLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// blockedNets are the ranges no webhook goes to without --allow-private,
// beside what netip classifies (loopback, private, link-local,
// unspecified, multicast): shared address space (CGNAT), the benchmarking
// and documentation nets, and the IPv6 forms of an IPv4 address.
var blockedNets = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2002::/16"),
}

// private says whether an address is one a webhook sender must not reach.
func private(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range blockedNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// CheckURL checks a receiver's URL: absolute, https (or http when
// allowHTTP), no credentials, and every address its host resolves to a
// public one (unless allowPrivate).
func CheckURL(ctx context.Context, raw string, allowHTTP, allowPrivate bool, lookup Lookup) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %q is not a URL", ErrRefused, raw)
	case u.Scheme != "https" && !(u.Scheme == "http" && allowHTTP):
		return fmt.Errorf("%w: %s: only https receivers (--allow-http for http)", ErrRefused, raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: %s has no host", ErrRefused, raw)
	case u.User != nil:
		return fmt.Errorf("%w: %s carries credentials: put a secret in the path or rely on the signature", ErrRefused, raw)
	}
	if allowPrivate {
		return nil
	}
	_, err = addresses(ctx, u.Hostname(), lookup)
	return err
}

// addresses resolves host, refusing it when any address is private (an
// IP literal is its own address).
func addresses(ctx context.Context, host string, lookup Lookup) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if ips, err = lookup(ctx, host); err != nil {
			return nil, fmt.Errorf("%w: %s does not resolve: %v", ErrRefused, host, err)
		}
	}
	for _, ip := range ips {
		if private(ip) {
			return nil, fmt.Errorf("%w: %s resolves to %s, a loopback, private, link-local or unspecified address (--allow-private to send there)", ErrRefused, host, ip)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("%w: %s has no address", ErrRefused, host)
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
