package gitrepo

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/config"
	format "github.com/go-git/go-git/v5/plumbing/format/config"
)

// gitConfig is Git's configuration as git reads it: the GIT_CONFIG_COUNT
// environment entries, then the repository's configuration, the global
// files and the system file, highest priority first.
type gitConfig struct {
	env    map[string]string // lower-cased "section.sub.key" → value
	scopes []*config.Config
}

// loadConfig reads every configuration scope of the repository,
// following include.path and includeIf "gitdir:..." (an included file
// counts before the file including it).
func (r *Repo) loadConfig() gitConfig {
	gc := gitConfig{env: envConfig(os.Getenv)}
	gitDir := r.gitDir()
	if abs, err := filepath.Abs(gitDir); err == nil && gitDir != "" {
		gitDir = abs
	}
	r.mu.Lock()
	local, err := r.repo.Config()
	r.mu.Unlock()
	if err == nil {
		gc.scopes = append(gc.scopes, includedScopes(local, filepath.Join(gitDir, "config"), gitDir, 0)...)
		gc.scopes = append(gc.scopes, local)
	}
	for _, p := range configFiles() {
		gc.scopes = append(gc.scopes, readScopes(p, gitDir, 0)...)
	}
	return gc
}

// maxIncludeDepth bounds nested includes, as git does.
const maxIncludeDepth = 10

// readScopes reads the configuration file p and the files it includes,
// highest priority first: the last include first, the file itself last.
func readScopes(p, gitDir string, depth int) []*config.Config {
	cfg := readConfigFile(p)
	if cfg == nil {
		return nil
	}
	return append(includedScopes(cfg, p, gitDir, depth), cfg)
}

// includedScopes reads the files cfg (read from p) includes, highest
// priority first.
func includedScopes(cfg *config.Config, p, gitDir string, depth int) []*config.Config {
	var included []*config.Config
	if cfg.Raw == nil || depth >= maxIncludeDepth {
		return nil
	}
	for _, s := range cfg.Raw.Sections {
		for _, inc := range includePaths(s, p, gitDir) {
			if !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(p), inc)
			}
			included = append(readScopes(inc, gitDir, depth+1), included...)
		}
	}
	return included
}

// includePaths are the files an include or includeIf section of the
// file p names, when its condition holds for the repository at gitDir.
func includePaths(s *format.Section, p, gitDir string) []string {
	var paths []string
	switch {
	case strings.EqualFold(s.Name, "include"):
		paths = s.Options.GetAll("path")
	case strings.EqualFold(s.Name, "includeIf"):
		for _, sub := range s.Subsections {
			if gitdirMatches(sub.Name, p, gitDir) {
				paths = append(paths, sub.Options.GetAll("path")...)
			}
		}
	}
	for i := range paths {
		paths[i] = expandHome(paths[i])
	}
	return paths
}

// gitdirMatches evaluates an includeIf condition "gitdir:PATTERN" or
// "gitdir/i:PATTERN" (case-insensitive) for the git directory gitDir, as
// git does: "~/" is the home directory, "./" the including file's
// directory, a pattern that is not absolute matches at any depth
// ("**/" before it), and one ending in "/" matches everything below.
// Other conditions (onbranch:, hasconfig:) do not hold.
func gitdirMatches(cond, file, gitDir string) bool {
	pat, ok := strings.CutPrefix(cond, "gitdir:")
	fold := false
	if !ok {
		pat, ok = strings.CutPrefix(cond, "gitdir/i:")
		fold = true
	}
	if !ok || gitDir == "" || pat == "" {
		return false
	}
	switch {
	case strings.HasPrefix(pat, "~/"):
		pat = expandHome(pat)
	case strings.HasPrefix(pat, "./"):
		pat = filepath.ToSlash(filepath.Dir(file)) + pat[1:]
	case !strings.HasPrefix(pat, "/"):
		pat = "**/" + pat
	}
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	re, err := regexp.Compile(globRegexp(pat, fold))
	if err != nil {
		return false
	}
	dirs := []string{gitDir}
	if real, err := filepath.EvalSymlinks(gitDir); err == nil && real != gitDir {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		if re.MatchString(filepath.ToSlash(d)) {
			return true
		}
	}
	return false
}

// globRegexp turns a wildmatch pattern ("**" crosses directories, "*"
// and "?" do not) into an anchored regular expression.
func globRegexp(pat string, fold bool) string {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for i := 0; i < len(pat); i++ {
		switch {
		case strings.HasPrefix(pat[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(pat[i:], "**"):
			b.WriteString(".*")
			i++
		case pat[i] == '*':
			b.WriteString("[^/]*")
		case pat[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	b.WriteString("$")
	return b.String()
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
