package promote

import (
	"github.com/gitops-promote/promote/internal/fileerr"
	"github.com/gitops-promote/promote/internal/grammar"
	"github.com/gitops-promote/promote/internal/kustomize"
)

// from is where a change's new value was read: the source file and line.
type from struct {
	file string
	line int
}

// CheckValues checks every new value of p by the grammar of its kind
// (internal/grammar) before it is written or printed anywhere. The
// error names the file and line the value was read from (the target's
// when the source is unknown) and the rule it breaks.
func CheckValues(p *Plan) error {
	return checkValues(p.Changes)
}

func checkValues(cs []Change) error {
	for _, c := range cs {
		if err := checkValue(c); err != nil {
			file, line := c.src.file, c.src.line
			if file == "" {
				file, line = c.File, c.Line
			}
			return &fileerr.Error{File: file, Line: line, Msg: c.Kind + " " + grammar.Show(c.Name) + ": " + err.Error()}
		}
	}
	return nil
}

// checkValue checks c's new value; removals and copied files have none.
func checkValue(c Change) error {
	if err := grammar.Text(c.Name); err != nil {
		return err
	}
	if c.Kind == KindFile || c.New == "" && c.Image == nil {
		return nil
	}
	if c.Image != nil {
		return checkImage(c.Image.New)
	}
	switch c.Kind {
	case KindChart:
		return grammar.ChartVersion(c.New)
	case KindRef, KindModule:
		return grammar.RefOrVersion(c.New)
	case KindTerraform:
		return grammar.TerraformString(c.New)
	}
	return grammar.Text(c.New)
}

// checkImage checks an image entry: its name, and the new name, tag and
// digest it sets.
func checkImage(img kustomize.Image) error {
	if err := grammar.ImageName(img.Name); err != nil {
		return err
	}
	if img.NewName != "" {
		if err := grammar.ImageName(img.NewName); err != nil {
			return err
		}
	}
	return grammar.Image(img.Name, img.NewTag, img.Digest)
}
