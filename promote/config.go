package promote

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/gitops-promote/promote/internal/fileerr"
	"github.com/gitops-promote/promote/internal/grammar"
	"github.com/gitops-promote/promote/internal/safeyaml"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the configuration file looked up in a
// repository.
const ConfigFile = "promote.yaml"

// Config is the content of promote.yaml.
type Config struct {
	// Environments lists the environments and, through From, the pipeline.
	Environments []Environment `yaml:"environments" json:"environments"`
	// Promote says what travels along every edge unless an environment
	// overrides it.
	Promote Promotables `yaml:"promote" json:"promote"`
	// Apps, when set, makes the repository a monorepo with one overlay per
	// app and environment.
	Apps *Apps `yaml:"apps,omitempty" json:"apps,omitempty"`
	// ChatOps configures chat commands in comments.
	ChatOps *ChatOps `yaml:"chatops,omitempty" json:"chatops,omitempty"`
	// Notify lists chat and webhook notifications about proposals.
	Notify []Notification `yaml:"notify,omitempty" json:"notify,omitempty"`

	// File is the path the configuration was read from, for messages.
	File string `yaml:"-" json:"-"`
}

// Environment is one stage of the pipeline.
type Environment struct {
	// Name identifies the environment (dev, staging, prod).
	Name string `yaml:"name" json:"name"`
	// Path is the environment's directory relative to the configuration
	// file. With Apps set it may be omitted; the app template is used.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Branch, when set, makes the environment live on a branch of its
	// own: its tree is read from that branch (at Path, default the root)
	// and proposals into it target that branch.
	Branch string `yaml:"branch,omitempty" json:"branch,omitempty"`
	// From names the environment this one is promoted from.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// Promote overrides the top-level promotables for the edge into this
	// environment.
	Promote *Promotables `yaml:"promote,omitempty" json:"promote,omitempty"`
	// RequireSourceClean refuses promotions into this environment while
	// its source is not clean (see CheckPolicy), unless forced.
	RequireSourceClean bool `yaml:"requireSourceClean,omitempty" json:"requireSourceClean,omitempty"`
	// Freeze lists windows in which promotions into this environment are
	// refused unless forced.
	Freeze []Freeze `yaml:"freeze,omitempty" json:"freeze,omitempty"`
	// RequireSoak refuses promotions into this environment, unless
	// forced, until each value promoted has run in the source for this
	// long (24h, 90m, 2d).
	RequireSoak string `yaml:"requireSoak,omitempty" json:"requireSoak,omitempty"`
	// RequireChecks are commit statuses or check runs that must have
	// succeeded on the commit that last changed the source (or a later
	// commit of the base branch) before promoting into this environment.
	RequireChecks []string `yaml:"requireChecks,omitempty" json:"requireChecks,omitempty"`
	// PullRequest configures the pull or merge requests that promote
	// into this environment: reviewers, labels, draft, auto-merge.
	PullRequest *RequestSettings `yaml:"pullRequest,omitempty" json:"pullRequest,omitempty"`
	// Approvers, when set, are the users and org/team names allowed to
	// promote into or roll back this environment by chat command.
	Approvers []string `yaml:"approvers,omitempty" json:"approvers,omitempty"`
	// AutoPromote opens the promotion into this environment as soon as a
	// promotion into its source is merged (promote serve, promote chatops).
	AutoPromote bool `yaml:"autoPromote,omitempty" json:"autoPromote,omitempty"`

	line int
	soak time.Duration
}

// Soak is the soak time RequireSoak asks for, 0 when none.
func (e Environment) Soak() time.Duration { return e.soak }

// Promotables says which values travel along an edge.
type Promotables struct {
	// Images promotes kustomize images: entries (name, newName, newTag,
	// digest). Defaults to true.
	Images *bool `yaml:"images,omitempty" json:"images,omitempty"`
	// Files lists globs, relative to the environment directory, of files
	// copied whole from source to target.
	Files []string `yaml:"files,omitempty" json:"files,omitempty"`
	// Helm lists Helm values files and the paths in them that travel.
	Helm []HelmValues `yaml:"helm,omitempty" json:"helm,omitempty"`
	// Charts promotes chart versions: helmCharts: entries, Argo CD
	// Applications' targetRevision, Flux HelmReleases' version.
	Charts bool `yaml:"charts,omitempty" json:"charts,omitempty"`
	// Refs promotes pinned Git refs: the ?ref= of remote bases and the
	// spec.ref.tag of Flux GitRepositories.
	Refs bool `yaml:"refs,omitempty" json:"refs,omitempty"`
	// Terraform promotes Terraform/OpenTofu variables and module versions.
	Terraform *TerraformPromotables `yaml:"terraform,omitempty" json:"terraform,omitempty"`
}

// HelmValues is a Helm values file, relative to the environment
// directory, and the paths in it that travel: a path naming a scalar
// (image.tag) copies it; a path naming an image block (image, with
// repository, tag and digest) copies the block's values together.
type HelmValues struct {
	File  string   `yaml:"file" json:"file"`
	Paths []string `yaml:"paths" json:"paths"`
}

