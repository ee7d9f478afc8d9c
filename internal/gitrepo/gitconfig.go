package gitrepo

import (
	"os"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/config"
)

// gitConfig is Git's configuration as git reads it: the GIT_CONFIG_COUNT
// environment entries, then the repository's configuration, the global
// files and the system file, highest priority first.
type gitConfig struct {
	env    map[string]string // lower-cased "section.sub.key" → value
	scopes []*config.Config
}

// loadConfig reads every configuration scope of the repository.
func (r *Repo) loadConfig() gitConfig {
	gc := gitConfig{env: envConfig(os.Getenv)}
	r.mu.Lock()
	local, err := r.repo.Config()
	r.mu.Unlock()
	if err == nil {
		gc.scopes = append(gc.scopes, local)
	}
	for _, p := range configFiles() {
		if cfg := readConfigFile(p); cfg != nil {
			gc.scopes = append(gc.scopes, cfg)
		}
	}
	return gc
}

// envConfig reads GIT_CONFIG_COUNT, GIT_CONFIG_KEY_<n> and
// GIT_CONFIG_VALUE_<n> (what `git -c` and CI systems set); later entries
// win.
func envConfig(getenv func(string) string) map[string]string {
	n, err := strconv.Atoi(getenv("GIT_CONFIG_COUNT"))
	if err != nil || n <= 0 {
		return nil
	}
	m := make(map[string]string, n)
	for i := range n {
		k := strings.ToLower(getenv("GIT_CONFIG_KEY_" + strconv.Itoa(i)))
		if k != "" {
			m[k] = getenv("GIT_CONFIG_VALUE_" + strconv.Itoa(i))
		}
	}
	return m
}

// get returns the value of key ("section.key" or
// "section.subsection.key"): the last one set in the highest-priority
// scope that sets it. A key present without "=" reads as "true", as git
// reads booleans.
func (gc gitConfig) get(key string) (string, bool) {
	if v, ok := gc.env[strings.ToLower(key)]; ok {
		return v, true
	}
	section, rest, _ := strings.Cut(key, ".")
	sub, name := "", rest
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		sub, name = rest[:i], rest[i+1:]
	}
	for _, cfg := range gc.scopes {
		if cfg.Raw == nil || !cfg.Raw.HasSection(section) {
			continue
		}
		s := cfg.Raw.Section(section)
		opts := s.Options
		if sub != "" {
			if !s.HasSubsection(sub) {
				continue
			}
			opts = s.Subsection(sub).Options
		}
		for i := len(opts) - 1; i >= 0; i-- {
			if strings.EqualFold(opts[i].Key, name) {
				return opts[i].Value, true
			}
		}
	}
	return "", false
}

// bool reads key as git reads a boolean; ok is false when it is unset or
// not a boolean.
func (gc gitConfig) bool(key string) (value, ok bool) {
	v, found := gc.get(key)
	if !found {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// expandHome replaces a leading "~/" by the home directory, as git's
// path values allow.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return home + "/" + rest
		}
	}
	return p
}
