package timeseries

import (
	"encoding/json"
	"fmt"
	"time"
)

// Kind is a metric's type, as Prometheus names them. The store keeps one
// float per point whatever the kind; the kind tells readers how to read
// it (a counter only grows, a histogram or summary is written as its
// component series, e.g. with a "le" or "quantile" tag).
type Kind string

// The metric kinds of the user guide.
const (
	Counter   Kind = "counter"
	Gauge     Kind = "gauge"
	Histogram Kind = "histogram"
	Summary   Kind = "summary"
)

func (k Kind) valid() bool {
	return k == Counter || k == Gauge || k == Histogram || k == Summary
}

// Metric describes a registered metric.
type Metric struct {
	Name        string        `json:"name"`
	Kind        Kind          `json:"metric_type"`
	Description string        `json:"description"`
	Unit        string        `json:"unit"`
	Retention   time.Duration `json:"retention_ns,omitempty"` // 0: keep forever
	CreatedAt   time.Time     `json:"created_at"`
}

// Limits on names, so keys stay short and printable.
const (
	MaxNameLen = 200
	MaxTagLen  = 1 << 10
	MaxTags    = 64
)

// validName accepts Prometheus-style names: [a-zA-Z_:][a-zA-Z0-9_:.-]*.
func validName(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func (m Metric) validate() error {
	if !validName(m.Name) {
		return invalid("metric name %q: want [a-zA-Z_:][a-zA-Z0-9_:.-]* of at most %d bytes", m.Name, MaxNameLen)
	}
	if !m.Kind.valid() {
		return invalid("metric %q: type %q: want counter, gauge, histogram or summary", m.Name, m.Kind)
	}
	if len(m.Description) > MaxTagLen || len(m.Unit) > MaxNameLen {
		return invalid("metric %q: description or unit too long", m.Name)
	}
	if m.Retention < 0 {
		return invalid("metric %q: negative retention", m.Name)
	}
	return nil
}

func validateTags(t Tags) error {
	if len(t) > MaxTags {
		return invalid("%d tags, at most %d", len(t), MaxTags)
	}
	for k, v := range t {
		if !validName(k) {
			return invalid("tag name %q: want [a-zA-Z_:][a-zA-Z0-9_:.-]*", k)
		}
		if len(v) > MaxTagLen {
			return invalid("tag %q: value of %d bytes, at most %d", k, len(v), MaxTagLen)
		}
	}
	return nil
}

func decodeMetric(key, b []byte) (Metric, error) {
	var m Metric
	if err := json.Unmarshal(b, &m); err != nil {
		return Metric{}, &CorruptionError{Key: key, Reason: "metric record", Err: err}
	}
	return m, nil
}

// String prints the metric as name{type, unit}.
func (m Metric) String() string { return fmt.Sprintf("%s{%s, %q}", m.Name, m.Kind, m.Unit) }
