# Not done yet: the GPU and CPU images are built in the Docker issue (see docker/README.md).
# Until then run patchmem from a checkout: mvn -DskipTests package && bin/patchmem --help
