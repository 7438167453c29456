"""Benchmarks: the interpreter against moto (engine.py)."""
