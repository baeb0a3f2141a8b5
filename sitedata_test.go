package sppcrawl_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// spp.gov.cn's data is site/spp's (issue #34, seam 2): the domain package
// names no host, folder or channel of it, so that a second site is a
// package of its own and never an exception in the root.
func TestLayout_RootNamesNoSite(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, lit := range stringLiterals(t, f) {
			if strings.Contains(lit, "spp.gov.cn") || strings.Contains(lit, "/spp/") || strings.HasPrefix(lit, "spp-") {
				t.Errorf("%s: string %q names www.spp.gov.cn's host, folders or ids: they are site/spp's", f, lit)
			}
		}
	}
}

// stringLiterals are the values of the string literals of a Go file.
func stringLiterals(t *testing.T, file string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if v, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// Only the registry imports site/spp: everything else asks for a site
// (sites.Default, sites.OfURL, a command's site), so no package reaches
// spp.gov.cn's data around the Site it was given.
func TestLayout_OnlySitesImportsSPP(t *testing.T) {
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		if dir == "site/spp" || dir == "sites" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if strings.Trim(imp.Path.Value, `"`) == "sppcrawl/site/spp" {
				t.Errorf("%s imports sppcrawl/site/spp: only sites may (ask it for the site instead)", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
