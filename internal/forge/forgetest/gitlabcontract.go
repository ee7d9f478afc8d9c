package forgetest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

//go:embed testdata/gitlab-api.tsv
var gitlabAPITable string

// glParam is one parameter of a GitLab endpoint in the contract.
type glParam struct {
	name, typ string
	required  bool
	limit     int // 0: none
}

// glEndpoint is one endpoint of the contract.
type glEndpoint struct {
	method string
	path   []string // segments; ":x" matches one
	params []glParam
}

// GitLabContract checks requests against the table of GitLab endpoints
// promote uses (testdata/gitlab-api.tsv), written from GitLab's API
// documentation.
type GitLabContract struct {
	endpoints []*glEndpoint
}

// LoadGitLabContract parses the contract table.
func LoadGitLabContract(table string) (*GitLabContract, error) {
	c := &GitLabContract{}
	byKey := map[string]*glEndpoint{}
	sc := bufio.NewScanner(strings.NewReader(table))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("gitlab-api.tsv:%d: %d columns, want 6 (method, path, parameter, type, required, limit)", line, len(f))
		}
		key := f[0] + " " + f[1]
		ep := byKey[key]
		if ep == nil {
			ep = &glEndpoint{method: f[0], path: strings.Split(strings.Trim(f[1], "/"), "/")}
			byKey[key] = ep
			c.endpoints = append(c.endpoints, ep)
		}
		if f[2] == "-" {
			continue
		}
		p := glParam{name: f[2], typ: f[3], required: f[4] == "yes"}
		if f[5] != "-" {
			n, err := strconv.Atoi(f[5])
			if err != nil {
				return nil, fmt.Errorf("gitlab-api.tsv:%d: limit %q is not a number", line, f[5])
			}
			p.limit = n
		}
		ep.params = append(ep.params, p)
	}
	return c, nil
}

// gitlabContract is the parsed table; the table ships with the package.
var gitlabContract = func() *GitLabContract {
	c, err := LoadGitLabContract(gitlabAPITable)
	if err != nil {
		panic(err)
	}
	return c
}()

// Validate checks one request: its path below /api/v4 (escaped), its
// query and its JSON body.
func (c *GitLabContract) Validate(method, escapedPath, rawQuery string, body []byte) error {
	ep, err := c.match(method, escapedPath)
	if err != nil {
		return err
	}
	values := map[string]any{}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("query %q: %w", rawQuery, err)
	}
	for k, v := range q {
		values[k] = v[len(v)-1]
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var in map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			return fmt.Errorf("body is not a JSON object: %w", err)
		}
		for k, v := range in {
			values[k] = v
		}
	}
	return ep.check(values)
}

// match finds the endpoint of a path and checks its path parameters.
func (c *GitLabContract) match(method, escapedPath string) (*glEndpoint, error) {
	segs := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for _, ep := range c.endpoints {
		if ep.method != method || len(ep.path) != len(segs) {
			continue
		}
		if err := ep.matchPath(segs); err == nil {
			return ep, nil
		} else if err != errNoMatch {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%s /api/v4/%s is not an endpoint of the contract", method, strings.Trim(escapedPath, "/"))
}

var errNoMatch = fmt.Errorf("no match")

// shaRE matches a full or abbreviated commit hash (SHA-1 or SHA-256).
var shaRE = regexp.MustCompile(`^[0-9a-f]{7,64}$`)

func (ep *glEndpoint) matchPath(segs []string) error {
	for i, s := range ep.path {
		if !strings.HasPrefix(s, ":") {
			if s != segs[i] {
				return errNoMatch
			}
		}
	}
	for i, s := range ep.path {
		switch {
		case s == ":id":
			id, err := url.PathUnescape(segs[i])
			if err != nil || id == "" || strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") {
				return fmt.Errorf("%s: %q is neither a numeric id nor a URL-encoded path", s, segs[i])
			}
		case s == ":sha":
			if !shaRE.MatchString(segs[i]) {
				return fmt.Errorf("%s: %q is not a commit hash", s, segs[i])
			}
		case strings.HasPrefix(s, ":"):
			if n, err := strconv.Atoi(segs[i]); err != nil || n < 1 {
				return fmt.Errorf("%s: %q is not a positive integer", s, segs[i])
			}
		}
	}
	return nil
}

// check checks the parameters' names, types and limits.
func (ep *glEndpoint) check(values map[string]any) error {
	var problems []string
	for name := range values {
		if !slices.ContainsFunc(ep.params, func(p glParam) bool { return p.name == name }) {
			problems = append(problems, fmt.Sprintf("unknown parameter %q", name))
		}
	}
	for _, p := range ep.params {
		v, ok := values[p.name]
		if !ok {
			if p.required {
				problems = append(problems, fmt.Sprintf("%s is required", p.name))
			}
			continue
		}
		if err := p.check(v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.name, err))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%s /%s: %s", ep.method, strings.Join(ep.path, "/"), strings.Join(problems, "; "))
	}
	return nil
}

// check checks one value; query values are strings whatever their type.
func (p glParam) check(v any) error {
	s, isString := v.(string)
	switch {
	case p.typ == "string" || p.typ == "list":
		if !isString {
			return fmt.Errorf("%v is not a string", v)
		}
		if p.limit > 0 && utf8.RuneCountInString(s) > p.limit {
			return fmt.Errorf("%d characters, the limit is %d", utf8.RuneCountInString(s), p.limit)
		}
	case p.typ == "integer":
		n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(v)))
		if err != nil {
			return fmt.Errorf("%v is not an integer", v)
		}
		if p.limit > 0 && n > p.limit {
			return fmt.Errorf("%d is over the limit of %d", n, p.limit)
		}
	case p.typ == "boolean":
		if _, ok := v.(bool); !ok && s != "true" && s != "false" {
			return fmt.Errorf("%v is not a boolean", v)
		}
	case p.typ == "integers":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%v is not an array", v)
		}
		for _, e := range arr {
			if _, err := strconv.Atoi(fmt.Sprint(e)); err != nil {
				return fmt.Errorf("%v is not an integer", e)
			}
		}
	case strings.HasPrefix(p.typ, "enum("):
		allowed := strings.Split(strings.TrimSuffix(strings.TrimPrefix(p.typ, "enum("), ")"), "|")
		if !slices.Contains(allowed, s) {
			return fmt.Errorf("%v is not one of %s", v, strings.Join(allowed, ", "))
		}
	default:
		return fmt.Errorf("the contract's type %q is unknown", p.typ)
	}
	return nil
}
