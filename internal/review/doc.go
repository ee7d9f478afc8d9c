// Package review holds the checks a promotion passes before it is
// proposed: the validation gate and rendered manifest diff (a
// proposal.Reviewer that builds the target with kustomize before and after
// the edits) and the pipeline policy (edges, freeze windows,
// requireSourceClean) wrapped around a proposal.PlanFunc.
package review
