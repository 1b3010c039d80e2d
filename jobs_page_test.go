package daas

import (
	"fmt"
	"net/http"
	"testing"

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
