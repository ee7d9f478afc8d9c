package gitrepo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrRefChanged is returned (wrapped with the reference and what it points
// at) when a compare-and-swap reference update finds an unexpected value.
var ErrRefChanged = errors.New("reference changed")

// Ref returns the hash a full reference name ("refs/heads/promote/x")
// points to, following symbolic references, and false when it does not
// exist.
func (r *Repo) Ref(name string) (plumbing.Hash, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refLocked(plumbing.ReferenceName(name))
}

// refLocked reads a reference; r.mu must be held.
func (r *Repo) refLocked(name plumbing.ReferenceName) (plumbing.Hash, bool, error) {
	ref, err := storer.ResolveReference(r.repo.Storer, name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read reference %s: %w", name, err)
	}
	return ref.Hash(), true, nil
}

// SetRef points the reference name (which must start with "refs/") at new
// only if it currently points at old; old == plumbing.ZeroHash means only if
// it does not exist. Otherwise it returns an error wrapping ErrRefChanged
// naming the reference and what it found. The update goes through go-git's
// CheckAndSetReference, which locks the loose reference file; creation is a
// check followed by a write, so it is atomic only within this process.
func (r *Repo) SetRef(name string, new, old plumbing.Hash) error {
	refName := plumbing.ReferenceName(name)
	if err := checkRefName(refName); err != nil {
		return err
	}
	if new.IsZero() {
		return fmt.Errorf("set reference %s: new value is the zero hash", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.expectRef(refName, old); err != nil {
		return err
	}
	var oldRef *plumbing.Reference
	if !old.IsZero() {
		oldRef = plumbing.NewHashReference(refName, old)
	}
	err := r.repo.Storer.CheckAndSetReference(plumbing.NewHashReference(refName, new), oldRef)
	if err == nil {
		return nil
	}
	r.removeEmptyRefFile(refName)
	if errors.Is(err, storage.ErrReferenceHasChanged) {
		return r.changedError(refName, old)
	}
	return fmt.Errorf("set reference %s: %w", name, err)
}

// DeleteRef removes the reference name if it points at old, and returns an
// error wrapping ErrRefChanged otherwise. The check and the removal are
// serialized within this process only.
func (r *Repo) DeleteRef(name string, old plumbing.Hash) error {
	refName := plumbing.ReferenceName(name)
	if err := checkRefName(refName); err != nil {
		return err
	}
	if old.IsZero() {
		return fmt.Errorf("delete reference %s: expected value is the zero hash", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.expectRef(refName, old); err != nil {
		return err
	}
	if err := r.repo.Storer.RemoveReference(refName); err != nil {
		return fmt.Errorf("delete reference %s: %w", name, err)
	}
	return nil
}

// checkRefName accepts only valid names under refs/, so that HEAD and other
// symbolic references are never rewritten.
func checkRefName(name plumbing.ReferenceName) error {
	if !strings.HasPrefix(name.String(), "refs/") || name.Validate() != nil {
		return fmt.Errorf("invalid reference name %q: want a valid name under refs/", name)
	}
	return nil
}

// expectRef checks that name points at old (absent when old is zero);
// r.mu must be held.
func (r *Repo) expectRef(name plumbing.ReferenceName, old plumbing.Hash) error {
	ref, err := r.repo.Storer.Reference(name)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		if old.IsZero() {
			return nil
		}
	case err != nil:
		return fmt.Errorf("read reference %s: %w", name, err)
	case ref.Type() != plumbing.HashReference:
		return fmt.Errorf("reference %s is symbolic (-> %s): %w", name, ref.Target(), ErrRefChanged)
	case ref.Hash() == old:
		return nil
	}
	return r.changedError(name, old)
}

// changedError describes a failed compare-and-swap; r.mu must be held.
func (r *Repo) changedError(name plumbing.ReferenceName, old plumbing.Hash) error {
	want := old.String()
	if old.IsZero() {
		want = "no reference"
	}
	found := "no reference"
	if h, ok, err := r.refLocked(name); err == nil && ok {
		found = h.String()
	}
	return fmt.Errorf("reference %s: expected %s, found %s: %w", name, want, found, ErrRefChanged)
}

// removeEmptyRefFile removes a loose reference file left empty by a failed
// go-git CheckAndSetReference (it creates the file before checking the
// packed value); r.mu must be held.
func (r *Repo) removeEmptyRefFile(name plumbing.ReferenceName) {
	st, ok := r.repo.Storer.(*filesystem.Storage)
	if !ok {
		return
	}
	fsys := st.Filesystem()
	if fi, err := fsys.Lstat(name.String()); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		_ = fsys.Remove(name.String())
	}
}

// Branches lists the repository's branch names: its own (refs/heads/)
// and origin's (refs/remotes/origin/, without the prefix), each once,
// in the order found.
func (r *Repo) Branches() ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	iter, err := r.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		b, ok := strings.CutPrefix(name, "refs/heads/")
		if !ok {
			b, ok = strings.CutPrefix(name, "refs/remotes/origin/")
		}
		if ok && b != "HEAD" && !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	return out, nil
}
