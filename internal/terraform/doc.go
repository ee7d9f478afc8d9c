// Package terraform finds and edits the versions Terraform and OpenTofu
// configurations pin: variables set in *.tfvars and *.auto.tfvars files
// (image_tag = "1.4.2"), and the ?ref= of module sources and module
// versions. Values are located with hashicorp/hcl/v2's native syntax
// parser and written as hclwrite renders a string literal; only the bytes
// of the literal change, so formatting and comments stay as they are.
package terraform
