package publish_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/publish"
	"sppcrawl/store"
)

// caseArchive holds two typical-case pages (5 cases, one numbered) among
// ordinary articles.
func caseArchive(t *testing.T) (*store.DB, []*sppcrawl.Article) {
	t.Helper()
	db, _ := openTestDB(t)
	ctx := context.Background()
	seed(t, db, 0, 3)
	var withCases []*sppcrawl.Article
	for _, p := range []struct{ file, url string }{
		{"typical-cases", "https://www.spp.gov.cn/spp/zgjdxal/202610/t20261012_735100.shtml"},
		{"typical-cases-numbered", "https://www.spp.gov.cn/spp/zgjdxal/202610/t20261013_735101.shtml"},
	} {
		b, err := os.ReadFile("../testdata/pages/" + p.file + ".html")
		if err != nil {
			t.Fatal(err)
		}
		a, err := sites.Default().ParseArticle(b, p.url, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		withCases = append(withCases, a)
		seed(t, db, 3+len(withCases), 4+len(withCases))
	}
	return db, withCases
}

func TestExport_Cases(t *testing.T) {
	db, arts := caseArchive(t)
	var want []sppcrawl.Case
	for _, a := range arts {
		want = append(want, a.Cases...)
	}
	var buf bytes.Buffer
	if _, err := publish.Export(context.Background(), db, &buf, publish.ExportOptions{Format: "cases"}); err != nil {
		t.Fatal(err)
	}
	var got []publish.CaseRecord
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var c publish.CaseRecord
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if len(got) != 5 || len(want) != 5 {
		t.Fatalf("%d cases exported, %d in the articles; want 5", len(got), len(want))
	}
	for i, c := range got {
		a := arts[0]
		if i >= 3 {
			a = arts[1]
		}
		if !reflect.DeepEqual(c.Case, want[i]) || c.ArticleID != a.ID || c.URL != a.URL || c.Channel != "典型案例" || !c.PublishedAt.Equal(a.PublishedAt) {
			t.Errorf("case %d: %+v", i, c)
		}
	}

	buf.Reset()
	if _, err := publish.Export(context.Background(), db, &buf, publish.ExportOptions{Format: "cases-csv"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if header != "number,title,keywords,url,published_at,基本案情,检察履职情况,典型意义,检察机关履职过程" || len(rows) != 6 {
		t.Fatalf("%d rows, header %s", len(rows), header)
	}
	third := rows[3] // 王某某掩饰、隐瞒犯罪所得案（检例第999号）
	if third[0] != "检例第999号" || third[1] != "王某某掩饰、隐瞒犯罪所得案" || third[2] != "掩饰、隐瞒犯罪所得、电信网络诈骗、“跑分”" ||
		third[5] != "被告人王某某通过“跑分”平台为他人转移资金。" || third[6] != "" || third[7] != "明确了“跑分”行为的定性。" {
		t.Errorf("row %q", third)
	}
	if first := rows[1]; first[5] != "2023年以来，被告人张某某纠集多人组成诈骗团伙。\n团伙成员分工明确，通过虚假投资平台骗取被害人钱财共计300余万元。" {
		t.Errorf("paragraphs of a section not joined by newlines: %q", first[5])
	}
}

func TestServe_Cases(t *testing.T) {
	db, arts := caseArchive(t)
	srv := apiTestServer(t, db)
	type page struct {
		Cases     []publish.CaseRecord `json:"cases"`
		NextSince uint64               `json:"next_since"`
	}
	get := func(path string) (page, int) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p page
		json.NewDecoder(resp.Body).Decode(&p)
		return p, resp.StatusCode
	}
	// Paged two at a time: an article's three cases are not split.
	var seen []string
	var since uint64
	for range 5 {
		p, code := get("/api/cases?limit=2&since=" + strconv.FormatUint(since, 10))
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		if len(p.Cases) == 0 {
			break
		}
		for _, c := range p.Cases {
			seen = append(seen, c.Title)
		}
		since = p.NextSince
	}
	if len(seen) != 5 || seen[0] != "张某某等人电信网络诈骗案" || seen[4] != "江苏省某市人民检察院诉某公司环境污染民事公益诉讼案" {
		t.Errorf("paged cases %v", seen)
	}
	if p, _ := get("/api/cases?keyword=" + url.QueryEscape("公益诉讼")); len(p.Cases) != 2 {
		t.Errorf("keyword 公益诉讼: %d cases", len(p.Cases))
	}
	resp, err := http.Get(srv.URL + "/api/cases/" + url.PathEscape("检例第999号"))
	if err != nil {
		t.Fatal(err)
	}
	var c publish.CaseRecord
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if resp.StatusCode != 200 || c.Title != "王某某掩饰、隐瞒犯罪所得案" || c.ArticleID != arts[0].ID || resp.Header.Get("ETag") == "" {
		t.Errorf("case 检例第999号: %d %+v", resp.StatusCode, c)
	}
	for path, code := range map[string]int{"/api/cases/" + url.PathEscape("检例第1号"): 404, "/api/cases/x": 400, "/api/cases?limit=0": 400} {
		if _, got := get(path); got != code {
			t.Errorf("%s: %d, want %d", path, got, code)
		}
	}
}
