package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"sppcrawl/search"
)

// feedFormats are the feeds' paths and their formats: the topics a WebSub
// subscriber may follow (with their channel= or q= and filters).
var feedFormats = map[string]string{"/feed.atom": "atom", "/feed.rss": "rss", "/feed.json": "jsonfeed"}

// hubURL is the WebSub hub beside a feed's URL ("" when the server has no
// hub).
func (s *Server) hubURL(self string) string {
	if s.websub == nil {
		return ""
	}
	u, err := url.Parse(self)
	if err != nil {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/websub"}).String()
}

// hubLinks advertises the hub and the feed's own URL in the answer's Link
// header, as WebSub discovery reads them.
func (s *Server) hubLinks(w http.ResponseWriter, r *http.Request, self string) {
	if hub := s.hubURL(self); hub != "" {
		w.Header().Add("Link", "<"+hub+`>; rel="hub"`)
		w.Header().Add("Link", "<"+self+`>; rel="self"`)
	}
}

// Topic checks that topic is a feed of this server and says which
// articles change it: its channel's path, or a saved search's channels and
// query. It is push's view of the hub's topics.
func (s *Server) Topic(topic string) (channels []string, query string, err error) {
	u, err := url.Parse(topic)
	if err != nil || !u.IsAbs() || feedFormats[u.Path] == "" {
		return nil, "", fmt.Errorf("not a feed of this server (/feed.atom, /feed.rss or /feed.json, with channel= or q=)")
	}
	q := u.Query()
	if q.Has("q") {
		req, err := search.ParseRequest(q)
		if err != nil {
			return nil, "", err
		}
		if _, err := search.ParseQuery(req.Query); err != nil {
			return nil, "", err
		}
		for _, c := range req.Channels {
			p, err := s.feedChannel(context.Background(), url.Values{"channel": {c}})
			if err != nil {
				return nil, "", err
			}
			channels = append(channels, p)
		}
		return channels, req.Query, nil
	}
	p, err := s.feedChannel(context.Background(), q)
	if err != nil || p == "" {
		return nil, "", err
	}
	return []string{p}, "", nil
}

// Feed renders a topic's feed as it is now: the content a WebSub hub
// delivers to the topic's subscribers.
func (s *Server) Feed(ctx context.Context, topic string) (string, []byte, error) {
	u, err := url.Parse(topic)
	if err != nil || feedFormats[u.Path] == "" {
		return "", nil, fmt.Errorf("topic %q: not a feed of this server", topic)
	}
	format, q := feedFormats[u.Path], u.Query()
	m := feedMeta{SelfURL: topic, Hub: s.hubURL(topic)}
	var a *answer
	if q.Has("q") {
		if s.index == nil {
			return "", nil, fmt.Errorf("topic %q: no search index", topic)
		}
		req, err := search.ParseRequest(q)
		if err != nil {
			return "", nil, err
		}
		req.Sort, req.Limit, req.Cursor, req.Facets = "newest", feedItems, "", nil
		m.Query = req.Query
		a, err = s.searchFeedAnswer(ctx, format, req, m)
		if err != nil {
			return "", nil, err
		}
	} else {
		if m.Channel, err = s.feedChannel(ctx, q); err != nil {
			return "", nil, err
		}
		if a, err = s.channelFeed(ctx, format, m.Channel, m); err != nil {
			return "", nil, err
		}
	}
	return a.contentType, a.plain, nil
}

// websubUnavailable answers POST /websub on a server without a hub.
func websubUnavailable(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, strings.TrimSpace(`hub: not here: the hub keeps its subscriptions in the archive, which this serve holds read-only (run serve --crawl-every)`))
}
