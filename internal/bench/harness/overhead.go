package harness

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// The clients the call-overhead workload compares.
const (
	OverheadSDK      = "daas SDK"
	OverheadBaseline = "net/http + encoding/json"
)

// ServerInMemory is the Server of the overhead rows whose clients call an
// in-memory http.RoundTripper instead of a server.
const ServerInMemory = "none (in-memory transport)"

// OverheadCatalogs is the page size of the call-overhead workload.
const OverheadCatalogs = 250

// plainCatalog is daas.MachineCatalog without its methods: the same fields,
// types and JSON tags, decoded by encoding/json alone (no lenient
// UnmarshalJSON). It is what a hand-written client would decode into.
type plainCatalog daas.MachineCatalog

type plainPage struct {
	Items             []plainCatalog `json:"Items"`
	ContinuationToken string         `json:"ContinuationToken,omitempty"`
}

// An OverheadFixture is a fake with 250 catalogs on loopback, a daas client
// for it, and what a hand-written net/http + encoding/json client needs.
// Canned is a second, trivial server that answers the fake's exact catalog
// page from memory, to measure the clients with almost no server work; and
// an in-memory http.RoundTripper answers the same page with no socket and
// no server at all, to measure the clients' own work alone.
type OverheadFixture struct {
	Fake   *daastest.Server
	Canned *httptest.Server

	sdk, sdkCanned, sdkMem *daas.Client
	hc, hcMem              *http.Client
	token                  string
	userAgent              string
	page                   []byte      // the fake's answer, as the canned server replays it
	header                 http.Header // the fake's answer's headers
}

// memBase is the API root the in-memory clients call. No request to it
// leaves the process (their transport answers from memory); it is a
// loopback address only because the SDK allows plain http for no other.
const memBase = "http://127.0.0.1:9/cvad/manage"

// memTransport answers GET /cvad/manage/MachineCatalogs with the captured
// page, from memory: what a client costs with the network and the server
// taken out.
type memTransport struct {
	page   []byte
	header http.Header
}

func (t *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if req.Method != http.MethodGet || req.URL.Path != "/cvad/manage/MachineCatalogs" {
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        t.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(t.page)),
		ContentLength: int64(len(t.page)),
		Request:       req,
	}, nil
}

func newTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // as the library's own transport
	return tr
}

// NewOverheadFixture starts the fake and the canned server.
func NewOverheadFixture() (*OverheadFixture, error) {
	f := &OverheadFixture{
		Fake:      daastest.NewServer(daastest.WithCatalogs(OverheadCatalogs), daastest.WithRequestLogLimit(0)),
		hc:        &http.Client{Transport: newTransport()},
		userAgent: "baseline-go/1.0",
	}
	f.token = f.Fake.IssueToken()
	f.sdk = f.Fake.Client(daas.WithBearerToken(f.token), daas.WithHTTPClient(&http.Client{Transport: newTransport()}))

	// Capture the fake's page once, then serve it from memory.
	body, hdr, err := f.fetch(context.Background(), f.Fake.URL)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.page = body
	f.header = http.Header{}
	for _, k := range []string{"Content-Type", "Citrix-TransactionId"} {
		if v, ok := hdr[k]; ok {
			f.header[k] = v
		}
	}
	f.Canned = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cvad/manage/MachineCatalogs" {
			http.NotFound(w, r)
			return
		}
		for k, v := range f.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}))
	c, err := daas.NewClient(f.Fake.CustomerID,
		daas.WithBearerToken(f.token),
		daas.WithBaseURL(f.Canned.URL+"/cvad/manage"),
		daas.WithSiteID(f.Fake.SiteID),
		daas.WithHTTPClient(&http.Client{Transport: newTransport()}),
	)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.sdkCanned = c
	mem := &memTransport{page: f.page, header: f.header}
	f.hcMem = &http.Client{Transport: mem}
	c, err = daas.NewClient(f.Fake.CustomerID,
		daas.WithBearerToken(f.token),
		daas.WithBaseURL(memBase),
		daas.WithSiteID(f.Fake.SiteID),
		daas.WithHTTPClient(&http.Client{Transport: mem}),
	)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.sdkMem = c
	return f, nil
}

// Close stops both servers.
func (f *OverheadFixture) Close() {
	f.hc.CloseIdleConnections()
	if f.Canned != nil {
		f.Canned.Close()
	}
	f.Fake.Close()
}

// ListSDK lists one page of catalogs through the SDK; canned picks the
// canned server instead of the fake.
func (f *OverheadFixture) ListSDK(ctx context.Context, canned bool) (int, error) {
	c := f.sdk
	if canned {
		c = f.sdkCanned
	}
	page, err := c.MachineCatalogs.List(ctx)
	if err != nil {
		return 0, err
	}
	return len(page.Items), nil
}

// ListBaseline lists one page of catalogs the hand-written way: net/http
// with the headers the SDK sends (a fresh transaction id each call), and
// encoding/json into a slice of plainCatalog.
func (f *OverheadFixture) ListBaseline(ctx context.Context, canned bool) (int, error) {
	base := f.Fake.URL
	if canned {
		base = f.Canned.URL + "/cvad/manage"
	}
	return f.listBaseline(ctx, f.hc, base)
}

func (f *OverheadFixture) listBaseline(ctx context.Context, hc *http.Client, base string) (int, error) {
	req, err := f.newRequest(ctx, base)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("baseline: status %d", resp.StatusCode)
	}
	var page plainPage
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return len(page.Items), nil
}

