package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"syscall"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"github.com/gocolly/colly/v2"
)

// Sentinel errors; check with errors.Is.
var (
	// ErrBlocked: the site answered with an anti-bot challenge; the run stopped.
	ErrBlocked = errors.New("blocked by an anti-bot challenge page")
	// ErrInterrupted: the run was stopped by a signal; what was fetched is stored.
	ErrInterrupted = errors.New("interrupted")
	// errRedirectLoop: more than 10 redirects.
	errRedirectLoop = errors.New("redirect loop")
)

// Archive is the archive a crawler stores into, one interface per role
// (see package sppcrawl); *store.DB is one.
type Archive interface {
	sppcrawl.ArticleStore
	sppcrawl.CrawlLog
	sppcrawl.RecheckStore
	sppcrawl.MediaStore
	sppcrawl.SiteMapStore
}

// Config tunes a Crawler; zero values take the defaults below.
type Config struct {
	// Site is the site crawled: its URLs, channels, pager and parsers
	// (default: sites.Default(), www.spp.gov.cn).
	Site     sppcrawl.Site
	Origin   string             // fetch from this mirror instead of the site's https://host
	Channels []sppcrawl.Channel // default: the site's table (Site.Channels)
	// Discover crawls the whole site instead of Channels: every channel
	// the homepage's navigation lists (read at most daily, kept in the
	// archive), with the table (see sitemap.go).
	Discover      bool
	Full          bool          // walk every list page (backfill)
	Refresh       bool          // re-fetch stored articles met on the walk
	Since         time.Time     // stop paging at items older than this
	MaxPages      int           // list pages per channel, 0 = no limit
	Recheck       int           // stored articles re-verified per run, least recently checked first (0: none)
	Delay         time.Duration // between requests, plus up to half again of jitter (0: none; the CLI default is 1s)
	Parallel      int           // requests in flight (default 2)
	UserAgent     string        // default "sppcrawl/<version> (+https://…)"
	IgnoreRobots  bool          // robots.txt is honoured unless set
	MaxBody       int           // bytes, default 8 MiB
	Media         MediaMode     // which files of the articles stored to archive (default none)
	MaxImage      int           // bytes, default 10 MiB
	MaxAttachment int           // bytes, default 100 MiB
	Timeout       time.Duration // per request, default 30s
	MaxAttempts   int           // per URL per run, default 4
	RetryBase     time.Duration // first backoff, default 2s; doubles per attempt
	RetryMax      time.Duration // longest wait for one retry (Retry-After too), default 2m
	Transport     http.RoundTripper
	Observer      Observer // told of every request (for metrics); nil: nobody
	Logger        *slog.Logger
	Progress      io.Writer     // a terminal to draw a progress bar on, or nil
	LogEvery      time.Duration // progress log line period when Progress is nil (default 10s)
	// Lease is how long a channel's walk stays this process's without a
	// renewal, where processes share the archive (default 2m; see lease.go).
	Lease time.Duration
	Now   func() time.Time
	// Stored, when set, is told of every article the walk stored, after
	// its upsert returned, with what the archive made of it: the search
	// index trailing the crawl takes the text from it instead of reading
	// it back (search.Handoff). Called from the walk's goroutines.
	Stored func(*sppcrawl.Article, sppcrawl.UpsertResult)
}

// UserAgent is the default User-Agent: sppcrawl, its version and what it
// is.
func UserAgent(version string) string {
	return "sppcrawl/" + version + " (archive of www.spp.gov.cn announcements; polite crawler)"
}

// Crawler fetches pages; one value serves many runs, one at a time.
type Crawler struct {
	cfg Config
	// The archive, by role; all nil when there is none (fetch --dry-run
	// before the first crawl).
	articles sppcrawl.ArticleStore
	ledger   sppcrawl.CrawlLog
	rechecks sppcrawl.RecheckStore
	media    sppcrawl.MediaStore
	sites    sppcrawl.SiteMapStore
	unparsed sppcrawl.UnparsedKeeper // nil: an archive that keeps none
	leases   sppcrawl.Leaser         // every lease granted when the archive is one process's
	pacer    sppcrawl.Pacer          // nil: the pace is this process's alone
	shared   bool                    // other processes may write the archive at once
	holder   string                  // this process, as the holder of leases
	site     sppcrawl.Site
	// grouped: one site of a Group, whose run records the summary of all.
	grouped bool
	log     *slog.Logger
	origin  *url.URL
	tr      *transport
}

