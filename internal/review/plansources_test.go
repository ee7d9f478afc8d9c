package review

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/promote"
)

// TestPlanSourcesOpenTheForgeOnlyForChecks: plan and status open the
// forge only when an environment they evaluate requires checks, and a
// forge that cannot be opened makes the checks gate wait with the reason.
func TestPlanSourcesOpenTheForgeOnlyForChecks(t *testing.T) {
	cfg := &promote.Config{Environments: []promote.Environment{{Name: "staging"}, {Name: "prod", From: "staging", RequireChecks: []string{"smoke"}}}}
	opened := 0
	open := func() (forge.Forge, error) {
		opened++
		return nil, errors.New("no token")
	}
	now := func() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) }
	src := PlanSources(now, nil, cfg, open, "staging", "qa")
	if opened != 0 || src.ChecksErr != nil || src.Now == nil {
		t.Errorf("no environment requires checks: forge opened %d times, sources %+v", opened, src)
	}
	src = PlanSources(now, nil, cfg, open, "staging", "prod")
	if opened != 1 || src.Checks != nil || src.ChecksErr == nil || !strings.HasPrefix(src.ChecksErr.Error(), "open the forge: no token") {
		t.Errorf("prod requires checks: forge opened %d times, sources %+v", opened, src)
	}
}
