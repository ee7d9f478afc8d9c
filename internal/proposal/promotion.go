package proposal

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// SetPromotion makes o propose the promotion req describes: with the
// source as it was at rev when rev is set (--from ENV@REV, a release
// set), and without the safety net when noRender.
func (o *Options) SetPromotion(req promote.Request, rev string, noRender bool) {
	o.Plan = Promotion(req)
	if noRender {
		o.Plan = PromotionNotRendered(req)
	}
	if rev == "" {
		return
	}
	o.PlanTrees = ReleaseSet(o.Workspace, req, rev)
	if !noRender {
		o.PlanTrees = CheckRenders(o.PlanTrees)
	}
}

// Preview plans req as promote plan shows it: Selection (with the
// source at rev for a release set), then the safety net, or, with
// noRender, a note that the renders were not compared.
func Preview(ws *workspace.Workspace, req promote.Request, rev string, noRender bool) PlanTreesFunc {
	sel := Selection(ws, req, rev)
	if !noRender {
		return CheckRenders(sel)
	}
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		p, trees, err := sel(cfg, tree, tip)
		if err == nil {
			notRendered(p)
		}
		return p, trees, err
	}
}

// notRendered marks p as planned without comparing renders (--no-render).
func notRendered(p *promote.Plan) {
	p.NotCompared = true
	p.Notes = append(p.Notes, "renders not compared (--no-render): versions promote cannot edit are not shown")
}
