"""A torch model's loss over a dataset as a function of one flat parameter vector theta.

:class:`ModelLoss` is the one place where the landscape package touches the user's model. Everything else
(planes, grids, paths, curvature) works on flat vectors ``theta`` of the model's parameters, in the order of
``model.named_parameters()``:

* ``value(theta)``, ``grad(theta)`` and ``hvp(theta, v)`` for one point, through ``torch.func``;
* ``values(thetas)`` for a batch of points ``(B, P)`` at once: ``torch.func.functional_call`` under ``vmap``,
  in chunks sized to a memory bound, so a 51 x 51 grid is a few large batched matrix products rather than
  2,601 separate forward passes with weights copied in and out. A plain ``nn.Sequential`` of ``nn.Linear`` and
  elementwise activations skips vmap for the forward pass: one fused bias + batched matrix product
  (``torch.baddbmm``) per layer, where vmap runs a matrix product and then a separate bias add (only the loss
  is vmapped there).

The model itself is never modified (``functional_call`` swaps parameters in for the call only), except by
:meth:`ModelLoss.load`, which says so. The loss is the mean over the whole dataset: ``loss_fn(output, target)``
must return the *mean* over a batch (as ``torch.nn.CrossEntropyLoss()`` does by default), so that batch means
weighted by batch sizes give the dataset's mean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from optviz._validate import ParameterError, integer, positive

DEFAULT_MAX_BYTES = 256 * 2**20  # memory for one vmapped call: a hard bound
# Activations per vmapped call that stay in the CPU's caches. Larger calls are *slower* on CPU: every layer's
# bias add and activation is a pass over memory. On this project's 2-core machine (1 MiB L2, a shared L3), a
# 4,946-parameter MLP on 1,000 samples ran fastest at 8-16 thousand (point, sample) pairs per call and took 2.5x
# as long at 32 thousand (float32, one thread; benchmarks/landscape.py). 16 MiB is about 14 thousand pairs there.
DEFAULT_CACHE_BYTES = 16 * 2**20
MIN_POINTS = (
    8  # grid points per call before the data is split into batches: vmap costs ~1 ms a call
)
# Autograd-free forward passes hold a few buffers per module output at once (pre-activation, activation, the
# next layer's input): the memory bound counts every module output this many times.
_BUFFERS_PER_OUTPUT = 3


@dataclass(frozen=True)
class Layout:
    """Where each named parameter sits in the flat vector: ``theta[offsets[i] : offsets[i] + sizes[i]]``."""

    names: tuple[str, ...]
    shapes: tuple[torch.Size, ...]
    sizes: tuple[int, ...]
    offsets: tuple[int, ...]

    @property
    def numel(self) -> int:
        return sum(self.sizes)

    @classmethod
    def of(cls, model: nn.Module) -> Layout:
        named = [(n, p) for n, p in model.named_parameters()]
        if not named:
            raise ParameterError("model", "has no parameters")
        sizes = tuple(int(p.numel()) for _, p in named)
        offsets = tuple(sum(sizes[:i]) for i in range(len(sizes)))
        return cls(
            names=tuple(n for n, _ in named),
            shapes=tuple(p.shape for _, p in named),
            sizes=sizes,
            offsets=offsets,
        )

    def unflatten(self, theta: torch.Tensor) -> dict[str, torch.Tensor]:
        """Views of ``theta`` (shape ``(..., P)``) as the model's named parameters (shape ``(..., *shape)``)."""
        lead = theta.shape[:-1]
        return {
            name: theta[..., o : o + n].reshape(*lead, *shape)
            for name, shape, n, o in zip(
                self.names, self.shapes, self.sizes, self.offsets, strict=True
            )
        }

    def pieces(self, theta: torch.Tensor) -> Iterator[tuple[str, torch.Tensor]]:
        """``(name, view)`` for each parameter of a single flat vector."""
        yield from self.unflatten(theta).items()


def flatten(model: nn.Module) -> torch.Tensor:
    """The model's parameters as one detached flat vector (a copy), in ``named_parameters()`` order."""
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


def _stochastic_layers_in_training(model: nn.Module) -> list[str]:
    kinds = (nn.modules.batchnorm._BatchNorm, nn.modules.dropout._DropoutNd)
    return [
        name or type(m).__name__
        for name, m in model.named_modules()
        if isinstance(m, kinds) and m.training
    ]


