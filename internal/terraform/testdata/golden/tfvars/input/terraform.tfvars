# prod settings
replicas     =   6      # prod scale: does not travel
image_tag    =    "1.4.1"   # set by promote
/* the release train */
app_version="2025.05.3"
