package promotable

import "strings"

// Change kinds of the promotables found by scanners (package promote adds
// "file").
const (
	KindImage     = "image"
	KindHelm      = "helm"
	KindChart     = "chart"
	KindRef       = "ref"
	KindTerraform = "terraform"
	KindModule    = "module"
)

// Found is one promotable value read from an environment.
type Found struct {
	// Kind is the change kind: image, helm, chart, ref, terraform, module.
	Kind string
	// Key identifies the promotable in both environments: two values of
	// one scanner with the same Key are the same promotable.
	Key string
	// Name is what users see: an image or chart name, a values path, a
	// variable, a module.
	Name string
	// Value is what travels, as users see it: tag@digest, a version, a
	// ref.
	Value string
	// Image is set for image values (a container image, a Helm image
	// block): its name, tag and digest.
	Image *Image
	// File is the file, relative to the tree's root; Line its 1-based line
	// (0 for a value not written yet).
	File string
	Line int
	// At locates the value in File for the editor.
	At Locator
}

// Locator says where a value is in its file and which scanner's editor
// changes it.
type Locator struct {
	// Scanner names the unit that found the value and edits it.
	Scanner string `json:"scanner"`
	// Doc is the YAML document (0-based) of a multi-document file.
	Doc int `json:"doc,omitempty"`
	// Path is a YAML path (yamledit syntax: spec.template.spec.containers[name=web].image)
	// or an HCL address (image_tag, module.app.source).
	Path string `json:"path"`
	// Index, when set, is the item of the sequence at Path (a remote base
	// in resources:).
	Index *int `json:"index,omitempty"`
	// Inline, when set, says the value is inside an inline patch string
	// of a kustomization; Doc and Path are then within that string.
	Inline *Inline `json:"inline,omitempty"`
}

// Inline names an inline patch string of a kustomization: the item Index
// of its Field (patches, patchesJson6902 or patchesStrategicMerge).
type Inline struct {
	Field string `json:"field"`
	Index int    `json:"index"`
}

// Image is a container image reference split into its parts.
type Image struct {
	Name   string `json:"name"`
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// ParseImage splits name[:tag][@digest]. A colon belongs to the tag only
// after the last slash, so registry ports stay in the name.
func ParseImage(ref string) Image {
	var img Image
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, img.Digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref, img.Tag = ref[:i], ref[i+1:]
	}
	img.Name = ref
	return img
}

// String renders name[:tag][@digest].
func (i Image) String() string {
	s := i.Name
	if i.Tag != "" {
		s += ":" + i.Tag
	}
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}

// Version renders what travels of an image: tag[@digest], as kustomize
// image entries without newName are shown.
func (i Image) Version() string {
	s := i.Tag
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}
