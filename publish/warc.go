package publish

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"sppcrawl"

	"github.com/nlnwa/gowarc/v3"

	"sppcrawl/store"
)

// writeWARC writes the archive as WARC/1.1 (ISO 28500), each record its own
// gzip member (a .warc.gz): a warcinfo record, then a response record for
// every raw page the archive keeps (every version of every article) and for
// every media file, with the canonical URL as target, the fetch time as
// WARC-Date, the HTTP status line and the stored headers, and block and
// payload digests.
func writeWARC(ctx context.Context, db *store.DB, w io.Writer, software string) (records int, err error) {
	marshaler := gowarc.NewMarshaler()
	write := func(rb gowarc.WarcRecordBuilder) error {
		rec, _, err := rb.Build()
		if err != nil {
			return err
		}
		defer rec.Close()
		gz := gzip.NewWriter(w)
		if _, _, err := marshaler.Marshal(gz, rec, 0); err != nil {
			return err
		}
		records++
		return gz.Close()
	}
	opts := []gowarc.WarcRecordOption{gowarc.WithAddMissingDigest(true), gowarc.WithAddMissingRecordId(true),
		gowarc.WithDefaultDigestAlgorithm("sha1"), gowarc.WithDefaultDigestEncoding(gowarc.Base32), gowarc.WithFixContentLength(true)}

	info := gowarc.NewRecordBuilder(gowarc.Warcinfo, opts...)
	info.AddWarcHeaderTime(gowarc.WarcDate, time.Now())
	info.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	fmt.Fprintf(info, "software: %s\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\ndescription: www.spp.gov.cn pages and files as archived by sppcrawl\r\n", software)
	if err := write(info); err != nil {
		return records, fmt.Errorf("warcinfo: %w", err)
	}
	response := func(target string, fetched time.Time, status int, header http.Header, body []byte) error {
		rb := gowarc.NewRecordBuilder(gowarc.Response, opts...)
		rb.AddWarcHeader(gowarc.WarcTargetURI, target)
		rb.AddWarcHeaderTime(gowarc.WarcDate, fetched)
		rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
		header.Set("Content-Length", fmt.Sprint(len(body)))
		fmt.Fprintf(rb, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
		header.Write(rb)
		io.WriteString(rb, "\r\n")
		rb.Write(body)
		if err := write(rb); err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		return nil
	}
	err = db.ForEachRaw(ctx, func(p *sppcrawl.RawPage) error {
		h := http.Header{}
		for k, v := range map[string]string{"Content-Type": p.ContentType, "ETag": p.ETag, "Last-Modified": p.LastModified} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return response(p.URL, p.FetchedAt, max(p.Status, 200), h, p.Body)
	})
	if err != nil {
		return records, err
	}
	err = db.ForEachMedia(ctx, func(m store.MediaInfo) error {
		_, path, err := db.Media(ctx, m.SHA256)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("media file %s: %w", m.SHA256, err)
		}
		return response(m.URL, m.FetchedAt, 200, http.Header{"Content-Type": {m.ContentType}}, body)
	})
	return records, err
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
func exportMedia(ctx context.Context, db *store.DB, dir string) (written int, err error) {
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
