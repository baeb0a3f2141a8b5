package extract

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
)

// Host is the site's canonical host; every stored URL uses it over https.
const Host = "www.spp.gov.cn"

// Origin is the canonical scheme and host, without a trailing slash.
const Origin = "https://" + Host

var (
	detailPathRE = regexp.MustCompile(`/t(\d{8})_(\d+)\.s?html?$`)
	// The real site links pages with a "#1" style anchor now and then.
)

// CanonicalURL is the one normalisation every package uses for a page URL:
// https, host www.spp.gov.cn (bare spp.gov.cn accepted), no fragment, no query,
// a cleaned path. Relative references resolve against the site root. Any other
// host is refused with ErrOffSite.
//
// A URL typed without its scheme (www.spp.gov.cn/spp/…) is one of the site.
func CanonicalURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if l := strings.ToLower(raw); strings.HasPrefix(l, Host+"/") || strings.HasPrefix(l, "spp.gov.cn/") || l == Host {
		raw = "https://" + raw
	}
	return canonicalAgainst(raw, nil)
}

func canonicalAgainst(raw string, base *url.URL) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if base == nil {
		base = &url.URL{Scheme: "https", Host: Host, Path: "/"}
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", pageErr(raw, ErrOffSite, "scheme "+u.Scheme)
	}
	h := strings.ToLower(u.Hostname())
	if h != Host && h != "spp.gov.cn" {
		return "", pageErr(raw, ErrOffSite, "host "+u.Host)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return Origin + clean, nil
}

// IsDetailURL reports whether a canonical URL has the shape of an article page
// (/…/yyyymm/tyyyymmdd_NNN.shtml).
func IsDetailURL(canonical string) bool {
	return detailPathRE.MatchString(canonical)
}

// IDFromURL returns spp-<manuscriptId> from an article URL, or "".
func IDFromURL(u string) string {
	m := detailPathRE.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	return "spp-" + m[2]
}

// ChannelPathFromURL is the folder a page lives in, minus the yyyymm folder of
// article pages: /spp/jczdal/202608/t…shtml and /spp/jczdal/index_2.shtml both
// give /spp/jczdal/.
func ChannelPathFromURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	dir := path.Dir(pu.Path)
	if detailPathRE.MatchString(pu.Path) && len(path.Base(dir)) == 6 {
		dir = path.Dir(dir)
	}
	if dir == "/" || dir == "." {
		return "/"
	}
	return dir + "/"
}

// MaxPageBytes caps a saved page read by ReadFile; real pages are
// 30–100 KiB.
const MaxPageBytes = 8 << 20

// ReadFile reads a saved page (name "-": stdin), refusing what is too big
// to be one.
func ReadFile(name string) ([]byte, error) {
	in := io.Reader(os.Stdin)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, MaxPageBytes+1))
	if err == nil && len(b) > MaxPageBytes {
		err = fmt.Errorf("read %s: larger than %d MiB, not a page", name, MaxPageBytes>>20)
	}
	return b, err
}

// URLArgs is the URLs of a command line: each argument a URL, or - for a
// list read from stdin (see URLLines).
func URLArgs(args []string, stdin io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, a := range args {
			r := io.Reader(strings.NewReader(a))
			if a == "-" {
				r = stdin
			}
			for u, err := range URLLines(r) {
				if !yield(u, err) {
					return
				}
			}
		}
	}
}

// URLLines reads a list of URLs, one a line, blank lines and text after #
// left out: each as its canonical URL, or the error that refuses it (a
// line that is not a URL of the site). A read error ends the list.
func URLLines(r io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if !yield(CanonicalURL(line)) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield("", fmt.Errorf("read URLs: %w", err))
		}
	}
}
