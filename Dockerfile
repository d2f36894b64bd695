# syntax=docker/dockerfile:1.7
#
# AfmServing images; pick one with --target:
#   docker build --target cpu -t afm-serving:0.1.0-cpu .   ONNX Runtime on CPU (ASP.NET Core runtime image)
#   docker build --target gpu -t afm-serving:0.1.0-gpu .   CUDA 13 + cuDNN 9 (host driver >= 580)
# Both run as UID 10001 with a read-only root filesystem (only /tmp must be writable), serve HTTP/1.1 on 8080
# and gRPC (h2c) on 8081, carry the bundled models at /app/models (mount a volume there to replace them) and
# the `afm` CLI on PATH. docs/DEPLOYMENT.md explains the settings.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
# Microsoft.ML.OnnxRuntime.Gpu 1.32's CUDA provider links against CUDA 13 (libcublasLt.so.13) and cuDNN 9.
ARG CUDA_IMAGE=nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04

# ---------------------------------------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS build
ARG RID=linux-x64
ARG CONFIGURATION=Release
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src
# global.json is left out on purpose: the SDK images carry only the newest feature band, so the repository's
# latestPatch pin would break the build whenever the image moves band; SDK_IMAGE pins the SDK here instead.
# Restore from the build settings and project files alone, so the package layer survives source edits.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/AfmServing.Core/AfmServing.Core.csproj src/AfmServing.Core/
COPY src/AfmServing.Training/AfmServing.Training.csproj src/AfmServing.Training/
COPY src/AfmServing.Server/AfmServing.Server.csproj src/AfmServing.Server/
COPY src/AfmServing.Cli/AfmServing.Cli.csproj src/AfmServing.Cli/
RUN dotnet restore src/AfmServing.Server/AfmServing.Server.csproj -r ${RID} \
 && dotnet restore src/AfmServing.Cli/AfmServing.Cli.csproj -r ${RID}
COPY proto/ proto/
COPY src/ src/
# The ONNX Runtime package drops its Windows binaries (~220 MB) into every output whatever the RID: removed.
# The CLI shares most files with the server (ONNX Runtime alone is ~330 MB): identical ones become links.
RUN dotnet publish src/AfmServing.Server/AfmServing.Server.csproj -c ${CONFIGURATION} -r ${RID} \
      --self-contained false --no-restore -p:UseAppHost=false -p:SatelliteResourceLanguages=en -o /out/app \
 && dotnet publish src/AfmServing.Cli/AfmServing.Cli.csproj -c ${CONFIGURATION} -r ${RID} \
      --self-contained false --no-restore -p:UseAppHost=false -p:SatelliteResourceLanguages=en -o /out/cli \
 && rm -f /out/app/onnxruntime*.dll /out/cli/onnxruntime*.dll /out/app/*.xml /out/cli/*.xml \
 && for f in /out/cli/*; do \
      n=${f##*/}; \
      if [ -f "/out/app/$n" ] && cmp -s "$f" "/out/app/$n"; then ln -sf "../$n" "$f"; fi; \
    done \
 && mv /out/cli /out/app/cli

# The CPU image has no use for the CUDA provider library (~290 MB); "auto" falls back to CPU without it.
FROM build AS app-cpu
RUN rm -f /out/app/libonnxruntime_providers_cuda.so /out/app/libonnxruntime_providers_tensorrt.so \
          /out/app/cli/libonnxruntime_providers_cuda.so /out/app/cli/libonnxruntime_providers_tensorrt.so

FROM build AS app-gpu

# ---------------------------------------------------------------------------------------------------------
FROM ${ASPNET_IMAGE} AS aspnet

# ---------------------------------------------------------------------------------------------------------
FROM ${CUDA_IMAGE} AS gpu
# ASP.NET Core runtime taken from the official image (same Ubuntu 24.04 base) plus the libraries it needs.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libssl3t64 libstdc++6 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 afm \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin afm
COPY --from=aspnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --from=app-gpu /out/app /app
COPY models/ /app/models/
COPY --chmod=0755 deploy/docker/afm /usr/local/bin/afm
COPY --chmod=0755 deploy/docker/healthcheck.sh deploy/docker/load-bundled-features.sh /app/
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    ASPNETCORE_HTTP_PORTS="" \
    HOME=/tmp \
    TMPDIR=/tmp \
    DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp/.dotnet \
    Models__Root=/app/models \
    Inference__Provider=auto
WORKDIR /app
USER 10001:10001
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["/app/healthcheck.sh", "8080", "/healthz/ready"]
ENTRYPOINT ["dotnet", "/app/AfmServing.Server.dll"]

# ---------------------------------------------------------------------------------------------------------
# Last stage, so a plain `docker build .` gives the CPU image.
FROM aspnet AS cpu
RUN groupadd --gid 10001 afm \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin afm
COPY --from=app-cpu /out/app /app
COPY models/ /app/models/
COPY --chmod=0755 deploy/docker/afm /usr/local/bin/afm
COPY --chmod=0755 deploy/docker/healthcheck.sh deploy/docker/load-bundled-features.sh /app/
# ASPNETCORE_HTTP_PORTS is emptied because Kestrel's endpoints come from configuration (Kestrel:Endpoints).
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    ASPNETCORE_HTTP_PORTS="" \
    HOME=/tmp \
    TMPDIR=/tmp \
    DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp/.dotnet \
    Models__Root=/app/models \
    Inference__Provider=cpu
WORKDIR /app
USER 10001:10001
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["/app/healthcheck.sh", "8080", "/healthz/ready"]
ENTRYPOINT ["dotnet", "/app/AfmServing.Server.dll"]
