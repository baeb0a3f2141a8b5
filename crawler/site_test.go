package crawler_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

var update = flag.Bool("update", false, "rewrite testdata/site from the generator")

const siteDir = "../testdata/site"

// The fixture site is generated (deterministically) and kept on disk under
// testdata/site, laid out by the real URL paths, so that tests serve it and
// `python3 -m http.server -d testdata/site` lets a person crawl it by hand.

type siteArticle struct {
	channel sppcrawl.Channel
	id      int
	date    time.Time
	title   string
	kicker  string
	paras   []string
	image   bool
	attach  bool
	path    string // /spp/tt/202611/t20261120_800001.shtml
	source  string // 来源; "高检网" unless set (newSite), "-" for none
}

type site struct {
	mu       sync.Mutex
	pages    map[string][]byte
	articles map[string][]*siteArticle // channel path → newest first
	// real sites (newRealSite) have the live template's furniture and
	// article lengths, and render article pages when asked (lazy) rather
	// than hold 50,000 of them.
	real bool
	lazy map[string]*siteArticle
}

// siteSizes is how many articles each channel of the on-disk site has: the
// big ones span three or more list pages.
var siteSizes = map[string]int{
	"/spp/tt/": 70, "/spp/gjybs/": 64, "/spp/jczdal/": 62, "/spp/zgjdxal/": 35,
	"/spp/qwfb/": 8, "/spp/xwfbh/": 6, "/spp/wsfbt/": 6, "/spp/sfjs/": 7,
	"/spp/gfwj/": 5, "/spp/tzgg1/": 5, "/spp/gzbg/": 4, "/spp/gjgb/": 4,
	"/spp/zdgz/": 4, "/spp/dfjcdt/": 5,
}

// siteChannels are the lists of the site: the built-in table and the two
// the live site's navigation adds (重点推荐, 地方动态: the crawl finds
// them on the home page). The navigation's hubs (检察新闻, 工作信息,
// 法律法规规范性文件) are pages of links to those lists, not lists
// (hubHTML).
var siteChannels = append(slices.Clip(sites.Default().Channels()),
	sppcrawl.Channel{Key: "zdgz", Name: "重点推荐", Path: "/spp/zdgz/"},
	sppcrawl.Channel{Key: "dfjcdt", Name: "地方动态", Path: "/spp/dfjcdt/"})

var vocabulary = []string{"最高人民检察院", "检察机关", "依法", "惩治", "犯罪", "案件", "办理", "法律监督",
	"人民群众", "合法权益", "司法公正", "高质量发展", "检察官", "审查起诉", "公益诉讼", "未成年人",
	"民事检察", "行政检察", "刑事检察", "数字检察", "推进", "加强", "坚持", "服务大局", "典型案例", "指导"}

func sentence(r *rand.Rand) string {
	var b strings.Builder
	n := 4 + r.IntN(10)
	for i := range n {
		b.WriteString(vocabulary[r.IntN(len(vocabulary))])
		if i == n-1 {
			b.WriteString("。")
		} else if r.IntN(4) == 0 {
			b.WriteString("，")
		}
	}
	return b.String()
}

// newSite generates a site with sizes[path] articles per channel, the newest
// published on newest, one every three days before it.
func newSite(sizes map[string]int, newest time.Time) *site {
	return generateSite(sizes, newest, false)
}

