package sppcrawl_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// README's Layout says what each package imports of the module today;
// the packages' own import lines must agree, so the table stays true as
// the seams move (publish, web and push off store).
func TestLayout_READMEImports(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := layoutRows(t, string(readme))
	if len(rows) < 8 {
		t.Fatalf("README's import table has %d rows, want the table under | package | imports today | target |", len(rows))
	}
	for pkgs, want := range rows {
		for _, pkg := range strings.Split(pkgs, ",") {
			if got := moduleImports(t, pkg); !slices.Equal(got, want) {
				t.Errorf("%s imports %v of the module; README's Layout says %v", pkg, got, want)
			}
		}
	}
}

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	aside      = regexp.MustCompile(`\([^)]*\)`)
)

// layoutRows reads the table's rows: packages (comma-joined) → the
// packages of the module they import today, sorted; cmd's "everything"
// is left out.
func layoutRows(t *testing.T, readme string) map[string][]string {
	_, table, ok := strings.Cut(readme, "| package | imports today | target |\n|---|---|---|\n")
	if !ok {
		t.Fatal("README has no import table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	rows := map[string][]string{}
	for line := range strings.Lines(table) {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || strings.Contains(cells[2], "everything") {
			continue
		}
		var pkgs, imports []string
		for _, m := range backticked.FindAllStringSubmatch(cells[1], -1) {
			pkgs = append(pkgs, m[1])
		}
		for _, m := range backticked.FindAllStringSubmatch(aside.ReplaceAllString(cells[2], ""), -1) {
			imports = append(imports, m[1])
		}
		slices.Sort(imports)
		rows[strings.Join(pkgs, ",")] = imports
	}
	return rows
}

// moduleImports lists the packages of the module that pkg's non-test
// files import, named as the README names them.
func moduleImports(t *testing.T, pkg string) []string {
	dir := pkg
	if pkg == "sppcrawl" {
		dir = "."
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("package %s: no Go files in %s (%v)", pkg, dir, err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if p == "sppcrawl" || strings.HasPrefix(p, "sppcrawl/") {
				out = append(out, strings.TrimPrefix(p, "sppcrawl/"))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
