region    = "eu-west-1"
image_tag = "2024.06.1"
