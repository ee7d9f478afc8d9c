package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// BranchPrefix is the prefix of every branch promote may force-update.
const BranchPrefix = "promote/"

// Remote is the origin repository, reached with go-git.
type Remote struct {
	// Repo is the local repository objects are fetched into and pushed
	// from.
	Repo *gitrepo.Repo
	// Name is the remote's name, used for tracking references
	// (refs/remotes/<Name>/...); default origin.
	Name string
	// Loc is where the remote lives.
	Loc Location
	// Creds authenticate fetches and pushes.
	Creds Credentials
	// HTTP sends smart-HTTP requests; nil uses a client retrying with
	// Retry over http.DefaultTransport.
	HTTP *http.Client
	// Retry retries operations that fail for reasons that pass.
	Retry retry.Policy
	// Progress receives git's progress messages; nil discards them.
	Progress io.Writer
	// Writer, when set, writes promotion branches instead of a push: it
	// makes the branch hold a commit with u.New's tree, parent and message
	// (a forge's API creating it) and returns that commit.
	Writer BranchWriter
}

// BranchWriter writes a promotion branch by other means than a push.
type BranchWriter interface {
	WriteBranch(ctx context.Context, u Update) (plumbing.Hash, error)
}

// Refs is a remote's branches: full reference name → commit.
type Refs map[plumbing.ReferenceName]plumbing.Hash

// Branch returns the commit of refs/heads/<name>, zero when absent.
func (r Refs) Branch(name string) plumbing.Hash {
	return r[plumbing.NewBranchReferenceName(name)]
}

func (r *Remote) name() string {
	if r.Name == "" {
		return "origin"
	}
	return r.Name
}

// client returns the git transport for the remote's URL.
func (r *Remote) client() (transport.Transport, *transport.Endpoint, error) {
	ep, err := transport.NewEndpoint(r.Loc.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("remote %s: %w", r.Loc.URL, err)
	}
	if ep.Protocol == "http" || ep.Protocol == "https" {
		hc := r.HTTP
		if hc == nil {
			hc = &http.Client{Transport: &retry.Transport{Policy: r.Retry}}
		}
		return githttp.NewClient(hc), ep, nil
	}
	c, err := client.NewClient(ep)
	if err != nil {
		return nil, nil, fmt.Errorf("remote %s: %w", r.Loc.URL, err)
	}
	return c, ep, nil
}

// transient reports whether a git operation may succeed if tried again:
// a transient HTTP status or network failure (go-git wraps the HTTP
// client's errors in plumbing.UnexpectedError, which does not unwrap),
// or a branch that moved while it was being fetched.
func transient(err error) bool {
	var he *githttp.Err
	if errors.As(err, &he) && he.Response != nil {
		return retry.TransientStatus(he.Response.StatusCode)
	}
	var ue *plumbing.UnexpectedError
	if errors.As(err, &ue) {
		return retry.Transient(ue.Err)
	}
	var moved *MovedError
	return errors.As(err, &moved) || retry.Transient(err)
}

// MovedError is a fetch that lost a race: the branch moved between the
// remote advertising its tip and sending it (git answers "not our ref"
// to a want that is no longer a tip). Fetching again gets the new tip.
type MovedError struct {
	Branch string
	// Was is the tip advertised first, Now the tip afterwards (zero when
	// the branch was deleted).
	Was, Now plumbing.Hash
	// Err is the remote's answer to the fetch.
	Err error
}

// Error implements error.
func (e *MovedError) Error() string {
	return fmt.Sprintf("branch %s moved on the remote while it was fetched (%s, now %s): %v", e.Branch, short(e.Was), describeHash(e.Now), e.Err)
}

// Unwrap returns gitrepo.ErrRefChanged and the remote's answer.
func (e *MovedError) Unwrap() []error { return []error{gitrepo.ErrRefChanged, e.Err} }

// do runs op with retries and describes failures with the remote's URL.
func (r *Remote) do(ctx context.Context, what string, op func(context.Context) error) error {
	what = fmt.Sprintf("%s %s", what, r.Loc.URL)
	err := r.Retry.Do(ctx, what, transient, op)
	if err != nil && !strings.Contains(err.Error(), r.Loc.URL) {
		err = fmt.Errorf("%s: %w", what, err)
	}
	return explainAuth(err)
}

