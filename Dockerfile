# The operator image: `kubevisor operator` as a non-root user on a read-only root filesystem,
# under any uid (USER is set in the environment, so nothing looks the uid up in /etc/passwd).
#
# One definition, two builders:
#   docker build -t kubevisor/operator:0.1.0 .
#   kubevisor dev up --node    (Debian's mmdebstrap, umoci and skopeo; no Docker, no registry)
# The second reads this file (operator/kubevisor/devcluster/node/dockerfile.py): keep it one
# stage, FROM debian, and RUN, COPY, ENV, LABEL, USER, EXPOSE, ENTRYPOINT, CMD in exec form.
# Pin the base by digest (@sha256:...) in your own build pipeline.

FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="kubevisor operator" \
      org.opencontainers.image.description="Featurevisor-compatible feature management, native to Kubernetes"
ENV PATH=/opt/kubevisor/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    USER=kubevisor \
    HOME=/tmp
COPY pyproject.toml README.md LICENSE /src/
COPY operator /src/operator
COPY client /src/client
# Debian's Python 3.11, a venv with kubevisor and what the operator needs, compiled bytecode
# (nothing writes .pyc files on the read-only root), then the build inputs and caches removed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && python3 -m venv /opt/kubevisor \
 && /opt/kubevisor/bin/pip install /src/client '/src[operator]' \
 && /opt/kubevisor/bin/pip uninstall -y pip \
 && /opt/kubevisor/bin/python -m compileall -q /opt/kubevisor \
 && apt-get purge -y python3-venv python3-pip-whl python3-setuptools-whl \
 && apt-get autoremove -y \
 && rm -rf /src /var/lib/apt/lists/* /var/cache/apt/* /var/log/* \
      /usr/share/doc/* /usr/share/man/* /usr/share/locale/* \
 && groupadd --system --gid 10001 kubevisor \
 && useradd --system --uid 10001 --gid kubevisor --no-create-home --shell /usr/sbin/nologin kubevisor
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["kubevisor"]
CMD ["operator"]
