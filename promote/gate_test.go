package promote

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRecurringFreeze(t *testing.T) {
	cfg := mustConfig(t, `environments:
  - name: prod
    path: p
    freeze:
      - {cron: "0 18 * * FRI", duration: 62h, reason: weekend, timezone: Europe/Berlin}
`)
	f := cfg.Environments[0].Freeze[0]
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		at     time.Time
		frozen bool
		start  string
	}{
		// Friday 27 Nov 2026, 17:59 in Berlin (CET, UTC+1): not yet.
		{time.Date(2026, 11, 27, 17, 59, 0, 0, berlin), false, ""},
		{time.Date(2026, 11, 27, 18, 0, 0, 0, berlin), true, "2026-11-27 17:00 UTC"},
		{time.Date(2026, 11, 29, 12, 0, 0, 0, berlin), true, "2026-11-27 17:00 UTC"},
		// 62h after Friday 18:00 is Monday 08:00: open again.
		{time.Date(2026, 11, 30, 7, 59, 0, 0, berlin), true, "2026-11-27 17:00 UTC"},
		{time.Date(2026, 11, 30, 8, 0, 0, 0, berlin), false, ""},
		{time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC), false, ""},
		// Summer time (UTC+2): 18:00 Berlin is 16:00 UTC.
		{time.Date(2026, 7, 3, 16, 0, 0, 0, time.UTC), true, "2026-07-03 16:00 UTC"},
		{time.Date(2026, 7, 3, 15, 59, 0, 0, time.UTC), false, ""},
	}
	for _, c := range cases {
		from, _, ok := f.Window(c.at)
		if ok != c.frozen || (ok && FormatTime(from) != c.start) {
			t.Errorf("at %s: frozen %v from %s, want %v from %s", c.at, ok, FormatTime(from), c.frozen, c.start)
		}
	}
}

func TestRecurringFreezeConfigErrors(t *testing.T) {
	cases := map[string]string{
		`{cron: "0 18 * * FRI"}`:                                                   `duration: missing`,
		`{cron: "0 18 * FRI", duration: 1h}`:                                       `cron: "0 18 * FRI": expected exactly 5 fields`,
		`{cron: "0 18 * * FRI", duration: soon}`:                                   `duration: "soon": expected a positive duration`,
		`{cron: "0 18 * * FRI", duration: 1h, timezone: Mars/Olympus}`:             `timezone: "Mars/Olympus": expected an IANA time zone`,
		`{cron: "0 18 * * FRI", duration: 1h, from: "2026-12-20T00:00:00Z"}`:       `either from: and to: (fixed) or cron: and duration:`,
		`{from: "2026-12-20T00:00:00Z", to: "2026-12-21T00:00:00Z", duration: 1h}`: `duration: and timezone: go with cron:`,
		`{cron: "CRON_TZ=UTC 0 18 * * FRI", duration: 1h}`:                         `set the zone with timezone:`,
	}
	for entry, want := range cases {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n  - name: prod\n    path: p\n    freeze:\n      - "+entry+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), `promote.yaml:5: environment "prod": freeze[0]: `) {
			t.Errorf("%s:\n got %v\nwant promote.yaml:5: ...%s", entry, err, want)
		}
	}
}

func TestGateConfigErrors(t *testing.T) {
	cases := map[string]string{
		"requireSoak: soon":             `environment "prod": requireSoak: "soon": expected a positive duration such as 24h, 90m or 2d`,
		"requireSoak: -1h":              `requireSoak: "-1h": expected a positive duration`,
		"requireChecks: [smoke, smoke]": `requireChecks: "smoke" is listed twice`,
		`requireChecks: [""]`:           `requireChecks: entry 1 is empty`,
	}
	for line, want := range cases {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n  - {name: staging, path: s}\n  - name: prod\n    path: p\n    from: staging\n    "+line+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "promote.yaml:3: ") {
			t.Errorf("%s:\n got %v\nwant promote.yaml:3: ...%s", line, err, want)
		}
	}
	_, err := ParseConfig("promote.yaml", []byte("environments:\n  - {name: prod, path: p, requireSoak: 24h}\n"))
	if err == nil || !strings.Contains(err.Error(), "but it has no from:") {
		t.Errorf("soak without a source: %v", err)
	}
	cfg := mustConfig(t, "environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging, requireSoak: 2d}\n")
	if got := cfg.Environments[1].Soak(); got != 48*time.Hour {
		t.Errorf("requireSoak 2d = %s", got)
	}
}

