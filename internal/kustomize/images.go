package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/fileerr"
	"github.com/gitops-promote/promote/internal/safeyaml"
)

// FileNames are the names kustomize recognises, in its order of preference.
var FileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Image is one entry of a kustomization's images: list.
type Image struct {
	Name    string `json:"name"`
	NewName string `json:"newName,omitempty"`
	NewTag  string `json:"newTag,omitempty"`
	Digest  string `json:"digest,omitempty"`

	// File and Line locate the entry; they are empty for images not yet
	// written anywhere.
	File string `json:"-"`
	Line int    `json:"-"`
}

// Ref renders the values an image is set to: newName:newTag@digest, with
// the name left out when newName is not set.
func (i Image) Ref() string {
	s := i.NewName
	if i.NewTag != "" {
		if s != "" {
			s += ":"
		}
		s += i.NewTag
	}
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}

// SameValues reports whether two entries set an image to the same values.
func (i Image) SameValues(o Image) bool {
	return i.NewName == o.NewName && i.NewTag == o.NewTag && i.Digest == o.Digest
}

// Kustomization is the part of a kustomization file promote cares about.
type Kustomization struct {
	// File is the slash path of the kustomization file in the tree.
	File string
	// Images are its images: entries in file order.
	Images []Image
	// Dirs are the local resources: and components: entries, resolved
	// against the kustomization's directory (they may not exist or may be
	// files).
	Dirs []string
	// Data is the file's content.
	Data []byte
	// Docs are Data's parsed documents (safeyaml.Decode), shared with
	// the scanners that read the kustomization's patches so the file is
	// parsed once: read-only.
	Docs []*yaml.Node
}

// Mentions reports whether the kustomization's text holds field, a cheap
// test that lets a scanner skip parsing files without the field (a
// false positive only costs the parse). Readers of Docs test for
// "atches" (patches, patchesJson6902, patchesStrategicMerge), "ref="
// (remote bases) and "helmCharts".
func (k *Kustomization) Mentions(field string) bool {
	return bytes.Contains(k.Data, []byte(field))
}

// docReaders are the fields whose scanners read Docs (see Mentions).
var docReaders = []string{"atches", "ref=", "helmCharts"}

// needsDocs reports whether a scanner will read k's documents.
func (k *Kustomization) needsDocs() bool {
	return slices.ContainsFunc(docReaders, k.Mentions)
}

// Error is a problem with a kustomization file.
type Error = fileerr.Error

// Find returns the kustomization file in dir, or "" when there is none.
func Find(fsys fs.FS, dir string) (string, error) {
	for _, name := range FileNames {
		p := path.Join(dir, name)
		_, err := fs.Stat(fsys, p)
		if err == nil {
			return p, nil
		}
		if !isNotExist(err) {
			return "", fmt.Errorf("look for kustomization in %s: %w", dir, err)
		}
	}
	return "", nil
}

// isNotExist reports a missing file, also when a parent is a file.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Read parses the kustomization file at file.
func Read(fsys fs.FS, file string) (*Kustomization, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read kustomization: %w", err)
	}
	return Parse(file, data)
}

// Parse parses kustomization data read from file.
func Parse(file string, data []byte) (*Kustomization, error) {
	docs, err := safeyaml.Decode(file, data, "invalid YAML: ")
	if err != nil {
		return nil, err
	}
	k := &Kustomization{File: file, Data: data, Docs: docs}
	if len(docs) == 0 {
		return k, nil
	}
	root := documentRoot(docs[0])
	if root == nil {
		return k, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Msg: "expected a mapping (a kustomization)"}
	}
	dir := path.Dir(file)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "images":
			imgs, err := parseImages(file, val)
			if err != nil {
				return nil, err
			}
			k.Images = imgs
		case "resources", "components", "bases":
			k.Dirs = append(k.Dirs, localPaths(dir, val)...)
		}
	}
	return k, nil
}

func documentRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

func parseImages(file string, seq *yaml.Node) ([]Image, error) {
	if seq.Kind == yaml.ScalarNode && (seq.Tag == "!!null" || seq.Value == "") {
		return nil, nil
	}
	if seq.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: seq.Line, Msg: "images: expected a list of {name, newName, newTag, digest}"}
	}
	var out []Image
	first := map[string]int{}
	for _, item := range seq.Content {
		img, err := parseImage(file, item)
		if err != nil {
			return nil, err
		}
		if line, dup := first[img.Name]; dup {
			return nil, &Error{File: file, Line: img.Line, Msg: fmt.Sprintf("image %q is listed twice (first at line %d): expected one entry per image", img.Name, line)}
		}
		first[img.Name] = img.Line
		out = append(out, img)
	}
	return out, nil
}

func parseImage(file string, item *yaml.Node) (Image, error) {
	if item.Kind != yaml.MappingNode {
		return Image{}, &Error{File: file, Line: item.Line, Msg: "images: expected a mapping with name:"}
	}
	img := Image{File: file, Line: item.Line}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, val := item.Content[i], item.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			return Image{}, &Error{File: file, Line: val.Line, Msg: fmt.Sprintf("images: %s: expected a string", key.Value)}
		}
		switch key.Value {
		case "name":
			img.Name = val.Value
		case "newName":
			img.NewName = val.Value
		case "newTag":
			img.NewTag = val.Value
		case "digest":
			img.Digest = val.Value
		}
	}
	if img.Name == "" {
		return Image{}, &Error{File: file, Line: item.Line, Msg: "images: entry without name: expected name: <image>"}
	}
	return img, nil
}

// localPaths returns the entries of a resources:/components: list that
// are local paths, joined to dir.
func localPaths(dir string, seq *yaml.Node) []string {
	if seq.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, n := range seq.Content {
		v := n.Value
		if n.Kind != yaml.ScalarNode || v == "" || isRemote(v) || strings.HasPrefix(v, "/") {
			continue
		}
		out = append(out, path.Join(dir, v))
	}
	return out
}

func isRemote(v string) bool {
	return strings.Contains(v, "://") || strings.Contains(v, "?ref=") || strings.HasPrefix(v, "github.com/") ||
		strings.HasPrefix(v, "gitlab.com/") || strings.HasPrefix(v, "git@") || strings.Contains(v, ".git//")
}
