# The operator image: `kubevisor operator` as a non-root user on a read-only root filesystem.
# Not built in this repository's CI (no container runtime there); see docs/operations.md.
#
#   docker build -t kubevisor/operator:0.1.0 .
#
# Base images are pinned by tag; pin them by digest (@sha256:...) in your own build pipeline.

FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY operator ./operator
COPY client ./client
# A wheel of kubevisor plus wheels of everything the operator needs, installed into a venv that
# the runtime stage copies whole.
RUN python -m venv /opt/kubevisor \
 && /opt/kubevisor/bin/pip install --upgrade pip==25.0.1 \
 && /opt/kubevisor/bin/pip install ./client '.[operator]' \
 && /opt/kubevisor/bin/python -m compileall -q /opt/kubevisor

FROM python:3.11.11-slim-bookworm
LABEL org.opencontainers.image.title="kubevisor operator" \
      org.opencontainers.image.description="Featurevisor-compatible feature management, native to Kubernetes"
# Compiled bytecode is in the image: nothing tries to write .pyc files on the read-only root.
ENV PATH=/opt/kubevisor/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
COPY --from=build /opt/kubevisor /opt/kubevisor
RUN groupadd --system --gid 10001 kubevisor \
 && useradd --system --uid 10001 --gid kubevisor --no-create-home --shell /usr/sbin/nologin kubevisor
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["kubevisor"]
CMD ["operator"]
