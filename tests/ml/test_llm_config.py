"""Choosing a backend from the environment, and the process-wide cache of backends."""

from __future__ import annotations

import importlib.util

import pytest

from ml.llm import get_llm
from ml.llm.base import LLMNotConfigured
from ml.llm.config import LLMConfig
from ml.llm.openai_compat import OpenAICompatBackend
from tests.ml.fake_vllm import FakeVLLMServer


def test_defaults_to_no_llm() -> None:
    config = LLMConfig.from_env({})
    assert config.backend == "none"
    assert (config.timeout_s, config.max_retries, config.max_concurrency) == (30.0, 2, 8)
    assert get_llm(config) is None


def test_base_url_alone_selects_openai() -> None:
    config = LLMConfig.from_env(
        {
            "LLM_BASE_URL": "http://gpu:8000",
            "LLM_MODEL": "qwen",
            "LLM_TIMEOUT_S": "12",
            "LLM_MAX_RETRIES": "4",
            "LLM_MAX_CONCURRENCY": "16",
            "LLM_API_KEY": "k",
        }
    )
    assert config.backend == "openai"
    assert (config.base_url, config.model, config.api_key) == ("http://gpu:8000", "qwen", "k")
    assert (config.timeout_s, config.max_retries, config.max_concurrency) == (12.0, 4, 16)


def test_explicit_backend_wins_over_base_url() -> None:
    assert LLMConfig.from_env({"LLM_BACKEND": "none", "LLM_BASE_URL": "http://gpu:8000"}).backend == "none"
    assert LLMConfig.from_env({"LLM_BACKEND": "LOCAL", "LLM_MODEL_PATH": "/m"}).model_path == "/m"


@pytest.mark.parametrize(
    "environ",
    [{"LLM_BACKEND": "gpt"}, {"LLM_TIMEOUT_S": "soon"}, {"LLM_TIMEOUT_S": "0"}, {"LLM_MAX_CONCURRENCY": "0"}],
)
def test_bad_settings_are_not_configured(environ: dict[str, str]) -> None:
    with pytest.raises(LLMNotConfigured):
        LLMConfig.from_env(environ)


def test_openai_without_base_url_is_not_configured() -> None:
    with pytest.raises(LLMNotConfigured, match="LLM_BASE_URL"):
        get_llm(LLMConfig(backend="openai"))


def test_get_llm_is_cached_per_config(fake_vllm: FakeVLLMServer) -> None:
    config = fake_vllm.llm_config()
    first = get_llm(config)
    assert isinstance(first, OpenAICompatBackend)
    assert get_llm(config) is first
    assert get_llm(fake_vllm.llm_config(timeout_s=3.0)) is not first


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed here")
def test_vllm_backend_without_vllm_names_the_gpu_extra() -> None:
    with pytest.raises(LLMNotConfigured, match=r"\[gpu\]"):
        get_llm(LLMConfig(backend="vllm", model="Qwen/Qwen2.5-7B-Instruct"))


def test_local_backend_with_a_bad_path_is_not_configured(tmp_path: object) -> None:
    with pytest.raises(LLMNotConfigured, match="LLM_MODEL_PATH"):
        get_llm(LLMConfig(backend="local", model_path=f"{tmp_path}/missing"))
