image_tag   = "1.4.2"
app_version = "2025.06.1"
replicas    = 2
