package chatops

import (
	"fmt"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
)

// describe is the reply to a command that ran: what happened to its
// proposal, with a link to the request.
func describe(cmd, author string, p *proposal.Result) string {
	head := fmt.Sprintf("`%s` (requested by @%s): ", cmd, author)
	return head + what(p)
}

// what says what happened to a proposal, in one markdown line.
func what(p *proposal.Result) string {
	where := p.Branch
	if p.Number > 0 {
		where = fmt.Sprintf("#%d", p.Number)
	}
	if p.URL != "" {
		where = fmt.Sprintf("[%s](%s)", where, p.URL)
	}
	switch p.Action {
	case forge.Created:
		return fmt.Sprintf("opened %s, **%s**.", where, p.Title)
	case forge.Updated:
		return fmt.Sprintf("updated %s, **%s**.", where, p.Title)
	case forge.Unchanged:
		return fmt.Sprintf("%s already proposes this (**%s**).", where, p.Title)
	case forge.Closed:
		if p.Plan != nil && len(p.Plan.Unpromotable) > 0 {
			return fmt.Sprintf("%s: nothing to propose; closed the stale %s.", p.Plan.Matches(), where)
		}
		return fmt.Sprintf("%s already matches its source: nothing to propose; closed the stale %s.", p.Plan.To, where)
	}
	if p.Plan != nil && p.Plan.Rollback {
		return fmt.Sprintf("%s already runs what it ran then: nothing to roll back.", p.Plan.To)
	}
	if p.Plan != nil && len(p.Plan.Unpromotable) > 0 {
		return p.Plan.Matches() + ": nothing to promote."
	}
	if p.Plan != nil {
		return fmt.Sprintf("%s already runs what %s runs: nothing to promote.", p.Plan.To, p.Plan.From)
	}
	return "nothing to do."
}
