module "app" {
  source = "git::https://github.com/acme/modules.git//app?ref=v1.3.0"
}
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}
