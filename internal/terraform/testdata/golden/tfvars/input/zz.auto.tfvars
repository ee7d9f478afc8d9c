// an auto.tfvars file wins over terraform.tfvars: it is edited too
image_tag = "1.4.0" # stale override
