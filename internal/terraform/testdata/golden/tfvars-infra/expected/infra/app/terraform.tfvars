# prod
region    = "us-east-1"
image_tag = "2024.06.1" # bumped by CI
