package sppcrawl

import (
	"errors"
	"fmt"
)

// Skipped is the error of a read that went on past records that do not
// decode (ErrUndecodable): it did everything else. A caller that can serve
// what was read says so (Partial) instead of failing.
type Skipped struct {
	Records []SkippedRecord
	Err     error // what ended the read otherwise (nil: it read to its end)
}

// SkippedRecord is a record a read left out, and why.
type SkippedRecord struct {
	Key string `json:"key"` // "seq 12", "article spp-733868"
	Why string `json:"why"`
}

func (s *Skipped) Error() string {
	msg := fmt.Sprintf("%d records skipped, the first %s: %s", len(s.Records), s.Records[0].Key, s.Records[0].Why)
	if len(s.Records) == 1 {
		msg = fmt.Sprintf("1 record skipped: %s: %s", s.Records[0].Key, s.Records[0].Why)
	}
	if s.Err != nil {
		msg += "; then: " + s.Err.Error()
	}
	return msg
}

func (s *Skipped) Unwrap() []error {
	if s.Err != nil {
		return []error{ErrUndecodable, s.Err}
	}
	return []error{ErrUndecodable}
}

// Keys lists the keys of the records skipped.
func (s *Skipped) Keys() []string {
	out := make([]string, len(s.Records))
	for i, r := range s.Records {
		out[i] = r.Key
	}
	return out
}

// Partial separates what a read skipped from a failure: a *Skipped error
// gives its records and a nil error; any other error is returned as it is.
func Partial(err error) ([]SkippedRecord, error) {
	var s *Skipped
	if errors.As(err, &s) {
		return s.Records, s.Err
	}
	return nil, err
}
