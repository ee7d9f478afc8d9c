package report

import (
	"fmt"
	"io"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
)

// ProposalLine is the first line of a proposing command's output: what
// happened to the proposal (a promotion, a rollback, a set-image), and
// where its request is.
func ProposalLine(res *proposal.Result) string {
	if p := res.Plan; p != nil && p.Rollback {
		same := fmt.Sprintf("%s already runs what it ran at %s", p.To, Short(p.RollbackTo))
		switch {
		case res.Action == forge.Closed:
			return same + ": removed stale " + res.Branch
		case p.Empty():
			return same + ": nothing to roll back"
		}
	}
	msg := action(res)
	if res.URL == "" {
		return msg
	}
	if res.Action == forge.Closed {
		return fmt.Sprintf("%s; closed request #%d: %s", msg, res.Number, res.URL)
	}
	return fmt.Sprintf("%s; request #%d: %s", msg, res.Number, res.URL)
}

// action says what happened to the proposal.
func action(res *proposal.Result) string {
	short := res.Commit
	if len(short) > 12 {
		short = short[:12]
	}
	switch res.Action {
	case forge.Created:
		return fmt.Sprintf("created %s at %s (base %s)", res.Branch, short, res.Base)
	case forge.Updated:
		return fmt.Sprintf("updated %s to %s (base %s)", res.Branch, short, res.Base)
	case forge.Unchanged:
		return fmt.Sprintf("%s is up to date at %s: nothing changed", res.Branch, short)
	case forge.Closed:
		return fmt.Sprintf("%s: removed stale %s", res.Plan.Matches(), res.Branch)
	}
	if res.Plan.Empty() {
		return fmt.Sprintf("%s: nothing to propose", res.Plan.Matches())
	}
	return fmt.Sprintf("dry run: would propose %s on %s", res.Branch, res.Base)
}

// ProposalText prints the text summary of a proposal: its line and,
// when it changed something, the forced reason and the changes.
func ProposalText(w io.Writer, res *proposal.Result, color bool) {
	fmt.Fprintln(w, ProposalLine(res))
	if res.Plan == nil || res.Plan.Empty() || res.Action == forge.Unchanged || res.Action == forge.Closed {
		return
	}
	if fo := res.Plan.Forced; fo != nil {
		fmt.Fprintf(w, "forced: %s\n", fo.Reason)
	}
	fmt.Fprintln(w)
	PlanText(w, res.Plan, color)
}

// StopLine says what happened to a freeze (or, with restart, an
// unfreeze) proposal.
func StopLine(res *proposal.StopResult, restart bool) string {
	switch {
	case res.Noop && restart:
		return fmt.Sprintf("%s is not on %s: nothing to unfreeze", res.File, res.Base)
	case res.Noop:
		return fmt.Sprintf("%s is already on %s with this reason: nothing to propose", res.File, res.Base)
	case res.Action == "none":
		return fmt.Sprintf("dry run: would propose %s on %s", res.Branch, res.Base)
	case res.URL != "":
		return fmt.Sprintf("%s %s (%.12s); request #%d: %s", res.Action, res.Branch, res.Commit, res.Number, res.URL)
	}
	return fmt.Sprintf("%s %s at %.12s (base %s)", res.Action, res.Branch, res.Commit, res.Base)
}

// StopText prints the text summary of a freeze or unfreeze proposal:
// its line, then its title when it proposes something.
func StopText(w io.Writer, res *proposal.StopResult, restart bool) {
	fmt.Fprintln(w, StopLine(res, restart))
	if !res.Noop {
		fmt.Fprintf(w, "\n%s\n", res.Title)
	}
}
