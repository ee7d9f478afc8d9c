package forgetest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/retry"
)

// CommitStatus is a commit status (GitHub: context and state; GitLab:
// name and status) on a fake forge.
type CommitStatus struct {
	Name, State string
	// AllowFailure is GitLab's allow_failure of a job.
	AllowFailure bool
}

// setStatus replaces the status of s's name in list, or appends s.
func setStatus(list []CommitStatus, s CommitStatus) []CommitStatus {
	for i := range list {
		if list[i].Name == s.Name {
			list[i] = s
			return list
		}
	}
	return append(list, s)
}

// CheckRun is a check run on the fake GitHub.
type CheckRun struct {
	Name, Status, Conclusion string
}

// page cuts items to the page the request asks for (page, per_page:
// default 30, at most 100, as both forges have it) and returns the next
// page's number, 0 on the last.
func page[T any](r *http.Request, items []T) ([]T, int) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per < 1 {
		per = 30
	}
	per = min(per, 100)
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	start := min((n-1)*per, len(items))
	end := min(start+per, len(items))
	next := 0
	if end < len(items) {
		next = n + 1
	}
	return items[start:end], next
}

// linkNext sets GitHub's Link header for the next page, when there is one.
func linkNext(w http.ResponseWriter, r *http.Request, next int) {
	if next == 0 {
		return
	}
	u := *r.URL
	q := u.Query()
	q.Set("page", strconv.Itoa(next))
	u.RawQuery = q.Encode()
	w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, u.String()))
}

// gitLabPages sets GitLab's pagination headers.
func gitLabPages(w http.ResponseWriter, r *http.Request, next, total int) {
	q := r.URL.Query()
	w.Header().Set("X-Page", firstNonEmpty(q.Get("page"), "1"))
	w.Header().Set("X-Per-Page", firstNonEmpty(q.Get("per_page"), "20"))
	w.Header().Set("X-Total", strconv.Itoa(total))
	if next > 0 {
		w.Header().Set("X-Next-Page", strconv.Itoa(next))
	} else {
		w.Header().Set("X-Next-Page", "")
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unescape decodes a path segment taken from a route's match.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// CheckReader opens the forge of the clone in dir (connect.Open with
// getenv, retries without waiting) as a forge.CheckReader, failing t when
// it reads no checks.
func CheckReader(t testing.TB, dir string, getenv func(string) string, stderr io.Writer) forge.CheckReader {
	t.Helper()
	_, repo := Workspace(t, dir)
	fg, err := connect.Open(repo, connect.Options{Forge: "auto", Getenv: getenv, Stderr: stderr,
		Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	cr, ok := connect.Checks(fg)
	if !ok {
		t.Fatalf("the %s forge does not read checks", fg.Name())
	}
	return cr
}

// ExpectChecks reads the checks of commit and fails t unless they are
// want (name → state), and unless a commit nobody reported on has none.
func ExpectChecks(t testing.TB, cr forge.CheckReader, commit string, want map[string]forge.CheckState) {
	t.Helper()
	checks, err := cr.Checks(context.Background(), commit)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]forge.CheckState{}
	for _, c := range checks {
		got[c.Name] = c.State
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("checks of %s\n got %v\nwant %v", commit, got, want)
	}
	none, err := cr.Checks(context.Background(), "0000000000000000000000000000000000000000")
	if err != nil || len(none) != 0 {
		t.Errorf("a commit without checks: %v %v", none, err)
	}
}
