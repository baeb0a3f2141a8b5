// Package listservice serves a fixture of a site whose lists a service
// answers, as 12309's does (testdata/sites/www.12309.gov.cn): its pages
// as files, and POST /getFileListByPage answered from the JSON files of
// its getFileListByPage folder, for the tests of the crawler and the
// command and for trying the site by hand (fixtureserver).
package listservice

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// Path is the list service's path.
const Path = "/getFileListByPage"

// Server answers a fixture site's pages and its list service: the answer
// for fileType F and page N is getFileListByPage/K-N.json, with K the key
// kinds.json gives F; a page beyond the files is answered empty.
type Server struct {
	Dir string
	// FormOnly refuses a JSON body (HTTP 415), as a service that reads
	// only form fields would; RefusedOK refuses it in an HTTP 200 whose
	// body is an error, as such a service may.
	FormOnly, RefusedOK bool
	// Lists counts the list requests answered 200; Refused those refused.
	Lists, Refused atomic.Int64
}

const empty = `{"code":200,"msg":"成功","results":{"hits":{"total":0,"hits":[]}}}`

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.FileServer(http.Dir(s.Dir)).ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	fileType, page, err := s.query(r)
	if err != nil {
		s.Refused.Add(1)
		if s.RefusedOK {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			_, _ = w.Write([]byte(`{"code":400,"msg":"参数错误"}`))
			return
		}
		http.Error(w, err.Error(), http.StatusUnsupportedMediaType)
		return
	}
	body, err := s.answer(fileType, page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.Lists.Add(1)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = w.Write(body)
}

// query reads the request's kind and page from a JSON or form body.
func (s *Server) query(r *http.Request) (string, int, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		return "", 0, err
	}
	var q struct {
		FileType string          `json:"fileType"`
		Page     json.RawMessage `json:"page"`
	}
	if strings.Contains(r.Header.Get("Content-Type"), "json") {
		if s.FormOnly {
			return "", 0, fmt.Errorf("a JSON body is not accepted")
		}
		if err := json.Unmarshal(b, &q); err != nil {
			return "", 0, err
		}
	} else {
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return "", 0, err
		}
		q.FileType, q.Page = v.Get("fileType"), json.RawMessage(v.Get("page"))
	}
	page, err := strconv.Atoi(strings.Trim(string(q.Page), `"`))
	if err != nil || page < 1 {
		return "", 0, fmt.Errorf("page %q: not a page number", q.Page)
	}
	return q.FileType, page, nil
}

// answer is the file answering fileType's page.
func (s *Server) answer(fileType string, page int) ([]byte, error) {
	dir := filepath.Join(s.Dir, filepath.FromSlash(strings.TrimPrefix(Path, "/")))
	b, err := os.ReadFile(filepath.Join(dir, "kinds.json"))
	if err != nil {
		return nil, err
	}
	var kinds map[string]string
	if err := json.Unmarshal(b, &kinds); err != nil {
		return nil, err
	}
	key, ok := kinds[fileType]
	if !ok {
		return nil, fmt.Errorf("fileType %q: no such kind", fileType)
	}
	b, err = os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", key, page)))
	if os.IsNotExist(err) {
		return []byte(empty), nil
	}
	return b, err
}
