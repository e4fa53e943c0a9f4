"""The compose file, the Kubernetes manifests and the nginx configurations: valid and consistent with each other.
(No Docker engine or cluster here: they are validated, not run — docs/HOSTING.md says so.)"""
import re
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from deploy.nginx import COOKIE, render
from tests.hosting.nginx_required import require_nginx

ROOT = Path(__file__).resolve().parents[2]
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
HEALTH = "/_stcore/health"


def documents() -> list[dict]:
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text())]


def by_kind(kind: str) -> list[dict]:
    return [doc for doc in documents() if doc["kind"] == kind]


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_kubernetes_manifest_matches_the_api_schema(doc):
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_schema_check_catches_a_mistake():
    deployment = by_kind("Deployment")[0]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = HEALTH
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def test_deployment_probes_health_and_requests_resources():
    (container,) = by_kind("Deployment")[0]["spec"]["template"]["spec"]["containers"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": HEALTH, "port": "http"}
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert container["ports"][0]["containerPort"] == 8501


def test_service_ingress_and_autoscaler_fit_the_deployment():
    (service,) = by_kind("Service")
    assert service["spec"]["selector"] == by_kind("Deployment")[0]["spec"]["selector"]["matchLabels"]
    public, internal = by_kind("Ingress")
    notes = public["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == COOKIE
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # WebSocket for a lesson
    assert {p["path"] for r in internal["spec"]["rules"] for p in r["http"]["paths"]} >= {"/_stcore/metrics"}
    assert "0.0.0.0/0" in internal["metadata"]["annotations"]["nginx.ingress.kubernetes.io/denylist-source-range"]
    (hpa,) = by_kind("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == by_kind("Deployment")[0]["metadata"]["name"]
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    (headers,) = by_kind("ConfigMap")
    assert set(headers["data"]) == {"X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options",
                                    "Referrer-Policy"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_replicas_of_the_image_behind_the_balancer():
    services = compose()["services"]
    apps = {name: s for name, s in services.items() if name.startswith("app")}
    assert len(apps) >= 2
    ports = {}
    for name, app in apps.items():
        assert app["image"] == "nn-playground:latest" and app["build"]["context"] == "."
        port = next(int(a.split("=")[1]) for a in app["command"] if a.startswith("--server.port="))
        assert f"127.0.0.1:{port}{HEALTH}" in " ".join(app["healthcheck"]["test"])
        ports[name] = port
    assert len(set(ports.values())) == len(ports), "the balancer's cookie names replicas by port"
    balancer = services["balancer"]
    assert balancer["image"].startswith("nginx:")
    assert "./deploy/compose/nginx.conf:/etc/nginx/nginx.conf:ro" in balancer["volumes"]
    assert {name: dep["condition"] for name, dep in balancer["depends_on"].items()} == \
        dict.fromkeys(apps, "service_healthy")
    # the balancer's configuration is what deploy/nginx.py makes for exactly these replicas
    shipped = (ROOT / "deploy" / "compose" / "nginx.conf").read_text()
    assert shipped == render([f"{name}:{port}" for name, port in ports.items()], "8080")


def test_one_process_example_is_what_the_generator_makes():
    assert (ROOT / "deploy" / "nginx-one-process.conf").read_text() == render(["127.0.0.1:8501"], "80")


def test_render_refuses_what_cannot_work():
    with pytest.raises(ValueError):
        render([])
    with pytest.raises(ValueError):
        render(["a:8501", "b:8501"])  # same port: the cookie could not tell them apart


@pytest.mark.parametrize("replicas", [["127.0.0.1:8501"], ["127.0.0.1:8601", "127.0.0.1:8602", "127.0.0.1:8603"],
                                      "compose"])
def test_nginx_accepts_the_configuration(replicas, tmp_path):
    nginx = require_nginx()
    if replicas == "compose":  # the shipped file, its service names pointed at this machine for the check
        text = re.sub(r"\bapp\d+:", "127.0.0.1:", (ROOT / "deploy" / "compose" / "nginx.conf").read_text())
        text = text.replace("error_log stderr warn;", f"pid {tmp_path}/nginx.pid; error_log stderr warn;")
        text = text.replace("http {", "http {\n" + "".join(f"    {k}_temp_path {tmp_path}/{k};\n" for k in
                                                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")))
    else:
        text = render(replicas, "127.0.0.1:8600", tmp_path)
    (tmp_path / "nginx.conf").write_text(text)
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c",
                            str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
