package pdftext

import (
	"fmt"
	"slices"
	"testing"
)

// text is lines without places, one page.
func text(ls ...string) [][]Line {
	var p []Line
	for _, l := range ls {
		p = append(p, Line{Text: l})
	}
	return [][]Line{p}
}

func TestReflow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages [][]Line
		want  []string
	}{
		{"page numbers dropped", [][]Line{
			{{Text: "被告人郑某，男。"}, {Text: "- 1 -"}},
			{{Text: "第2页"}, {Text: "本院认为。"}, {Text: "2/3"}, {Text: "3"}, {Text: "第 3 页 共 3 页"}, {Text: "—4—"}, {Text: "Page 5 of 6"}},
		}, []string{"被告人郑某，男。", "本院认为。"}},
		{"broken lines joined, across pages", [][]Line{
			{{Text: "本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了《中华人"}, {Text: "- 1 -"}},
			{{Text: "民共和国刑法》第一百三十三条之一，应当追究其刑事责任。"}},
		}, []string{"本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了《中华人民共和国刑法》第一百三十三条之一，应当追究其刑事责任。"}},
		{"a sentence's end ends the paragraph", text("被告人郑某，男，汉族，住天津市和平区某街道某小区。", "本院认为，郑某的行为构成犯罪，应当追究刑事责任。"),
			[]string{"被告人郑某，男，汉族，住天津市和平区某街道某小区。", "本院认为，郑某的行为构成犯罪，应当追究刑事责任。"}},
		{"a clause's end, a closing bracket", text("经审查认定的事实如下：", "被告人芦某某的供述和辩解（卷一第3页）", "【证据】"),
			[]string{"经审查认定的事实如下：", "被告人芦某某的供述和辩解（卷一第3页）", "【证据】"}},
		{"a short line ends it", text("本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了刑法第一百", "三十三条之一", "此致", "七台河市新兴区人民法院"),
			[]string{"本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了刑法第一百三十三条之一", "此致", "七台河市新兴区人民法院"}},
		{"digits and Chinese spacing collapsed", text("于 2024 年 8 月 20 日移送，文号〔2024〕74 号。"),
			[]string{"于2024年8月20日移送，文号〔2024〕74号。"}},
		{"letters keep their spaces, redactions kept", text("血液中乙醇含量为 *** mg/100ml，身份号码******************。"),
			[]string{"血液中乙醇含量为 *** mg/100ml，身份号码******************。"}},
		{"headings by place, an indent opens a paragraph", [][]Line{{
			{Text: "天津市和平区人民检察院", X: 150, Size: 14},
			{Text: "不 起 诉 决 定 书", X: 220, Size: 14},
			{Text: "津和检刑不诉〔2024〕45 号", X: 190, Size: 14},
			{Text: "被不起诉人郑某，男，19**年**月**日出生，住天津市和平区", X: 100, Size: 14},
			{Text: "某街道。", X: 72, Size: 14},
			{Text: "本院认为，郑某实施了《中华人民共和国刑法》第一百三十三条之一规定", X: 100, Size: 14},
			{Text: "的行为，但犯罪情节轻微，决定对郑某不起诉", X: 72, Size: 14},
			{Text: "2024 年 11 月 25 日", X: 380, Size: 14},
		}}, []string{"天津市和平区人民检察院", "不起诉决定书", "津和检刑不诉〔2024〕45号",
			"被不起诉人郑某，男，19**年**月**日出生，住天津市和平区某街道。",
			"本院认为，郑某实施了《中华人民共和国刑法》第一百三十三条之一规定的行为，但犯罪情节轻微，决定对郑某不起诉",
			"2024年11月25日"}},
		{"blank and empty", [][]Line{{{Text: "  "}}, {}, nil}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Reflow(tc.pages); !slices.Equal(got, tc.want) {
				t.Errorf("Reflow:\ngot  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestCollapse(t *testing.T) {
	for in, want := range map[string]string{
		"2024 年 9 月 10 日":    "2024年9月10日",
		"起 诉 书":              "起诉书",
		"  a  b\u3000c ":     "a b c",
		"第 1 页":              "第1页",
		"mg / 100 ml":        "mg / 100 ml",
		"被告人 芦某某， 男":         "被告人芦某某，男",
		"Case 74 号":          "Case 74号",
		"〔 2024 〕 74 号":      "〔2024〕74号",
		"":                   "",
		fmt.Sprint("x", " "): "x",
	} {
		if got := collapse(in); got != want {
			t.Errorf("collapse(%q) = %q, want %q", in, got, want)
		}
	}
}