class ModelLoss:
    """``L(theta)``: the mean of ``loss_fn(model(inputs), targets)`` over a dataset held in memory.

    Parameters
    ----------
    model : torch.nn.Module
        Its parameters define the layout of ``theta`` (``named_parameters()`` order, one dtype and device).
        Batch-norm and dropout layers must be in eval mode (``model.eval()``): a landscape is a deterministic
        function of the parameters.
    loss_fn : callable
        ``loss_fn(output, target)`` -> the mean loss over the batch (``torch.nn.functional.cross_entropy``).
    inputs, targets : torch.Tensor
        The dataset, first axis the samples. Moved to the model's device and (inputs) dtype.
    batch_size : int, optional
        Samples per forward pass. Default: all of them for one point; for many points (:meth:`values`) as many
        as keep at least 8 points a call within ``cache_bytes``. The loss is the size-weighted mean of batch
        means.
    max_bytes : int
        Memory bound for one vmapped call of :meth:`values` (default 256 MiB).
    cache_bytes : int
        The activations one vmapped call should hold, to stay in the CPU's caches (default 16 MiB).

    >>> import torch
    >>> torch.manual_seed(0) and None
    >>> model = torch.nn.Linear(3, 1).double()
    >>> x, y = torch.randn(8, 3, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64)
    >>> L = ModelLoss(model, torch.nn.functional.mse_loss, x, y)
    >>> theta = L.theta()
    >>> L.numel, abs(L.value(theta) - torch.nn.functional.mse_loss(model(x), y).item()) < 1e-15
    (4, True)
    """

    def __init__(
        self,
        model: nn.Module,
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        inputs: torch.Tensor,
        targets: torch.Tensor,
        *,
        batch_size: int | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise ParameterError("model", f"must be a torch.nn.Module, got {type(model).__name__}")
        if not callable(loss_fn):
            raise ParameterError("loss_fn", f"must be callable, got {type(loss_fn).__name__}")
        training = _stochastic_layers_in_training(model)
        if training:
            raise ParameterError(
                "model",
                f"has batch-norm or dropout layers in training mode ({', '.join(training)}); call model.eval()"
                " first: a landscape is a deterministic function of the parameters",
            )
        params = list(model.parameters())
        if len({(p.dtype, p.device) for p in params}) > 1:
            raise ParameterError("model", "parameters must share one dtype and one device")
        self.model = model
        self.loss_fn = loss_fn
        self.layout = Layout.of(model)
        self.dtype = params[0].dtype
        self.device = params[0].device
        if not isinstance(inputs, torch.Tensor) or not isinstance(targets, torch.Tensor):
            raise ParameterError("inputs", "inputs and targets must be torch tensors")
        if len(inputs) != len(targets) or len(inputs) == 0:
            raise ParameterError(
                "targets",
                f"must have one row per input, got {len(targets)} for {len(inputs)} inputs",
            )
        floating = inputs.is_floating_point()
        self.inputs = inputs.to(self.device, self.dtype if floating else inputs.dtype)
        self.targets = targets.to(self.device)
        self.batch_size = (
            None if batch_size is None else integer("batch_size", batch_size, minimum=1)
        )
        self.max_bytes = int(positive("max_bytes", max_bytes))
        self.cache_bytes = int(positive("cache_bytes", cache_bytes))
        self._per_sample: int | None = None

    # -- layout --------------------------------------------------------------------------------------------
    @property
    def numel(self) -> int:
        """P, the number of parameters."""
        return self.layout.numel

    @property
    def n_samples(self) -> int:
        return len(self.inputs)

    def theta(self) -> torch.Tensor:
        """The model's current parameters as a flat vector (a detached copy)."""
        return flatten(self.model)

    def as_theta(self, value: Any, field: str = "theta") -> torch.Tensor:
        """A flat parameter vector from a vector, a model of the same architecture, or a state dict."""
        if isinstance(value, nn.Module):
            value = flatten(value)
        elif isinstance(value, dict):
            value = torch.cat([value[n].detach().reshape(-1) for n in self.layout.names])
        if not isinstance(value, torch.Tensor):
            raise ParameterError(
                field, f"must be a parameter vector or a model, got {type(value).__name__}"
            )
        if value.shape != (self.numel,):
            raise ParameterError(
                field, f"must have shape ({self.numel},), got {tuple(value.shape)}"
            )
        return value.detach().to(self.device, self.dtype)

    def load(self, theta: torch.Tensor) -> None:
        """Copy ``theta`` into the model's parameters (this *does* modify the model)."""
        with torch.no_grad():
            for p, (_, view) in zip(
                self.model.parameters(), self.layout.pieces(self.as_theta(theta)), strict=True
            ):
                p.copy_(view)

    # -- data ----------------------------------------------------------------------------------------------
    def batches(
        self, size: int | None = None
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor, float]]:
        """``(inputs, targets, weight)`` per batch of ``size`` (default: ``batch_size``, else all samples); the
        weights (batch size / n) sum to 1."""
        n = self.n_samples
        size = size or self.batch_size or n
        for start in range(0, n, size):
            stop = min(n, start + size)
            yield self.inputs[start:stop], self.targets[start:stop], (stop - start) / n

    def _call(self, theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self._call_params(self.layout.unflatten(theta), x, y)

    def _call_params(
        self, params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        return self.loss_fn(functional_call(self.model, params, (x,)), y)

    # -- one point -----------------------------------------------------------------------------------------
    def value(self, theta: torch.Tensor) -> float:
        """L(theta), the mean loss over the dataset."""
        theta = self.as_theta(theta)
        with torch.no_grad():
            return float(sum(w * self._call(theta, x, y) for x, y, w in self.batches()))

    def grad(self, theta: torch.Tensor) -> torch.Tensor:
        """The gradient of L at ``theta`` (``torch.func.grad``), shape (P,)."""
        theta = self.as_theta(theta)
        out = torch.zeros_like(theta)
        for x, y, w in self.batches():
            out += w * grad(self._call)(theta, x, y)
        return out

    def hvp(self, theta: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """The Hessian-vector product H(theta) v, shape (P,): the gradient of ``grad L(theta) . v`` (reverse over
        reverse, ``torch.func.grad`` twice; torch 2.13's forward mode loads TorchScript decompositions and
        warns that TorchScript is deprecated)."""
        theta = self.as_theta(theta)
        v = self.as_theta(v, "v")
        out = torch.zeros_like(theta)
        for x, y, w in self.batches():

            def directional(
                t: torch.Tensor, x: torch.Tensor = x, y: torch.Tensor = y
            ) -> torch.Tensor:
                return torch.dot(grad(self._call)(t, x, y), v)

            out += w * grad(directional)(theta)
        return out

    def hessian(self, theta: torch.Tensor) -> torch.Tensor:
        """The dense Hessian (P, P), by P Hessian-vector products: for small models and tests only."""
        theta = self.as_theta(theta)
        eye = torch.eye(self.numel, dtype=self.dtype, device=self.device)
        return torch.stack([self.hvp(theta, e) for e in eye])

    # -- many points ---------------------------------------------------------------------------------------
    def plan(self) -> tuple[int, int]:
        """``(points, samples)`` per vmapped call of :meth:`values`.

        A call holds, per grid point, its own copy of the weights (P numbers) and the activations of its batch:
        every module's output, counted once with forward hooks on one sample. The data is split into batches
        only when fewer than 8 points would fit ``cache_bytes`` with all of it; then as many points as fit
        ``cache_bytes``, never more than ``max_bytes`` allows."""
        if self._per_sample is None:
            self._per_sample = _activations_per_sample(self.model, self.inputs[:1])
        item = torch.empty((), dtype=self.dtype).element_size()
        pair = item * self._per_sample  # one sample's activations for one point
        n = self.n_samples
        samples = self.batch_size or min(n, max(1, self.cache_bytes // (MIN_POINTS * pair)))
        points = max(1, self.cache_bytes // (samples * pair))
        per_point = item * self.numel + _BUFFERS_PER_OUTPUT * samples * pair
        return max(1, min(points, self.max_bytes // per_point)), samples

    def values(self, thetas: torch.Tensor) -> torch.Tensor:
        """L at each row of ``thetas`` (B, P): ``functional_call`` under ``vmap``, in calls sized by :meth:`plan`
        (a Sequential of Linear and elementwise layers: one ``baddbmm`` a layer, the loss under ``vmap``)."""
        if thetas.ndim != 2 or thetas.shape[1] != self.numel:
            raise ParameterError(
                "thetas", f"must have shape (B, {self.numel}), got {tuple(thetas.shape)}"
            )
        thetas = thetas.to(self.device, self.dtype)
        chunk, samples = self.plan()
        _keep_freed_buffers(self.cache_bytes)
        stack = _linear_stack(self.model) if self.inputs.ndim == 2 else None
        if stack is None:
            batched = vmap(self._call_params, in_dims=(0, None, None))
        else:
            per_point_loss = vmap(self.loss_fn, in_dims=(0, None))

            def batched(
                params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor
            ) -> torch.Tensor:
                return per_point_loss(_stacked_forward(stack, params, x), y)

        out = torch.zeros(len(thetas), dtype=self.dtype, device=self.device)
        with torch.no_grad():
            for start in range(0, len(thetas), chunk):
                # Each weight contiguous on its own: a strided view into the (chunk, P) block makes the
                # batched matrix products about 1.5x slower (measured), and the copy is only chunk x P numbers.
                params = {
                    k: v.contiguous()
                    for k, v in self.layout.unflatten(thetas[start : start + chunk]).items()
                }
                for x, y, w in self.batches(samples):
                    out[start : start + chunk] += w * batched(params, x, y)
        return out


# Parameter-free modules that act on each number alone, so they apply to a (points, samples, features) block as
# they do to (samples, features): a Sequential of these and Linear layers runs without vmap (_stacked_forward).
_ELEMENTWISE = (
    nn.ReLU, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Softplus, nn.Identity,
)  # fmt: skip


def _linear_stack(model: nn.Module) -> list[tuple[str, nn.Module]] | None:
    """``(name, layer)`` of an ``nn.Sequential`` of ``nn.Linear`` and elementwise layers (exact types, so a
    subclass with its own forward is not mistaken for one), else None: other models go through vmap."""
    if type(model) is not nn.Sequential:
        return None
    layers = list(model.named_children())
    if not any(type(m) is nn.Linear for _, m in layers):
        return None
    if not all(type(m) is nn.Linear or type(m) in _ELEMENTWISE for _, m in layers):
        return None
    if any(m._forward_hooks or m._forward_pre_hooks for _, m in layers) or model._forward_hooks:
        return None  # hooks expect to run: leave them to functional_call
    return layers


def _stacked_forward(
    stack: list[tuple[str, nn.Module]], params: dict[str, torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """The outputs (points, samples, out) of a Linear stack for a chunk of points, whose weights ``params`` carry
    a leading points axis: one fused ``baddbmm`` (bias + batched matrix product) per Linear layer.

    vmap of ``F.linear`` with batched weights runs a ``bmm`` and then a separate bias add, a second pass over
    every activation; this is the batched-GEMM pass itself (benchmarks/landscape.py)."""
    h: torch.Tensor | None = None
    for name, layer in stack:
        if type(layer) is nn.Linear:
            weight = params[name + ".weight"]
            inp = x.expand(len(weight), *x.shape) if h is None else h
            if layer.bias is None:
                h = torch.bmm(inp, weight.transpose(1, 2))
            else:
                h = torch.baddbmm(params[name + ".bias"][:, None, :], inp, weight.transpose(1, 2))
        elif h is None:
            x = layer(x)
        elif type(layer) is nn.ReLU:
            h = h.relu_()  # h is this function's own buffer
        else:
            h = layer(h)
    assert h is not None  # _linear_stack requires a Linear layer
    return h


_KEPT = 0  # the largest buffer _keep_freed_buffers has allocated and freed in this process
_GLIBC_MAX_THRESHOLD = (
    32 * 2**20
)  # glibc's ceiling for its dynamic mmap threshold on 64-bit machines


def _keep_freed_buffers(nbytes: int) -> None:
    """Allocate and free one buffer of ``nbytes`` (at most 32 MiB), once per process and size.

    glibc's malloc serves blocks above its mmap threshold (128 KiB at start) by mmap, and gives them back to the
    kernel when freed; every vmapped call allocates a few buffers per layer of that size, and each new one is
    page-faulted in again, which here cost more than the arithmetic (2.3 s against 0.8 s for a 51 x 51 grid,
    benchmarks/landscape.py). glibc raises the threshold to the size of an mmapped block when that block is freed
    (mallopt(3), M_MMAP_THRESHOLD), after which such buffers are reused from the heap. Freeing one large buffer
    is what any program does; this only does it first. Other allocators ignore it."""
    global _KEPT
    size = min(int(nbytes), _GLIBC_MAX_THRESHOLD)
    if size > _KEPT:
        del_me = torch.empty(size, dtype=torch.uint8)
        del del_me
        _KEPT = size


def _activations_per_sample(model: nn.Module, x: torch.Tensor) -> int:
    """The number of values all modules output for one sample (forward hooks on a no-grad pass)."""
    total = 0

    def count(_module: nn.Module, _inputs: Any, output: Any) -> None:
        nonlocal total
        if isinstance(output, torch.Tensor):
            total += output.numel()

    handles = [m.register_forward_hook(count) for m in model.modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return max(total, 1)
