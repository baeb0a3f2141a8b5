package s12309

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"sppcrawl"
)

// pageSize is the records asked per page: the list page's PAGESIZE.
const pageSize = 20

// region is the channelWebPath asked for: the whole country.
const allRegions = "/gj"

// serviceURL is the list service every kind and page is asked of.
const serviceURL = "https://" + Host + "/getFileListByPage"

// query is the list service's request as the site's script sends it.
type query struct {
	CodeID         string `json:"codeId"`
	Page           int    `json:"page"`
	Size           int    `json:"size"`
	FileType       string `json:"fileType"`
	ChannelWebPath string `json:"channelWebPath"`
	ChannelLevels  string `json:"channelLevels"`
}

// ListRequests asks the service for page n of the kind at channelPath: a
// JSON body first, the same fields form-encoded when that is refused (two
// crawlers of the live site sent one form each).
func (Site) ListRequests(channelPath string, n int) []sppcrawl.ListRequest {
	k := kindAt(channelPath)
	q := query{CodeID: k.codeID, Page: n, Size: pageSize, FileType: k.Name, ChannelWebPath: allRegions}
	js, _ := json.Marshal(q) // a struct of strings and ints: never fails
	form := url.Values{"codeId": {q.CodeID}, "page": {strconv.Itoa(n)}, "size": {strconv.Itoa(pageSize)},
		"fileType": {q.FileType}, "channelWebPath": {q.ChannelWebPath}, "channelLevels": {""}}
	return []sppcrawl.ListRequest{
		{Method: http.MethodPost, URL: serviceURL, ContentType: "application/json;charset=UTF-8", Body: js},
		{Method: http.MethodPost, URL: serviceURL, ContentType: "application/x-www-form-urlencoded; charset=UTF-8", Body: []byte(form.Encode())},
	}
}
