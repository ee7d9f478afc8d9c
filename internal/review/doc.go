// Package review holds the checks a promotion passes before it is
// proposed: the validation gate and rendered manifest diff (a
// proposal.Reviewer that builds the target with kustomize before and after
// the edits) and the pipeline policy, whose gates (edges, stop files,
// freeze windows, requireSourceClean, soak time, checks) are evaluated
// around a proposal.PlanFunc with what Sources reads: the clock, the
// source environment's history and the forge's commit statuses.
package review
