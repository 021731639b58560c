"""Machine-learning code of LLM Career Coach: plain Python, no Django.

Takes strings and numbers, returns dataclasses. Heavy libraries (torch, transformers, vLLM)
are imported lazily inside the functions that need them.
"""
