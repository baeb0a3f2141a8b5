package publish

import (
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"sppcrawl"
	"sppcrawl/store"
)

// warcWriter writes WARC/1.1 records, each its own gzip member (a .warc.gz),
// counting where each starts, for the CDX index.
type warcWriter struct {
	w         io.Writer
	offset    int64
	marshaler gowarc.Marshaler
	opts      []gowarc.WarcRecordOption
	records   int
	cdx       []cdxLine // nil: no index wanted
	filename  string    // the WARC's name, as the index names it
}

// cdxLine is one capture of the CDXJ index (pywb's format).
type cdxLine struct {
	surt, stamp string
	fields      map[string]string
}

type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// write writes rec as one gzip member; a response or revisit is indexed.
func (ww *warcWriter) write(rec gowarc.WarcRecord, mime string, status int) error {
	defer rec.Close()
	start := ww.offset
	gz := gzip.NewWriter(countingWriter{ww.w, &ww.offset})
	if _, _, err := ww.marshaler.Marshal(gz, rec, 0); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	ww.records++
	if ww.cdx == nil || (rec.Type() != gowarc.Response && rec.Type() != gowarc.Revisit) {
		return nil
	}
	h := rec.WarcHeader()
	date, _ := time.Parse(time.RFC3339, h.Get(gowarc.WarcDate))
	target := h.Get(gowarc.WarcTargetURI)
	f := map[string]string{"url": target, "mime": mime, "status": fmt.Sprint(status),
		"digest": strings.TrimPrefix(h.Get(gowarc.WarcPayloadDigest), "sha1:"),
		"length": fmt.Sprint(ww.offset - start), "offset": fmt.Sprint(start), "filename": ww.filename}
	if rec.Type() == gowarc.Revisit {
		f["mime"] = "warc/revisit"
	}
	ww.cdx = append(ww.cdx, cdxLine{surt(target), date.UTC().Format("20060102150405"), f})
	return nil
}

// build makes the record of a builder.
func build(rb gowarc.WarcRecordBuilder) (gowarc.WarcRecord, error) {
	rec, _, err := rb.Build()
	return rec, err
}

