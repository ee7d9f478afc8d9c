package scaffold

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// order sorts the environments into a pipeline and sets each one's
// from. With names (--envs) the pipeline is that list; otherwise by the
// conventional order of their names, regions of one stage (prod-eu,
// prod-us) being parallel targets of the stage before.
func order(l *Layout, names []string) error {
	if len(names) > 0 {
		return orderAsGiven(l, names)
	}
	var unknown []string
	for _, e := range l.Envs {
		if _, _, ok := stage(e.Name); !ok {
			unknown = append(unknown, e.Name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("cannot tell where %s go in the pipeline: name the order with --envs", strings.Join(unknown, ", "))
	}
	sort.SliceStable(l.Envs, func(i, j int) bool {
		ri, _, _ := stage(l.Envs[i].Name)
		rj, _, _ := stage(l.Envs[j].Name)
		if ri != rj {
			return ri < rj
		}
		return l.Envs[i].Name < l.Envs[j].Name
	})
	link(l)
	return nil
}

// link sets from: each environment is promoted from the stage before
// it; where that stage has several environments, from the one of the
// same region (prod-eu from staging-eu), else from the first.
func link(l *Layout) {
	var prev, cur []Env
	curRank := -1
	for i := range l.Envs {
		r, _, _ := stage(l.Envs[i].Name)
		if r != curRank {
			prev, cur, curRank = cur, nil, r
		}
		l.Envs[i].From = source(l.Envs[i].Name, prev)
		cur = append(cur, l.Envs[i])
	}
}

// source picks the environment of the previous stage that name is
// promoted from.
func source(name string, prev []Env) string {
	if len(prev) == 0 {
		return ""
	}
	_, region, _ := stage(name)
	for _, p := range prev {
		if _, r, _ := stage(p.Name); r == region && region != "" {
			return p.Name
		}
	}
	return prev[0].Name
}

// orderAsGiven makes the pipeline the list of names, in order.
func orderAsGiven(l *Layout, names []string) error {
	byName := map[string]Env{}
	for _, e := range l.Envs {
		byName[e.Name] = e
	}
	var missing []string
	envs := make([]Env, 0, len(names))
	for i, n := range names {
		e, ok := byName[n]
		if !ok {
			missing = append(missing, n)
			continue
		}
		if i > 0 {
			e.From = names[i-1]
		}
		envs = append(envs, e)
	}
	if len(missing) > 0 {
		return fmt.Errorf("--envs: %s not found (found %s)", strings.Join(missing, ", "), strings.Join(envNames(l.Envs), ", "))
	}
	l.Envs = envs
	return nil
}

func envNames(envs []Env) []string {
	var out []string
	for _, e := range envs {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}
