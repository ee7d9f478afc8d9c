// Package grammar checks promoted values by their grammar before promote
// writes or prints them: OCI image names, tags and digests, chart
// versions and constraints, git ref names, Terraform strings and plain
// values. A value that breaks its rule is refused with a *RuleError
// naming the rule, so that a value read from one environment cannot
// split a commit subject, forge a trailer, inject a workflow command or
// carry markup into the next environment's proposal.
package grammar
