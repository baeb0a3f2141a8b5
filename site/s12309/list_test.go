package s12309_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/extract"
)

const qss = "/12309/gj/zjxflws/qss/"

// hit is one record of an answer, with its detail page at docid id.
func hit(id, published string) string {
	return `{"mid":"` + id + `","title":"起诉书（某某案）","publishedTimeStr":` + published +
		`,"url":"/12309/gj/bj/zjxflws/202412/t20241204_` + id + `.shtml"}`
}

func TestSite_ParseList(t *testing.T) {
	cst := sppcrawl.CST()
	day := time.Date(2024, 12, 4, 0, 0, 0, 0, cst)
	for _, c := range []struct {
		name      string
		page      int
		answer    string
		pages     int
		total     int
		dates     []time.Time
		itemCount int
	}{
		{"total number", 1, `{"code":200,"results":{"hits":{"total":45,"hits":[` + hit("1", `"2024-12-04"`) + `]}}}`, 45, 45, []time.Time{day}, 1},
		{"total object", 1, `{"code":"200","results":{"hits":{"total":{"value":40,"relation":"eq"},"hits":[` + strings.Repeat(hit("2", `"2024-12-04 10:30:00"`)+",", 19) + hit("3", `"2024/12/04"`) + `]}}}`, 2, 40,
			[]time.Time{day.Add(10*time.Hour + 30*time.Minute)}, 20},
		{"epoch ms, no total", 2, `{"code":200,"results":{"hits":{"hits":[` + hit("4", `1733279400000`) + `]}}}`, 3, 0, []time.Time{day.Add(10*time.Hour + 30*time.Minute)}, 1},
		{"elasticsearch hits", 1, `{"results":{"hits":{"total":1,"hits":[{"_id":"5","_source":` + hit("5", `"2024年12月4日"`) + `}]}}}`, 1, 1, []time.Time{day}, 1},
		{"code in words, publishedTime", 1, `{"code":"success","results":{"hits":{"total":"1","hits":[{"title":"<em>起诉书</em>","publishedTime":"2024-12-04","url":"https://www.12309.gov.cn/12309/gj/zjxflws/202412/t20241204_10.shtml"}]}}}`, 1, 1, []time.Time{day}, 1},
		{"empty", 3, `{"code":200,"results":{"hits":{"total":0,"hits":[]}}}`, 3, 0, nil, 0},
		{"record without url: where the site puts it", 1, `{"code":200,"results":{"hits":{"total":1,"hits":[{"mid":8243278,"title":"x","channelWebPath":"/gj/bj/bjshrq","publishedTimeStr":"2020-07-02"}]}}}`, 1, 1, nil, 1},
		{"record without url or region", 1, `{"code":200,"results":{"hits":{"total":1,"hits":[{"mid":"6","title":"x"}]}}}`, 1, 1, nil, 0},
		{"smaller pages than asked", 2, `{"code":200,"results":{"hits":{"total":40,"hits":[` + strings.Repeat(hit("7", `"2024-12-04"`)+",", 14) + hit("7", `"2024-12-04"`) + `]}}}`, 3, 40, []time.Time{day}, 15},
		{"last of smaller pages: one more asked", 3, `{"code":200,"results":{"hits":{"total":40,"hits":[` + strings.Repeat(hit("8", `"2024-12-04"`)+",", 9) + hit("8", `"2024-12-04"`) + `]}}}`, 4, 40, []time.Time{day}, 10},
		{"last of pages as asked", 3, `{"code":200,"results":{"hits":{"total":45,"hits":[` + strings.Repeat(hit("9", `"2024-12-04"`)+",", 4) + hit("9", `"2024-12-04"`) + `]}}}`, 3, 45, []time.Time{day}, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := site.ParseList([]byte(c.answer), site.ListPageURL(qss, c.page), "application/json")
			if err != nil {
				t.Fatal(err)
			}
			if l.PageCount != c.pages || l.Total != c.total || len(l.Items) != c.itemCount || l.Page != c.page || l.Channel != "起诉书" {
				t.Errorf("pages %d, total %d, items %d, page %d, channel %q; want %d, %d, %d, %d, 起诉书",
					l.PageCount, l.Total, len(l.Items), l.Page, l.Channel, c.pages, c.total, c.itemCount, c.page)
			}
			for i, d := range c.dates {
				if !l.Items[i].Date.Equal(d) {
					t.Errorf("item %d date %s, want %s", i, l.Items[i].Date, d)
				}
			}
			for _, it := range l.Items {
				if strings.ContainsAny(it.Title, "<>") {
					t.Errorf("title %q: tags kept", it.Title)
				}
				if !site.IsArticleURL(it.URL) || !strings.HasPrefix(it.URL, "https://www.12309.gov.cn/12309/") || len(it.Record) == 0 {
					t.Errorf("item %+v: not a detail URL of the site with its record", it)
				}
			}
		})
	}
}

