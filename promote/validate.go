package promote

import (
	"errors"
	"io/fs"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/promotable"
)

// Check is the validation result of one environment (and app).
type Check struct {
	Env string `json:"env"`
	App string `json:"app,omitempty"`
	Dir string `json:"dir"`
	OK  bool   `json:"ok"`
	// Images counts the images the environment runs as status lists
	// them: the kustomize images: entries that take effect (one per
	// image, however many levels list it) and container images in
	// manifests and patches.
	Images int      `json:"images"`
	Errors []string `json:"errors,omitempty"`
	// Resources counts the manifests kustomize builds; BuildError is the
	// build's failure and BuildFile the file it names, if any.
	Resources  int    `json:"resources"`
	BuildError string `json:"buildError,omitempty"`
	BuildFile  string `json:"buildFile,omitempty"`
	// Notes are parts not rendered (remote bases, Helm charts: they need
	// the network).
	Notes []string `json:"notes,omitempty"`
}

// Validate checks every environment (and app) of cfg in fsys: its
// directory exists, its kustomizations parse, image entries are unique,
// it builds with kustomize (in process, without the network), and the
// files: globs of the edge into it match files in its source.
func Validate(cfg *Config, fsys fs.FS) []Check {
	var out []Check
	for _, env := range cfg.Environments {
		apps := []string{""}
		if cfg.Apps != nil {
			envFS, err := envTree(fsys, env.Name)
			found, err := discoverIn(cfg, env, envFS, err)
			if err != nil {
				out = append(out, Check{Env: env.Name, Dir: cfg.Apps.Path, Errors: []string{err.Error()}})
				continue
			}
			apps = found
		}
		for _, app := range apps {
			out = append(out, validateDir(cfg, env, app, fsys))
		}
	}
	return out
}

// discoverIn discovers env's apps in fsys unless reading fsys failed.
func discoverIn(cfg *Config, env Environment, fsys fs.FS, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	return DiscoverApps(cfg, env, fsys)
}

func validateDir(cfg *Config, env Environment, app string, fsys fs.FS) Check {
	c := Check{Env: env.Name, App: app, Dir: cfg.Dir(env, app)}
	all := fsys
	fsys, err := envTree(all, env.Name)
	if err != nil {
		c.Errors = append(c.Errors, err.Error())
		return c
	}
	if err := requireDir(fsys, c.Dir, env.Name); err != nil {
		c.Errors = append(c.Errors, err.Error())
		return c
	}
	d := &promotable.Dir{FS: fsys, Path: c.Dir}
	ks, err := d.Kustomizations()
	if err != nil {
		c.Errors = append(c.Errors, err.Error())
	}
	effective, _ := kustomize.Effective(ks)
	c.Images = len(effective)
	values, scanErr := scanValues(cfg.PromotablesFor(env), d)
	for _, v := range values {
		if v.Kind == KindImage {
			c.Images++
		}
	}
	switch {
	case err == nil && ks == nil:
		c.Notes = append(c.Notes, c.Dir+": no kustomization, so it is not built (plain manifests)")
	case err == nil:
		c.build(fsys)
	}
	if env.From != "" {
		if scanErr != nil {
			c.Errors = append(c.Errors, scanErr.Error())
		}
		src, _ := cfg.Env(env.From)
		srcDir := cfg.Dir(src, app)
		srcFS, err := envTree(all, src.Name)
		if err != nil {
			srcFS = fsys
		}
		for _, g := range cfg.PromotablesFor(env).Files {
			if _, err := matchFiles(srcFS, srcDir, g); err != nil && exists(srcFS, srcDir) {
				c.Errors = append(c.Errors, "edge "+src.Name+" → "+env.Name+": "+err.Error())
			}
		}
	}
	c.OK = len(c.Errors) == 0
	return c
}

// build renders the check's directory with kustomize and records the
// resource count, or the build error and the file it names.
func (c *Check) build(fsys fs.FS) {
	r, err := kustomize.Render(fsys, c.Dir)
	var be *kustomize.BuildError
	switch {
	case errors.As(err, &be):
		c.BuildError, c.BuildFile = be.Error(), be.File
		c.Errors = append(c.Errors, be.Error())
		return
	case err != nil:
		c.Errors = append(c.Errors, err.Error())
		return
	}
	c.Resources = len(r.Resources)
	for _, n := range r.NotRendered {
		c.Notes = append(c.Notes, n.String())
	}
}
