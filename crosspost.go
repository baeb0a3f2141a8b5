package sppcrawl

// An article the site lists in more than one channel has a page in each
// (one manuscriptId, one folder per channel). The archive keeps it once,
// under the URL of its own channel; which one that is must not depend on the
// order the lists were read in, or two crawls of one site would disagree on
// the 原文链接.

// WithListings is the layout whose channels at paths list the articles of
// other channels (spp.gov.cn's 头条: the day's leading news; 重点推荐: the
// featured ones). The site gives such an article a page in the listing's
// folder whose breadcrumb names the listing, so an article there has its
// own channel elsewhere.
func (l Layout) WithListings(paths ...string) Layout {
	l.listings = append(append([]string(nil), l.listings...), paths...)
	return l
}

// HomeRank is how well url serves as the canonical URL of an article whose
// page at url names channelPath as its channel (its breadcrumb): 2 for a
// URL in that channel's folder, 1 when that channel only lists the articles
// of others (头条), 0 for a URL outside the channel its page names.
func (l Layout) HomeRank(url, channelPath string) int {
	folder := l.ChannelPath(url)
	switch {
	case folder == "" || folder != channelPath:
		return 0
	case l.isListing(folder):
		return 1
	}
	return 2
}

func (l Layout) isListing(folder string) bool {
	for _, p := range l.listings {
		if p == folder {
			return true
		}
	}
	return false
}

// BetterHomeIn reports whether URL b of site, whose page names channel
// pathB, is a better canonical URL for an article than a, whose page names
// pathA: the higher HomeRank wins, and between equals the smaller URL, so
// that the choice is the same whatever order the URLs were met in.
func BetterHomeIn(site URLs, a, pathA, b, pathB string) bool {
	ra, rb := site.HomeRank(a, pathA), site.HomeRank(b, pathB)
	if ra != rb {
		return rb > ra
	}
	return b < a
}
