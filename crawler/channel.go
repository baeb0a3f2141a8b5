package crawler

import (
	"fmt"
	"strings"
)

// Channel is a list of the site that sppcrawl crawls.
type Channel struct {
	Key  string // short name for --channels
	Name string // the site's name
	Path string // folder, e.g. /spp/jczdal/
}

// Channels are the channels crawled by default, in crawl order.
var Channels = []Channel{
	{"tt", "头条", "/spp/tt/"},
	{"gjybs", "最高检新闻", "/spp/gjybs/"},
	{"qwfb", "权威发布", "/spp/qwfb/"},
	{"xwfbh", "新闻发布会", "/spp/xwfbh/"},
	{"wsfbt", "网上发布厅", "/spp/wsfbt/"},
	{"jczdal", "指导性案例", "/spp/jczdal/"},
	{"zgjdxal", "典型案例", "/spp/zgjdxal/"},
	{"sfjs", "司法解释", "/spp/sfjs/"},
	{"gfwj", "规范文件", "/spp/gfwj/"},
	{"tzgg1", "通知公告", "/spp/tzgg1/"},
	{"gzbg", "工作报告", "/spp/gzbg/"},
	{"gjgb", "最高检公报", "/spp/gjgb/"},
}

// SelectChannels resolves a comma-separated list of keys (tt,jczdal) or paths;
// an empty list selects every channel.
func SelectChannels(list string) ([]Channel, error) {
	if strings.TrimSpace(list) == "" {
		return Channels, nil
	}
	var out []Channel
	seen := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		found := false
		for _, c := range Channels {
			if c.Key == k || c.Path == k || c.Name == k {
				if !seen[c.Key] {
					out = append(out, c)
					seen[c.Key] = true
				}
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown channel %q (see sppcrawl channels)", k)
		}
	}
	return out, nil
}
