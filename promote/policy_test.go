package promote

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const policyConfig = `environments:
  - {name: dev, path: envs/dev}
  - {name: staging, path: envs/staging, from: dev}
  - name: prod
    path: envs/prod
    from: staging
    requireSourceClean: true
    freeze:
      - from: "2026-12-20T00:00:00Z"
        to: "2027-01-05T00:00:00Z"
        reason: holidays
`

func kust(tag string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("images:\n- name: web\n  newTag: \"" + tag + "\"\n")}
}

// pipelineTree sets the tag of image web in dev, staging and prod.
func pipelineTree(dev, staging, prod string) Trees {
	fsys := fstest.MapFS{
		"envs/dev/kustomization.yaml":     kust(dev),
		"envs/staging/kustomization.yaml": kust(staging),
		"envs/prod/kustomization.yaml":    kust(prod),
	}
	return Trees{Source: fsys, Target: fsys}
}

func rules(vs []Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return strings.Join(out, ",")
}

var (
	beforeFreeze = time.Date(2026, 12, 19, 23, 59, 59, 0, time.UTC)
	inFreeze     = time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	freezeEnd    = time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
)

func TestCheckPolicy(t *testing.T) {
	cfg := mustConfig(t, policyConfig)
	cases := []struct {
		name     string
		from, to string
		trees    Trees
		now      time.Time
		want     string
	}{
		{"configured edge, clean source", "", "prod", pipelineTree("2", "2", "1"), beforeFreeze, ""},
		{"source not clean", "", "prod", pipelineTree("3", "2", "1"), beforeFreeze, RuleSourceClean},
		{"frozen (window start is inclusive)", "", "prod", pipelineTree("2", "2", "1"), inFreeze, RuleFreeze},
		{"window end is exclusive", "", "prod", pipelineTree("2", "2", "1"), freezeEnd, ""},
		{"no edge dev → prod, frozen", "dev", "prod", pipelineTree("3", "2", "1"), inFreeze, RuleEdge + "," + RuleFreeze},
		{"staging has no rules", "", "staging", pipelineTree("3", "2", "1"), inFreeze, ""},
		{"nothing to promote: only the edge counts", "dev", "prod", pipelineTree("1", "1", "1"), inFreeze, RuleEdge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, err := NewPlan(cfg, Request{From: c.from, To: c.to}, c.trees)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := CheckPolicy(cfg, plan, c.trees, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := rules(vs); got != c.want {
				t.Errorf("rules broken: %q, want %q (%v)", got, c.want, vs)
			}
		})
	}
}

func TestPolicyMessages(t *testing.T) {
	cfg := mustConfig(t, policyConfig)
	trees := pipelineTree("3", "2", "1")
	plan, _ := NewPlan(cfg, Request{From: "dev", To: "prod"}, trees)
	err := EnforcePolicy(cfg, plan, trees, GateInput{Now: inFreeze}, "")
	var pe *PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a *PolicyError", err)
	}
	for _, want := range []string{
		"promotion dev → prod refused by pipeline policy",
		"the pipeline has no edge dev → prod (prod is promoted from staging)",
		"prod is frozen from 2026-12-20T00:00:00Z to 2027-01-05T00:00:00Z (holidays)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if plan.Forced != nil {
		t.Error("a refused plan is marked forced")
	}

	plan, _ = NewPlan(cfg, Request{To: "prod"}, trees)
	vs, _ := CheckPolicy(cfg, plan, trees, beforeFreeze)
	want := "staging is not clean: 1 promotable from dev has not reached it yet (first: envs/staging/kustomization.yaml: web 2 → 3), and prod requires a clean source"
	if len(vs) != 1 || vs[0].Msg != want {
		t.Errorf("requireSourceClean message:\n got %v\nwant %s", vs, want)
	}
}

