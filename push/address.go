package push

import (
	"net/netip"
	"strings"
)

// A receiver's address is allowed only if it is a global unicast address
// outside every special-purpose range of IANA's registries (RFC 6890 and
// its successors): an allowlist, so a range nobody thought of (a
// deprecated IPv6 form, a reserved block) is refused, not let through.
// IPv6 is allowed only in 2000::/3, the global unicast space; an
// IPv4-mapped address (::ffff:a.b.c.d) is judged as the IPv4 address it
// reaches.

// specialRange is a special-purpose range and what it is, in words.
type specialRange struct {
	net  netip.Prefix
	what string
}

// specialRanges are checked in order: a range inside a wider one comes
// first, so that the narrower name is given.
var specialRanges = func() []specialRange {
	rs := []struct{ prefix, what string }{
		{"0.0.0.0/8", `"this network" (0.0.0.0/8)`},
		{"10.0.0.0/8", "private (10.0.0.0/8)"},
		{"100.64.0.0/10", "shared address space, carrier-grade NAT (100.64.0.0/10)"},
		{"127.0.0.0/8", "loopback (127.0.0.0/8)"},
		{"169.254.0.0/16", "link-local (169.254.0.0/16)"},
		{"172.16.0.0/12", "private (172.16.0.0/12)"},
		{"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"},
		{"192.0.2.0/24", "documentation (192.0.2.0/24)"},
		{"192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"},
		{"192.168.0.0/16", "private (192.168.0.0/16)"},
		{"198.18.0.0/15", "benchmarking (198.18.0.0/15)"},
		{"198.51.100.0/24", "documentation (198.51.100.0/24)"},
		{"203.0.113.0/24", "documentation (203.0.113.0/24)"},
		{"224.0.0.0/4", "multicast (224.0.0.0/4)"},
		{"255.255.255.255/32", "the broadcast address"},
		{"240.0.0.0/4", "reserved (240.0.0.0/4)"},
		{"::/128", "unspecified (::)"},
		{"::1/128", "loopback (::1)"},
		{"::/96", "IPv4-compatible, deprecated (::/96)"},
		{"64:ff9b::/96", "NAT64 (64:ff9b::/96)"},
		{"64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"},
		{"100::/64", "discard-only (100::/64)"},
		{"2001:db8::/32", "documentation (2001:db8::/32)"},
		{"2001::/23", "IETF protocol assignments: Teredo, benchmarking, ORCHID (2001::/23)"},
		{"2002::/16", "6to4 (2002::/16)"},
		{"3fff::/20", "documentation (3fff::/20)"},
		{"fc00::/7", "unique local, private (fc00::/7)"},
		{"fe80::/10", "link-local (fe80::/10)"},
		{"fec0::/10", "site-local, deprecated (fec0::/10)"},
		{"ff00::/8", "multicast (ff00::/8)"},
	}
	out := make([]specialRange, len(rs))
	for i, r := range rs {
		out[i] = specialRange{netip.MustParsePrefix(r.prefix), r.what}
	}
	return out
}()

// globalUnicast6 is IPv6's global unicast space.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// notPublic says why ip is not an address a receiver may have ("" when it
// is one).
func notPublic(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not an address"
	}
	if ip.Zone() != "" {
		return "scoped to an interface (%" + ip.Zone() + ")"
	}
	ip = ip.Unmap()
	for _, r := range specialRanges {
		if r.net.Contains(ip) {
			return r.what
		}
	}
	if !ip.IsGlobalUnicast() || (ip.Is6() && !globalUnicast6.Contains(ip)) {
		return "not a global unicast address"
	}
	return ""
}

// numericHost says whether host is a number standing for an IPv4 address
// in a form other than four decimal numbers: 2130706433, 0x7f000001,
// 0177.0.0.1, 127.1. A URL parser (WHATWG's) and the C resolver read such
// a host as an address; it is refused whatever it reaches, so no check
// depends on which reading is made. A host ends in a number (WHATWG's
// rule) when its last label is decimal digits or 0x and hex digits.
func numericHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if rest, ok := strings.CutPrefix(strings.ToLower(last), "0x"); ok {
		return strings.Trim(rest, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}
