// Package pdfgen writes PDFs of Chinese text as the procuratorates'
// document systems do: a Type0 font of CIDFontType2 descendant, Identity-H
// encoding (two-byte codes) and a ToUnicode CMap (bfchar and bfrange), one
// positioned line per text object. The tests of extract/pdftext measure
// the PDF libraries on them and the 12309 fixture's PDFs are written by it,
// so what the tests read is known rune for rune.
package pdfgen

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Doc is a PDF's pages, each a list of lines from the top.
type Doc struct {
	Title string
	Pages []Page
}

// Page is a page's lines and its footer (a page-number line, "" for none).
type Page struct {
	Lines  []Line
	Footer string
}

// Line is a line of text; a centred one is a heading, an indented one
// opens a paragraph (by two characters, as Chinese documents do).
type Line struct {
	Text    string
	Centred bool
	Indent  bool
}

const (
	pageWidth  = 595
	pageHeight = 842
	fontSize   = 14
	leading    = 24
	margin     = 72
)

// Bytes writes the document: the same Doc always gives the same bytes.
func (d Doc) Bytes() []byte {
	codes := codeTable(d)
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	add("<</Type/Catalog/Pages 2 0 R>>")
	add("") // the page tree, once the pages are numbered
	font := add("<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/Identity-H/DescendantFonts[4 0 R]/ToUnicode 5 0 R>>")
	add("<</Type/Font/Subtype/CIDFontType2/BaseFont/SimSun/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor 6 0 R/DW 1000/CIDToGIDMap/Identity>>")
	add(stream(toUnicode(codes)))
	add("<</Type/FontDescriptor/FontName/SimSun/Flags 6/FontBBox[0 -141 1000 859]/ItalicAngle 0/Ascent 859/Descent -141/CapHeight 700/StemV 80>>")
	var kids []string
	for i, p := range d.Pages {
		content := add(stream(p.content(codes, i)))
		n := add(fmt.Sprintf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]/Resources<</Font<</F1 %d 0 R>>>>/Contents %d 0 R>>", pageWidth, pageHeight, font, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", n))
	}
	objs[1] = fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(kids, " "), len(kids))
	info := add(fmt.Sprintf("<</Title %s/Producer(sppcrawl pdfgen)>>", utf16Text(d.Title)))
	return assemble(objs, info)
}

// assemble writes the objects, the cross-reference table and the trailer.
func assemble(objs []string, info int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root 1 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, info, xref)
	return b.Bytes()
}

func stream(data string) string {
	return fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(data), data)
}

// content is a page's text objects: each line placed by its own matrix,
// as a document system lays out text.
func (p Page) content(codes map[rune]int, _ int) string {
	var b strings.Builder
	y := pageHeight - margin
	line := func(l Line, y int) {
		x := margin
		if l.Indent {
			x += 2 * fontSize
		}
		if l.Centred {
			x = (pageWidth - utf8.RuneCountInString(l.Text)*fontSize) / 2
		}
		fmt.Fprintf(&b, "BT\n/F1 %d Tf\n1 0 0 1 %d %d Tm\n<%s> Tj\nET\n", fontSize, x, y, hexCodes(l.Text, codes))
	}
	for _, l := range p.Lines {
		line(l, y)
		y -= leading
	}
	if p.Footer != "" {
		line(Line{Text: p.Footer, Centred: true}, margin/2)
	}
	return b.String()
}

func hexCodes(s string, codes map[rune]int) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "%04X", codes[r])
	}
	return b.String()
}

// codeTable gives each rune of the document a two-byte code, in rune
// order from 1, so runs of neighbouring runes make bfranges.
func codeTable(d Doc) map[rune]int {
	seen := map[rune]bool{}
	for _, p := range d.Pages {
		for _, l := range append(slices.Clone(p.Lines), Line{Text: p.Footer}) {
			for _, r := range l.Text {
				seen[r] = true
			}
		}
	}
	runes := make([]rune, 0, len(seen))
	for r := range seen {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	codes := make(map[rune]int, len(runes))
	for i, r := range runes {
		codes[r] = i + 1
	}
	return codes
}

// toUnicode is the CMap from codes to text: a bfrange for each run of
// consecutive codes of consecutive runes, a bfchar for each other code,
// at most 100 to a block as the CMap format asks.
func toUnicode(codes map[rune]int) string {
	runes := make([]rune, 0, len(codes))
	for r := range codes {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var chars, ranges []string
	for i := 0; i < len(runes); {
		j := i
		for j+1 < len(runes) && runes[j+1] == runes[j]+1 {
			j++
		}
		if j > i {
			ranges = append(ranges, fmt.Sprintf("<%04X> <%04X> <%s>", codes[runes[i]], codes[runes[j]], utf16Hex(runes[i])))
		} else {
			chars = append(chars, fmt.Sprintf("<%04X> <%s>", codes[runes[i]], utf16Hex(runes[i])))
		}
		i = j + 1
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for blk := range slices.Chunk(chars, 100) {
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(blk), strings.Join(blk, "\n"))
	}
	for blk := range slices.Chunk(ranges, 100) {
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", len(blk), strings.Join(blk, "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}

func utf16Hex(r rune) string {
	if r > 0xFFFF {
		r -= 0x10000
		return fmt.Sprintf("%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
	}
	return fmt.Sprintf("%04X", r)
}

// utf16Text is a PDF text string of s: UTF-16BE with its byte-order mark.
func utf16Text(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, r := range s {
		b.WriteString(utf16Hex(r))
	}
	b.WriteString(">")
	return b.String()
}
