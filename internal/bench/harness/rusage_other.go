//go:build !unix

package harness

import "time"

// rusage is not available here: CPU per op is reported as 0.
func rusage() time.Duration { return 0 }