func generateSite(sizes map[string]int, newest time.Time, real bool) *site {
	s := &site{pages: map[string][]byte{}, articles: map[string][]*siteArticle{}, real: real, lazy: map[string]*siteArticle{}}
	for ci, ch := range siteChannels {
		r := rand.New(rand.NewPCG(uint64(ci), 42))
		// One every three days; a real-sized channel's tens of thousands
		// are spread over the site's twenty years, with room for them in
		// the manuscript numbers.
		base, every := 800000+ci*10000, 72
		if real {
			base, every = 1_000_000+ci*100_000, min(72, 20*365*24/max(sizes[ch.Path], 1))
		}
		for k := range sizes[ch.Path] {
			a := &siteArticle{channel: ch, id: base + k, date: newest.Add(-time.Duration(k*every+ci) * time.Hour)}
			a.title = fmt.Sprintf("%s：%s（%d）", ch.Name, strings.TrimSuffix(sentence(r), "。"), a.id)
			if ch.Key == "tt" && k%10 == 0 {
				a.kicker = "应勇强调"
			}
			switch {
			case ch.Key == "xwfbh" || ch.Key == "wsfbt":
				n := 6
				if real {
					n = 15 + r.IntN(26)
				}
				a.paras = pressConference(r, k, n)
			case real:
				a.paras = realParagraphs(r)
			case ch.Key == "jczdal":
				a.paras = guidingCases(r, sizes[ch.Path]-k)
			case ch.Key == "zgjdxal":
				a.paras = typicalCases(r)
			case ch.Key == "sfjs":
				a.paras = interpretation(r, a.date, k)
			default:
				for range 3 + r.IntN(5) {
					a.paras = append(a.paras, sentence(r)+sentence(r))
				}
			}
			a.image = k%7 == 0
			a.attach = ch.Key == "zgjdxal" && k%5 == 0
			a.path = fmt.Sprintf("%s%s/t%s_%d.shtml", ch.Path, a.date.Format("200601"), a.date.Format("20060102"), a.id)
			s.articles[ch.Path] = append(s.articles[ch.Path], a)
		}
	}
	// One 最高检新闻 article is also published under 头条 (same manuscript).
	if g := s.articles["/spp/gjybs/"]; len(g) > 1 && len(s.articles["/spp/tt/"]) > 1 {
		dup := *g[1]
		dup.channel = sites.Default().Channels()[0]
		dup.path = strings.Replace(dup.path, "/spp/gjybs/", "/spp/tt/", 1)
		tt := s.articles["/spp/tt/"]
		s.articles["/spp/tt/"] = append([]*siteArticle{tt[0], &dup}, tt[1:]...)
	}
	s.render()
	return s
}

// add publishes a new article at the top of a channel.
func (s *site) add(channelPath string, id int, date time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ch sppcrawl.Channel
	for _, c := range siteChannels {
		if c.Path == channelPath {
			ch = c
		}
	}
	a := &siteArticle{channel: ch, id: id, date: date, title: fmt.Sprintf("新增文章（%d）", id),
		paras: []string{"新增文章第一段。", "新增文章第二段。"}}
	a.path = fmt.Sprintf("%s%s/t%s_%d.shtml", ch.Path, date.Format("200601"), date.Format("20060102"), id)
	s.articles[channelPath] = append([]*siteArticle{a}, s.articles[channelPath]...)
	s.renderLocked()
	return "https://www.spp.gov.cn" + a.path
}

func (s *site) render() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.renderLocked()
}

func (s *site) renderLocked() {
	s.pages["/spp/index.shtml"] = []byte(homepageHTML)
	for path, body := range hubPages(s.articles) {
		s.pages[path] = s.furnish(body)
	}
	for _, ch := range siteChannels {
		arts := s.articles[ch.Path]
		if len(arts) == 0 && !sites.InTable(sites.Default(), ch.Path) {
			continue // a list of the navigation the site's size gives nothing
		}
		count := max((len(arts)+29)/30, 1)
		for p := 1; p <= count; p++ {
			name := "index.shtml"
			if p > 1 {
				name = fmt.Sprintf("index_%d.shtml", p)
			}
			s.pages[ch.Path+name] = s.furnish(listHTML(ch, arts[min((p-1)*30, len(arts)):min(p*30, len(arts))], p, count, len(arts)))
		}
		for _, a := range arts {
			if s.real {
				s.lazy[a.path] = a
			} else {
				s.pages[a.path] = detailHTML(a)
			}
			if a.image {
				s.pages[a.imagePath()] = imageBytes(a.id)
			}
			if a.attach {
				s.pages[a.attachPath()] = attachBytes(a.id)
			}
		}
	}
}

