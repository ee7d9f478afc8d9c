# prod
region    = "us-east-1"
image_tag = "2024.05.3" # bumped by CI
