# NN Playground — CPU image by default; build a CUDA image with
#   docker build --build-arg TORCH_INDEX_URL=<PyTorch's CUDA wheel index for your CUDA version> -t nn-playground:cuda .
# (the index URL is the one PyTorch's installation page gives for "pip" + your CUDA version).
FROM python:3.11-slim

ARG TORCH_VERSION=2.13.0
# Empty: the default index, where Linux wheels of torch are CUDA builds; for a small CPU-only image pass
# PyTorch's CPU wheel index here.
ARG TORCH_INDEX_URL=""

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
COPY requirements.txt .
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install --index-url "$TORCH_INDEX_URL" "torch==${TORCH_VERSION}"; fi \
    && pip install -r requirements.txt

COPY --chown=app:app . .
USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8501/_stcore/health || exit 1
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
