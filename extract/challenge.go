package extract

import "bytes"

// challengeMarkers are fragments of the interstitials that WAFs used by Chinese
// government sites serve instead of the page (瑞数, 加速乐, Aliyun, generic).
var challengeMarkers = [][]byte{
	[]byte("document.cookie"), []byte("location.reload"), []byte("__jsl_clearance"),
	[]byte("acw_sc__v2"), []byte("$_ts"), []byte("安全验证"), []byte("滑动验证"),
	[]byte("访问验证"), []byte("window.location.href=location.href"),
}

var contentMarkers = [][]byte{[]byte("fontzoom"), []byte("li_line"), []byte("TRS_Editor"),
	[]byte("Custom_UnionStyle"), []byte("wsfbh_detail"), []byte("detail_tit")}

// isChallenge reports an anti-bot page: small, script-driven, with no article
// container. Real pages are tens of kilobytes; challenges are a few.
func isChallenge(b []byte) bool {
	if len(b) > 24<<10 || !bytes.Contains(b, []byte("<script")) {
		return false
	}
	// A page with content is no interstitial, whatever its scripts do with
	// cookies (older, smaller templates carry analytics that do).
	for _, m := range contentMarkers {
		if bytes.Contains(b, m) {
			return false
		}
	}
	if bytes.Count(b, []byte("<p")) >= 3 {
		return false
	}
	for _, m := range challengeMarkers {
		if bytes.Contains(b, m) {
			return true
		}
	}
	return false
}

// IsChallenge reports whether a response body is an anti-bot challenge page
// rather than content (any charset).
func IsChallenge(body []byte, contentType string) bool {
	b, _ := DecodeHTML(body, contentType)
	return isChallenge(b)
}