func TestSite_ParseList_Refused(t *testing.T) {
	for name, answer := range map[string]string{
		"html":        `<!DOCTYPE html><html><body><p>系统维护中</p></body></html>`,
		"not json":    `{"code":200,`,
		"code":        `{"code":500,"msg":"系统错误"}`,
		"no hits":     `{"code":200,"results":{}}`,
		"total array": `{"code":200,"results":{"hits":{"total":[1],"hits":[]}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			u := site.ListPageURL(qss, 1)
			_, err := site.ParseList([]byte(answer), u, "application/json")
			if !errors.Is(err, extract.ErrNotList) || !strings.Contains(err.Error(), u) {
				t.Errorf("got %v, want ErrNotList naming %s", err, u)
			}
		})
	}
}

// The service is asked for a kind's page with a JSON body, then the same
// fields form-encoded.
func TestSite_ListRequests(t *testing.T) {
	reqs := site.ListRequests(qss, 2)
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	var q map[string]any
	if err := json.Unmarshal(reqs[0].Body, &q); err != nil || !strings.Contains(reqs[0].ContentType, "json") {
		t.Fatalf("first request %q (%s): %v", reqs[0].Body, reqs[0].ContentType, err)
	}
	f, err := url.ParseQuery(string(reqs[1].Body))
	if err != nil || !strings.Contains(reqs[1].ContentType, "form-urlencoded") {
		t.Fatalf("second request %q (%s): %v", reqs[1].Body, reqs[1].ContentType, err)
	}
	for _, r := range reqs {
		if r.Method != "POST" || r.URL != "https://www.12309.gov.cn/getFileListByPage" {
			t.Errorf("request %s %s", r.Method, r.URL)
		}
	}
	if q["fileType"] != "起诉书" || q["page"] != 2.0 || q["channelWebPath"] != "/gj" || q["codeId"] != "2c6b4deaf04949d686323d98e77f7ff4" ||
		f.Get("fileType") != "起诉书" || f.Get("page") != "2" || f.Get("channelWebPath") != "/gj" || f.Get("codeId") != q["codeId"] {
		t.Errorf("JSON %v, form %v", q, f)
	}
}

// A record without its page's URL is found where the site's detail URLs
// put it, by its region, id and day.
func TestSite_ParseList_BuiltURL(t *testing.T) {
	answer := `{"code":200,"results":{"hits":{"total":2,"hits":[` +
		`{"mid":8243278,"title":"x","channelWebPath":"/gj/bj/bjshrq","publishedTimeStr":"2020-07-02"},` +
		`{"mid":"12","title":"y","channelWebPath":"/gj/../x","publishedTimeStr":"2020-07-02"}]}}}`
	l, err := site.ParseList([]byte(answer), site.ListPageURL(qss, 1), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	want := "https://www.12309.gov.cn/12309/gj/bj/bjshrq/zjxflws/202007/t20200702_8243278.shtml"
	if len(l.Items) != 1 || l.Items[0].URL != want || site.ArticleID(want) != "12309-8243278" {
		t.Errorf("items %+v, want one at %s", l.Items, want)
	}
}