// ParseOrigin reads a mirror's origin (--origin): http(s)://host[:port],
// nothing after it, since every path of the site is fetched below it.
func ParseOrigin(s string) (*url.URL, error) {
	origin, err := url.Parse(strings.TrimRight(s, "/"))
	switch {
	case err != nil, origin.Scheme != "http" && origin.Scheme != "https", origin.Host == "", origin.User != nil:
		return nil, fmt.Errorf("origin %q: want http(s)://host[:port]", s)
	case origin.Path != "" || origin.RawQuery != "" || origin.Fragment != "" || strings.ContainsAny(s, "?#"):
		return nil, fmt.Errorf("origin %q: want http(s)://host[:port] without a path, query or fragment (the site's paths are fetched below it)", s)
	}
	return origin, nil
}

// defaultSite makes the crawled site www.spp.gov.cn's when cfg names
// none.
func (cfg *Config) defaultSite() {
	if cfg.Site == nil {
		cfg.Site = sites.Default()
	}
}

// New checks cfg and fills in defaults. archive may be nil: then nothing is
// stored (see Fetch).
func New(cfg Config, archive Archive) (*Crawler, error) {
	cfg.defaultSite()
	if cfg.Origin == "" {
		cfg.Origin = cfg.Site.Origin()
	}
	origin, err := ParseOrigin(cfg.Origin)
	if err != nil {
		return nil, err
	}
	cfg.setDefaults()
	base := cfg.Transport
	if base == nil {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost:   cfg.Parallel + 2,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   15 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
		}
	}
	if origin.String() == cfg.Site.Origin() {
		origin = nil // no rewriting
	}
	c := &Crawler{cfg: cfg, site: cfg.Site, log: cfg.Logger, origin: origin,
		tr: &transport{base: base, origin: origin, site: cfg.Site, obs: cfg.Observer}}
	if s, ok := archive.(sppcrawl.SiteScoper); ok {
		// An archive of many sites: the walks, health and failures of this
		// site's channels are its own, whatever paths other sites share.
		archive = s.ForSite(cfg.Site)
	}
	if archive != nil {
		c.articles, c.ledger, c.rechecks, c.media, c.sites = archive, archive, archive, archive, archive
		c.unparsed, _ = archive.(sppcrawl.UnparsedKeeper)
	}
	c.leases, c.pacer, c.holder = sppcrawl.LeaserOf(archive), sppcrawl.PacerOf(archive), sppcrawl.NewHolder()
	_, c.shared = archive.(sppcrawl.Leaser)
	return c, nil
}

// setDefaults fills what the caller left zero (or made negative).
func (cfg *Config) setDefaults() {
	if len(cfg.Channels) == 0 {
		cfg.Channels = cfg.Site.Channels()
	}
	cfg.Delay = max(cfg.Delay, 0)
	orDefault(&cfg.Parallel, 2)
	if cfg.UserAgent == "" {
		cfg.UserAgent = UserAgent("dev")
	}
	orDefault(&cfg.MaxBody, 8<<20)
	orDefault(&cfg.MaxImage, 10<<20)
	orDefault(&cfg.MaxAttachment, 100<<20)
	orDefault(&cfg.Timeout, 30*time.Second)
	orDefault(&cfg.MaxAttempts, 4)
	orDefault(&cfg.RetryBase, 2*time.Second)
	orDefault(&cfg.RetryMax, 2*time.Minute)
	orDefault(&cfg.LogEvery, 10*time.Second)
	orDefault(&cfg.Lease, 2*time.Minute)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
}

// orDefault sets *v to def when it is not positive.
func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Requests is the number of HTTP requests made so far (robots.txt included).
func (c *Crawler) Requests() int64 { return c.tr.requests.Load() }

