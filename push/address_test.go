package push_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"sppcrawl/push"
)

// publicAnswer is a public address a test's resolver gives for any name.
var publicAnswer = netip.MustParseAddr("93.184.216.34")

// addressCases are receivers, each with what the resolver answers for its
// host, and the words of the refusal ("" when allowed).
var addressCases = []struct {
	url    string
	answer []string
	want   string
}{
	{"https://hooks.example.org/h", nil, ""},
	{"https://93.184.216.34/h", nil, ""},
	{"https://[2606:2800:220:1:248:1893:25c8:1946]/h", nil, ""},
	{"https://[::ffff:93.184.216.34]/h", nil, ""},
	{"https://127.0.0.1/h", nil, "loopback"},
	{"https://[::1]/h", nil, "loopback"},
	{"https://[::127.0.0.1]/h", nil, "IPv4-compatible"},
	{"https://[::ffff:127.0.0.1]/h", nil, "loopback"},
	{"https://[fec0::1]/h", nil, "site-local"},
	{"https://[fc00::1]/h", nil, "unique local"},
	{"https://[fe80::1%25eth0]/h", nil, "scoped to an interface"},
	{"https://[64:ff9b::7f00:1]/h", nil, "NAT64"},
	{"https://[2001:db8::1]/h", nil, "documentation"},
	{"https://[2001::1]/h", nil, "Teredo"},
	{"https://[2002:7f00:1::1]/h", nil, "6to4"},
	{"https://[ff02::1]/h", nil, "multicast"},
	{"https://[4000::1]/h", nil, "not a global unicast address"},
	{"https://255.255.255.255/h", nil, "broadcast"},
	{"https://240.0.0.1/h", nil, "reserved"},
	{"https://100.64.1.1/h", nil, "carrier-grade NAT"},
	{"https://192.0.2.1/h", nil, "documentation"},
	{"https://0.0.0.0/h", nil, "this network"},
	{"https://224.0.0.1/h", nil, "multicast"},
	{"https://169.254.169.254/latest/meta-data", nil, "link-local"},
	// Numbers standing for an address: refused as such, though the
	// resolver would give a public address for them.
	{"https://2130706433/h", nil, "a number in a form other than four decimal numbers"},
	{"https://0x7f000001/h", nil, "a number in a form other than four decimal numbers"},
	{"https://0X7F.1/h", nil, "a number in a form other than four decimal numbers"},
	{"https://127.1/h", nil, "a number in a form other than four decimal numbers"},
	{"https://0177.0.0.1/h", nil, "a number in a form other than four decimal numbers"},
	{"https://127.0.0.01/h", nil, "a number in a form other than four decimal numbers"},
	{"https://1.2.3.4./h", nil, "a number in a form other than four decimal numbers"},
	{"https://example.0x/h", nil, "a number in a form other than four decimal numbers"},
	{"https://1password.example/h", nil, ""},
	// Names: judged by every address they resolve to.
	{"https://site-local.example/h", []string{"fec0::1"}, "site-local"},
	{"https://compat.example/h", []string{"::7f00:1"}, "IPv4-compatible"},
	{"https://mixed.example/h", []string{"93.184.216.34", "240.0.0.1"}, "reserved"},
	{"https://bcast.example/h", []string{"255.255.255.255"}, "broadcast"},
}

// A receiver is allowed only on a global unicast address outside every
// special-purpose range, and never named by a number in another form.
func TestCheckURL_Addresses(t *testing.T) {
	for _, c := range addressCases {
		lookup := func(context.Context, string) ([]netip.Addr, error) {
			if c.answer == nil {
				return []netip.Addr{publicAnswer}, nil
			}
			var out []netip.Addr
			for _, a := range c.answer {
				out = append(out, netip.MustParseAddr(a))
			}
			return out, nil
		}
		err := push.CheckURL(context.Background(), c.url, false, false, lookup)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want allowed", c.url, err)
		case c.want != "" && (!errors.Is(err, push.ErrRefused) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want refused saying %q", c.url, err, c.want)
		}
	}
}

// A name that does not resolve is refused in words of its own, without
// the resolver's address.
func TestCheckURL_DoesNotResolve(t *testing.T) {
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, Server: "127.0.0.53:53", IsNotFound: true}
	}
	err := push.CheckURL(context.Background(), "https://nowhere.invalid/h", false, false, lookup)
	if !errors.Is(err, push.ErrRefused) || !strings.Contains(err.Error(), "does not resolve") || strings.Contains(err.Error(), ":53") {
		t.Errorf("%v, want refused: does not resolve, without a resolver's address", err)
	}
}

// The check at delivery is the check at subscription: a name whose DNS
// answer changed to any refused address gets nothing, and the delivery
// log says why.
func TestPush_AddressesAtDelivery(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	var answer atomic.Value
	answer.Store(publicAnswer)
	lookup := func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{answer.Load().(netip.Addr)}, nil
	}
	p := newPusher(db, push.Options{Lookup: lookup})
	for _, c := range addressCases {
		if len(c.answer) != 1 {
			continue
		}
		answer.Store(publicAnswer)
		s, err := p.Add(ctx, push.AddOptions{URL: "https://hooks.example.org/h", Since: since0()})
		if err != nil {
			t.Fatal(err)
		}
		answer.Store(netip.MustParseAddr(c.answer[0]))
		if r, err := p.DeliverDue(ctx); err != nil || r.Delivered != 0 {
			t.Fatalf("%s: %+v, %v", c.answer[0], r, err)
		}
		ds, err := db.Deliveries(ctx, s.ID, 1)
		if err != nil || len(ds) != 1 || !strings.Contains(ds[0].Error, c.want) {
			t.Errorf("resolving to %s: deliveries %+v (%v), want one refused saying %q", c.answer[0], ds, err, c.want)
		}
		if err := db.DeleteSubscription(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
	}
}