func listHTML(ch sppcrawl.Channel, items []*siteArticle, page, count, total int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html>
<head>
	<meta charset="UTF-8">
	<meta http-equiv="X-UA-Compatible" content="IE=edge">
	<title>%s_中华人民共和国最高人民检察院</title>
    <script src="/spp/xhtml/js/jquery-1.11.3.min.js"></script>
</head>
<body>
<header><nav><ul><li class="mainlevel"><a href="/spp/index.shtml">首页</a></li><li class="mainlevel"><a href="/spp/gzxx/index.shtml">工作信息</a></li></ul></nav></header>
<div class="container bgfff">
	<div class="BreadcrumbNav">当前位置：
<a href='/spp/index.shtml'  target="_parent">首页</a>&nbsp;>&nbsp;<a href='/spp/gzxx/index.shtml'  target="_parent">工作信息</a>&nbsp;>&nbsp;<span>%s</span>
</div>
	<div class="channel_tit2 channel_tit_hide">%s</div>
	<div class="commonList_con">
		<ul class="li_line">
`, ch.Name, ch.Name, ch.Name)
	for _, a := range items {
		fmt.Fprintf(&b, "\n\t\t\t\t<li><a href=\"%s\" target=\"_blank\"  >%s</a><span>%s</span></li>\n", a.path, a.title, a.date.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, `<script type="text/javascript" src="/spp/xhtml/js/page.js"></script><script>window.onload=function() {createPageHTML('page_div',%d, %d,'index','shtml',%d);}</script>
		</ul>
		<div class="page_num"><div id="page_div"></div></div>
	</div>
</div>
<div class="footer"><p>Copyrights©最高人民检察院 All Rights Reserved.</p><p><a href="https://beian.miit.gov.cn/">备案序号：京ICP备05026262号</a></p></div>
</body>
</html>
`, count, page, total)
	return b.Bytes()
}

func detailHTML(a *siteArticle) []byte {
	var b bytes.Buffer
	home := a.channel
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html>
<head>
	<meta charset="UTF-8">
	<title>%s_中华人民共和国最高人民检察院</title>
<meta name="others" content="页面生成时间 %s" />
	<meta name="catalog" content="c1%05d">
	<meta name="lanmu" content="%s">
	<meta name='manuscriptId' content="%d">
	<meta name='author' content='编辑%d'>
	<meta name='firstpublishedtime' content="%s"> 
	<meta name='lastmodifiedtime' content="%s">
</head>
<body>
<header><nav><ul><li class="mainlevel"><a href="/spp/index.shtml">首页</a></li></ul></nav></header>
<div class="container bgfff">
	<div class="BreadcrumbNav">当前位置：
<a href='/spp/index.shtml'  target="_parent">首页</a>&nbsp;>&nbsp;<a href='%sindex.shtml'  target="_parent"><span>%s</span></a>
</div>
	<div class="detail_con">
`, a.title, a.date.Format("2006-01-02 15:04:05"), a.id%100000, home.Name, a.id, a.id%7, a.date.Format("2006-01-02-15:04:05"), a.date.Format("2006-01-02-15:04:05"), home.Path, home.Name)
	// As on the live template: the title alone in detail_tit; a headline
	// with a 引题 is repeated whole at the top of the body (below).
	fmt.Fprintf(&b, "\t\t<div class=\"detail_tit\">%s</div>\n", a.title)
	fmt.Fprintf(&b, `		<div class="detail_extend">
			<div class="detail_extend1 fl">时间：%s　　作者：　　来源：%s</div>
			<div class="extend_font fl">【字体：<a href="javascript:fontZoom(26)" class="b14">大</a>　<a href="javascript:fontZoom(20)" class="b14">中</a>　<a href="javascript:fontZoom(14)" class="b14">小</a>】</div>
<div class="share_icon fr"></div> 
		</div>
		<div class="clear"></div>
		<div id="fontzoom">
`, a.date.Format("2006-01-02"), a.sourceText())
	if a.kicker != "" {
		for _, line := range []string{a.kicker, a.title} {
			fmt.Fprintf(&b, "<p style=\"margin-bottom: 1.5em; text-align: center;\"><span style=\"font-weight: bold;\">%s</span></p>\n", line)
		}
	}
	if a.image {
		fmt.Fprintf(&b, "<p style=\"text-align: center;\"><img src=\"%s\" alt=\"配图\"></p>\n", a.imagePath())
	}
	for _, p := range a.paras {
		fmt.Fprintf(&b, "<p style=\"margin-bottom: 1.5em; text-indent: 2em;\">%s</p>\n", p)
	}
	if a.attach {
		fmt.Fprintf(&b, "<p>附件：<a href=\"%s\">案例全文.pdf</a></p>\n", a.attachPath())
	}
	fmt.Fprintf(&b, `		</div>
		<div class="zrbj zrbj_r">[责任编辑： 编辑%d]</div>
		<div id="xgxw" class="xgxw commonList_con" style="display: none;">
			<h3>相关新闻</h3>
			<ul>
			</ul>
		</div>
      <div id="pageBreak"></div>
	</div>
</div>
<div class="footer"><p>Copyrights©最高人民检察院 All Rights Reserved.</p><p>最高人民检察院 （100726）北京市东城区北河沿大街147号</p></div>
</body>
</html>
`, a.id%7)
	return b.Bytes()
}

