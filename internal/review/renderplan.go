package review

import (
	"github.com/gitops-promote/promote/internal/renderdiff"
	"github.com/gitops-promote/promote/promote"
)

// RenderedPlan is a plan with the per-resource diff of its target's
// kustomize build before and after its edits (plan --rendered; its JSON
// is the plan's fields, rendered and error).
type RenderedPlan struct {
	*promote.Plan
	Rendered []*renderdiff.Report `json:"rendered"`
	// Error is why the target would not build after the change.
	Error string `json:"error,omitempty"`
	// Gate is that refusal as an error (a *ValidationError), nil when
	// the target builds.
	Gate error `json:"-"`
}

// RenderPlan applies plan's edits to trees and renders its target
// before and after them. Like a proposal, it refuses (in Gate) a target
// that would not build after them.
func RenderPlan(cfg *promote.Config, plan *promote.Plan, trees promote.Trees) (*RenderedPlan, error) {
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return nil, err
	}
	rs, err := Render(cfg, plan, trees, edits)
	if err != nil {
		return nil, err
	}
	out := &RenderedPlan{Plan: plan, Rendered: Reports(rs), Gate: Gate(plan.To, rs)}
	if out.Rendered == nil {
		out.Rendered = []*renderdiff.Report{}
	}
	if out.Gate != nil {
		out.Error = out.Gate.Error()
	}
	return out, nil
}
