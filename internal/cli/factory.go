package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/workspace"
)

// Factory holds what commands need from the outside world, built lazily
// so that tests can replace any of it.
type Factory struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Commands receives the workflow commands promote writes under
	// GitHub Actions (annotations, masks); nil uses Stderr. The action
	// entry point guards Stdout and Stderr against commands hidden in
	// data and writes its own here.
	Commands io.Writer
	Getenv   func(string) string
	// Terminal is true when Stdout is a terminal (colour allowed).
	Terminal bool

	// Dir is -C; ConfigFile is --config.
	Dir, ConfigFile string
	// Signing is --sign, --no-sign and --sign-key: how the commits
	// promote writes are signed (default: as git's configuration says).
	Signing signFlags

	// Now is the clock (freeze windows); nil uses time.Now.
	Now func() time.Time

	// NewForge builds the named forge; nil uses the built-in ones.
	NewForge func(name string, w *workspace.Workspace) (forge.Forge, error)
	// ForgeOptions reach GitHub, GitLab and Gitea (set by --repo,
	// --gitlab-url, --gitea-url, the GitHub App flags...; tests set Retry
	// and Transport).
	ForgeOptions connect.Options
	// StderrTerminal is true when Stderr is a terminal (git progress).
	StderrTerminal bool

	ws *workspace.Workspace
	// renders is the command's render cache, closed when it is done.
	renders *kustomize.RenderCache
	// annotated is set once an error was written as an annotation.
	annotated bool
}

// Workspace locates promote.yaml once per command.
func (f *Factory) Workspace() (*workspace.Workspace, error) {
	if f.ws != nil {
		return f.ws, nil
	}
	dir := f.Dir
	if dir == "" {
		dir = "."
	}
	ws, err := workspace.Locate(dir, f.ConfigFile)
	if err != nil {
		return nil, err
	}
	ws.Signing = f.Signing.options()
	f.renders = ws.RenderCache(f.Getenv != nil && f.Getenv(workspace.NoRenderCacheEnv) != "")
	kustomize.UseCache(f.renders)
	f.ws = ws
	return ws, nil
}

// closeRenders writes the builds the command kept for later ones.
func (f *Factory) closeRenders() {
	f.renders.Close()
}

// Forge returns the forge called name.
func (f *Factory) Forge(name string) (forge.Forge, error) {
	ws, err := f.Workspace()
	if err != nil {
		return nil, err
	}
	if f.NewForge != nil {
		return f.NewForge(name, ws)
	}
	repo, err := ws.Repo()
	if err != nil {
		return nil, err
	}
	opts := f.ForgeOptions
	opts.Forge, opts.Getenv, opts.Stderr = name, f.Getenv, f.Stderr
	opts.Progress = opts.Progress || f.StderrTerminal
	return connect.Open(repo, opts)
}

// Notifier sends the notifications promote.yaml lists, with variables
// from Getenv; failures are printed to Stderr as warnings.
func (f *Factory) Notifier() *notify.Sender {
	return &notify.Sender{Getenv: f.Getenv, Warn: func(w string) { fmt.Fprintf(f.Stderr, "warning: %s\n", w) }}
}

// gitHub is the GitHub Actions runner's environment, nil outside it.
func (f *Factory) gitHub() *actions.GitHub {
	return actions.DetectGitHub(f.Getenv, f.commands())
}

// commands is where workflow commands go.
func (f *Factory) commands() io.Writer {
	if f.Commands != nil {
		return f.Commands
	}
	return f.Stderr
}

// color reports whether output may carry escape codes.
func (f *Factory) color() bool {
	return f.Terminal && f.Getenv("NO_COLOR") == "" && f.Getenv("TERM") != "dumb"
}

// note tells the user something that is not an error, on stderr.
func (f *Factory) note(msg string) {
	fmt.Fprintf(f.Stderr, "promote: %s\n", msg)
}
