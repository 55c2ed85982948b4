# syntax=docker/dockerfile:1
# patchmem images (docker/README.md; docker/build.sh builds both):
#   GPU, the default target:  docker build -t patchmem:gpu .
#   CPU:                      docker build --target cpu --build-arg FLAVOR=cpu -t patchmem:cpu .
# Stages: build (Maven, -P$FLAVOR) -> natives (DJL's CUDA libtorch) -> cpu | gpu.
# Needs BuildKit (Docker 23 and later use it by default) and network access while building.

# cuda: the jar without the CPU libtorch jar (GPU image); cpu: with it (CPU image).
ARG FLAVOR=cuda
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
ARG CPU_IMAGE=eclipse-temurin:17-jre-jammy
ARG NATIVES_IMAGE=ubuntu:22.04
ARG PYTORCH_VERSION=2.7.1
ARG PYTORCH_FLAVOR=cu128
ARG DJL_VERSION=0.36.0

# ---- build: target/patchmem.jar and target/lib/ for one flavor ----
FROM ${MAVEN_IMAGE} AS build
ARG FLAVOR
WORKDIR /src
COPY pom.xml ./
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 \
    case "${FLAVOR}" in cuda|cpu) ;; *) echo "FLAVOR must be cuda or cpu, got '${FLAVOR}'" >&2; exit 1 ;; esac \
 && mvn -B -DskipTests -P"${FLAVOR}" package \
 && echo "${FLAVOR}" > target/FLAVOR \
 && ls target/lib

# ---- natives: DJL's PyTorch CUDA build, laid out as DJL's own downloader would ----
FROM ${NATIVES_IMAGE} AS natives
ARG PYTORCH_VERSION
ARG PYTORCH_FLAVOR
ARG DJL_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
COPY docker/fetch-natives.sh /usr/local/bin/fetch-natives.sh
COPY --from=build /src/target/lib/pytorch-jni-*.jar /tmp/jni/
RUN bash /usr/local/bin/fetch-natives.sh --cache-dir /opt/djl --jni-jar /tmp/jni/pytorch-jni-*.jar \
      --version "${PYTORCH_VERSION}" --flavor "${PYTORCH_FLAVOR}" --djl-version "${DJL_VERSION}"

# ---- cpu: eclipse-temurin JRE, libtorch from the pytorch-native-cpu jar on the classpath ----
FROM ${CPU_IMAGE} AS cpu
ENV PATCHMEM_HOME=/opt/patchmem \
    DJL_CACHE_DIR=/opt/djl \
    MALLOC_ARENA_MAX=2
RUN groupadd --gid 1000 patchmem \
 && useradd --uid 1000 --gid 1000 --home-dir /home/patchmem --create-home --shell /bin/bash patchmem
WORKDIR /opt/patchmem
COPY --from=build /src/target/FLAVOR target/FLAVOR
COPY --from=build /src/target/patchmem.jar target/patchmem.jar
COPY --from=build /src/target/lib/ target/lib/
COPY bin/ bin/
COPY configs/ configs/
COPY models/ models/
COPY datasets/ datasets/
# The engine check extracts the CPU libtorch from its jar into DJL_CACHE_DIR now, once, and proves that it
# loads and computes in this image; at run time DJL finds it there and writes nothing.
# runs/ points at the /runs volume, so the default relative paths of configs (runs/data/..., runs/<id>)
# land in the volume and resolve alike in every container that mounts it.
RUN if [ "$(cat target/FLAVOR)" != cpu ] || ! ls target/lib | grep -q '^pytorch-native-cpu-'; then \
      echo "the cpu target needs the cpu build: docker build --target cpu --build-arg FLAVOR=cpu ." >&2; exit 1; \
    fi \
 && java -cp target/patchmem.jar dev.patchmem.cli.EngineCheck cpu \
 && chmod -R a+rX /opt/djl \
 && mkdir -p /data /runs \
 && chown patchmem:patchmem /data /runs \
 && ln -s /runs runs
VOLUME ["/data", "/runs"]
USER patchmem
ENTRYPOINT ["/opt/patchmem/bin/patchmem"]
CMD ["--help"]

# ---- gpu (default): CUDA 12.8 + cuDNN runtime, OpenJDK 17 JRE, DJL's cu128 libtorch prefetched ----
FROM ${CUDA_IMAGE} AS gpu
ARG PYTORCH_VERSION
ARG PYTORCH_FLAVOR
ARG DJL_VERSION
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# DJL reads these: the libtorch build to use (no CPU jar is on the classpath, so these decide), where its
# cache is, and the folder to load libtorch from without looking anywhere else (no download at run time).
ENV PATCHMEM_HOME=/opt/patchmem \
    PYTORCH_VERSION=${PYTORCH_VERSION} \
    PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    DJL_CACHE_DIR=/opt/djl \
    PYTORCH_LIBRARY_PATH=/opt/djl/pytorch/${PYTORCH_VERSION}-${PYTORCH_FLAVOR}-linux-x86_64 \
    MALLOC_ARENA_MAX=2
RUN groupadd --gid 1000 patchmem \
 && useradd --uid 1000 --gid 1000 --home-dir /home/patchmem --create-home --shell /bin/bash patchmem
COPY --from=natives /opt/djl /opt/djl
WORKDIR /opt/patchmem
COPY --from=build /src/target/FLAVOR target/FLAVOR
COPY --from=build /src/target/patchmem.jar target/patchmem.jar
COPY --from=build /src/target/lib/ target/lib/
COPY bin/ bin/
COPY configs/ configs/
COPY models/ models/
COPY datasets/ datasets/
# Refuse an image that would silently run on CPU: the CPU libtorch jar must not be on the classpath.
RUN if [ "$(cat target/FLAVOR)" != cuda ] || ls target/lib | grep -q '^pytorch-native-cpu-'; then \
      echo "the gpu target needs the cuda build without pytorch-native-cpu: docker build --build-arg FLAVOR=cuda ." >&2; \
      exit 1; \
    fi \
 && test -f "${PYTORCH_LIBRARY_PATH}/libtorch.so" \
 && test -f "${PYTORCH_LIBRARY_PATH}/${DJL_VERSION}-libdjl_torch.so" \
 && java -version \
 && mkdir -p /data /runs \
 && chown patchmem:patchmem /data /runs \
 && ln -s /runs runs
VOLUME ["/data", "/runs"]
USER patchmem
ENTRYPOINT ["/opt/patchmem/bin/patchmem"]
CMD ["--help"]
