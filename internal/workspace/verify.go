package workspace

import "github.com/gitops-promote/promote/promote"

// VerifyRequest selects the history Verify checks.
type VerifyRequest struct {
	promote.VerifyRequest
	// Ref is the revision whose history is walked; a branch environment
	// is walked from its branch instead unless RefGiven.
	Ref      string
	RefGiven bool
	// SinceRev, when set, stops the walk at this revision (not checked,
	// nor its ancestors); it sets VerifyRequest.Since.
	SinceRev string
}

// VerifyResult is what Verify found (the JSON of promote verify).
type VerifyResult struct {
	*promote.VerifyReport
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	Since  string `json:"since,omitempty"`
	OK     bool   `json:"ok"`
	// Shallow says where the walked history ends in a shallow clone
	// when the whole history was to be verified; "" otherwise.
	Shallow string `json:"-"`
}

// Verify checks that every change to the environment's promotables in
// the history of req.Ref came from a promotion (see promote.Verify).
func (w *Workspace) Verify(req VerifyRequest) (*VerifyResult, error) {
	walk, err := w.Walk(req.Env, req.Apps, req.Ref, req.RefGiven, false)
	if err != nil {
		return nil, err
	}
	r := req.VerifyRequest
	r.Env = walk.Env.Name
	if req.SinceRev != "" {
		if r.Since, err = w.Since(req.SinceRev); err != nil {
			return nil, err
		}
	}
	prov, err := w.Provenance()
	if err != nil {
		return nil, err
	}
	rep, err := promote.Verify(walk.Config, r, walk.Commits, prov)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{VerifyReport: rep, Ref: walk.Ref, Commit: walk.Tip.String(), Since: req.SinceRev, OK: rep.OK()}
	if req.SinceRev == "" {
		if res.Shallow, err = w.ShallowEnd(walk.Tip); err != nil {
			return nil, err
		}
	}
	return res, nil
}