// newCollector builds a collector with every setting explicit, so COLLY_*
// environment variables cannot change behaviour behind the operator's back.
func (c *Crawler) newCollector(ctx context.Context, async bool, parallel int) *colly.Collector {
	col := colly.NewCollector(colly.StdlibContext(ctx))
	col.UserAgent = c.cfg.UserAgent
	col.MaxDepth = 0
	col.MaxRequests = 0
	col.AllowedDomains = nil // hosts are checked by canonicalOf and the redirect policy
	col.DisallowedDomains = nil
	col.URLFilters, col.DisallowedURLFilters = nil, nil
	// The run keeps its own set of the URLs it requested (run.claim), one
	// for every kind of request; retries are sent again on purpose.
	col.AllowURLRevisit = true
	col.IgnoreRobotsTxt = true // checked by sppcrawl itself (see robots.go), with Crawl-delay
	// One byte more than the largest cap tells "too big" from "exactly the
	// cap"; each kind of answer is held to its own cap.
	col.MaxBodySize = c.cfg.MaxBody + 1
	if c.cfg.Media != MediaNone {
		col.MaxBodySize = max(c.cfg.MaxBody, c.cfg.MaxImage, c.cfg.MaxAttachment) + 1
	}
	col.CacheDir = ""
	col.DetectCharset = false // extract decodes, from the bytes as served
	col.ParseHTTPErrorResponse = true
	col.TraceHTTP = false
	col.Async = async
	col.WithTransport(c.tr)
	// A jar per collector, set here so COLLY_DISABLE_COOKIES cannot change
	// it: the site's cookies (a load balancer's, say) last one run.
	jar, _ := cookiejar.New(nil)
	col.SetCookieJar(jar)
	col.SetRequestTimeout(c.cfg.Timeout)
	col.SetRedirectHandler(c.redirectPolicy)
	// The delay between requests is the run's pacer's (see pace.go):
	// colly only bounds the requests in flight.
	col.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallel})
	col.OnRequest(func(r *colly.Request) {
		r.Headers.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
		r.Headers.Set("Accept-Language", "zh-CN,zh;q=0.9")
	})
	return col
}

// redirectPolicy refuses redirects off the site (and off the origin) and
// loops; colly has already refused revisits.
func (c *Crawler) redirectPolicy(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("%w: %d redirects, last to %s", errRedirectLoop, len(via), req.URL)
	}
	if !c.allowedHost(req.URL) {
		return fmt.Errorf("refused redirect to %s: %w", req.URL, sppcrawl.OffSite(c.site.Host()))
	}
	return nil
}

func (c *Crawler) allowedHost(u *url.URL) bool {
	if _, err := c.site.CanonicalURL("https://" + u.Hostname() + "/"); err == nil {
		return true // the site's host, or another of its hosts
	}
	return c.origin != nil && strings.EqualFold(u.Host, c.origin.Host)
}

// canonicalOf maps a fetched URL (possibly on the origin) back to the canonical
// URL of the site.
func (c *Crawler) canonicalOf(u *url.URL) (string, error) {
	if c.origin != nil && strings.EqualFold(u.Host, c.origin.Host) {
		v := *u
		v.Scheme, v.Host = "https", c.site.Host()
		u = &v
	}
	return c.site.CanonicalURL(u.String())
}

// backoff is the wait before retry number attempt (1-based): exponential with
// full jitter over its upper half, so parallel retries do not synchronise.
func (c *Crawler) backoff(attempt int) time.Duration {
	d := c.cfg.RetryBase << (attempt - 1)
	if d > c.cfg.RetryMax || d <= 0 {
		d = c.cfg.RetryMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads a Retry-After header (seconds or HTTP date).
func retryAfter(h *http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// isHTML accepts text/html and XHTML, and answers without a useful type whose
// bytes sniff as HTML (static mirrors serve .shtml as octet-stream).
func isHTML(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "application/xhtml"):
		return true
	case ct == "", strings.HasPrefix(ct, "application/octet-stream"), strings.HasPrefix(ct, "text/plain"):
		return strings.HasPrefix(http.DetectContentType(body), "text/html")
	}
	return false
}

// retryable transport errors: timeouts, resets, refused connections and
// truncated answers. Refused redirects and loops are not: they would repeat.
func retryableErr(err error) bool {
	switch {
	case err == nil, errors.Is(err, sppcrawl.ErrOffSite), errors.Is(err, errRedirectLoop), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	// colly and net/http report some transport errors only as text (an
	// http2 stream reset, a read cut by the client's own timeout), without
	// a type errors.Is or errors.As could find.
	msg := err.Error()
	for _, s := range []string{"connection reset", "EOF", "broken pipe", "Client.Timeout", "timeout awaiting", "server closed idle"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
