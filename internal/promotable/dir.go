package promotable

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

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/safeyaml"
)

// Dir is an environment directory being scanned: a tree and a directory
// in it, with what several scanners read cached (file contents, parsed
// YAML, kustomizations, the list of manifest files). A Dir is used by one
// goroutine and only reads.
type Dir struct {
	// FS is the tree; Path the directory, relative to its root.
	FS   fs.FS
	Path string
	// Env is the environment's name: it replaces {env} in configured file
	// names (values-{env}.yaml).
	Env string
	// Cache, when set, shares parsed kustomizations with the other Dirs
	// of the same FS.
	Cache *kustomize.Cache

	data  map[string][]byte
	docs  map[string][]*yaml.Node
	kust  []*kustomize.Kustomization
	kErr  error
	kRead bool
	mf    []string
	mfErr error
	mRead bool
}

// NewDir returns a Dir over dir in fsys (a Dir{FS: fsys, Path: dir} is
// as good).
func NewDir(fsys fs.FS, dir string) *Dir {
	return &Dir{FS: fsys, Path: dir}
}

// Expand replaces {env} in a configured file name with the environment's
// name.
func (d *Dir) Expand(name string) string {
	return strings.ReplaceAll(name, "{env}", d.Env)
}

// ReadFile reads name (relative to the tree's root), once.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	if b, ok := d.data[name]; ok {
		return b, nil
	}
	b, err := fs.ReadFile(d.FS, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := safeyaml.CheckSize(name, b); err != nil {
		return nil, err
	}
	if d.data == nil {
		d.data = map[string][]byte{}
	}
	d.data[name] = b
	return b, nil
}

// Documents parses the YAML documents of name, once. An error names the
// file and line.
func (d *Dir) Documents(name string) ([]*yaml.Node, error) {
	if docs, ok := d.docs[name]; ok {
		return docs, nil
	}
	data, err := d.ReadFile(name)
	if err != nil {
		return nil, err
	}
	docs, err := ParseDocuments(name, data)
	if err != nil {
		return nil, err
	}
	if d.docs == nil {
		d.docs = map[string][]*yaml.Node{}
	}
	d.docs[name] = docs
	return docs, nil
}

// ParseDocuments parses every YAML document of data, within the limits
// of safeyaml, and returns each document's root node (nil for an empty
// document).
func ParseDocuments(name string, data []byte) ([]*yaml.Node, error) {
	docs, err := safeyaml.Decode(name, data, "invalid YAML: ")
	if err != nil {
		return nil, err
	}
	return roots(docs), nil
}

// roots returns each document's root node (nil for an empty document).
func roots(docs []*yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, len(docs))
	for i, doc := range docs {
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			out[i] = doc.Content[0]
		}
	}
	return out
}

// Kustomizations returns the kustomization of the directory and those of
// the local directories it includes (kustomize.Collect), outermost first;
// nil when the directory has no kustomization.
func (d *Dir) Kustomizations() ([]*kustomize.Kustomization, error) {
	if d.kRead {
		return d.kust, d.kErr
	}
	d.kRead = true
	d.kust, d.kErr = kustomize.CollectWith(d.FS, d.Path, d.Cache)
	for _, k := range d.kust {
		// Documents of a kustomization (its patches) reuse the parse.
		if k.Docs == nil {
			continue // shared by Cache without them: parsed again if needed
		}
		if d.docs == nil {
			d.docs = map[string][]*yaml.Node{}
		}
		d.docs[k.File] = roots(k.Docs)
	}
	if d.kErr != nil {
		if top, err := kustomize.Find(d.FS, d.Path); err == nil && top == "" {
			d.kust, d.kErr = nil, nil
		}
	}
	return d.kust, d.kErr
}

// ManifestFiles lists the files of the directory that hold Kubernetes
// manifests or patches. With a kustomization, those its kustomizations
// (inside the directory) name: patch files first (patches:,
// patchesStrategicMerge:, patchesJson6902:), since a patch takes effect
// over the resource it patches, then resources: files. Without one,
// every .yaml and .yml file under the directory, sorted. Nothing outside
// the directory is listed.
func (d *Dir) ManifestFiles() ([]string, error) {
	if d.mRead {
		return d.mf, d.mfErr
	}
	d.mRead = true
	ks, err := d.Kustomizations()
	switch {
	case err != nil:
		d.mfErr = err
	case ks == nil:
		d.mf, d.mfErr = d.yamlFiles()
	default:
		d.mf, d.mfErr = d.kustomizedFiles(ks)
	}
	return d.mf, d.mfErr
}

// ManifestDocuments calls each with every YAML document of the
// directory's manifest files that mention one of words (the others are
// not parsed): the file, the document's index in it and its root.
func (d *Dir) ManifestDocuments(words []string, each func(file string, doc int, root *yaml.Node)) error {
	files, err := d.ManifestFiles()
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := d.ReadFile(f)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(words, func(w string) bool { return bytes.Contains(data, []byte(w)) }) {
			continue
		}
		docs, err := d.Documents(f)
		if err != nil {
			return err
		}
		for i, root := range docs {
			each(f, i, root)
		}
	}
	return nil
}

func (d *Dir) yamlFiles() ([]string, error) {
	return kustomize.PlainFiles(d.FS, d.Path)
}

func (d *Dir) kustomizedFiles(ks []*kustomize.Kustomization) ([]string, error) {
	var patches, resources []string
	for _, k := range ks {
		p, err := d.patchFiles(k)
		if err != nil {
			return nil, err
		}
		patches = append(patches, p...)
		for _, r := range k.Dirs {
			if !Inside(d.Path, r) {
				continue
			}
			if info, err := fs.Stat(d.FS, r); err == nil && !info.IsDir() {
				resources = append(resources, r)
			}
		}
	}
	var out []string
	for _, f := range append(patches, resources...) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// patchFiles returns the local patch files k names inside the directory.
func (d *Dir) patchFiles(k *kustomize.Kustomization) ([]string, error) {
	if !k.Mentions("atches") {
		return nil, nil
	}
	docs, err := d.Documents(k.File)
	if err != nil || len(docs) == 0 || docs[0] == nil {
		return nil, err
	}
	var out []string
	dir := path.Dir(k.File)
	add := func(n *yaml.Node) {
		if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" || strings.ContainsAny(n.Value, "\n:") {
			return
		}
		if p := path.Join(dir, n.Value); Inside(d.Path, p) && isFile(d.FS, p) {
			out = append(out, p)
		}
	}
	for _, key := range []string{"patches", "patchesJson6902", "patchesStrategicMerge"} {
		seq := Child(docs[0], key)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range seq.Content {
			if item.Kind == yaml.MappingNode {
				add(Child(item, "path"))
			} else {
				add(item)
			}
		}
	}
	return out, nil
}

func isFile(fsys fs.FS, p string) bool {
	info, err := fs.Stat(fsys, p)
	return err == nil && !info.IsDir()
}

// Inside reports whether p lies inside the directory root (or is it).
func Inside(root, p string) bool {
	root, p = path.Clean(root), path.Clean(p)
	if root == "." {
		return p != ".." && !strings.HasPrefix(p, "../")
	}
	return p == root || strings.HasPrefix(p, root+"/")
}

// IsNotExist reports a missing file, also when a parent is a file.
func IsNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
