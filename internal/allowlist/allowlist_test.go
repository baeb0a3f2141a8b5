package allowlist_test

import (
	"net/url"
	"testing"

	"sppcrawl/internal/allowlist"
)

func TestSpan(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"1", true}, {"65534", true}, {"123456", false}, {"", false}, {" 3", false}, {"1\"", false}, {"-1", false}, {"x", false},
	} {
		if got := allowlist.Span(tc.v); got != tc.want {
			t.Errorf("Span(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct {
		raw        string
		link, want bool
	}{
		{"https://www.spp.gov.cn/a.jpg", false, true},
		{"HTTP://example.com/", true, true},
		{"http:x", true, false}, // no host to go to
		{"mailto:a@example.com", true, true},
		{"mailto:a@example.com", false, false}, // no image from a mail address
		{"javascript:alert(1)", true, false},
		{"data:image/png;base64,AA", false, false},
		{"/relative", true, false},
	} {
		u, err := url.Parse(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := allowlist.URL(u, tc.link); got != tc.want {
			t.Errorf("URL(%q, link %v) = %v, want %v", tc.raw, tc.link, got, tc.want)
		}
	}
}

func TestTextAlign(t *testing.T) {
	for _, tc := range []struct{ style, align, want string }{
		{"", "CENTER", "center"},
		{"text-indent:2em; TEXT-ALIGN : Right !important", "", "right"},
		{"text-align:left", "", ""},
		{"x:text-align:center", "", ""},
		{"margin:0", "left", ""},
	} {
		if got := allowlist.TextAlign(tc.style, tc.align); got != tc.want {
			t.Errorf("TextAlign(%q, %q) = %q, want %q", tc.style, tc.align, got, tc.want)
		}
	}
}

// Nothing is both kept and dropped whole, and every element that keeps an
// attribute is kept.
func TestTablesAgree(t *testing.T) {
	for _, name := range allowlist.Elements() {
		if allowlist.DroppedWhole(name) {
			t.Errorf("%s is kept and dropped whole", name)
		}
	}
	for _, el := range []string{"a", "img", "td", "th"} {
		if !allowlist.Element(el) {
			t.Errorf("%s keeps attributes but is not kept", el)
		}
	}
}
