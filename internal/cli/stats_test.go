package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// statsRepo is dev → prod with known commit dates: prod starts at web
// 1.0, gets 1.1 four hours after dev did, is rolled back an hour later,
// and gets 1.2 two hours after dev did.
func statsRepo(t *testing.T, t0 time.Time) string {
	t.Helper()
	isolateGitEnv(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	kust := func(tag string) string { return "images:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\"\n" }
	at := func(h int, msg string, files map[string]string) string {
		date := t0.Add(time.Duration(h) * time.Hour).Format(time.RFC3339)
		t.Setenv("GIT_COMMITTER_DATE", date)
		t.Setenv("GIT_AUTHOR_DATE", date)
		return commitAll(t, dir, msg, files)
	}
	at(0, "initial", map[string]string{
		"promote.yaml":                 "environments:\n  - {name: dev, path: envs/dev}\n  - {name: prod, path: envs/prod, from: dev}\n",
		"envs/dev/kustomization.yaml":  kust("1.0"),
		"envs/prod/kustomization.yaml": kust("1.0"),
	})
	beforeBad := at(1, "ci: web 1.1 in dev", map[string]string{"envs/dev/kustomization.yaml": kust("1.1")})
	at(5, "promote(prod): web 1.1\n\nPromote-From: dev\nPromote-To: prod\n", map[string]string{"envs/prod/kustomization.yaml": kust("1.1")})
	at(6, "rollback(prod): web 1.1 → 1.0\n\nPromote-To: prod\nPromote-Rollback-To: "+beforeBad+"\n", map[string]string{"envs/prod/kustomization.yaml": kust("1.0")})
	at(10, "ci: web 1.2 in dev", map[string]string{"envs/dev/kustomization.yaml": kust("1.2")})
	at(12, "promote(prod): web 1.2\n\nPromote-From: dev\nPromote-To: prod\n", map[string]string{"envs/prod/kustomization.yaml": kust("1.2")})
	return dir
}

func TestHistoryStats(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	dir := statsRepo(t, t0)
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		f := &Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
			Now: func() time.Time { return t0.Add(24 * time.Hour) }}
		if code := Run(context.Background(), f, append([]string{"-C", dir, "history", "--env", "prod", "--stats"}, args...)); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		return stdout.String()
	}
	text := run()
	for _, want := range []string{
		"prod: delivery metrics, 2026-01-05 09:00 → 2026-01-06 09:00 UTC\n",
		"  deployment frequency:  4 deployments, 28.00 per week\n",
		"  lead time for changes: median 3h, p90 4h (2 values since dev)\n",
		"  change failure rate:   50% (1 rollback ÷ 2 promotions)\n",
		"  time to restore:       median 1h, p90 1h (1 rollback)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	var s struct {
		Deployments       int
		PerWeek           float64 `json:"deploymentsPerWeek"`
		ChangeFailureRate float64
		LeadTime          struct {
			Count                     int
			MedianSeconds, P90Seconds float64
		}
		TimeToRestore struct {
			Count                     int
			MedianSeconds, P90Seconds float64
		}
	}
	if err := json.Unmarshal([]byte(run("-o", "json")), &s); err != nil {
		t.Fatal(err)
	}
	if s.Deployments != 4 || s.PerWeek != 28 || s.ChangeFailureRate != 0.5 || s.LeadTime.MedianSeconds != 10800 || s.LeadTime.P90Seconds != 14400 || s.TimeToRestore.MedianSeconds != 3600 {
		t.Errorf("json %+v", s)
	}
	md := run("-o", "markdown", "--since", "14h")
	for _, want := range []string{
		"## Delivery metrics of prod\n\n2026-01-05 19:00 → 2026-01-06 09:00 UTC\n\n| metric | value |\n|---|---|\n",
		"| deployment frequency | 1 deployment, 12.00 per week |\n",
		"| lead time for changes | median 2h, p90 2h (1 value since dev) |\n",
		"| change failure rate | 0% (0 rollbacks ÷ 1 promotion) |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// testEpoch is when statsRepo's history starts.
var testEpoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func TestSinceNeedsStats(t *testing.T) {
	dir := statsRepo(t, testEpoch)
	code, _, stderr := runCLI(t, dir, false, nil, "history", "--env", "prod", "--since", "30d")
	if code != 1 || !strings.Contains(stderr, "--since 30d: only with --stats") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

// BenchmarkProvenance runs `history --stats` and `verify` on the
// generated history of BenchmarkHistory (200 apps, 5,000 commits, a prod
// promotion every 250th): stats walks the histories of prod and of dev
// (the first environment, changed by about three commits in four);
// verify walks prod's and reads each promotion's source. The generated
// promotions carry no Promote-Source-Commit, so verify names each one.
func BenchmarkProvenance(b *testing.B) {
	isolateGitEnv(b)
	dir := b.TempDir()
	if _, err := testrepo.InitHistory(dir, testrepo.HistoryOptions{Apps: 200, Commits: 5000, ProdEvery: 250, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, wantCode int, want string, args ...string) {
		var stdout, stderr strings.Builder
		f := &Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := Run(b.Context(), f, append([]string{"-C", dir}, args...)); code != wantCode || !strings.Contains(stdout.String(), want) {
			b.Fatalf("exit %d, want %d and %q:\n%s%s", code, wantCode, want, stdout.String(), stderr.String())
		}
	}
	b.Run("stats", func(b *testing.B) {
		for b.Loop() {
			run(b, 0, "lead time for changes", "history", "--env", "prod", "--stats")
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			run(b, 1, "without Promote-Source-Commit", "verify", "--env", "prod")
		}
	})
}
