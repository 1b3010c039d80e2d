package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daaskit/daas/internal/bench/harness"
)

// The repository's README has the figure markers the run writes between,
// once each and in order.
func TestREADMEHasFigureMarkers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := harness.SpliceFigures(string(b), "x\n"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "## Measured figures") {
		t.Fatal("README lacks its Measured figures section")
	}
}
