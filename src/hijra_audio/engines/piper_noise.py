"""A Piper voice whose noise is an input: the same phonemes give the same audio on one
onnxruntime session, whatever was spoken before it.

A VITS voice draws two noises: the duration predictor's (`noise_w`) and the prior's
(`noise_scale`), each from a `RandomNormalLike` node whose generator onnxruntime creates once per
session and carries from run to run. `noise_as_input` replaces each such node with a graph input
of normal values (a flat stream, taken frame by frame: value `t * C + c` is channel `c` of frame
`t`) and adds an output saying how many values the node took. `SeededSession` feeds the streams
from numpy generators seeded by what the run speaks (its phoneme ids, scales and speaker), so each
sentence's noise is a function of that sentence.

How many frames the prior needs is known only inside the run (the predicted durations), so the
session gives each stream an estimate (learnt from earlier runs, with a margin) and runs again,
with the exact count, in the rare case it fell short (a short stream is padded with zeros, never
an error). A stream is consumed from its start, so a longer stream gives the same audio: the
estimate changes only the time, never the sound.
"""

from __future__ import annotations

import hashlib

import numpy as np

NOISE_VERSION = "1"          # how the noise is made from the phonemes: part of the engine's identity
_FIRST_GUESS = 600.0         # values per phoneme id (times the length scale) before any run: ~3 frames of 192
_MARGIN = 1.25


def noise_as_input(model) -> list[tuple[str, str]]:
    """Rewrite `model` (an onnx ModelProto, changed in place) so that each RandomNormalLike node
    reads its values from a new input; returns (input name, count output name) per node."""
    from onnx import TensorProto, helper

    graph = model.graph
    streams = []
    for node in [n for n in graph.node if n.op_type == "RandomNormalLike"]:
        if node.attribute and any(a.name == "dtype" and a.i != TensorProto.FLOAT for a in node.attribute):
            raise ValueError(f"{node.name}: noise of another type than float32")
        k = len(streams)
        stream, needed, p = f"hijra_noise_{k}", f"hijra_noise_{k}_needed", f"/hijra_noise_{k}/"
        shape_of = node.input[0]
        graph.initializer.extend([helper.make_tensor(p + "zero", TensorProto.INT64, [1], [0]),
                                  helper.make_tensor(p + "btc", TensorProto.INT64, [3], [0, 2, 1])])
        replacement = [
            helper.make_node("Shape", [shape_of], [p + "shape"]),
            helper.make_node("ReduceProd", [p + "shape"], [needed], keepdims=1),
            # a stream shorter than needed is padded with zeros (the caller runs again, longer)
            helper.make_node("Shape", [stream], [p + "given"]),
            helper.make_node("Sub", [needed, p + "given"], [p + "short"]),
            helper.make_node("Max", [p + "short", p + "zero"], [p + "missing"]),
            helper.make_node("Concat", [p + "zero", p + "missing"], [p + "pads"], axis=0),
            helper.make_node("Pad", [stream, p + "pads"], [p + "padded"], mode="constant"),
            helper.make_node("Slice", [p + "padded", p + "zero", needed], [p + "values"]),
            # frame-major values: [batch, frames, channels], then the node's [batch, channels, frames]
            helper.make_node("Gather", [p + "shape", p + "btc"], [p + "frame_shape"], axis=0),
            helper.make_node("Reshape", [p + "values", p + "frame_shape"], [p + "frames"]),
            helper.make_node("Transpose", [p + "frames"], [node.output[0]], perm=[0, 2, 1]),
        ]
        position = list(graph.node).index(node)
        graph.node.remove(node)
        for offset, new in enumerate(replacement):
            graph.node.insert(position + offset, new)
        graph.input.append(helper.make_tensor_value_info(stream, TensorProto.FLOAT, [f"{stream}_length"]))
        graph.output.append(helper.make_tensor_value_info(needed, TensorProto.INT64, [1]))
        streams.append((stream, needed))
    left = [n.op_type for n in _all_nodes(graph) if n.op_type in _RANDOM]
    if left:
        raise ValueError(f"the voice draws noise this engine cannot seed ({', '.join(sorted(set(left)))})")
    return streams


_RANDOM = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli"}


def _all_nodes(graph):
    """The graph's nodes, and those of its subgraphs (If, Loop, Scan bodies)."""
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            for sub in (*([attribute.g] if attribute.HasField("g") else []), *attribute.graphs):
                yield from _all_nodes(sub)


class SeededSession:
    """An onnxruntime session of a rewritten voice (`noise_as_input`) that PiperVoice runs as its
    own: `run(None, feeds)` returns the audio output alone, its noise seeded by the feeds."""

    def __init__(self, session, streams: list[tuple[str, str]]):
        self.session = session
        self.streams = streams
        self.per_id: list[float | None] = [None] * len(streams)   # values each took per id, with a margin
        self.reruns = 0                               # runs repeated for a short estimate (benchmarks)

    def run(self, output_names, feeds: dict):
        if not self.streams:
            return self.session.run(None, feeds)[:1]
        ids = feeds["input"]
        units = ids.shape[-1] * max(float(feeds["scales"][1]), 0.1)   # ids, times the length scale
        seeds = _seeds(feeds, len(self.streams))
        wanted = [int(units * (per_id or _FIRST_GUESS)) + 64 for per_id in self.per_id]
        for _attempt in range(4):   # the second run has what the first took (a third, when the
            # first's durations came from a short duration noise); a fourth is never needed
            noise = {stream: _normal(seed, count) for (stream, _), seed, count in zip(self.streams, seeds, wanted)}
            audio, *taken = self.session.run(None, {**feeds, **noise})
            taken = [int(np.prod(t)) for t in taken]
            for k, count in enumerate(taken):
                self.per_id[k] = max(self.per_id[k] or 0.0, _MARGIN * count / units)
            if all(t <= w for t, w in zip(taken, wanted)):
                return [audio]
            self.reruns += 1
            wanted = [max(t, w) for t, w in zip(taken, wanted)]
        raise RuntimeError(f"the voice's noise took more values at each run: {taken} after {wanted}")


def _seeds(feeds: dict, count: int) -> list[np.random.SeedSequence]:
    """One seed per noise stream, from what the run speaks: its phoneme ids, scales, speaker."""
    digest = hashlib.sha256(NOISE_VERSION.encode())
    for name in ("input", "scales", "sid"):
        if name in feeds:
            value = np.ascontiguousarray(feeds[name])
            digest.update(f"{name}:{value.dtype.str}:{value.shape}:".encode() + value.tobytes())
    root = np.random.SeedSequence(list(np.frombuffer(digest.digest(), dtype="<u4")))
    return root.spawn(count)


def _normal(seed: np.random.SeedSequence, count: int) -> np.ndarray:
    """The first `count` values of the stream `seed` starts (a longer one begins with the same)."""
    return np.random.Generator(np.random.PCG64(seed)).standard_normal(count, dtype=np.float32)
