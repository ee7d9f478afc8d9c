package renderdiff

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/textdiff"
)

// Status says what happened to a resource.
type Status string

// Statuses, in the order summaries list them.
const (
	Changed  Status = "changed"
	Replaced Status = "replaced"
	Added    Status = "added"
	Removed  Status = "removed"
)

// contextLines is the context of each unified diff hunk.
const contextLines = 3

// Entry is one resource that differs.
type Entry struct {
	// ID is the resource after the change (before, when removed):
	// apiVersion/kind namespace/name.
	ID string `json:"id"`
	// OldID is the resource it replaces, for Replaced.
	OldID string `json:"oldId,omitempty"`
	// Status is changed, replaced, added or removed.
	Status Status `json:"status"`
	// Diff is the unified diff of the manifest (without file headers).
	Diff string `json:"diff"`
}

// Report is the comparison of one directory's renders.
type Report struct {
	// Dir is the environment (or app) directory rendered.
	Dir string `json:"dir"`
	// Summary is "3 resources changed, 1 added" or "no resources changed".
	Summary string `json:"summary"`
	// Entries are the resources that differ, sorted by ID.
	Entries []Entry `json:"resources"`
	// Unchanged counts the resources that are the same.
	Unchanged int `json:"unchanged"`
	// Notes are things the diff does not show (parts not rendered because
	// they need the network, a render that failed).
	Notes []string `json:"notes,omitempty"`
}

// hashSuffix matches the content hash kustomize appends to generated
// ConfigMap and Secret names.
var hashSuffix = regexp.MustCompile(`-[2456789bcdfghkmt]{10}$`)

// Compare compares the resources of dir rendered before and after a
// change. Secrets' data and stringData values are replaced by a keyed
// hash before comparing, so no value appears in the report.
func Compare(dir string, before, after []kustomize.Resource) *Report {
	r := &Report{Dir: dir, Entries: []Entry{}}
	red := newRedactor(before, after)
	old := index(before, red)
	cur := index(after, red)
	var removed, added []string
	for id, y := range old {
		switch ny, ok := cur[id]; {
		case !ok:
			removed = append(removed, id)
		case ny == y:
			r.Unchanged++
		default:
			r.Entries = append(r.Entries, Entry{ID: id, Status: Changed, Diff: unified(y, ny)})
		}
	}
	for id := range cur {
		if _, ok := old[id]; !ok {
			added = append(added, id)
		}
	}
	slices.Sort(removed)
	slices.Sort(added)
	r.pair(removed, added, old, cur)
	sortEntries(r.Entries)
	r.Summary = summary(r.Entries)
	return r
}

// index maps each resource's ID to its (redacted) YAML.
func index(rs []kustomize.Resource, red *redactor) map[string]string {
	m := make(map[string]string, len(rs))
	for _, res := range rs {
		m[res.ID.String()] = red.redact(res)
	}
	return m
}

// pair turns a removed and an added resource that differ only in their
// generated hash suffix into one replacement; the rest are removed or
// added.
func (r *Report) pair(removed, added []string, old, cur map[string]string) {
	byBase := map[string]string{}
	for _, id := range added {
		if hashSuffix.MatchString(id) {
			byBase[hashSuffix.ReplaceAllString(id, "")] = id
		}
	}
	paired := map[string]bool{}
	for _, id := range removed {
		base := hashSuffix.ReplaceAllString(id, "")
		if nid, ok := byBase[base]; ok && base != id && !paired[nid] {
			paired[nid] = true
			r.Entries = append(r.Entries, Entry{ID: nid, OldID: id, Status: Replaced, Diff: unified(old[id], cur[nid])})
			continue
		}
		r.Entries = append(r.Entries, Entry{ID: id, Status: Removed, Diff: unified(old[id], "")})
	}
	for _, id := range added {
		if !paired[id] {
			r.Entries = append(r.Entries, Entry{ID: id, Status: Added, Diff: unified("", cur[id])})
		}
	}
}

// sortEntries orders entries by ID (kind, namespace, name order is the
// ID's), so the same change always reads the same.
func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.OldID, b.OldID))
	})
}

// unified is the unified diff of a and b without file headers.
func unified(a, b string) string {
	return textdiff.Hunks(a, b, contextLines)
}

// summary is "3 resources changed, 1 added" (statuses in a fixed order).
func summary(es []Entry) string {
	counts := map[Status]int{}
	for _, e := range es {
		counts[e.Status]++
	}
	var parts []string
	for _, st := range []Status{Changed, Replaced, Added, Removed} {
		n := counts[st]
		if n == 0 {
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, count(n, "resource")+" "+string(st))
		} else {
			parts = append(parts, strconv.Itoa(n)+" "+string(st))
		}
	}
	if len(parts) == 0 {
		return "no resources changed"
	}
	return strings.Join(parts, ", ")
}

// count renders "1 resource", "3 resources".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
