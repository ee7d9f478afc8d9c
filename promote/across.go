package promote

import (
	"strings"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/manifests"
	"github.com/gitops-promote/promote/internal/promotable"
)

// planAcross plans images on an edge between a plain directory and a
// kustomize overlay, either way round. What the source runs is read from
// its render (kustomize build, or its YAML documents); each image the
// source runs in one version is carried to the target's kustomize
// images: entries for it (dstK, when the target is an overlay) or to the
// container images of the target's plain manifests. Images the target
// sets elsewhere are left to the other units and to the safety net.
func planAcross(p *Plan, app string, dirs envDirs, dstK []*kustomize.Kustomization) error {
	r, err := kustomize.RenderEnv(dirs.src.FS, dirs.src.Path)
	if err != nil {
		return err
	}
	want := map[string]promotable.Image{}
	for k, vs := range renderedVersions(r.Resources) {
		if k.kind == KindImage && len(vs) == 1 {
			ref := k.name + ":" + vs[0]
			if strings.HasPrefix(vs[0], "@") {
				ref = k.name + vs[0]
			}
			want[k.name] = promotable.ParseImage(ref)
		}
	}
	if dstK != nil {
		acrossEntries(p, app, want, dstK)
		return nil
	}
	return acrossManifests(p, app, want, dirs.dst)
}

// acrossEntries sets the target's images: entries to the versions the
// source runs, matched by the name the entry gives the image.
func acrossEntries(p *Plan, app string, want map[string]promotable.Image, dstK []*kustomize.Kustomization) {
	for _, k := range dstK {
		for _, old := range k.Images {
			name := old.NewName
			if name == "" {
				name = old.Name
			}
			w, ok := want[name]
			if !ok {
				continue
			}
			img := kustomize.Image{Name: old.Name, NewName: old.NewName, NewTag: w.Tag, Digest: w.Digest}
			if old.SameValues(img) {
				continue
			}
			o := old
			p.Changes = append(p.Changes, Change{App: app, File: old.File, Kind: KindImage, Name: old.Name,
				Old: old.Ref(), New: img.Ref(), Line: old.Line, Image: &ImageChange{Old: &o, New: img}})
		}
	}
}

// acrossManifests sets the container images of the target's plain
// manifests to the versions the source runs.
func acrossManifests(p *Plan, app string, want map[string]promotable.Image, dst *promotable.Dir) error {
	found, err := manifests.Images{}.Scan(dst)
	if err != nil {
		return err
	}
	for _, f := range found {
		w, ok := want[f.Name]
		if !ok || f.Image == nil || w.Version() == f.Value {
			continue
		}
		img := w
		p.Changes = append(p.Changes, valueChange(app, promotable.Pair{Target: f, Want: promotable.Found{Value: w.Version(), Image: &img}}))
	}
	return nil
}
