package review

import (
	"fmt"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// ForgeSources are the gates' sources of a command on ws through fg (a
// forge opened by connect.Open): the clock now, the workspace's history,
// and the forge's commit statuses and checks, or why there are none.
func ForgeSources(now func() time.Time, ws *workspace.Workspace, fg forge.Forge) Sources {
	src := Sources{Now: now, Workspace: ws}
	if cr, ok := connect.Checks(fg); ok {
		src.Checks = cr
	} else if fg != nil {
		src.ChecksErr = fmt.Errorf("the %s forge reports no commit statuses or checks", fg.Name())
	}
	return src
}

// PlanSources are the gates' sources of plan and status on ws: the
// forge (for requireChecks) is opened, with open, only when an
// environment in envs asks for checks, and a forge that cannot be
// opened makes the checks gate wait with the reason.
func PlanSources(now func() time.Time, ws *workspace.Workspace, cfg *promote.Config, open func() (forge.Forge, error), envs ...string) Sources {
	for _, name := range envs {
		if env, ok := cfg.Env(name); ok && len(env.RequireChecks) > 0 {
			fg, err := open()
			if err != nil {
				return Sources{Now: now, Workspace: ws, ChecksErr: fmt.Errorf("open the forge: %w", err)}
			}
			return ForgeSources(now, ws, fg)
		}
	}
	return Sources{Now: now, Workspace: ws}
}