// imagePath is where the site keeps the article's image (a dated folder of
// the manuscript, as the CMS does).
func (a *siteArticle) imagePath() string {
	return fmt.Sprintf("/spp/%s/%s/%d/images/%032x.jpg", strings.Trim(a.channel.Path[5:], "/"), a.date.Format("2006-01/02"), a.id, a.id)
}

func (a *siteArticle) attachPath() string {
	return fmt.Sprintf("/spp/zgjdxal/%s/P0%d.pdf", a.date.Format("200601"), a.id)
}

// imageBytes is a real JPEG; articles share one of three pictures, so the
// same bytes stand at several URLs (archived once).
func imageBytes(id int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		for y := range 12 {
			img.Set(x, y, color.RGBA{uint8(id%3*90 + x*8), uint8(y * 20), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// attachBytes is a small PDF.
func attachBytes(id int) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%% 案例全文 %d\ntrailer << /Root 1 0 R >>\n%%%%EOF\n", id))
}

func (a *siteArticle) sourceText() string {
	switch a.source {
	case "":
		return "高检网"
	case "-":
		return ""
	}
	return a.source
}

// homepageHTML is the home page: its navigation names the hubs with their
// lists, then the two lists outside them.
var homepageHTML = func() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>中华人民共和国最高人民检察院</title></head>
<body>
<header><nav><ul>
<li class="mainlevel"><a href="/spp/index.shtml">首页</a></li>
`)
	for _, h := range hubs {
		fmt.Fprintf(&b, `<li class="mainlevel"><a href="/spp/%s/index.shtml">%s</a><ul>`, h.key, h.name)
		for _, path := range h.lists {
			fmt.Fprintf(&b, `<li><a href="%sindex.shtml">%s</a></li>`, path, sites.Default().ChannelByPath(path).Name)
		}
		b.WriteString("</ul></li>\n")
	}
	for _, c := range siteChannels[len(sites.Default().Channels()):] {
		fmt.Fprintf(&b, "<li class=\"mainlevel\"><a href=\"%sindex.shtml\">%s</a></li>\n", c.Path, c.Name)
	}
	b.WriteString(`</ul></nav></header>
<div class="index_news"><p>最高人民检察院是国家的法律监督机关。</p><p>欢迎访问最高人民检察院网站。</p></div>
<div class="footer"><p>Copyrights©最高人民检察院 All Rights Reserved.</p></div>
</body></html>
`)
	return b.String()
}()

// fixtureNewest is the publish time of the newest article of the on-disk site.
var fixtureNewest = time.Date(2026, 11, 20, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// TestFixtureSite keeps testdata/site equal to the generator (-update rewrites it).
func TestFixtureSite(t *testing.T) {
	s := newSite(siteSizes, fixtureNewest)
	if *update {
		os.RemoveAll(siteDir)
		for p, body := range s.pages {
			f := filepath.Join(siteDir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	disk := loadSite(t)
	if len(disk.pages) != len(s.pages) {
		t.Fatalf("testdata/site has %d pages, the generator %d (run go test ./crawler -run TestFixtureSite -update)", len(disk.pages), len(s.pages))
	}
	for p, body := range s.pages {
		if !bytes.Equal(disk.pages[p], body) {
			t.Fatalf("testdata/site%s differs from the generator (run go test ./crawler -run TestFixtureSite -update)", p)
		}
	}
}

// loadSite serves testdata/site from memory: its pages as on disk, with the
// generator's model behind them so tests can publish more (TestFixtureSite
// keeps the two equal).
func loadSite(tb testing.TB) *site {
	tb.Helper()
	s := newSite(siteSizes, fixtureNewest)
	s.pages = map[string][]byte{}
	err := filepath.WalkDir(siteDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(siteDir, p)
		s.pages["/"+filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// detailPaths are the site's detail pages in the built-in table's
// channels: what a crawl of the table (these tests' default; the binary's
// is the whole site) stores.
func (s *site) detailPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p := range s.pages {
		if sites.Default().IsArticleURL(p) && sites.InTable(sites.Default(), sites.Default().ChannelPath(p)) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// server serves a site like the real one: unknown paths get the homepage
// with status 200; ETag and If-None-Match are honoured. fault, when set, may
// answer a request itself.
type server struct {
	*httptest.Server
	site     *site
	requests atomic.Int64
	mu       sync.Mutex
	hits     map[string]int
	fault    func(w http.ResponseWriter, r *http.Request) bool
	robots   string
	// latency slows every answer (ns; set while the server runs).
	latency atomic.Int64
	// detailRequests counts requests for article pages answered; waiters
	// are told when it reaches their count (see detailsAnswered).
	detailRequests atomic.Int64
	waiters        []detailWaiter
}

type detailWaiter struct {
	n    int64
	done chan struct{}
}

// detailsAnswered is closed once the server has answered n article pages.
func (srv *server) detailsAnswered(n int64) <-chan struct{} {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	w := detailWaiter{n, make(chan struct{})}
	if srv.detailRequests.Load() >= n {
		close(w.done)
	} else {
		srv.waiters = append(srv.waiters, w)
	}
	return w.done
}

// detailAnswered counts an article page answered and tells the waiters.
func (srv *server) detailAnswered() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	n := srv.detailRequests.Add(1)
	kept := srv.waiters[:0]
	for _, w := range srv.waiters {
		if n >= w.n {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	srv.waiters = kept
}

func serve(tb testing.TB, s *site) *server {
	srv := &server{site: s, hits: map[string]int{}}
	srv.Server = httptest.NewServer(http.HandlerFunc(srv.handle))
	tb.Cleanup(srv.Close)
	return srv
}

func (srv *server) handle(w http.ResponseWriter, r *http.Request) {
	srv.requests.Add(1)
	if d := time.Duration(srv.latency.Load()); d > 0 {
		time.Sleep(d) // a slower site, so that a crawl can be stopped mid-way
	}
	if strings.Contains(r.URL.Path, "/t20") {
		defer srv.detailAnswered()
	}
	srv.mu.Lock()
	srv.hits[r.URL.Path]++
	fault, robots := srv.fault, srv.robots
	srv.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	if r.URL.Path == "/robots.txt" && robots != "" {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, robots)
		return
	}
	srv.site.mu.Lock()
	body, ok := srv.site.pages[r.URL.Path]
	lazy := srv.site.lazy[r.URL.Path]
	srv.site.mu.Unlock()
	if lazy != nil {
		body, ok = srv.site.furnish(detailHTML(lazy)), true
	}
	if !ok {
		body = []byte(homepageHTML)
	}
	sum := sha1.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	ct := mime.TypeByExtension(path.Ext(r.URL.Path))
	if ct == "" || strings.HasSuffix(r.URL.Path, ".shtml") || !ok {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(body)
}

func (srv *server) hitsOf(path string) int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.hits[path]
}

func (srv *server) detailHits() map[string]int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	out := map[string]int{}
	for p, n := range srv.hits {
		if strings.Contains(p, "/t") && strings.HasSuffix(p, ".shtml") && !strings.Contains(p, "index") {
			out[p] = n
		}
	}
	return out
}

func (srv *server) setFault(f func(w http.ResponseWriter, r *http.Request) bool) {
	srv.mu.Lock()
	srv.fault = f
	srv.mu.Unlock()
}

func (srv *server) resetHits() {
	srv.mu.Lock()
	srv.hits = map[string]int{}
	srv.mu.Unlock()
	srv.requests.Store(0)
}

// hubs are the navigation's pages of lists, with the lists the home page
// groups under them.
var hubs = []struct {
	key, name string
	lists     []string
}{
	{"jcxw", "检察新闻", []string{"/spp/gjybs/", "/spp/qwfb/", "/spp/xwfbh/", "/spp/wsfbt/"}},
	{"gzxx", "工作信息", []string{"/spp/gzbg/", "/spp/gjgb/", "/spp/jczdal/", "/spp/zgjdxal/", "/spp/tzgg1/"}},
	{"flfgk", "法律法规规范性文件", []string{"/spp/sfjs/", "/spp/gfwj/"}},
}

// hubPages are the hubs' pages: a block per list with its name, a 更多 link
// and its three newest articles, as the live hubs show them.
func hubPages(articles map[string][]*siteArticle) map[string][]byte {
	out := map[string][]byte{}
	for _, h := range hubs {
		var b bytes.Buffer
		fmt.Fprintf(&b, `<!DOCTYPE html>
<html>
<head>
	<meta charset="UTF-8">
	<title>%s_中华人民共和国最高人民检察院</title>
</head>
<body>
<header><nav><ul><li class="mainlevel"><a href="/spp/index.shtml">首页</a></li></ul></nav></header>
<div class="container bgfff">
	<div class="BreadcrumbNav">当前位置：<a href='/spp/index.shtml' target="_parent">首页</a>&nbsp;>&nbsp;<span>%s</span></div>
`, h.name, h.name)
		for _, path := range h.lists {
			ch := sites.Default().ChannelByPath(path)
			fmt.Fprintf(&b, "\t<div class=\"hub_block\">\n\t\t<div class=\"hub_tit\"><a href=\"%sindex.shtml\">%s</a><a class=\"more\" href=\"%sindex.shtml\">更多</a></div>\n\t\t<div class=\"hub_news\">\n", path, ch.Name, path)
			for _, a := range articles[path][:min(3, len(articles[path]))] {
				fmt.Fprintf(&b, "\t\t\t<p><a href=\"%s\" target=\"_blank\">%s</a></p>\n", a.path, a.title)
			}
			b.WriteString("\t\t</div>\n\t</div>\n")
		}
		b.WriteString(`</div>
<div class="footer"><p>Copyrights©最高人民检察院 All Rights Reserved.</p></div>
</body>
</html>
`)
		out["/spp/"+h.key+"/index.shtml"] = b.Bytes()
	}
	return out
}