// TerraformPromotables says which Terraform/OpenTofu values travel.
type TerraformPromotables struct {
	// Variables are the variables set in *.tfvars files that travel.
	Variables []string `yaml:"variables,omitempty" json:"variables,omitempty"`
	// Modules promotes module sources' ?ref= and module versions.
	Modules bool `yaml:"modules,omitempty" json:"modules,omitempty"`
}

// Apps describes a monorepo layout.
type Apps struct {
	// Path is a template such as apps/{app}/overlays/{env}; {app} must be
	// a whole path segment and {env} is replaced by the environment name.
	Path string `yaml:"path" json:"path"`
}

// ImagesEnabled reports whether images travel.
func (p Promotables) ImagesEnabled() bool { return p.Images == nil || *p.Images }

// ConfigError is a problem in promote.yaml. Line is 1-based, 0 when unknown.
type ConfigError = fileerr.Error

// ParseConfig parses and validates promote.yaml. name is used in errors.
func ParseConfig(name string, data []byte) (*Config, error) {
	cfg := &Config{File: name}
	docs, err := safeyaml.Decode(name, data, "")
	if err != nil {
		return nil, err
	}
	if len(docs) > 1 {
		return nil, &ConfigError{File: name, Line: docs[1].Line, Msg: "a second YAML document: expected one mapping with environments:"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: name, Msg: "file is empty: expected a mapping with environments:"}
		}
		return nil, yamlConfigError(name, err)
	}
	recordLines(cfg, docs[0])
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// yamlConfigError turns a yaml.v3 error ("yaml: line 3: ...") into a
// ConfigError with the line split out.
func yamlConfigError(name string, err error) error {
	e := fileerr.FromYAML(name, err, "")
	e.Msg = strings.Replace(e.Msg, "in type promote.", "in ", 1)
	return e
}

// recordLines remembers each environment's line for later messages.
func recordLines(cfg *Config, root *yaml.Node) {
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range m.Content[i+1].Content {
			switch {
			case m.Content[i].Value == "environments" && j < len(cfg.Environments):
				cfg.Environments[j].line = item.Line
			case m.Content[i].Value == "notify" && j < len(cfg.Notify):
				cfg.Notify[j].line = item.Line
			}
		}
	}
}

func (c *Config) errorf(line int, format string, args ...any) error {
	return &ConfigError{File: c.File, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (c *Config) validate() error {
	if len(c.Environments) == 0 {
		return c.errorf(0, "no environments: expected a list under environments:")
	}
	if err := c.validatePromotables(&c.Promote, 0, "promote"); err != nil {
		return err
	}
	if c.Apps != nil {
		if err := c.validateAppsPath(); err != nil {
			return err
		}
	}
	if err := c.validateChatOps(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range c.Environments {
		e := &c.Environments[i]
		if err := c.validateEnvironment(e, seen); err != nil {
			return err
		}
		seen[e.Name] = true
	}
	for _, e := range c.Environments {
		if e.From != "" && !seen[e.From] {
			return c.errorf(e.line, "environment %q: from: %q names no environment (have %s)", e.Name, e.From, strings.Join(c.names(), ", "))
		}
	}
	if err := c.validateNotify(); err != nil {
		return err
	}
	return c.checkCycles()
}

func (c *Config) validateEnvironment(e *Environment, seen map[string]bool) error {
	switch {
	case e.Name == "":
		return c.errorf(e.line, "environment without name: expected name:")
	case !ValidEnvName(e.Name):
		return c.errorf(e.line, "environment name %s: expected at most %d letters, digits, '.', '_' or '-' that make a git branch name (no '..', no leading '.' or '-', no trailing '.' or '.lock')", grammar.Show(e.Name), MaxEnvName)
	case seen[e.Name]:
		return c.errorf(e.line, "environment %q is defined twice", e.Name)
	case e.From == e.Name:
		return c.errorf(e.line, "environment %q: from: names itself", e.Name)
	case e.Path == "" && c.Apps == nil && e.Branch == "":
		return c.errorf(e.line, "environment %q: expected path: (the environment's directory) or branch:", e.Name)
	}
	if err := c.validateBranch(e); err != nil {
		return err
	}
	if e.Path != "" {
		if err := checkRelPath(e.Path); err != nil {
			return c.errorf(e.line, "environment %q: path %q: %v", e.Name, e.Path, err)
		}
	}
	if err := c.validateFreeze(e); err != nil {
		return err
	}
	if err := c.validateGates(e); err != nil {
		return err
	}
	if err := c.validatePullRequest(e); err != nil {
		return err
	}
	if err := c.validateApprovers(e); err != nil {
		return err
	}
	if e.Promote != nil {
		return c.validatePromotables(e.Promote, e.line, "environment "+e.Name+": promote")
	}
	return nil
}

func (c *Config) validatePromotables(p *Promotables, line int, where string) error {
	for _, g := range p.Files {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			return c.errorf(line, "%s: files: %q is not a valid glob", where, g)
		}
		if err := checkRelPath(strings.ReplaceAll(g, "*", "x")); err != nil {
			return c.errorf(line, "%s: files: %q: %v", where, g, err)
		}
	}
	if err := validateScanned(p); err != nil {
		return c.errorf(line, "%s: %v", where, err)
	}
	return nil
}

func (c *Config) validateAppsPath() error {
	p := c.Apps.Path
	if !strings.Contains(p, "{app}") || !strings.Contains(p, "{env}") {
		return c.errorf(0, "apps: path %q: expected a template containing {app} and {env}", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.Contains(seg, "{app}") && seg != "{app}" {
			return c.errorf(0, "apps: path %q: {app} must be a whole path segment", p)
		}
	}
	if strings.Count(p, "{app}") > 1 {
		return c.errorf(0, "apps: path %q: {app} may appear once", p)
	}
	if err := checkRelPath(strings.NewReplacer("{app}", "a", "{env}", "e").Replace(p)); err != nil {
		return c.errorf(0, "apps: path %q: %v", p, err)
	}
	return nil
}

// checkRelPath accepts clean, relative, slash-separated paths that stay
// inside the repository.
func checkRelPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.HasPrefix(p, "/") || (len(p) > 1 && p[1] == ':'):
		return errors.New("must be relative to the repository, not absolute")
	case strings.Contains(p, "\\"):
		return errors.New("use '/' as separator")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return errors.New("must not contain '..' (it would leave the repository)")
		}
		if seg == ".git" {
			return errors.New("must not point into .git")
		}
	}
	if path.Clean(p) != strings.TrimSuffix(p, "/") && path.Clean(p) != p {
		return fmt.Errorf("not a clean path (did you mean %q?)", path.Clean(p))
	}
	return nil
}

