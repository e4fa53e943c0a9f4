# NN Playground. The default image installs exactly the tested versions, hash-checked, from requirements.lock
# (`make lock`), torch included as its CPU build — so pass PyTorch's CPU wheel index (from PyTorch's installation
# page, "pip" + "CPU"):
#   docker build --build-arg TORCH_INDEX_URL=<PyTorch's CPU wheel index> -t nn-playground .
# A CUDA image: torch==2.13.0 from PyTorch's wheel index for your CUDA version (not hash-checked: not the tested
# build), everything else still from the lock:
#   docker build --build-arg TORCH_INDEX_URL=<PyTorch's CUDA wheel index> --build-arg TORCH_FROM_LOCK=0 -t nn-playground:cuda .
FROM python:3.11-slim

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=""
ARG TORCH_FROM_LOCK=1

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    HF_DATASETS_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HOME=/tmp/hf

RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app

WORKDIR /app
COPY requirements.lock .
RUN if [ "$TORCH_FROM_LOCK" = 1 ]; then \
        if [ -z "$TORCH_INDEX_URL" ]; then \
            echo "requirements.lock holds torch's CPU build: pass --build-arg TORCH_INDEX_URL=<PyTorch's CPU wheel index>" >&2; \
            exit 1; \
        fi; \
        pip install --require-hashes --no-deps --extra-index-url "$TORCH_INDEX_URL" -r requirements.lock; \
    else \
        pip install ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} "torch==${TORCH_VERSION}" \
        && grep -v '^torch==' requirements.lock > /tmp/without-torch.lock \
        && pip install --require-hashes --no-deps -r /tmp/without-torch.lock; \
    fi \
    && pip check

COPY --chown=app:app . .
USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8501/_stcore/health || exit 1
CMD ["python", "-m", "streamlit", "run", "asgi.py", "--server.address=0.0.0.0", "--server.port=8501"]
