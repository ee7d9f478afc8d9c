module "app" {
  source = "git::https://github.com/acme/modules.git//app?ref=v1.5.0"

  name = "web"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}
