package review

import (
	"fmt"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/workspace"
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