const gateConfig = `environments:
  - {name: dev, path: envs/dev}
  - {name: staging, path: envs/staging, from: dev}
  - name: prod
    path: envs/prod
    from: staging
    requireSoak: 24h
    requireChecks: [smoke, argocd/staging]
`

func stagingEntry(commit string, date time.Time, old, tag string) HistoryEntry {
	return HistoryEntry{Commit: commit, Date: date, Changes: []Change{{File: "envs/staging/kustomization.yaml", Kind: KindImage, Name: "web", Old: old, New: tag}}}
}

func gateByName(t *testing.T, gates []Gate, name string) Gate {
	t.Helper()
	for _, g := range gates {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no %s gate in %+v", name, gates)
	return Gate{}
}

func TestSoakGate(t *testing.T) {
	cfg := mustConfig(t, gateConfig)
	trees := pipelineTree("1.5.0", "1.4.2", "1.4.1")
	plan := mustPlan(t, cfg, Request{To: "prod"}, trees)
	arrived := time.Date(2026, 11, 30, 14, 5, 0, 0, time.UTC)
	history := []HistoryEntry{
		{Commit: "c3", Date: arrived.Add(time.Hour), Changes: []Change{{Kind: KindImage, Name: "api", New: "2.0.0"}}},
		stagingEntry("c2", arrived, "1.4.1", "1.4.2"),
		stagingEntry("c1", arrived.Add(-72*time.Hour), "", "1.4.1"),
	}
	cases := []struct {
		name    string
		in      GateInput
		state   GateState
		detail  string
		readyAt string
	}{
		{"3h in", GateInput{Now: arrived.Add(3 * time.Hour), SourceHistory: history}, GateWaiting,
			"still soaking in staging (24h required): web 1.4.2: 3h of 24h in staging, ready 2026-12-01 14:05 UTC", "2026-12-01 14:05 UTC"},
		{"soaked", GateInput{Now: arrived.Add(24 * time.Hour), SourceHistory: history}, GatePassed,
			"every value has run in staging for 24h or more", ""},
		{"older than the history", GateInput{Now: arrived, SourceHistory: history[:1]}, GatePassed,
			"every value has run in staging for 24h or more", ""},
		{"not committed", GateInput{Now: arrived, SourceHistory: []HistoryEntry{stagingEntry("c9", arrived, "1.4.2", "1.4.3")}}, GateWaiting,
			"web 1.4.2: 0m of 24h in staging, ready 2026-12-01 14:05 UTC", ""},
		{"history unreadable", GateInput{Now: arrived, HistoryErr: errors.New("no commits")}, GateBlocked,
			"soak time of staging cannot be measured: no commits", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Checks = []CommitChecks{{Commit: "c2", Checks: map[string]CheckState{"smoke": CheckSuccess, "argocd/staging": CheckSuccess}}}
			gates, err := EvaluateGates(cfg, plan, trees, c.in)
			if err != nil {
				t.Fatal(err)
			}
			g := gateByName(t, gates, GateSoak)
			if g.State != c.state || !strings.Contains(g.Detail, c.detail) {
				t.Errorf("got %s %q, want %s %q", g.State, g.Detail, c.state, c.detail)
			}
			if c.readyAt != "" && (g.ReadyAt == nil || FormatTime(*g.ReadyAt) != c.readyAt) {
				t.Errorf("readyAt %v, want %s", g.ReadyAt, c.readyAt)
			}
		})
	}
}