// MaxEnvName is the longest environment name: names go into branch
// names (promote/<from>-to-<to>), labels and commit trailers.
const MaxEnvName = 63

// ValidEnvName accepts an environment (or app) name that is also a valid part of a
// git branch name.
func ValidEnvName(s string) bool {
	if len(s) > MaxEnvName || grammar.GitRef(s) != nil || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s != "." && s != ".."
}

func (c *Config) names() []string {
	out := make([]string, len(c.Environments))
	for i, e := range c.Environments {
		out[i] = e.Name
	}
	return out
}

// checkCycles follows from: links; a pipeline must be a DAG.
func (c *Config) checkCycles() error {
	for _, e := range c.Environments {
		visited := map[string]bool{e.Name: true}
		chain := []string{e.Name}
		for cur := e; cur.From != ""; {
			next, _ := c.Env(cur.From)
			chain = append(chain, next.Name)
			if visited[next.Name] {
				return c.errorf(e.line, "pipeline has a cycle: %s", strings.Join(chain, " <- "))
			}
			visited[next.Name] = true
			cur = next
		}
	}
	return nil
}

// Env returns the environment called name.
func (c *Config) Env(name string) (Environment, bool) {
	for _, e := range c.Environments {
		if e.Name == name {
			return e, true
		}
	}
	return Environment{}, false
}

// Lookup returns the environment called name or an error listing the
// known ones.
func (c *Config) Lookup(name string) (Environment, error) {
	if e, ok := c.Env(name); ok {
		return e, nil
	}
	return Environment{}, fmt.Errorf("unknown environment %q (%s defines %s)", name, c.File, strings.Join(c.names(), ", "))
}

// Targets returns the environments promoted from name, in config order.
func (c *Config) Targets(name string) []Environment {
	var out []Environment
	for _, e := range c.Environments {
		if e.From == name {
			out = append(out, e)
		}
	}
	return out
}

// PromotablesFor returns what travels along the edge into env.
func (c *Config) PromotablesFor(env Environment) Promotables {
	if env.Promote != nil {
		return *env.Promote
	}
	return c.Promote
}

// Dir returns the directory of env (for app, when the config has apps).
func (c *Config) Dir(env Environment, app string) string {
	if c.Apps == nil || app == "" {
		return env.Path
	}
	return expandPath(c.Apps.Path, app, env.Name)
}

// expandPath replaces {app} and {env} in an apps: path template, in one
// pass as strings.Replacer does (a value holding "{env}" stays as it is),
// without building a Replacer for every directory.
func expandPath(tmpl, app, env string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			if b.Len() == 0 {
				return tmpl
			}
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		switch rest := tmpl[i:]; {
		case strings.HasPrefix(rest, "{app}"):
			b.WriteString(app)
			tmpl = rest[len("{app}"):]
		case strings.HasPrefix(rest, "{env}"):
			b.WriteString(env)
			tmpl = rest[len("{env}"):]
		default:
			b.WriteByte('{')
			tmpl = rest[1:]
		}
	}
}
