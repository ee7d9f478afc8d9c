package promote

import (
	"errors"
	"io/fs"
	"strings"

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
	d := &promotable.Dir{FS: fsys, Path: c.Dir, Env: env.Name}
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
	if err == nil {
		c.build(fsys) // plain manifests are built as their YAML documents
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
			_, err := matchFiles(srcFS, srcDir, g)
			present, xerr := exists(srcFS, srcDir)
			switch {
			case err == nil || (xerr == nil && !present):
			case errors.Is(err, errNoMatch):
				// A file one environment lacks is a note; planning errs
				// only when no environment has it.
				c.Notes = append(c.Notes, "edge "+src.Name+" → "+env.Name+": "+strings.TrimSuffix(err.Error(), ": "+errNoMatch.Error()))
			default:
				c.Errors = append(c.Errors, "edge "+src.Name+" → "+env.Name+": "+err.Error())
			}
		}
	}
	c.OK = len(c.Errors) == 0
	return c
}

// build renders the check's directory (kustomize, or the YAML documents
// of a plain directory) and records the
// resource count, or the build error and the file it names.
func (c *Check) build(fsys fs.FS) {
	r, err := kustomize.RenderEnv(fsys, c.Dir)
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
