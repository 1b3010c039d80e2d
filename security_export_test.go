package daas

// SetMaxBodyForTest lowers the cap on success bodies for the duration of a
// (non-parallel) test, so that a test can prove the cap without reading
// 256 MiB; it returns the function that restores the cap.
func SetMaxBodyForTest(n int64) (restore func()) {
	old := maxBody
	maxBody = n
	return func() { maxBody = old }
}

// MaxBody is the cap on success bodies.
func MaxBody() int64 { return maxBody }