// explainAuth adds what to do to authentication failures.
func explainAuth(err error) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired):
		return fmt.Errorf("%w (is the token set and valid?)", err)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%w (the token needs permission to push: contents write)", err)
	}
	return err
}

// List returns the remote's branches (like git ls-remote --heads).
func (r *Remote) List(ctx context.Context) (Refs, error) {
	var refs Refs
	err := r.do(ctx, "list branches of", func(ctx context.Context) error {
		return r.withUpload(ctx, func(_ transport.UploadPackSession, adv *packp.AdvRefs) error {
			var err error
			refs, err = advertised(adv)
			return err
		})
	})
	return refs, err
}

// withUpload opens an upload-pack session and runs fn with it and the
// remote's advertisement.
func (r *Remote) withUpload(ctx context.Context, fn func(transport.UploadPackSession, *packp.AdvRefs) error) error {
	sess, err := r.uploadSession(ctx)
	if err != nil {
		return err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return err
	}
	return fn(sess, adv)
}

func (r *Remote) uploadSession(ctx context.Context) (transport.UploadPackSession, error) {
	return openSession(ctx, r, transport.Transport.NewUploadPackSession)
}

func (r *Remote) receiveSession(ctx context.Context) (transport.ReceivePackSession, error) {
	return openSession(ctx, r, transport.Transport.NewReceivePackSession)
}

// openSession opens an upload-pack or receive-pack session (open) on the
// remote with its credentials.
func openSession[S any](ctx context.Context, r *Remote, open func(transport.Transport, *transport.Endpoint, transport.AuthMethod) (S, error)) (S, error) {
	var none S
	tr, ep, err := r.client()
	if err != nil {
		return none, err
	}
	auth, err := r.Creds.Auth(ctx, r.Loc)
	if err != nil {
		return none, err
	}
	return open(tr, ep, auth)
}

// advertised collects the hash references of an advertisement.
func advertised(adv *packp.AdvRefs) (Refs, error) {
	all, err := adv.AllReferences()
	if err != nil {
		return nil, err
	}
	refs := Refs{}
	for name, ref := range all {
		if ref.Type() == plumbing.HashReference {
			refs[name] = ref.Hash()
		}
	}
	return refs, nil
}

// sidebandReader demultiplexes progress messages from data when the
// request asked for a side band.
func sidebandReader(caps *capability.List, rd io.Reader, progress io.Writer) io.Reader {
	var t sideband.Type
	switch {
	case caps.Supports(capability.Sideband64k):
		t = sideband.Sideband64k
	case caps.Supports(capability.Sideband):
		t = sideband.Sideband
	default:
		return rd
	}
	d := sideband.NewDemuxer(t, rd)
	if progress != nil {
		d.Progress = progress
	}
	return d
}

// Fetch brings the remote's branch into the local object database, sets
// refs/remotes/<remote>/<branch> to it and returns its commit. A branch
// the remote does not have is an error wrapping gitrepo.ErrNoBranch.
func (r *Remote) Fetch(ctx context.Context, branch string) (plumbing.Hash, error) {
	var tip plumbing.Hash
	err := r.do(ctx, "fetch "+branch+" from", func(ctx context.Context) error {
		var err error
		tip, err = r.fetchOnce(ctx, plumbing.NewBranchReferenceName(branch))
		return err
	})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tracking := plumbing.NewRemoteReferenceName(r.name(), branch)
	if err := r.Repo.Git().Storer.SetReference(plumbing.NewHashReference(tracking, tip)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("set %s: %w", tracking, err)
	}
	return tip, nil
}

func (r *Remote) fetchOnce(ctx context.Context, name plumbing.ReferenceName) (plumbing.Hash, error) {
	var tip plumbing.Hash
	err := r.withUpload(ctx, func(sess transport.UploadPackSession, adv *packp.AdvRefs) error {
		refs, err := advertised(adv)
		if err != nil {
			return err
		}
		if tip = refs[name]; tip.IsZero() {
			return fmt.Errorf("origin has no branch %s: %w", name.Short(), gitrepo.ErrNoBranch)
		}
		if r.has(tip) {
			return nil
		}
		if err := r.download(ctx, sess, adv, tip, 1); err != nil {
			return r.movedWhileFetching(ctx, name, tip, err)
		}
		return nil
	})
	return tip, err
}

