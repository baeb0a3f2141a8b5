package main

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
)

// maxPageBytes caps a saved page read by readPage; real pages are
// 30–100 KiB.
const maxPageBytes = 8 << 20

// readPage reads a saved page (name "-": stdin), refusing what is too big
// to be one.
func readPage(name string, stdin io.Reader) ([]byte, error) {
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, maxPageBytes+1))
	if err == nil && len(b) > maxPageBytes {
		err = fmt.Errorf("read %s: larger than %d MiB, not a page", name, maxPageBytes>>20)
	}
	return b, err
}

// urlArgs is the URLs of a command line: each argument a URL, or - for a
// list read from stdin (see urlLines), canonical as the site has them.
func urlArgs(args []string, stdin io.Reader, canonical func(string) (string, error)) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, a := range args {
			r := io.Reader(strings.NewReader(a))
			if a == "-" {
				r = stdin
			}
			for u, err := range urlLines(r, canonical) {
				if !yield(u, err) {
					return
				}
			}
		}
	}
}

// urlLines reads a list of URLs, one a line, blank lines and text after #
// left out (and a byte-order mark before the first): each as its canonical
// URL, or as written with the error that refuses it (a line that is not a
// URL of the site). A read error ends the list.
func urlLines(r io.Reader, canonical func(string) (string, error)) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		sc := bufio.NewScanner(r)
		for first := true; sc.Scan(); first = false {
			text := sc.Text()
			if first {
				text = strings.TrimPrefix(text, "\uFEFF")
			}
			line, _, _ := strings.Cut(text, "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			u, err := canonical(line)
			if err != nil {
				u = line
			}
			if !yield(u, err) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield("", fmt.Errorf("read URLs: %w", err))
		}
	}
}
