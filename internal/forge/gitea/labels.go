package gitea

import (
	"fmt"
	"strings"

	sdk "code.gitea.io/sdk/gitea"
)

// labelColor is the color of the labels promote creates.
const labelColor = "#0e8a16"

// labelIDs returns the ids of the repository's labels named names (case
// insensitively, as Gitea matches them), creating those that do not
// exist yet: Gitea attaches labels by id.
func (f *Forge) labelIDs(c *sdk.Client, names []string) ([]int64, error) {
	have := map[string]int64{}
	for page := 1; page <= maxListPages; page++ {
		labels, resp, err := c.ListRepoLabels(f.Owner, f.Repo, sdk.ListLabelsOptions{ListOptions: sdk.ListOptions{Page: page, PageSize: listPageSize}})
		if err = wrap(resp, err); err != nil {
			return nil, f.repoError("list labels", err)
		}
		for _, l := range labels {
			have[strings.ToLower(l.Name)] = l.ID
		}
		if len(labels) < listPageSize {
			break
		}
	}
	ids := make([]int64, 0, len(names))
	for _, name := range names {
		id, ok := have[strings.ToLower(name)]
		if !ok {
			l, resp, err := c.CreateLabel(f.Owner, f.Repo, sdk.CreateLabelOption{Name: name, Color: labelColor, Description: "Added by promote"})
			if err = wrap(resp, err); err != nil {
				return nil, fmt.Errorf("create label %s: %w", name, err)
			}
			id = l.ID
			have[strings.ToLower(name)] = id
		}
		ids = append(ids, id)
	}
	return ids, nil
}
