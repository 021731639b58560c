"""No Docker engine runs here: parse the deployment files and check how they are wired together."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_wired_to_external_servers():
    services = _compose()["services"]
    assert {"web", "worker", "gpu-worker", "beat", "vllm", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("pgvector/pgvector")
    assert services["vllm"]["image"].startswith("vllm/vllm-openai")
    for name in ("web", "worker", "gpu-worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].split("@")[1].startswith("db:5432"), name
        assert env["REDIS_URL"].startswith("redis://redis:6379"), name
        assert env["LLM_BASE_URL"].startswith("http://vllm:8000"), name
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
        assert "uploads:/data/uploads" in services[name]["volumes"]


def test_compose_reserves_a_gpu_for_vllm_and_routes_the_llm_queue_to_the_gpu_worker():
    services = _compose()["services"]
    devices = services["vllm"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    assert "${LLM_MODEL" in " ".join(services["vllm"]["command"])
    assert "llm" in services["gpu-worker"]["command"][services["gpu-worker"]["command"].index("-Q") + 1].split(",")
    assert "llm" not in services["worker"]["command"][services["worker"]["command"].index("-Q") + 1].split(",")
    assert services["gpu-worker"]["depends_on"]["vllm"]["condition"] == "service_healthy"


def test_compose_has_health_checks_and_volumes():
    compose = _compose()
    for name in ("db", "redis", "vllm", "web"):
        assert compose["services"][name]["healthcheck"]["test"], name
    assert {"pgdata", "redisdata", "uploads"} <= set(compose["volumes"])
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def _k8s() -> list[dict]:
    docs = []
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_manifests_wire_web_workers_and_vllm():
    docs = _k8s()
    by_kind_name = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    for name in ("web", "worker", "gpu-worker", "beat", "vllm"):
        assert ("Deployment", name) in by_kind_name, name
    for name in ("web", "worker", "gpu-worker"):
        hpa = by_kind_name[("HorizontalPodAutoscaler", name)]
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
    vllm = by_kind_name[("Deployment", "vllm")]["spec"]["template"]["spec"]["containers"][0]
    assert vllm["resources"]["limits"]["nvidia.com/gpu"] == 1
    service_names = {name for kind, name in by_kind_name if kind == "Service"}
    assert {"web", "vllm"} <= service_names
    ingress = by_kind_name[("Ingress", "coach")]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "web"
    config = by_kind_name[("ConfigMap", "coach-config")]["data"]
    assert config["LLM_BASE_URL"].startswith("http://vllm:8000")
    web = by_kind_name[("Deployment", "web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"configMapRef": {"name": "coach-config"}} in web["envFrom"]


def test_dockerfile_installs_the_cpu_torch_pin_first_and_runs_unprivileged():
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    assert text.index("torch==2.13.0") < text.index("pip install .")
    assert "USER coach" in text


def test_flower_runs_beside_the_workers_behind_basic_auth():
    services = _compose()["services"]
    flower = services["flower"]
    assert flower["command"][:4] == ["celery", "-A", "config", "flower"]
    assert "FLOWER_BASIC_AUTH" in flower["environment"] and flower["ports"] == ["127.0.0.1:5555:5555"]
    assert services["worker"]["environment"]["WORKER_METRICS_PORT"]
    by_kind_name = {(d["kind"], d["metadata"]["name"]): d for d in _k8s()}
    container = by_kind_name[("Deployment", "flower")]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:4] == ["celery", "-A", "config", "flower"]
    assert any(e["name"] == "FLOWER_BASIC_AUTH" for e in container["env"])
    assert ("Service", "flower") in by_kind_name and ("Ingress", "flower") not in by_kind_name
