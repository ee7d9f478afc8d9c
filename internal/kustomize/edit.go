package kustomize

import (
	"github.com/gitops-promote/promote/internal/yamledit"
)

// fields are the image keys promote writes, in kustomize's usual order.
var fields = []string{"newName", "newTag", "digest"}

func (i Image) value(field string) string {
	switch field {
	case "newName":
		return i.NewName
	case "newTag":
		return i.NewTag
	default:
		return i.Digest
	}
}

// SetImageOps returns the operations that change the existing entry for
// name so that it carries to's values: fields that differ are set, fields
// to does not have are removed.
func SetImageOps(old, to Image) []yamledit.Op {
	var ops []yamledit.Op
	for _, f := range fields {
		p := yamledit.Path{yamledit.Key("images"), yamledit.Item("name", old.Name), yamledit.Key(f)}
		ov, nv := old.value(f), to.value(f)
		switch {
		case ov == nv:
		case nv == "":
			ops = append(ops, yamledit.Delete(p))
		default:
			ops = append(ops, yamledit.Set(p, nv))
		}
	}
	return ops
}

// AddImageOp returns the operation that appends an entry for img to a
// kustomization's images: list (creating the list when missing).
func AddImageOp(img Image) yamledit.Op {
	fs := []yamledit.Field{{Key: "name", Value: img.Name}}
	for _, f := range fields {
		if v := img.value(f); v != "" {
			fs = append(fs, yamledit.Field{Key: f, Value: v})
		}
	}
	return yamledit.Append(yamledit.Path{yamledit.Key("images")}, fs...)
}
