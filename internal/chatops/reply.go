package chatops

import (
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// describe is the reply to a command that ran: what happened to its
// proposal, with a link to the request.
func describe(cmd, author string, p *proposal.Result) string {
	head := fmt.Sprintf("%s (requested by @%s): ", promote.Code(cmd), author)
	return head + what(p)
}

// what says what happened to a proposal, in one markdown line. The
// request is named the forge's way (#2 on GitHub, !2 on GitLab).
func what(p *proposal.Result) string {
	where := promote.Code(p.Branch)
	switch {
	case p.Ref != "":
		where = p.Ref
	case p.Number > 0:
		where = fmt.Sprintf("#%d", p.Number)
	}
	if p.URL != "" && !strings.ContainsAny(p.URL, "()<> \n") {
		where = fmt.Sprintf("[%s](%s)", where, p.URL)
	}
	title := promote.Code(p.Title)
	switch p.Action {
	case forge.Created:
		return fmt.Sprintf("opened %s, %s.", where, title)
	case forge.Updated:
		return fmt.Sprintf("updated %s, %s.", where, title)
	case forge.Unchanged:
		return fmt.Sprintf("%s already proposes this (%s).", where, title)
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

// fence is s as a fenced code block that s cannot close: the fence is
// longer than any run of backticks in s. Nothing inside renders: no
// mention, link, image or HTML.
func fence(s string) string {
	f := promote.Fence(s)
	return f + "text\n" + strings.TrimRight(s, "\n") + "\n" + f
}

// Replies to authors who may not run commands are this fixed sentence,
// whatever they wrote: nothing of theirs is echoed.
const notAllowedReply = "Ignored: only people with write access to this repository can run promote commands."