// exchange writes the request and the response of one capture; it returns
// the response, for revisits of the same payload (closed by the caller).
func (ww *warcWriter) exchange(target string, fetched time.Time, status int, header http.Header, body []byte) (gowarc.WarcRecord, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	req := gowarc.NewRecordBuilder(gowarc.Request, ww.opts...)
	req.AddWarcHeader(gowarc.WarcTargetURI, target)
	req.AddWarcHeaderTime(gowarc.WarcDate, fetched)
	req.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	fmt.Fprintf(req, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
	rec, err := build(req)
	if err != nil {
		return nil, err
	}
	if err := ww.write(rec, "", 0); err != nil {
		return nil, err
	}
	resp := ww.response(target, fetched, status, header, body)
	if rec, err = build(resp); err != nil {
		return nil, err
	}
	// Marshal reads the block: the revisits are made from a second build.
	if err := ww.write(rec, header.Get("Content-Type"), status); err != nil {
		return nil, err
	}
	return build(ww.response(target, fetched, status, header, body))
}

func (ww *warcWriter) response(target string, fetched time.Time, status int, header http.Header, body []byte) gowarc.WarcRecordBuilder {
	rb := gowarc.NewRecordBuilder(gowarc.Response, ww.opts...)
	rb.AddWarcHeader(gowarc.WarcTargetURI, target)
	rb.AddWarcHeaderTime(gowarc.WarcDate, fetched)
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	header.Set("Content-Length", fmt.Sprint(len(body)))
	fmt.Fprintf(rb, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	header.Write(rb)
	io.WriteString(rb, "\r\n")
	rb.Write(body)
	return rb
}

// revisit writes that target holds the same payload as first (the
// identical-payload-digest profile): a replay tool serves first's bytes.
func (ww *warcWriter) revisit(first gowarc.WarcRecord, target string, fetched time.Time, header http.Header, body []byte) error {
	ref, err := first.CreateRevisitRef(gowarc.ProfileIdenticalPayloadDigestV1_1)
	if err != nil {
		return err
	}
	rec, err := build(ww.response(target, fetched, 200, header, body))
	if err != nil {
		return err
	}
	defer rec.Close()
	rv, err := rec.ToRevisitRecord(ref)
	if err != nil {
		return err
	}
	return ww.write(rv, header.Get("Content-Type"), 200)
}

// writeWARC writes the archive as WARC/1.1 (ISO 28500): a warcinfo record,
// then a request and a response record for every raw page the archive keeps
// (every version of every article) and for every media file at the first
// URL it was fetched from, and a revisit record (identical payload digest)
// for each further URL of the same file, so that a replay finds every
// image. With cdx set, the CDXJ index of the captures (pywb's) is written
// there, the WARC named filename in it.
func writeWARC(ctx context.Context, db sppcrawl.Archive, w io.Writer, software, filename string, cdx io.Writer) (records int, err error) {
	ww := &warcWriter{w: w, marshaler: gowarc.NewMarshaler(), filename: filename,
		opts: []gowarc.WarcRecordOption{gowarc.WithAddMissingDigest(true), gowarc.WithAddMissingRecordId(true),
			gowarc.WithDefaultDigestAlgorithm("sha1"), gowarc.WithDefaultDigestEncoding(gowarc.Base32), gowarc.WithFixContentLength(true)}}
	if cdx != nil {
		ww.cdx = []cdxLine{}
	}
	if err := ww.info(software); err != nil {
		return ww.records, fmt.Errorf("warcinfo: %w", err)
	}
	err = db.ForEachRaw(ctx, func(p *sppcrawl.RawPage) error {
		h := http.Header{}
		for k, v := range map[string]string{"Content-Type": p.ContentType, "ETag": p.ETag, "Last-Modified": p.LastModified} {
			if v != "" {
				h.Set(k, v)
			}
		}
		rec, err := ww.exchange(p.URL, p.FetchedAt, max(p.Status, 200), h, p.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", p.URL, err)
		}
		return rec.Close()
	})
	if err == nil {
		err = ww.media(ctx, db)
	}
	if err != nil {
		return ww.records, err
	}
	if cdx != nil {
		return ww.records, writeCDX(cdx, ww.cdx)
	}
	return ww.records, nil
}

func (ww *warcWriter) info(software string) error {
	info := gowarc.NewRecordBuilder(gowarc.Warcinfo, ww.opts...)
	info.AddWarcHeaderTime(gowarc.WarcDate, time.Now())
	info.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	fmt.Fprintf(info, "software: %s\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\ndescription: www.spp.gov.cn pages and files as archived by sppcrawl\r\n", software)
	rec, err := build(info)
	if err != nil {
		return err
	}
	return ww.write(rec, "", 0)
}

// media writes every media file once, then a revisit for each of its
// other URLs.
func (ww *warcWriter) media(ctx context.Context, db sppcrawl.Archive) error {
	urls, err := db.MediaURLs(ctx)
	if err != nil {
		return err
	}
	return db.ForEachMedia(ctx, func(m store.MediaInfo) error {
		_, path, err := db.Media(ctx, m.SHA256)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("media file %s: %w", m.SHA256, err)
		}
		header := func() http.Header { return http.Header{"Content-Type": {m.ContentType}} }
		first, err := ww.exchange(m.URL, m.FetchedAt, 200, header(), body)
		if err != nil {
			return fmt.Errorf("%s: %w", m.URL, err)
		}
		defer first.Close()
		for _, u := range urls[m.SHA256] {
			if u == m.URL {
				continue
			}
			if err := ww.revisit(first, u, m.FetchedAt, header(), body); err != nil {
				return fmt.Errorf("%s: %w", u, err)
			}
		}
		return nil
	})
}

// writeCDX writes the CDXJ lines sorted as pywb looks them up: by SURT,
// then time.
func writeCDX(w io.Writer, lines []cdxLine) error {
	slices.SortStableFunc(lines, func(a, b cdxLine) int {
		return cmp.Or(strings.Compare(a.surt, b.surt), strings.Compare(a.stamp, b.stamp))
	})
	for _, l := range lines {
		j, err := json.Marshal(l.fields)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s %s %s\n", l.surt, l.stamp, j); err != nil {
			return err
		}
	}
	return nil
}

// surt is a URL's Sort-friendly URI Reordering Transform, as CDX indexes
// key captures: host labels reversed and comma-joined, then the path
// (https://www.spp.gov.cn/spp/tt/ → cn,gov,spp,www)/spp/tt/).
func surt(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return strings.ToLower(raw)
	}
	labels := strings.Split(strings.ToLower(u.Hostname()), ".")
	slices.Reverse(labels)
	s := strings.Join(labels, ",") + ")" + strings.ToLower(u.EscapedPath())
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// mediaExt is the file name extension of a media file: from its URL, else
// its type.
func mediaExt(m store.MediaInfo) string {
	if i := strings.LastIndexByte(m.URL, '.'); i > strings.LastIndexByte(m.URL, '/') && len(m.URL)-i <= 6 {
		return strings.ToLower(m.URL[i:])
	}
	switch {
	case strings.HasPrefix(m.ContentType, "image/jpeg"):
		return ".jpg"
	case strings.HasPrefix(m.ContentType, "image/png"):
		return ".png"
	case strings.HasPrefix(m.ContentType, "application/pdf"):
		return ".pdf"
	}
	return ""
}

// exportMedia writes every media file once into dir as <sha256>.<ext>, for
// static hosting; files already there are left as they are.
func exportMedia(ctx context.Context, db sppcrawl.Archive, dir string) (written int, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("media dir %s: %w", dir, err)
	}
	err = db.ForEachMedia(ctx, func(m store.MediaInfo) error {
		dst := dir + string(os.PathSeparator) + m.SHA256 + mediaExt(m)
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		_, src, err := db.Media(ctx, m.SHA256)
		if err != nil {
			return err
		}
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := CreateOutput(dst)
		if err != nil {
			return err
		}
		defer out.Abort()
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
		written++
		return out.Commit()
	})
	return written, err
}