func TestEnforcePolicyForced(t *testing.T) {
	cfg := mustConfig(t, policyConfig)
	trees := pipelineTree("3", "2", "1")
	plan, _ := NewPlan(cfg, Request{From: "dev", To: "prod"}, trees)
	if err := EnforcePolicy(cfg, plan, trees, GateInput{Now: inFreeze}, "hotfix\nPromote-To: dev"); err == nil {
		t.Fatal("a reason of two lines was accepted (it would forge a trailer)")
	}
	if err := EnforcePolicy(cfg, plan, trees, GateInput{Now: inFreeze}, "  hotfix for INC-42 "); err != nil {
		t.Fatal(err)
	}
	if plan.Forced == nil || plan.Forced.Reason != "hotfix for INC-42" || rules(plan.Forced.Overrides) != "edge,freeze" {
		t.Fatalf("forced: %+v", plan.Forced)
	}
	if !strings.Contains(plan.CommitMessage(), "\nPromote-Forced: hotfix for INC-42\n") {
		t.Errorf("commit message lacks the trailer:\n%s", plan.CommitMessage())
	}
	md := plan.Markdown()
	for _, want := range []string{"**Forced** past the pipeline policy: hotfix for INC-42", "overrides edge: the pipeline has no edge dev → prod", "overrides freeze: prod is frozen"} {
		if !strings.Contains(md, want) {
			t.Errorf("body lacks %q:\n%s", want, md)
		}
	}

	// A forced run that breaks nothing is not marked.
	clean := pipelineTree("2", "2", "1")
	plan, _ = NewPlan(cfg, Request{To: "prod"}, clean)
	if err := EnforcePolicy(cfg, plan, clean, GateInput{Now: beforeFreeze}, "just because"); err != nil || plan.Forced != nil {
		t.Errorf("nothing broken: err %v, forced %+v", err, plan.Forced)
	}
}

func TestFreezeConfigErrors(t *testing.T) {
	cases := map[string]string{
		"  - name: prod\n    path: p\n    freeze:\n      - {from: \"2026-12-20\", to: \"2027-01-05T00:00:00Z\"}\n":           `promote.yaml:5: environment "prod": freeze[0]: from: "2026-12-20" is not an RFC 3339 time (expected e.g. 2026-12-20T00:00:00Z)`,
		"  - name: prod\n    path: p\n    freeze:\n      - {from: \"2027-01-05T00:00:00Z\", to: \"2026-12-20T00:00:00Z\"}\n": `promote.yaml:5: environment "prod": freeze[0]: from 2027-01-05T00:00:00Z is not before to 2026-12-20T00:00:00Z`,
		"  - name: prod\n    path: p\n    freeze:\n      - {from: \"2026-12-20T00:00:00Z\"}\n":                               `promote.yaml:5: environment "prod": freeze[0]: to: missing: expected an RFC 3339 time such as 2026-12-20T00:00:00Z`,
		"  - name: prod\n    path: p\n    freeze:\n      - {from: \"2026-12-20T00:00:00Z\", until: x}\n":                     `promote.yaml:5: freeze: unknown key "until" (expected from, to, reason, cron, duration, timezone)`,
		"  - name: prod\n    path: p\n    requireSourceClean: maybe\n":                                                       `promote.yaml:4: cannot unmarshal !!str ` + "`maybe`" + ` into bool`,
	}
	for env, want := range cases {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n"+env))
		if err == nil || err.Error() != want {
			t.Errorf("config\n%s\n got %v\nwant %s", env, err, want)
		}
	}
}

func TestFreezeParsesOffsets(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - name: prod\n    path: p\n    freeze:\n      - {from: \"2026-12-20T09:00:00+02:00\", to: \"2026-12-20T10:00:00+02:00\"}\n")
	f := cfg.Environments[0].Freeze[0]
	if !f.Contains(time.Date(2026, 12, 20, 7, 30, 0, 0, time.UTC)) || f.Contains(time.Date(2026, 12, 20, 9, 30, 0, 0, time.UTC)) {
		t.Error("freeze window ignores the UTC offset")
	}
}
