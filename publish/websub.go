package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"sppcrawl/search"

	"sppcrawl"
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

// topicParams are the query parameters a topic may carry: a channel
// feed's channel= and site=, a saved search's query and filters. What a
// feed ignores or refuses (limit, cursor, sort, facets) is not one: a
// topic is a feed as the server serves it, once.
var topicParams = []string{"q", "channel", "site", "from", "to", "effective_from", "effective_to", "kind", "has", "withdrawn", "versions"}

// Topic checks that topic is a feed of this server, as a client that
// reached the server at host names it (its --public-url instead when set):
// that server's scheme and host, one of its feed paths, and only the
// parameters a feed takes. It says which articles change the topic, as a
// subscription's filter: its channel's path and sites, or a saved
// search's channels, sites and query. It is push's view of the hub's
// topics; the words are for a remote client.
func (s *Server) Topic(topic, host string) (sppcrawl.Subscription, error) {
	u, err := url.Parse(topic)
	if err != nil || !u.IsAbs() {
		return sppcrawl.Subscription{}, fmt.Errorf("not a URL")
	}
	path, err := s.topicPath(u, host)
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	if feedFormats[path] == "" {
		return sppcrawl.Subscription{}, fmt.Errorf("not a feed of this server (/feed.atom, /feed.rss or /feed.json, with channel=, site= or q=)")
	}
	q := u.Query()
	for k := range q {
		if !slices.Contains(topicParams, k) || (k != "q" && !q.Has("q") && k != "channel" && k != "site") {
			return sppcrawl.Subscription{}, fmt.Errorf("parameter %q: a feed's topic takes channel= and site= alone, or q= with %s", sppcrawl.Clip(k, 40), strings.Join(topicParams[1:], ", "))
		}
	}
	if q.Has("q") {
		return s.searchTopic(q)
	}
	f, err := s.feedFilter(context.Background(), q)
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	sub := sppcrawl.Subscription{Sites: f.Sites}
	if f.Channel != "" {
		sub.Channels = []string{f.Channel}
	}
	return sub, nil
}

// topicPath is the path of topic u below this server's root, when u is on
// this server: the host of --public-url (and below its path), else the
// host the client reached.
func (s *Server) topicPath(u *url.URL, host string) (string, error) {
	if u.User != nil || u.Fragment != "" || u.Opaque != "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("not a feed of this server: an http(s) URL without credentials or fragment")
	}
	if s.public != "" {
		pub, err := url.Parse(s.public)
		if err != nil || !strings.EqualFold(u.Scheme, pub.Scheme) || !strings.EqualFold(u.Host, pub.Host) || !strings.HasPrefix(u.Path, pub.Path+"/") {
			return "", fmt.Errorf("not a feed of this server: its feeds are at %s/feed.atom, /feed.rss and /feed.json", s.public)
		}
		return strings.TrimPrefix(u.Path, pub.Path), nil
	}
	if host == "" || !strings.EqualFold(u.Host, host) {
		return "", fmt.Errorf("not a feed of this server: its feeds are at %s", sppcrawl.Clip(host, 100)+"/feed.atom, /feed.rss and /feed.json")
	}
	return u.Path, nil
}

// searchTopic is what a saved search's feed follows: its channels, sites
// and query, checked as the feed checks them.
func (s *Server) searchTopic(q url.Values) (sppcrawl.Subscription, error) {
	req, err := search.ParseRequest(q)
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	if req.Withdrawn == "only" || req.Versions == "all" {
		return sppcrawl.Subscription{}, fmt.Errorf("a feed lists current articles the site still publishes: no withdrawn=only or versions=all")
	}
	if _, err := search.ParseQuery(req.Query); err != nil {
		return sppcrawl.Subscription{}, err
	}
	sub := sppcrawl.Subscription{Query: req.Query}
	if sub.Sites, err = search.ParseSites(req.Sites...); err != nil {
		return sppcrawl.Subscription{}, err
	}
	for _, c := range req.Channels {
		p, err := s.feedChannel(context.Background(), url.Values{"channel": {c}})
		if err != nil {
			return sppcrawl.Subscription{}, err
		}
		sub.Channels = append(sub.Channels, p)
	}
	return sub, nil
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
		f, err := s.feedFilter(ctx, q)
		if err != nil {
			return "", nil, err
		}
		m.Channel, m.Sites = f.Channel, f.Sites
		if a, err = s.channelFeed(ctx, format, f, m); err != nil {
			return "", nil, err
		}
	}
	return a.contentType, a.plain, nil
}

// websubUnavailable answers POST /websub on a server without a hub.
func websubUnavailable(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Header().Set("Retry-After", "3600")
	// The words are for a remote client: why, not the server's flags.
	fmt.Fprintln(w, "hub: not available: this server holds its archive read-only and takes no subscriptions now")
}
