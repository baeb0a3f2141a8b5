package crawler_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Bodies of the channels whose pages carry legal structure, written as the
// site writes them (see testdata/pages for the real layouts): a batch of
// guiding cases, a page of typical cases, a judicial interpretation.

var chineseNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func keywords(r *rand.Rand, n int) string {
	var kw []string
	for range n {
		kw = append(kw, vocabulary[r.IntN(len(vocabulary))])
	}
	return strings.Join(kw, "　")
}

// guidingCases is the notice of the batch-th batch of guiding cases and its
// two cases (检例第…号), each with its numbered sections.
func guidingCases(r *rand.Rand, batch int) []string {
	ps := []string{
		"各省、自治区、直辖市人民检察院，解放军军事检察院，新疆生产建设兵团人民检察院：",
		fmt.Sprintf("经最高人民检察院第十四届检察委员会第%d次会议决定，现将%s等2件案例作为第%d批指导性案例（检察机关%s主题）发布，供参照适用。",
			batch+10, "张某"+vocabulary[r.IntN(len(vocabulary))]+"案", batch, vocabulary[r.IntN(len(vocabulary))]),
		"最高人民检察院",
		"2026年11月20日",
	}
	for j := range 2 {
		ps = append(ps,
			fmt.Sprintf("%s某%s案", []string{"张", "李", "王", "赵"}[r.IntN(4)], vocabulary[r.IntN(len(vocabulary))]),
			fmt.Sprintf("（检例第%d号）", 100+2*batch+j),
			"【关键词】"+keywords(r, 3),
			"【要旨】"+sentence(r)+sentence(r),
			"【基本案情】", sentence(r)+sentence(r)+sentence(r), sentence(r)+sentence(r),
			"【检察机关履职过程】", sentence(r)+sentence(r),
			"【指导意义】", sentence(r)+sentence(r),
			"【相关规定】", fmt.Sprintf("《中华人民共和国刑法》第%d条", 100+r.IntN(200)))
	}
	return ps
}

// typicalCases is a page of two to four typical cases (案例一：…), each
// with its background, the procuratorate's work and what it teaches.
func typicalCases(r *rand.Rand) []string {
	ps := []string{"近日，最高人民检察院发布一批典型案例。" + sentence(r)}
	for j := range 2 + r.IntN(3) {
		ps = append(ps,
			fmt.Sprintf("案例%s：%s某%s案", chineseNumbers[j], []string{"刘", "陈", "杨", "黄"}[r.IntN(4)], vocabulary[r.IntN(len(vocabulary))]),
			"【关键词】"+keywords(r, 2),
			"【基本案情】"+sentence(r)+sentence(r),
			"【检察机关履职情况】"+sentence(r)+sentence(r),
			"【典型意义】"+sentence(r))
	}
	return ps
}

// interpretation is a judicial interpretation: its title, number (文号),
// adoption and effective date, then its articles.
func interpretation(r *rand.Rand, published time.Time, k int) []string {
	adopted := published.AddDate(0, 0, -20)
	effective := published.AddDate(0, 0, 15)
	ps := []string{
		"最高人民检察院关于" + strings.TrimSuffix(sentence(r), "。") + "的规定",
		fmt.Sprintf("高检发释字〔%d〕%d号", published.Year(), 1+k),
		fmt.Sprintf("（%s最高人民检察院第十四届检察委员会第%d次会议通过，自%s起施行）",
			adopted.Format("2006年1月2日"), 40+k, effective.Format("2006年1月2日")),
		"为" + strings.TrimSuffix(sentence(r), "。") + "，根据有关法律规定，制定本规定。",
	}
	for j := range 3 + r.IntN(3) {
		ps = append(ps, fmt.Sprintf("第%s条　%s", chineseNumbers[j], sentence(r)))
	}
	return append(ps, fmt.Sprintf("第%s条　本规定自%s起施行。", chineseNumbers[len(ps)-4], effective.Format("2006年1月2日")))
}

// pressConference is the transcript of a press conference (新闻发布会,
// 网上发布厅): speakers marked in full-width brackets, as the site writes
// them; every third one publishes typical cases among its Q&A. n is about
// how many paragraphs it has.
func pressConference(r *rand.Rand, k, n int) []string {
	speakers := []string{"【主持人】", "【发布人】", "【记者】", "【发布人】"}
	ps := []string{"【主持人】各位记者朋友，大家上午好！欢迎参加最高人民检察院新闻发布会。" + sentence(r)}
	if k%3 == 0 {
		ps = append(ps, "【发布人】下面，我介绍本次发布的典型案例。")
		ps = append(ps, typicalCases(r)[1:]...)
	}
	for len(ps) < n {
		ps = append(ps, speakers[r.IntN(len(speakers))]+sentence(r)+sentence(r))
		if r.IntN(3) == 0 {
			ps = append(ps, sentence(r)+sentence(r)) // a speaker's next paragraph
		}
	}
	return append(ps, "【主持人】今天的发布会到此结束，谢谢大家！")
}