func (f *OverheadFixture) newRequest(ctx context.Context, base string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/MachineCatalogs", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "CWSAuth bearer="+f.token)
	req.Header.Set("Citrix-CustomerId", f.Fake.CustomerID)
	req.Header.Set("Citrix-InstanceId", f.Fake.SiteID)
	req.Header.Set("Citrix-TransactionId", newUUID())
	req.Header.Set("User-Agent", f.userAgent)
	return req, nil
}

// newUUID returns a random version 4 UUID, as the SDK's transaction ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ListSDKInMemory lists one page of catalogs through the SDK's public API
// (MachineCatalogs.List, decoding the page as List does) with an
// http.Client whose transport answers the captured page from memory: the
// SDK's own work per call, no socket, no server. canned is ignored.
func (f *OverheadFixture) ListSDKInMemory(ctx context.Context, _ bool) (int, error) {
	page, err := f.sdkMem.MachineCatalogs.List(ctx)
	if err != nil {
		return 0, err
	}
	return len(page.Items), nil
}

// ListBaselineInMemory is ListBaseline with an http.Client whose transport
// answers the captured page from memory. canned is ignored.
func (f *OverheadFixture) ListBaselineInMemory(ctx context.Context, _ bool) (int, error) {
	return f.listBaseline(ctx, f.hcMem, memBase)
}

// PageBytes is the size of the catalog page.
func (f *OverheadFixture) PageBytes() int { return len(f.page) }

// fetch does one baseline request and returns the raw body and headers.
func (f *OverheadFixture) fetch(ctx context.Context, base string) ([]byte, http.Header, error) {
	req, err := f.newRequest(ctx, base)
	if err != nil {
		return nil, nil, err
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("fake: status %d: %s", resp.StatusCode, body)
	}
	return body, resp.Header, nil
}

// Bench runs f in a benchmark loop: b.N list calls, each checked.
func Bench(b *testing.B, list func(context.Context, bool) (int, error), canned bool) {
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		n, err := list(ctx, canned)
		if err != nil {
			b.Fatal(err)
		}
		if n != OverheadCatalogs {
			b.Fatalf("listed %d catalogs, want %d", n, OverheadCatalogs)
		}
	}
}

// OverheadRow is one measured client against one server.
type OverheadRow struct {
	Client   string // "daas SDK" or "net/http + encoding/json"
	Server   string // "fake", "canned" or ServerInMemory
	NsPerOp  float64
	CPUPerOp float64 // process CPU (user + system) ns per op: client, server and GC
	BPerOp   float64
	Allocs   float64
	N        int
	// CPURuns is CPUPerOp of each run, in order: run i of the SDK and of
	// the baseline against the same server came one after the other.
	CPURuns []float64
}

// RunOverhead measures the SDK and the baseline against the fake, the
// canned server and the in-memory transport, with testing.Benchmark, count
// times each, alternating. It keeps the fastest time of each (other load on
// the machine only ever adds time) and the median of the memory figures. It
// returns the size of the page too.
func RunOverhead(count int) ([]OverheadRow, int, error) {
	f, err := NewOverheadFixture()
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	type cfg struct {
		client, server string
		list           func(context.Context, bool) (int, error)
		canned         bool
	}
	cfgs := []cfg{
		{OverheadSDK, "fake", f.ListSDK, false},
		{OverheadBaseline, "fake", f.ListBaseline, false},
		{OverheadSDK, "canned", f.ListSDK, true},
		{OverheadBaseline, "canned", f.ListBaseline, true},
		{OverheadSDK, ServerInMemory, f.ListSDKInMemory, false},
		{OverheadBaseline, ServerInMemory, f.ListBaselineInMemory, false},
	}
	samples := make([][]OverheadRow, len(cfgs))
	for range max(count, 1) {
		for i, c := range cfgs {
			var cpu time.Duration
			var failed error
			r := testing.Benchmark(func(b *testing.B) {
				ru0 := rusage()
				Bench(b, c.list, c.canned)
				cpu = rusage() - ru0
				if b.Failed() {
					failed = errors.New("benchmark failed")
				}
			})
			if failed != nil || r.N == 0 {
				return nil, 0, fmt.Errorf("overhead: %s against the %s: benchmark failed", c.client, c.server)
			}
			samples[i] = append(samples[i], OverheadRow{
				Client: c.client, Server: c.server, N: r.N,
				NsPerOp:  float64(r.T.Nanoseconds()) / float64(r.N),
				CPUPerOp: float64(cpu.Nanoseconds()) / float64(r.N),
				BPerOp:   float64(r.MemBytes) / float64(r.N),
				Allocs:   float64(r.MemAllocs) / float64(r.N),
			})
		}
	}
	rows := make([]OverheadRow, len(cfgs))
	for i, s := range samples {
		rows[i] = s[0]
		rows[i].NsPerOp = minOf(s, func(r OverheadRow) float64 { return r.NsPerOp })
		rows[i].CPUPerOp = minOf(s, func(r OverheadRow) float64 { return r.CPUPerOp })
		rows[i].BPerOp = medianOf(s, func(r OverheadRow) float64 { return r.BPerOp })
		rows[i].Allocs = medianOf(s, func(r OverheadRow) float64 { return r.Allocs })
		rows[i].CPURuns = nil
		for _, x := range s {
			rows[i].CPURuns = append(rows[i].CPURuns, x.CPUPerOp)
		}
	}
	return rows, f.PageBytes(), nil
}

func medianOf(rows []OverheadRow, f func(OverheadRow) float64) float64 {
	xs := make([]float64, len(rows))
	for i, r := range rows {
		xs[i] = f(r)
	}
	return Median(xs)
}

func minOf(rows []OverheadRow, f func(OverheadRow) float64) float64 {
	m := math.Inf(1)
	for _, r := range rows {
		m = min(m, f(r))
	}
	return m
}
