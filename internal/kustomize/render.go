package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gitops-promote/promote/third_party/kustomize/api/krusty"
	"github.com/gitops-promote/promote/third_party/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// ResourceID identifies a rendered resource.
type ResourceID struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// String renders the ID as "apiVersion/kind namespace/name" (the
// namespace left out for cluster-scoped resources).
func (id ResourceID) String() string {
	s := id.APIVersion + "/" + id.Kind + " "
	if id.Namespace != "" {
		s += id.Namespace + "/"
	}
	return s + id.Name
}

// Resource is one rendered manifest.
type Resource struct {
	ID ResourceID
	// YAML is the manifest as kustomize build prints it.
	YAML []byte
}

// NotRendered is an entry of a kustomization left out of a render because
// building it would need the network: a remote base or file, or a Helm
// chart.
type NotRendered struct {
	// File is the kustomization, Field its key (resources, helmCharts...).
	File  string `json:"file"`
	Field string `json:"field"`
	// Entry is the URL or chart left out.
	Entry string `json:"entry"`
}

// String describes the entry for messages.
func (n NotRendered) String() string {
	return fmt.Sprintf("%s: %s: %s not rendered: needs network", n.File, n.Field, n.Entry)
}

// Rendering is the result of building one directory.
type Rendering struct {
	// Dir is the directory built, relative to the tree's root.
	Dir string
	// Resources are the manifests in kustomize's output order.
	Resources []Resource
	// NotRendered lists what was left out (remote bases, Helm charts).
	NotRendered []NotRendered
}

// BuildError is kustomize's failure to build a directory.
type BuildError struct {
	// Dir is the directory built.
	Dir string
	// File is the tree file kustomize's message names, when it names one.
	File string
	// Msg is kustomize's message, with paths relative to the tree's root.
	Msg string
	// Plain is set for a directory without a kustomization (RenderPlain).
	Plain bool
}

func (e *BuildError) Error() string {
	if e.Plain {
		return fmt.Sprintf("build %s (plain manifests): %s", e.Dir, e.Msg)
	}
	return fmt.Sprintf("kustomize build %s: %s", e.Dir, e.Msg)
}

// Render builds the kustomization in dir of fsys with krusty, in process:
// no kustomize binary, no checkout and no network. Load restrictions and
// plugins are kustomize's defaults (files must stay under each
// kustomization's root; no exec or container plugins). Remote bases and
// files (URLs in resources:, components:, patches...) and Helm charts are
// dropped from an in-memory copy of their kustomization before building
// and listed in NotRendered; the rest is rendered. A failed build is a
// *BuildError; a file over the limits of safeyaml (or a render reading
// more than MaxRenderBytes) is refused before kustomize parses it, with
// a *fileerr.Error naming it.
//
// Builds run concurrently, except those of kustomizations with an
// openapi: field: kustomize keeps the schema it sets in a process-wide
// variable, so such a build runs alone and the default schema is put
// back after it, as a fresh kustomize process would have it.
//
// When a RenderCache is in use (UseCache), a build of the same directory on
// the same content is made once and its result shared: callers must not
// change a Rendering.
func Render(fsys fs.FS, dir string) (*Rendering, error) {
	if c := active.Load(); c != nil {
		return c.Render(fsys, dir)
	}
	r, _, err := renderShared(fsys, dir)
	return r, err
}

// Builds reports whether dir builds (Render's error), for callers that
// do not look at the rendering: through a RenderCache in use, a build it kept
// without its rendering answers it.
func Builds(fsys fs.FS, dir string) error {
	if c := active.Load(); c != nil {
		return c.Builds(fsys, dir)
	}
	_, err := Render(fsys, dir)
	return err
}

