package workspace

import (
	"fmt"
	"path/filepath"

	"github.com/gitops-promote/promote/promote"
)

// LocateCommitted locates the workspace of chat commands, which read
// promote.yaml from the default branch, never from the disk:
// configFile (--config, relative to dir) only says in which directory
// promote.yaml lives, so it may only name a promote.yaml.
func LocateCommitted(dir, configFile string) (*Workspace, error) {
	if configFile == "" {
		return Locate(dir, "")
	}
	cfg := configFile
	if !filepath.IsAbs(cfg) {
		cfg = filepath.Join(dir, cfg)
	}
	if filepath.Base(cfg) != promote.ConfigFile {
		return nil, fmt.Errorf("--config %s: chat commands read %s from the default branch, so --config may only name its directory's %s", configFile, promote.ConfigFile, promote.ConfigFile)
	}
	return Locate(filepath.Dir(cfg), "")
}
