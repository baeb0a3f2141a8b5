package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sppcrawl"
)

// Every paged page says where the reader is (第 21–40 条 / 共 62 条) and
// links to the first, the previous and the next page. Lists read whole
// (cases, documents, gaps) are paged by number; lists read by a cursor
// (search results, a channel by date) carry the cursors of the pages
// before in their links (back), since a cursor only leads forward.

// Pager is a page's place in its list and the links to its neighbours.
type Pager struct {
	Page            int
	From, To, Total int // the rows shown, 1-based, and the list's length
	First, Prev     string
	Next            string
}

// maxBack is how many earlier pages' cursors a link carries: beyond, the
// earliest are dropped (the first page stays linked).
const maxBack = 50

// pageParam reads ?page= (1 when absent); ok false when it is no page.
func pageParam(r *http.Request) (int, bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= 1<<20
}

// pageOf reads ?page=, answering 400 when it is no page number.
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, ok := pageParam(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "参数 page：「"+sppcrawl.Clip(r.URL.Query().Get("page"), 20)+"」不是页码（1、2、3……）。")
	}
	return n, ok
}

// pastEnd answers 404 for a page after a list's last, linking that one.
func (s *Server) pastEnd(w http.ResponseWriter, r *http.Request, page, last int, lastURL string) {
	msg := "没有第 " + strconv.Itoa(page) + " 页：共 " + strconv.Itoa(last) + " 页。"
	if last == 0 {
		msg = "没有第 " + strconv.Itoa(page) + " 页：这里还没有内容。"
	}
	s.failLink(w, r, http.StatusNotFound, msg, lastURL, "看最后一页")
}

// numbered pages a list of total rows read whole, size a page: the pager of
// page (from ?page=), and the rows' bounds [lo, hi). A page after the last
// is answered 404 (ok false).
func (s *Server) numbered(w http.ResponseWriter, r *http.Request, total, size int) (p Pager, lo, hi int, ok bool) {
	page, ok := s.pageOf(w, r)
	if !ok {
		return p, 0, 0, false
	}
	last := max(1, (total+size-1)/size)
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("page")
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return pathQuery(r.URL.Path, q)
	}
	if page > last {
		s.pastEnd(w, r, page, (total+size-1)/size, link(last))
		return p, 0, 0, false
	}
	lo, hi = (page-1)*size, min(total, page*size)
	p = Pager{Page: page, From: lo + 1, To: hi, Total: total}
	if page > 1 {
		p.First, p.Prev = link(1), link(page-1)
	}
	if hi < total {
		p.Next = link(page + 1)
	}
	return p, lo, hi, true
}

// cursorPage is a page of a list read by cursor: its number and the
// cursors of the pages before it (but the first, which has none).
type cursorPage struct {
	Page   int
	Cursor string // this page's ("" on the first)
	Back   []string
	// Jump is a page asked for by number alone (?page=5, no cursor): one
	// past the end is a 404, another is reached from the first page.
	Jump int
}

// jumped answers a page asked for by number alone, once the list's length
// is known: 404 past the end, else a redirect to the first page (a cursor
// leads only forward, from there). It reports whether it answered.
func (s *Server) jumped(w http.ResponseWriter, r *http.Request, c cursorPage, total, size int, first string) bool {
	if c.Jump == 0 {
		return false
	}
	if last := (total + size - 1) / size; c.Jump > max(last, 1) {
		s.pastEnd(w, r, c.Jump, last, first)
		return true
	}
	http.Redirect(w, r, first, http.StatusFound)
	return true
}

// readCursorPage reads ?page= and ?back= of a cursor-paged list; a page
// without a cursor is the first, or a Jump.
func readCursorPage(q url.Values, cursor string) (cursorPage, bool) {
	if cursor == "" {
		n, err := strconv.Atoi(cmp.Or(q.Get("page"), "1"))
		if n > 1 {
			return cursorPage{Page: 1, Jump: n}, err == nil
		}
		return cursorPage{Page: 1}, err == nil && n == 1
	}
	var back []string
	if b := q.Get("back"); b != "" {
		back = strings.Split(b, ".")
	}
	n, err := strconv.Atoi(q.Get("page"))
	if q.Get("page") == "" {
		n, err = len(back)+2, nil
	}
	// The number is at least what the pages behind make it: more when the
	// earliest of a long walk were dropped (maxBack).
	ok := err == nil && n <= 1<<20 && n >= len(back)+2 && len(back) <= maxBack
	return cursorPage{Page: n, Cursor: cursor, Back: back}, ok
}

// pager is the pager of a cursor page showing shown rows of size at most
// (of total in all); link makes the URL of a page from its cursor, its
// number and the cursors before it; next is the next page's cursor ("" on
// the last).
func (c cursorPage) pager(shown, size, total int, next string, link func(cursor string, page int, back []string) string) Pager {
	from := (c.Page-1)*size + 1
	p := Pager{Page: c.Page, From: from, To: from + shown - 1, Total: total}
	if shown == 0 {
		p.From = 0
	}
	if c.Page > 1 {
		p.First = link("", 1, nil)
		p.Prev = p.First
		if n := len(c.Back); n > 0 {
			p.Prev = link(c.Back[n-1], c.Page-1, c.Back[:n-1])
		}
	}
	if next != "" {
		back := c.Back
		if c.Page > 1 {
			back = append(back[:len(back):len(back)], c.Cursor)
		}
		if len(back) > maxBack {
			back = back[len(back)-maxBack:]
		}
		p.Next = link(next, c.Page+1, back)
	}
	return p
}

// pathQuery is path with its query, if any.
func pathQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
