package publish

import (
	"context"
	"fmt"
	"time"

	"sppcrawl"
)

// MaxBehind bounds the count of events a subscription is behind: a gauge
// of a subscription far behind stays cheap ("10000+").
const MaxBehind = 10000

// SubscriptionReport is a subscription's state for stats, /metrics and
// /healthz: how far behind it is, since when the oldest undelivered event
// waits, what its receiver answered.
type SubscriptionReport struct {
	ID          string           `json:"id"`
	Kind        sppcrawl.SubKind `json:"kind"`
	URL         string           `json:"url"`
	State       string           `json:"state"`
	Cursor      uint64           `json:"cursor"` // the last seq acknowledged or passed over
	Behind      int              `json:"behind"` // events not delivered yet (at most MaxBehind)
	Oldest      time.Time        `json:"oldest_undelivered,omitzero"`
	Delivered   int              `json:"delivered"`
	ByStatus    map[string]int   `json:"by_status,omitempty"`
	LastError   string           `json:"last_error,omitempty"`
	NextAttempt time.Time        `json:"next_attempt,omitzero"`
}

// SubscriptionReports is every subscription's state with the events it is
// behind (`sppcrawl subscriptions list`).
func SubscriptionReports(ctx context.Context, db SubscriptionReader) ([]SubscriptionReport, error) {
	r, _, err := subscriptionReports(ctx, db, true)
	return r, err
}

// subscriptionReports reads every subscription's state, and the warning of
// each that is failing; with counts, how many events each is behind (a
// read of its part of the event log: stats and /metrics, not /healthz).
func subscriptionReports(ctx context.Context, db SubscriptionReader, counts bool) ([]SubscriptionReport, []string, error) {
	subs, err := db.Subscriptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []SubscriptionReport
	var warnings []string
	for _, s := range subs {
		var evs []sppcrawl.Event
		if counts {
			if evs, err = db.Events(ctx, s.Cursor, MaxBehind); err != nil {
				return nil, nil, err
			}
		}
		r := SubscriptionReport{ID: s.ID, Kind: s.Kind, URL: s.URL, State: string(s.State), Cursor: s.Cursor, Behind: len(evs),
			Delivered: s.Delivered, ByStatus: s.ByStatus, LastError: s.LastError, NextAttempt: s.NextAttempt}
		if len(evs) > 0 {
			r.Oldest = evs[0].At
		}
		out = append(out, r)
		if s.State == sppcrawl.SubFailing {
			warnings = append(warnings, fmt.Sprintf("subscription %s (%s) is failing: %s (sppcrawl subscriptions resume %s delivers what waits)",
				s.ID, s.URL, s.LastError, s.ID))
		}
	}
	return out, warnings, nil
}
