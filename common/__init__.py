"""The ground floor: what every layer (narration, video, scenes, renderer) may use.

atomic.py    all-or-nothing writes (fsync, then rename) and the locks runs share
contract.py  what the renderer tells a scene process: one declared, serialised dataclass
"""
