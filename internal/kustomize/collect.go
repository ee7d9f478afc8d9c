package kustomize

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Collect reads the kustomization in dir and, breadth first, those of the
// local resources: and components: directories it names that lie inside
// dir. The top kustomization comes first. It is an error when dir has no
// kustomization.
func Collect(fsys fs.FS, dir string) ([]*Kustomization, error) {
	return CollectWith(fsys, dir, nil)
}

// CollectWith is Collect reading kustomizations through c (nil: none),
// which must hold only kustomizations of fsys.
func CollectWith(fsys fs.FS, dir string, c *Cache) ([]*Kustomization, error) {
	top, first, known := readTop(fsys, dir, c)
	if !known {
		var err error
		if top, err = Find(fsys, dir); err != nil {
			return nil, err
		}
	}
	if top == "" {
		return nil, fmt.Errorf("%s: no kustomization (expected one of %s)", dir, strings.Join(FileNames, ", "))
	}
	var out []*Kustomization
	seen := map[string]bool{}
	queue := []string{top}
	for len(queue) > 0 {
		file := queue[0]
		queue = queue[1:]
		if seen[file] {
			continue
		}
		seen[file] = true
		k := first
		if file != top || k == nil {
			var err error
			if k, err = c.read(fsys, file); err != nil {
				return nil, err
			}
		}
		out = append(out, k)
		next, err := nestedFiles(fsys, dir, k.Dirs)
		if err != nil {
			return nil, err
		}
		queue = append(queue, next...)
	}
	return out, nil
}

// readTop reads the kustomization of dir by trying each of FileNames in
// turn, without the stat Find makes first (a stat of a file in a Git
// tree reads the blob's size, and the file is read next anyway). It
// returns the file and its kustomization, or "" when none of the names
// exists; known is false when reading failed otherwise: Find and the
// read then report the error as they always have.
func readTop(fsys fs.FS, dir string, c *Cache) (top string, k *Kustomization, known bool) {
	for _, name := range FileNames {
		p := path.Join(dir, name)
		k, err := c.read(fsys, p)
		switch {
		case err == nil:
			return p, k, true
		case !isNotExist(err):
			return "", nil, false
		}
	}
	return "", nil, true
}

// nestedFiles returns the kustomization files of those dirs that are
// directories inside root.
func nestedFiles(fsys fs.FS, root string, dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		if !inside(root, d) {
			continue
		}
		info, err := fs.Stat(fsys, d)
		if err != nil || !info.IsDir() {
			continue
		}
		f, err := Find(fsys, d)
		if err != nil {
			return nil, err
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out, nil
}

func inside(root, p string) bool {
	root = path.Clean(root)
	p = path.Clean(p)
	return root == "." && !strings.HasPrefix(p, "../") && p != ".." || strings.HasPrefix(p, root+"/")
}

// Effective returns, for each image name, the entry that takes effect: the
// first one in kustomizations' order (the outermost overlay wins), and the
// names in the order they were first seen.
func Effective(ks []*Kustomization) (map[string]Image, []string) {
	m := map[string]Image{}
	var order []string
	for _, k := range ks {
		for _, img := range k.Images {
			if _, ok := m[img.Name]; !ok {
				m[img.Name] = img
				order = append(order, img.Name)
			}
		}
	}
	return m, order
}

// Occurrences returns every entry per image name.
func Occurrences(ks []*Kustomization) map[string][]Image {
	m := map[string][]Image{}
	for _, k := range ks {
		for _, img := range k.Images {
			m[img.Name] = append(m[img.Name], img)
		}
	}
	return m
}
