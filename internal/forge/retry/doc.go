// Package retry retries calls to a forge that fail for reasons that pass:
// 5xx responses, connection resets, 429 and GitHub's secondary rate limit.
// It honours Retry-After and X-RateLimit-Reset, backs off exponentially
// otherwise, and never waits past the context's deadline (the run's
// --timeout).
package retry
