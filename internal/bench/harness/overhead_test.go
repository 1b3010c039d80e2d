package harness

import (
	"sync"
	"testing"
)

// The call-overhead benchmarks: go test -bench . -benchmem ./internal/bench/...
// ListSDK and ListBaseline hit the daastest fake over loopback; the Canned
// pair hits a server that answers the fake's page from memory, so that the
// figures are mostly the clients' own; the InMemory pair makes the same
// calls through an http.RoundTripper that answers that page from memory, no
// socket and no server.

var (
	fixtureOnce sync.Once
	fixture     *OverheadFixture
	fixtureErr  error
)

func overheadFixture(b *testing.B) *OverheadFixture {
	b.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = NewOverheadFixture() })
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixture
}

func BenchmarkListSDK(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListSDK, false)
}

func BenchmarkListBaseline(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListBaseline, false)
}

func BenchmarkListSDKCanned(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListSDK, true)
}

func BenchmarkListBaselineCanned(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListBaseline, true)
}

func BenchmarkListSDKInMemory(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListSDKInMemory, false)
}

func BenchmarkListBaselineInMemory(b *testing.B) {
	f := overheadFixture(b)
	Bench(b, f.ListBaselineInMemory, false)
}
