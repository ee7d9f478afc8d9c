package promote

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/parallel"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// Edit is the new content of one file, relative to the repository root.
type Edit struct {
	Path string
	Data []byte
}

// Apply computes the edits that carry out plan: values (kustomize image
// entries, container images, Helm values, chart versions, refs,
// Terraform values) are changed byte-minimally in the target's files by
// their kind's editor and promoted files are copied from the source. It reads trees and writes nothing; the caller
// writes the edits to a directory or a commit. The edits are ordered as
// the plan's files.
func Apply(p *Plan, trees Trees) ([]Edit, error) {
	trees, err := trees.For(p.From, p.To)
	if err != nil {
		return nil, err
	}
	var edits []Edit
	var changes [][]Change
	index := map[string]int{}
	for _, c := range p.Changes {
		i, seen := index[c.File]
		if !seen {
			i = len(edits)
			index[c.File] = i
			edits = append(edits, Edit{Path: c.File})
			changes = append(changes, nil)
		}
		changes[i] = append(changes[i], c)
	}
	err = parallel.ForEach(len(edits), func(i int) error {
		data, err := editFile(changes[i], trees)
		edits[i].Data = data
		return err
	})
	if err != nil {
		return nil, err
	}
	return edits, nil
}

// editFile reads the file the changes start from and makes them in order.
func editFile(cs []Change, trees Trees) ([]byte, error) {
	data, err := initialContent(cs[0], trees)
	if err != nil {
		return nil, err
	}
	if out, ok := editImages(data, cs); ok {
		return out, nil
	}
	for _, c := range cs {
		if data, err = editChange(data, c); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// initialContent is the file a change starts from: the source file for a
// copy, the target file for an image edit.
func initialContent(c Change, trees Trees) ([]byte, error) {
	fsys, name := trees.Target, c.File
	if c.Kind == KindFile {
		fsys, name = trees.Source, c.Source
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// editImages makes several kustomize image changes of one file (a
// kustomization's images: entries) in one edit, which parses the file
// once for all of them instead of once each: the bytes are those of
// making them one by one. ok is false when there is one change, a change
// of another kind, or an error; the caller then makes them one by one,
// which reports the error of the change that fails.
func editImages(data []byte, cs []Change) ([]byte, bool) {
	if len(cs) < 2 {
		return nil, false
	}
	var ops []yamledit.Op
	for _, c := range cs {
		if !isImageEntry(c) {
			return nil, false
		}
		ops = append(ops, imageOps(c)...)
	}
	out, err := yamledit.Apply(data, 0, ops...)
	return out, err == nil
}

// isImageEntry reports whether c changes a kustomize images: entry (the
// first kind, so it is made by editImage).
func isImageEntry(c Change) bool { return c.At == nil && c.Kind == KindImage }

// imageOps are the edits of a kustomize image change.
func imageOps(c Change) []yamledit.Op {
	if c.Image.Old == nil {
		return []yamledit.Op{kustomize.AddImageOp(c.Image.New)}
	}
	return kustomize.SetImageOps(*c.Image.Old, c.Image.New)
}

func editImage(data []byte, c Change) ([]byte, error) {
	out, err := yamledit.Apply(data, 0, imageOps(c)...)
	if err != nil {
		var ye *yamledit.Error
		if errors.As(err, &ye) && ye.Line > 0 {
			return nil, fmt.Errorf("%s:%d: set image %s: %s", c.File, ye.Line, c.Name, ye.Msg)
		}
		return nil, fmt.Errorf("%s: set image %s: %w", c.File, c.Name, err)
	}
	return out, nil
}

// shortHash identifies file content in plans: the first 12 hex digits of
// its SHA-256.
func shortHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}