func TestChecksGate(t *testing.T) {
	cfg := mustConfig(t, gateConfig)
	trees := pipelineTree("1.5.0", "1.4.2", "1.4.1")
	plan := mustPlan(t, cfg, Request{To: "prod"}, trees)
	checks := func(cs ...map[string]CheckState) []CommitChecks {
		var out []CommitChecks
		for i, c := range cs {
			out = append(out, CommitChecks{Commit: strings.Repeat(string(rune('a'+i)), 40), Checks: c})
		}
		return out
	}
	ok, pending, failed := CheckSuccess, CheckPending, CheckFailure
	cases := []struct {
		name   string
		in     []CommitChecks
		err    error
		state  GateState
		detail string
	}{
		{"both passed", checks(map[string]CheckState{"smoke": ok, "argocd/staging": ok}), nil, GatePassed, "smoke, argocd/staging passed on staging"},
		{"passed on a later commit", checks(map[string]CheckState{"smoke": failed}, map[string]CheckState{"smoke": ok, "argocd/staging": ok}), nil, GatePassed, ""},
		{"failing", checks(map[string]CheckState{"smoke": failed, "argocd/staging": ok}), nil, GateBlocked, "checks of staging: smoke failed on aaaaaaaaaaaa"},
		{"pending", checks(map[string]CheckState{"smoke": ok}, map[string]CheckState{"argocd/staging": pending}), nil, GateWaiting, "argocd/staging is pending on bbbbbbbbbbbb"},
		{"missing", checks(map[string]CheckState{"smoke": ok}), nil, GateWaiting, "argocd/staging has not reported on aaaaaaaaaaaa or a later commit"},
		{"failing beats pending", checks(map[string]CheckState{"smoke": failed, "argocd/staging": pending}), nil, GateBlocked, "smoke failed on aaaaaaaaaaaa; argocd/staging is pending on aaaaaaaaaaaa"},
		{"unreadable", nil, errors.New("the local forge reports no checks"), GateWaiting, "checks of staging cannot be read: the local forge reports no checks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := GateInput{Now: time.Now(), Checks: c.in, ChecksErr: c.err}
			gates, err := EvaluateGates(cfg, plan, trees, in)
			if err != nil {
				t.Fatal(err)
			}
			g := gateByName(t, gates, GateChecks)
			if g.State != c.state || !strings.Contains(g.Detail, c.detail) {
				t.Errorf("got %s %q, want %s %q", g.State, g.Detail, c.state, c.detail)
			}
		})
	}
}

func TestStopGate(t *testing.T) {
	cfg := mustConfig(t, policyConfig)
	trees := pipelineTree("1.5.0", "1.4.2", "1.4.2")
	plan := mustPlan(t, cfg, Request{To: "staging"}, trees)
	cases := map[string]struct {
		files  fstest.MapFS
		detail string
	}{
		"none":    {fstest.MapFS{}, ""},
		"env":     {fstest.MapFS{".promote/freeze/staging": {Data: []byte("INC-42: database failover\nmore\n")}}, "staging is stopped by .promote/freeze/staging on the base branch: INC-42: database failover"},
		"all":     {fstest.MapFS{".promote/freeze/all": {Data: []byte("\x1b[31mall hands\n")}}, "staging is stopped by .promote/freeze/all on the base branch: [31mall hands"},
		"other":   {fstest.MapFS{".promote/freeze/prod": {Data: []byte("x")}}, ""},
		"no text": {fstest.MapFS{".promote/freeze/staging": {Data: nil}}, "staging is stopped by .promote/freeze/staging on the base branch"},
	}
	for name, c := range cases {
		gates, err := EvaluateGates(cfg, plan, trees, GateInput{Now: time.Now(), Base: c.files})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, g := range gates {
			if g.Name == GateStop {
				got = g.Detail
				if g.State != GateBlocked {
					t.Errorf("%s: stop gate %s", name, g.State)
				}
			}
		}
		if got != c.detail {
			t.Errorf("%s: got %q, want %q", name, got, c.detail)
		}
	}
}

func TestPolicyErrorWaiting(t *testing.T) {
	cfg := mustConfig(t, gateConfig)
	trees := pipelineTree("1.5.0", "1.4.2", "1.4.1")
	plan := mustPlan(t, cfg, Request{To: "prod"}, trees)
	now := time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC)
	in := GateInput{Now: now, SourceHistory: []HistoryEntry{stagingEntry("c2", now.Add(-3*time.Hour), "1.4.1", "1.4.2")},
		Checks: []CommitChecks{{Commit: "c2", Checks: map[string]CheckState{"smoke": CheckPending}}}}
	err := EnforcePolicy(cfg, plan, trees, in, "")
	var pe *PolicyError
	if !errors.As(err, &pe) || !pe.Waiting() {
		t.Fatalf("got %v, want a PolicyError for gates that wait", err)
	}
	want := "promotion staging → prod refused by pipeline policy: still soaking in staging (24h required): web 1.4.2: 3h of 24h in staging, ready 2026-12-01 14:05 UTC; checks of staging: smoke is pending on c2; argocd/staging has not reported on c2 or a later commit"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	if err := EnforcePolicy(cfg, plan, trees, in, "INC-7 rollout"); err != nil || plan.Forced == nil || rules(plan.Forced.Overrides) != "soak,checks" {
		t.Errorf("forcing: %v, %+v", err, plan.Forced)
	}
}

func mustPlan(t *testing.T, cfg *Config, req Request, trees Trees) *Plan {
	t.Helper()
	p, err := NewPlan(cfg, req, trees)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