// Deepen fetches the history of commit, depth commits deep (commit
// included), into a shallow repository, as git fetch --depth does: for
// a command that reads history (rollback) in a CI checkout. In a
// complete repository it does nothing.
func (r *Remote) Deepen(ctx context.Context, commit plumbing.Hash, depth int) error {
	shallow, err := r.Repo.Shallow()
	if err != nil || len(shallow) == 0 {
		return err
	}
	what := fmt.Sprintf("fetch %d commits of the history of %s from", depth, short(commit))
	return r.do(ctx, what, func(ctx context.Context) error {
		return r.withUpload(ctx, func(sess transport.UploadPackSession, adv *packp.AdvRefs) error {
			return r.download(ctx, sess, adv, commit, depth)
		})
	})
}

// movedWhileFetching turns a failed download of want into a *MovedError
// when the branch no longer points at want (the remote refuses a want
// that stopped being a tip); other failures are returned as they are.
func (r *Remote) movedWhileFetching(ctx context.Context, name plumbing.ReferenceName, want plumbing.Hash, err error) error {
	if ctx.Err() != nil {
		return err
	}
	var now plumbing.Hash
	lerr := r.withUpload(ctx, func(_ transport.UploadPackSession, adv *packp.AdvRefs) error {
		refs, err := advertised(adv)
		now = refs[name]
		return err
	})
	if lerr != nil || now == want {
		return err
	}
	return &MovedError{Branch: name.Short(), Was: want, Now: now, Err: err}
}

// download asks the remote for want and everything it needs that the
// local repository lacks, and stores the pack. In a shallow repository
// (a CI checkout made with --depth or --shallow-since) the request
// carries the repository's shallow commits and asks for want's history
// only depth commits deep (1 for a tip to plan on: history is not read),
// and the shallow file is updated as git does, so that the repository
// stays consistent for git and for later fetches and pushes.
func (r *Remote) download(ctx context.Context, sess transport.UploadPackSession, adv *packp.AdvRefs, want plumbing.Hash, depth int) error {
	st := r.Repo.Git().Storer
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	req.Wants = []plumbing.Hash{want}
	req.Haves = r.haves()
	shallows, err := st.Shallow()
	if err != nil {
		return fmt.Errorf("read the shallow commits: %w", err)
	}
	if len(shallows) > 0 {
		if !adv.Capabilities.Supports(capability.Shallow) {
			return errors.New("the remote cannot serve shallow repositories and this clone is shallow: clone with full history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0)")
		}
		_ = req.Capabilities.Set(capability.Shallow)
		req.Shallows = shallows
		req.Depth = packp.DepthCommits(max(depth, 1))
	}
	if r.Progress == nil && adv.Capabilities.Supports(capability.NoProgress) {
		_ = req.Capabilities.Set(capability.NoProgress)
	}
	resp, err := sess.UploadPack(ctx, req)
	if errors.Is(err, transport.ErrEmptyUploadPackRequest) {
		return nil
	}
	if err != nil {
		return err
	}
	defer resp.Close()
	if err := packfile.UpdateObjectStorage(st, sidebandReader(req.Capabilities, resp, r.Progress)); err != nil {
		return fmt.Errorf("store fetched objects: %w", err)
	}
	if !r.has(want) {
		return fmt.Errorf("the remote sent no commit %s", want)
	}
	if len(shallows) == 0 {
		return nil
	}
	return r.Repo.UpdateShallow(resp.Shallows, resp.Unshallows)
}

// maxHaves caps the commits offered to the server as common ground.
const maxHaves = 64

// haves lists local branch and remote-tracking tips, which the server
// uses to send only what is missing.
func (r *Remote) haves() []plumbing.Hash {
	iter, err := r.Repo.Git().Storer.IterReferences()
	if err != nil {
		return nil
	}
	defer iter.Close()
	seen := map[plumbing.Hash]bool{}
	var out []plumbing.Hash
	_ = iter.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		if ref.Type() != plumbing.HashReference || !(n.IsBranch() || n.IsRemote()) || seen[ref.Hash()] || !r.has(ref.Hash()) {
			return nil
		}
		seen[ref.Hash()] = true
		out = append(out, ref.Hash())
		if len(out) == maxHaves {
			return errStop
		}
		return nil
	})
	return out
}

var errStop = errors.New("stop")

// has reports whether the local object database holds h.
func (r *Remote) has(h plumbing.Hash) bool {
	return r.Repo.Git().Storer.HasEncodedObject(h) == nil
}
