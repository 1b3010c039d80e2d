package temporal

import (
	"context"
	"encoding/json"

	"github.com/daaskit/daas"
)

// Result is the result activity: it reads the result of a job that has
// ended, as JSON (a 303 to the affected resource followed; a paged result
// read to its last page as one {"Items": [...]} envelope). A job that has no
// result (a reboot cycle, a delete) gives an error: do not read one.
func (a *Activities) Result(ctx context.Context, jobID string) (json.RawMessage, error) {
	raw, err := daas.ResumeJob[json.RawMessage](a.client, jobID).Result(ctx)
	if err != nil {
		return nil, classify(err)
	}
	return raw, nil
}
