package daas

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Jobs.List reads one page, as every List does, and takes its token back
// with ContinuationToken; All reads every page; an option GET /Jobs does
// not take is refused before sending.
func TestJobsListIsAPage(t *testing.T) {
	var tokens []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("continuationToken")
		tokens = append(tokens, tok)
		next := map[string]string{"": `"B"`, "B": "null"}[tok]
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"Items":[{"Id":"j-%s","Status":"Complete"}],"ContinuationToken":%s}`, tok, next)
	})
	c := newTestClient(t, h.ServeHTTP, withoutRetries())
	p, err := c.Jobs.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "B", p.ContinuationToken)
	require.Len(t, p.Items, 1)
	assert.Equal(t, JobStatusComplete, p.Items[0].Status)
	p, err = c.Jobs.List(t.Context(), ContinuationToken(p.ContinuationToken))
	require.NoError(t, err)
	assert.Equal(t, "", p.ContinuationToken)
	assert.Equal(t, "j-B", p.Items[0].ID)
	var ids []string
	for j, err := range c.Jobs.All(t.Context()) {
		require.NoError(t, err)
		ids = append(ids, j.ID)
	}
	assert.Equal(t, []string{"j-", "j-B"}, ids)
	assert.Equal(t, []string{"", "B", "", "B"}, tokens)

	_, err = c.Jobs.List(t.Context(), PageSize(5))
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "Jobs.List", ie.Op)
	assert.Len(t, tokens, 4, "nothing sent")
}

// A page of the job list is read into one buffer of its announced length:
// one allocation, not the doubling of a growing one. A body longer or
// shorter than announced, or of no announced length, reads all the same,
// up to the limit.
func TestReadBodySizedFromItsLength(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 100_000)
	var got []byte
	rd := bytes.NewReader(nil)
	allocs := testing.AllocsPerRun(10, func() {
		var err error
		rd.Reset(body)
		got, err = readBody(rd, int64(len(body)), 1<<20)
		require.NoError(t, err)
	})
	assert.Equal(t, 1.0, allocs)
	assert.Equal(t, body, got)
	assert.Equal(t, len(body)+1, cap(got))

	for _, size := range []int64{-1, 0, 10, 99_999, 100_001, 1 << 20} {
		got, err := readBody(bytes.NewReader(body), size, 1<<20)
		require.NoError(t, err)
		assert.Equal(t, body, got, "announced %d", size)
	}
	// The limit holds whatever the announced length.
	for _, size := range []int64{-1, 10, 50_000, 100_000} {
		got, err := readBody(bytes.NewReader(body), size, 50_000)
		require.NoError(t, err)
		assert.Len(t, got, 50_000, "announced %d", size)
	}
	// A failed read is reported.
	_, err := readBody(io.MultiReader(bytes.NewReader(body[:10]), iotest.ErrReader(io.ErrUnexpectedEOF)), 100, 1<<20)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
