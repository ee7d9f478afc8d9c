package promote

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/kustomize"
)

// rollbackEntries makes a rollback remove the images: entries the
// environment's kustomizations have now but did not have at the commit
// rolled back to (a promotion added them). A kustomization that differs
// from its past state only in images: is restored whole, so the
// environment renders as it did then; one with other edits since keeps
// the entry, with a note.
func rollbackEntries(p *Plan, app string, trees Trees, dir string) error {
	now, err := kustomize.Collect(trees.Target, dir)
	if err != nil {
		return nil // no kustomization: nothing to remove
	}
	past, err := kustomize.Collect(trees.Source, dir)
	if err != nil {
		return nil
	}
	had, _ := kustomize.Effective(past)
	for _, k := range now {
		added := ""
		for _, img := range k.Images {
			if _, ok := had[img.Name]; !ok {
				added = img.Name
				break
			}
		}
		if added == "" {
			continue
		}
		then, err := fs.ReadFile(trees.Source, k.File)
		if err != nil || !onlyImagesDiffer(then, k.Data) {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: image %s was added since %s but the file has other edits too: its entry is kept", k.File, added, shortCommit(p.RollbackTo)))
			continue
		}
		restoreWhole(p, app, k.File, k.Data, then)
	}
	return nil
}

// restoreWhole replaces the changes planned for file with one that
// restores its past content.
func restoreWhole(p *Plan, app, file string, now, then []byte) {
	kept := p.Changes[:0]
	for _, c := range p.Changes {
		if c.File != file {
			kept = append(kept, c)
		}
	}
	p.Changes = append(kept, Change{App: app, File: file, Kind: KindFile, Name: path.Base(file), Old: shortHash(now), New: shortHash(then), Source: file})
}

// onlyImagesDiffer reports whether two kustomizations are the same but
// for their images: entries.
func onlyImagesDiffer(a, b []byte) bool {
	var ma, mb map[string]any
	if yaml.Unmarshal(a, &ma) != nil || yaml.Unmarshal(b, &mb) != nil {
		return false
	}
	delete(ma, "images")
	delete(mb, "images")
	return reflect.DeepEqual(ma, mb)
}
