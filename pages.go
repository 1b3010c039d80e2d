package daas

import "fmt"

// pages runs a paged list: fetch reads the page cfg's token points to and
// returns its items and the next token. It stops at the last page, at a
// failed page (yielding its error once), at a repeated token, or when the
// loop breaks.
func pages[T any](cfg *listConfig, what string, fetch func() ([]T, string, error), yield func(T, error) bool) {
	var zero T
	seen := map[string]bool{}
	for {
		items, next, err := fetch()
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		if next == "" {
			return
		}
		if seen[next] {
			yield(zero, fmt.Errorf("daas: %s: the service repeated continuation token %q; stopping", what, truncate(next, 64)))
			return
		}
		seen[next] = true
		cfg.token = next
	}
}
