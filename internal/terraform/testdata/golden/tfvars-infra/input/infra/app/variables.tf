variable "image_tag" {
  type = string
}
