# Build stage: installs the project into a virtualenv exactly as docs/deployment.md says
# (`pip install -c constraints.txt .`); the wheel carries sql/ and migrations/.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml constraints.txt README.md ./
COPY service ./service
COPY sql ./sql
COPY migrations ./migrations
RUN pip install -c constraints.txt .

# Final stage: no compilers, no sources, a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000
RUN useradd --create-home --uid 10001 --user-group app
COPY --from=build /opt/venv /opt/venv
# The same files for DBAs and deploy scripts that run `yoyo apply ... /app/migrations`.
COPY migrations /app/migrations
# Numeric, so the runtime (and Kubernetes runAsNonRoot) can tell it is not root.
USER 10001:10001
WORKDIR /home/app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["chat-api", "serve"]
