package daas

// SetMaxBody lowers the cap on success bodies of c, so that a test can prove
// the cap without reading 256 MiB.
func SetMaxBody(c *Client, n int64) { c.maxBody = n }

// MaxBody is the cap on success bodies of c.
func MaxBody(c *Client) int64 { return c.maxBody }