// renderShared builds dir, alone when it sets the OpenAPI schema, and
// reports whether the result may be kept across processes: it was built
// with others, and no kustomization it read made kustomize print a
// warning (a kept build would not print it again).
func renderShared(fsys fs.FS, dir string) (*Rendering, bool, error) {
	schemaMu.RLock()
	r, exclusive, warns, err := render(fsys, dir, false)
	schemaMu.RUnlock()
	if !exclusive {
		return r, !warns, err
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	defer openapi.ResetOpenAPI()
	r, _, _, err = render(fsys, dir, true)
	return r, false, err
}

// schemaMu is held for reading by builds and for writing by a build that
// sets kustomize's process-wide OpenAPI schema.
var schemaMu sync.RWMutex

// errNeedsSchema stops a shared build that met an openapi: field.
var errNeedsSchema = errors.New("kustomization sets the OpenAPI schema")

// render builds dir. Unless exclusive, it stops at the first
// kustomization with an openapi: field and reports that it must be built
// alone.
func render(fsys fs.FS, dir string, exclusive bool) (*Rendering, bool, bool, error) {
	dir = path.Clean(dir)
	t := NewTreeFileSystem(fsys)
	var dropped droppedSet
	var needsSchema, warns atomic.Bool
	t.rewrite = func(name string, data []byte) ([]byte, error) {
		if !slices.Contains(FileNames, path.Base(name)) {
			return data, nil
		}
		if mayWarn(data) {
			warns.Store(true)
		}
		if !exclusive && setsSchema(data) {
			needsSchema.Store(true)
			return nil, errNeedsSchema
		}
		out, nr := stripNetwork(name, data)
		dropped.add(nr)
		return out, nil
	}
	m, err := kustomizer().Run(t, dir)
	if needsSchema.Load() {
		return nil, true, false, nil
	}
	if err != nil {
		if refused := t.Refused(); refused != nil {
			return nil, false, false, refused
		}
		return nil, false, false, buildError(fsys, dir, err)
	}
	r := &Rendering{Dir: dir, NotRendered: dropped.list()}
	for _, res := range m.Resources() {
		y, err := res.AsYAML()
		if err != nil {
			return nil, false, false, &BuildError{Dir: dir, Msg: fmt.Sprintf("encode %s: %v", idOf(res), err)}
		}
		r.Resources = append(r.Resources, Resource{ID: idOf(res), YAML: y})
	}
	return r, false, warns.Load(), nil
}

// warningFields are the kustomization fields kustomize warns about on
// standard error when it builds (deprecations, sortOptions against the
// default reordering).
var warningFields = [][]byte{
	[]byte("bases"), []byte("commonLabels"), []byte("imageTags"), []byte("patchesJson6902"),
	[]byte("patchesStrategicMerge"), []byte("vars"), []byte("sortOptions"),
}

// mayWarn reports whether a kustomization may make kustomize print a
// warning: it names one of warningFields anywhere.
func mayWarn(data []byte) bool {
	for _, f := range warningFields {
		if bytes.Contains(data, f) {
			return true
		}
	}
	return false
}

// kustomizer is built per render: krusty's Kustomizer keeps state per run.
func kustomizer() *krusty.Kustomizer {
	return krusty.MakeKustomizer(krusty.MakeDefaultOptions())
}

func idOf(r *resource.Resource) ResourceID {
	id := r.CurId()
	return ResourceID{APIVersion: id.ApiVersion(), Kind: id.Kind, Namespace: r.GetNamespace(), Name: r.GetName()}
}

// droppedSet collects NotRendered entries once each (kustomize may read a
// kustomization several times).
type droppedSet struct {
	mu   sync.Mutex
	seen map[NotRendered]bool
	out  []NotRendered
}

func (d *droppedSet) add(nr []NotRendered) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range nr {
		if d.seen == nil {
			d.seen = map[NotRendered]bool{}
		}
		if !d.seen[n] {
			d.seen[n] = true
			d.out = append(d.out, n)
		}
	}
}

func (d *droppedSet) list() []NotRendered {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.out)
}

// absPath matches the absolute tree paths kustomize puts in messages;
// relPath the relative ones (with a directory) a TreeFileSystem reports.
var (
	absPath = regexp.MustCompile(`(^|[\s'"(=:])/([^\s'"():,]*)`)
	relPath = regexp.MustCompile(`(?:^|[\s'"(=:])([A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)+)`)
)

// buildError turns kustomize's error into a BuildError whose message
// names tree paths relative to the root, and finds the file it is about.
func buildError(fsys fs.FS, dir string, err error) *BuildError {
	msg := absPath.ReplaceAllString(err.Error(), "${1}${2}")
	return &BuildError{Dir: dir, Msg: msg, File: blamedFile(fsys, dir, msg)}
}

// blamedFile is the first existing file msg names; else the
// kustomization next to the first missing path it names (the one that
// refers to it); else the kustomization of dir.
func blamedFile(fsys fs.FS, dir, msg string) string {
	missing := ""
	for _, m := range relPath.FindAllStringSubmatch(msg, -1) {
		name := path.Clean(m[1])
		info, err := fs.Stat(fsys, name)
		switch {
		case err == nil && !info.IsDir():
			return name
		case err != nil && missing == "":
			missing = name
		}
	}
	if missing != "" {
		if f, _ := Find(fsys, path.Dir(missing)); f != "" {
			return f
		}
	}
	f, _ := Find(fsys, dir)
	return f
}
