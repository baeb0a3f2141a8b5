package pdfgen

import "fmt"

// Indictment is a 起诉书 of the shape the procuratorates publish, over
// pages pages (at least 2): centred headings (the procuratorate, the kind,
// the 文号), redactions as published, sentences broken across lines and
// pages, "2024 年" spaced as document systems space digits, a page-number
// line on each page and the signature at the end.
func Indictment(pages int) Doc {
	pages = max(pages, 2)
	d := Doc{Title: "起诉书"}
	first := Page{Lines: []Line{
		{Text: "黑龙江省七台河市新兴区人民检察院", Centred: true},
		{Text: "起 诉 书", Centred: true},
		{Text: "七新检刑诉〔2024〕74 号", Centred: true},
		{Indent: true, Text: "被告人芦某某，男，19**年**月**日出生，公民身份号码"},
		{Text: "******************，汉族，大专文化，住黑龙江省七台河市新"},
		{Text: "兴区。2024 年 6 月 5 日因涉嫌危险驾驶罪被七台河市公安局新兴分"},
		{Text: "局取保候审。"},
		{Indent: true, Text: "本案由七台河市公安局新兴分局侦查终结，以被告人芦某某涉嫌"},
		{Text: "危险驾驶罪，于 2024 年 8 月 20 日向本院移送审查起诉。"},
	}}
	d.Pages = append(d.Pages, first)
	for i := 2; i < pages; i++ {
		d.Pages = append(d.Pages, Page{Lines: []Line{
			{Indent: true, Text: fmt.Sprintf("经依法审查查明：第%d项，被告人芦某某于 2024 年 5 月%d日", i-1, i)},
			{Text: "饮酒后驾驶小型轿车行驶至七台河市新兴区某路段时，被执勤民"},
			{Text: "警查获。经鉴定，其血液中乙醇含量为 *** mg/100ml。"},
		}})
	}
	d.Pages = append(d.Pages, Page{Lines: []Line{
		{Indent: true, Text: "本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了《中华人"},
		{Text: "民共和国刑法》第一百三十三条之一第一款第（二）项，应当以危险"},
		{Text: "驾驶罪追究其刑事责任。"},
		{Indent: true, Text: "此致"},
		{Text: "七台河市新兴区人民法院"},
		{Indent: true, Text: "检察官：王**"},
		{Text: "2024 年 9 月 10 日", Centred: true},
	}})
	for i := range d.Pages {
		d.Pages[i].Footer = fmt.Sprintf("- %d -", i+1)
	}
	return d
}

// IndictmentText is the text of Indictment(pages) line by line, page by
// page, as a reader of its text layer must give it.
func IndictmentText(pages int) [][]string {
	d := Indictment(pages)
	out := make([][]string, len(d.Pages))
	for i, p := range d.Pages {
		for _, l := range p.Lines {
			out[i] = append(out[i], l.Text)
		}
		out[i] = append(out[i], p.Footer)
	}
	return out
}

// NonProsecution is the 不起诉决定书 of the 12309 fixture's PDF-only
// document (testdata/sites/www.12309.gov.cn/minioweb/flws/2024/12/01/9000081.pdf):
// two pages, the 文号 spaced, a sentence broken across the page, the
// signature date centred.
func NonProsecution() Doc {
	return Doc{Title: "不起诉决定书", Pages: []Page{{Footer: "第 1 页 共 2 页", Lines: []Line{
		{Text: "天津市和平区人民检察院", Centred: true},
		{Text: "不 起 诉 决 定 书", Centred: true},
		{Text: "津和检刑不诉〔2024〕45 号", Centred: true},
		{Indent: true, Text: "被不起诉人郑某，男，19**年**月**日出生，公民身份号码"},
		{Text: "******************，汉族，高中文化，住天津市和平区。"},
		{Indent: true, Text: "本案由天津市公安局和平分局侦查终结，以被不起诉人郑某涉嫌危"},
		{Text: "险驾驶罪，于 2024 年 10 月 28 日向本院移送审查起诉。"},
		{Indent: true, Text: "经本院依法审查查明：2024 年 9 月 14 日 22 时许，被不起诉人郑"},
		{Text: "某饮酒后驾驶小型轿车行驶至天津市和平区某路口时被查获，经鉴定"},
	}}, {Footer: "第 2 页 共 2 页", Lines: []Line{
		{Text: "其血液中乙醇含量为 85.6mg/100ml。"},
		{Indent: true, Text: "本院认为，郑某实施了《中华人民共和国刑法》第一百三十三条之一"},
		{Text: "规定的行为，但犯罪情节轻微，具有自首、认罪认罚情节，根据《中华"},
		{Text: "人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对郑某不"},
		{Text: "起诉。"},
		{Text: "天津市和平区人民检察院", Centred: true},
		{Text: "2024 年 11 月 25 日", Centred: true},
	}}}}
}
