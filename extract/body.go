package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// isBlock: elements that end a paragraph before and after themselves. These
// are switches, not maps: they run for every element of every body.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Li, atom.Ul, atom.Ol, atom.Blockquote, atom.Figure, atom.Figcaption,
		atom.Section, atom.Article, atom.Pre, atom.Dl, atom.Dt, atom.Dd, atom.Center,
		atom.Table, atom.Tr, atom.Hr, atom.Header, atom.Footer, atom.Address:
		return true
	}
	return false
}

// paragraphs lists the text blocks under root in document order. With body
// set, page furniture is skipped and the body ends at its end markers (see
// furniture); title blocks and table cells are walked without.
func paragraphs(root *html.Node, body bool) []string {
	w := paraWalker{body: body}
	walkTree(root, &w)
	w.flush()
	return w.out
}

type paraWalker struct {
	body bool
	// Most paragraphs are one text node: it is kept as is (no copy) in single
	// until a second one arrives and both move to cur.
	single string
	multi  bool
	cur    []byte
	out    []string
}

func (w *paraWalker) text(s string) {
	switch {
	case w.multi:
		w.cur = append(w.cur, s...)
	case w.single == "":
		w.single = s
	default:
		w.cur = append(append(w.cur[:0], w.single...), s...)
		w.multi = true
	}
}

func (w *paraWalker) flush() {
	var s string
	if w.multi {
		s = NormalizeText(string(w.cur))
	} else {
		s = NormalizeText(w.single)
	}
	if s != "" {
		w.out = append(w.out, s)
	}
	w.single, w.multi, w.cur = "", false, w.cur[:0]
}

// enter: a block ends the paragraph before it (mark 1: and the one in it,
// on leaving); <br> ends one; a table is rows of its own.
func (w *paraWalker) enter(n *html.Node) (walkCtl, int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return skip, 0
	case html.ElementNode:
	default:
		return skip, 0
	}
	if isDropped(n.DataAtom) {
		return skip, 0
	}
	if w.body {
		if skipIt, end := furniture(n); end {
			return stop, 0
		} else if skipIt {
			return skip, 0
		}
	}
	switch n.DataAtom {
	case atom.Br:
		w.flush()
		return skip, 0
	case atom.Table:
		w.flush()
		w.table(n)
		return skip, 0
	}
	if isBlock(n.DataAtom) {
		w.flush()
		return descend, 1
	}
	return descend, 0
}

func (w *paraWalker) leave(_ *html.Node, block int) {
	if block == 1 {
		w.flush()
	}
}

// table emits one paragraph per row: its cells' text joined by " | ".
func (w *paraWalker) table(t *html.Node) {
	var rows func(*html.Node)
	rows = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				var cells []string
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						cells = append(cells, NormalizeText(strings.Join(paragraphs(td, false), " ")))
					}
				}
				// Empty cells keep their place; the row is then trimmed and
				// collapsed like any paragraph.
				if row := NormalizeText(strings.Join(cells, " | ")); strings.Trim(row, " |") != "" {
					w.out = append(w.out, row)
				}
			case atom.Table: // a nested table is its own set of rows
				rows(c)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				rows(c)
			}
		}
	}
	rows(t)
}
