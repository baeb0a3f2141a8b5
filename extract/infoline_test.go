package extract_test

import (
	"maps"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"sppcrawl/extract"
)

// testLine labels as the templates do: fields renamed, labels of no field,
// marks trimmed.
var testLine = extract.InfoLine{
	Labels: regexp.MustCompile(`(?:新闻)?(发布时间|时间|作者|来源|责任编辑|字号)\s*[：:]`),
	Fields: map[string]string{"发布时间": "时间", "责任编辑": "编辑", "字号": ""},
	Trim:   "【】[]|（）",
}

func TestInfoLine_Split(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  map[string]string
	}{
		{"three fields", []string{"发布时间：2026-11-19 来源：检察日报 作者：张三"},
			map[string]string{"时间": "2026-11-19", "来源": "检察日报", "作者": "张三"}},
		{"an empty field keeps its own (empty) value", []string{"作者： 来源：正义网"},
			map[string]string{"作者": "", "来源": "正义网"}},
		{"a label of no field ends the value", []string{"来源：检察日报 字号：大 中 小"},
			map[string]string{"来源": "检察日报"}},
		{"ASCII colon, space before it", []string{"时间 : 2026-11-19"},
			map[string]string{"时间": "2026-11-19"}},
		{"a prefix outside the group", []string{"新闻来源：最高检"},
			map[string]string{"来源": "最高检"}},
		{"marks trimmed", []string{"【来源：检察日报】 |作者：（张三）"},
			map[string]string{"来源": "检察日报", "作者": "张三"}},
		{"the first of a field kept", []string{"来源：甲 来源：乙"},
			map[string]string{"来源": "甲"}},
		{"a value ends with its line", []string{"来源：", "作者：李四"},
			map[string]string{"来源": "", "作者": "李四"}},
		{"the first line's value wins", []string{"时间：2026-11-19", "发布时间：2025-01-01"},
			map[string]string{"时间": "2026-11-19"}},
		{"text is normalised", []string{"作者：\u00a0张\u200b三\u3000 来源：x"},
			map[string]string{"作者": "张三", "来源": "x"}},
		{"no label", []string{"2026-11-19 检察日报"}, map[string]string{}},
		{"no lines", nil, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := testLine.Split(tc.lines...); !maps.Equal(got, tc.want) {
				t.Errorf("Split(%q) = %q, want %q", tc.lines, got, tc.want)
			}
		})
	}
}

// A hostile line never panics, and what it gives is a field the labels
// name with a value that holds no label.
func FuzzInfoLine_Split(f *testing.F) {
	for _, s := range []string{"发布时间：2026-11-19 来源：检察日报 作者：张三", "作者： 来源：", "新闻来源:【x】", "字号：\xff", "时间：时间：", ""} {
		f.Add(s, "作者：")
	}
	fields := map[string]bool{"时间": true, "作者": true, "来源": true, "编辑": true}
	f.Fuzz(func(t *testing.T, a, b string) {
		for k, v := range testLine.Split(a, b) {
			if !fields[k] {
				t.Errorf("Split(%q, %q): field %q", a, b, k)
			}
			if !utf8.ValidString(v) || testLine.Labels.MatchString(v) || v != strings.TrimSpace(v) {
				t.Errorf("Split(%q, %q): %s = %q", a, b, k, v)
			}
		}
	})
}
