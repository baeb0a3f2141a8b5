package publish

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"sppcrawl"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the Prometheus registry of a serve process: the Go runtime and
// the process, the crawls it runs (it is the crawler's Observer), the
// archive's writes, the state of the archive, and the HTTP answers.
type Metrics struct {
	reg           *prometheus.Registry
	crawlRequests *prometheus.CounterVec
	crawlBytes    *prometheus.CounterVec
	crawlRetries  *prometheus.CounterVec
	fetchSeconds  *prometheus.HistogramVec
	httpRequests  *prometheus.CounterVec
	httpSeconds   *prometheus.HistogramVec
}

// NewMetrics registers every collector; the archive's state is read from db
// at each scrape.
func NewMetrics(db Reader) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.crawlRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sppcrawl_crawl_requests_total", Help: "Requests made by the crawler, by kind of page and HTTP status (0: no answer).",
	}, []string{"kind", "status"})
	m.crawlBytes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sppcrawl_crawl_response_bytes_total", Help: "Bytes of answers read by the crawler, by kind of page.",
	}, []string{"kind"})
	m.crawlRetries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sppcrawl_crawl_retries_total", Help: "Requests sent again after a transient failure, by kind of page.",
	}, []string{"kind"})
	m.fetchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sppcrawl_crawl_fetch_duration_seconds", Help: "Time from sending a request to the end of its answer's body.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"kind"})
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sppcrawl_http_requests_total", Help: "HTTP requests served, by route and status code.",
	}, []string{"route", "code"})
	m.httpSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sppcrawl_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, 1},
	}, []string{"route"})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.crawlRequests, m.crawlBytes, m.crawlRetries, m.fetchSeconds, m.httpRequests, m.httpSeconds,
		archiveCollector{db},
	)
	storeCounter := func(name, help string, get func(sppcrawl.Counters) uint64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(get(db.Counters())) }))
	}
	storeCounter("sppcrawl_store_commits_total", "Write transactions committed by this process.", func(c sppcrawl.Counters) uint64 { return c.Commits })
	storeCounter("sppcrawl_store_commit_failures_total", "Write transactions that failed.", func(c sppcrawl.Counters) uint64 { return c.CommitFailures })
	for _, o := range []sppcrawl.Outcome{sppcrawl.Created, sppcrawl.Updated, sppcrawl.Unchanged, sppcrawl.Aliased} {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sppcrawl_store_upserts_total", Help: "Articles stored by this process, by outcome.",
			ConstLabels: prometheus.Labels{"outcome": o.String()},
		}, func() float64 { return float64(db.Counters().Upserts[o]) }))
	}
	return m
}

// Fetched records one answer (or, with status 0, a request without one).
func (m *Metrics) Fetched(kind sppcrawl.RequestKind, status int, bytes int64, d time.Duration) {
	k := string(kind)
	m.crawlRequests.WithLabelValues(k, strconv.Itoa(status)).Inc()
	m.crawlBytes.WithLabelValues(k).Add(float64(bytes))
	m.fetchSeconds.WithLabelValues(k).Observe(d.Seconds())
}

// Retried records a request sent again.
func (m *Metrics) Retried(kind sppcrawl.RequestKind) {
	m.crawlRetries.WithLabelValues(string(kind)).Inc()
}

func (m *Metrics) handler() http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:      promhttp.ContinueOnError, // an unreadable archive still shows the process
		DisableCompression: true,                     // the server's gzip layer does it
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (m *Metrics) countHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		rt := route(r)
		m.httpRequests.WithLabelValues(rt, strconv.Itoa(sw.code)).Inc()
		m.httpSeconds.WithLabelValues(rt).Observe(time.Since(start).Seconds())
	})
}

// archiveCollector reads the archive's state at scrape time.
type archiveCollector struct{ db Reader }

