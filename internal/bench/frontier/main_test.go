package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The picture is drawn from a small set of points: a well-formed SVG with
// every policy's label, and an error for a curve with no points.
func TestDraw(t *testing.T) {
	dir := t.TempDir()
	f := frontier{Command: "go run ./internal/bench -workload frontier", Date: "2026-12-05 22:00 UTC"}
	for _, c := range curves {
		f.Points = append(f.Points,
			point{Workload: "mix", Curve: c.name, Policy: "daas default", Daas: true, Jobs: 100, PollsPerJob: 11.4, MedianPct: 0.7},
			point{Workload: "mix", Curve: c.name, Policy: "Citrix SDK", Jobs: 100, PollsPerJob: 11.8, MedianPct: 13.7},
			point{Workload: "types", Curve: c.name, Policy: "daas with history", Daas: true, Jobs: 100, PollsPerJob: 13.5, MedianPct: 6.1},
		)
	}
	in, out := filepath.Join(dir, "f.json"), filepath.Join(dir, "f.svg")
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, out); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not XML: %v", err)
		}
	}
	for _, want := range []string{"<svg", "daas default", "Citrix SDK", "daas with history (job types)", "no progress", "progress in 25% steps"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}

	f.Points = f.Points[:3] // linear only
	b, _ = json.Marshal(f)
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, out); err == nil || !strings.Contains(err.Error(), `"steps"`) {
		t.Errorf("missing curve: err %v", err)
	}
}
