terraform {
  required_version = ">= 1.6"
}

# the application, pinned by tag
module "app" {
  source    =   "git::https://github.com/acme/modules.git//app?ref=v1.3.0"   # promoted
  replicas  = var.replicas
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  version = "5.8.1" // registry version
  cidr    = "10.0.0.0/16"
}

module "local" {
  source = "./modules/local"
}