var (
	descArticles     = prometheus.NewDesc("sppcrawl_articles", "Articles in the archive.", nil, nil)
	descLastSeq      = prometheus.NewDesc("sppcrawl_last_seq", "Highest export sequence number handed out.", nil, nil)
	descChannel      = prometheus.NewDesc("sppcrawl_channel_articles", "Articles per channel.", []string{"channel", "site"}, nil)
	descSite         = prometheus.NewDesc("sppcrawl_site_articles", "Articles per site.", []string{"site"}, nil)
	descFailures     = prometheus.NewDesc("sppcrawl_failures", "Pages that failed, by state.", []string{"state"}, nil)
	descLastCrawl    = prometheus.NewDesc("sppcrawl_last_crawl_timestamp_seconds", "When the last crawl finished.", nil, nil)
	descLastDuration = prometheus.NewDesc("sppcrawl_last_crawl_duration_seconds", "How long the last crawl took.", nil, nil)
	descLastSuccess  = prometheus.NewDesc("sppcrawl_last_crawl_success", "1 if the last crawl ended ok, else 0.", nil, nil)
	descLastArticles = prometheus.NewDesc("sppcrawl_last_crawl_articles", "Articles of the last crawl by outcome.", []string{"outcome"}, nil)
	descHealth       = prometheus.NewDesc("sppcrawl_channel_health", "1 for the health the last run found a channel in (ok, missing, not-a-list, empty, shrunk).", []string{"channel", "health", "site"}, nil)
	descDrift        = prometheus.NewDesc("sppcrawl_channel_drift", "Template-drift warnings of a channel's last run.", []string{"channel", "site"}, nil)
	descWalk         = prometheus.NewDesc("sppcrawl_channel_walk_unfinished", "1 while a channel has a walk the next run resumes.", []string{"channel", "site"}, nil)
	descSubState     = prometheus.NewDesc("sppcrawl_subscription_state", "1 for the state a push subscription is in (active, paused, failing).", []string{"subscription", "state"}, nil)
	descSubBehind    = prometheus.NewDesc("sppcrawl_subscription_events_behind", "Events not yet delivered to a subscription (at most 10000).", []string{"subscription"}, nil)
	descSubOldest    = prometheus.NewDesc("sppcrawl_subscription_oldest_undelivered_seconds", "Age of the oldest event not yet delivered to a subscription.", []string{"subscription"}, nil)
	descSubRequests  = prometheus.NewDesc("sppcrawl_subscription_requests_total", "Delivery requests to a subscription, by the status answered (error: none).", []string{"subscription", "status"}, nil)
)

func (c archiveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descArticles, descLastSeq, descChannel, descSite, descFailures, descLastCrawl, descLastDuration, descLastSuccess, descLastArticles, descHealth, descDrift, descWalk,
		descSubState, descSubBehind, descSubOldest, descSubRequests} {
		ch <- d
	}
}

func (c archiveCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := GatherStats(context.Background(), c.db, time.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descArticles, err)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descArticles, float64(st.Articles))
	gauge(descLastSeq, float64(st.LastSeq))
	siteOf := map[string]string{}
	for _, c := range st.Ledger {
		siteOf[c.Path] = c.Site
	}
	for _, cc := range st.Channels {
		gauge(descChannel, float64(cc.Articles), cc.Path, siteOf[cc.Path])
	}
	for _, sr := range st.Sites {
		gauge(descSite, float64(sr.Articles), sr.Site)
	}
	for _, c := range st.Ledger {
		collectChannel(gauge, c)
	}
	for _, sub := range st.Subscriptions {
		collectSubscription(ch, gauge, sub)
	}
	gauge(descFailures, float64(st.FailuresDue), "due")
	gauge(descFailures, float64(st.FailuresWait), "waiting")
	gauge(descFailures, float64(st.Gone), "gone")
	if st.LastRun != nil {
		collectRun(gauge, st.LastRun)
	}
}

// gaugeFunc sends one gauge's value with its labels.
type gaugeFunc func(d *prometheus.Desc, v float64, labels ...string)

// oneIf is 1 for true, 0 for false: a state as a gauge.
func oneIf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// collectChannel sends a ledger channel's health (one series per state,
// 1 for the one it is in), its drift and whether a walk is unfinished,
// each labelled with its site.
func collectChannel(gauge gaugeFunc, c ChannelReport) {
	if c.Health != "" {
		for _, h := range sppcrawl.Healths {
			gauge(descHealth, oneIf(h == c.Health), c.Path, string(h), c.Site)
		}
	}
	gauge(descDrift, float64(len(c.Drift)), c.Path, c.Site)
	gauge(descWalk, oneIf(c.Walk != ""), c.Path, c.Site)
}

// collectSubscription sends a subscription's state, backlog, oldest
// pending event's age and its delivery requests by status.
func collectSubscription(ch chan<- prometheus.Metric, gauge gaugeFunc, sub SubscriptionReport) {
	for _, state := range []sppcrawl.SubState{sppcrawl.SubActive, sppcrawl.SubPaused, sppcrawl.SubFailing} {
		gauge(descSubState, oneIf(string(state) == sub.State), sub.ID, string(state))
	}
	gauge(descSubBehind, float64(sub.Behind), sub.ID)
	age := 0.0
	if !sub.Oldest.IsZero() {
		age = time.Since(sub.Oldest).Seconds()
	}
	gauge(descSubOldest, age, sub.ID)
	for status, n := range sub.ByStatus {
		ch <- prometheus.MustNewConstMetric(descSubRequests, prometheus.CounterValue, float64(n), sub.ID, status)
	}
}

// collectRun sends the last crawl's time, duration, success and counts.
func collectRun(gauge gaugeFunc, run *sppcrawl.RunSummary) {
	gauge(descLastCrawl, float64(run.Finished.Unix()))
	gauge(descLastDuration, run.Finished.Sub(run.Started).Seconds())
	gauge(descLastSuccess, oneIf(run.Outcome == sppcrawl.RunOK))
	for _, kv := range []struct {
		k string
		v int
	}{{"created", run.Created}, {"updated", run.Updated}, {"unchanged", run.Unchanged}, {"aliased", run.Aliased}, {"failed", run.Failures}, {"gone", run.Gone}} {
		gauge(descLastArticles, float64(kv.v), kv.k)
	}
}
