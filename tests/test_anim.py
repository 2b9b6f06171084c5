"""optviz.anim: GIF timing and loop, where the runs are in the pixels, blitting against full redraws, sync across
panels, determinism, caps, atomic writes, the notebook and MP4 entry points."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _blitcheck import assert_blits_exactly
from PIL import Image

import optviz as ov
from optviz import anim, figures, limits
from optviz._blit import FrameRenderer
from optviz._validate import ParameterError
from optviz.testing import compare_gif, read_gif

SMALL = {"size": (6.4, 4.8), "dpi": 50}  # 320 x 240 px: quick, and big enough to find a marker


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def quad():
    return ov.surface("quadratic", kappa=25)


@pytest.fixture(scope="module")
def runs(quad):
    return [
        ov.run(quad, ov.GD(lr=0.07), start=(-4, 1.5), steps=30),
        ov.run(quad, ov.Momentum(lr=0.02), start=(-4, 1.5), steps=30),
    ]


def scene_of(kind, surface, runs, **options):
    size = options.pop("size", SMALL["size"])
    dpi = options.pop("dpi", SMALL["dpi"])
    return figures.figure(kind, surface, runs, size=size, dpi=dpi, pyplot=False, **options)


def rgb(color):
    return tuple(round(255 * c) for c in matplotlib.colors.to_rgb(color))


def pixel(frame, ax, xy):
    """The RGB of ``frame`` where data point ``xy`` of ``ax`` falls (display y runs upwards)."""
    x, y = ax.transData.transform(xy)
    height = frame.shape[0]
    return tuple(int(v) for v in frame[int(height - y), int(x), :3])


# -- timeline ----------------------------------------------------------------------------------------------
def test_frame_steps_cover_the_run_and_end_on_its_last_step():
    assert anim.frame_steps(10) == list(range(11))
    assert anim.frame_steps(10, stride=4) == [0, 4, 8, 10]
    steps = anim.frame_steps(1000, max_frames=100)
    assert steps[0] == 0 and steps[-1] == 1000 and len(steps) <= 100
    assert np.all(np.diff(steps) <= np.diff(steps)[0])
    assert anim.frame_steps(0) == [0]


@pytest.mark.parametrize("fps", range(1, 51))
def test_one_frame_duration_at_every_fps(tmp_path, fps):
    """1000/fps ms, to the nearest 10 ms (halves up), computed exactly; and the test plugin's GIF of a
    matplotlib Animation at that fps lasts the same (it once rounded 25 ms at 40 fps to 20 ms, where
    the animation writers gave 30)."""
    from fractions import Fraction

    from optviz.testing._render import materialize
    from optviz.testing.gif import read_gif

    centiseconds = Fraction(100, fps)
    nearest = int(centiseconds + Fraction(1, 2))  # floor(x + 1/2): halves round up
    expected = 10 * max(1, nearest)
    assert anim.frame_duration(fps) == expected
    if fps in (1, 7, 30, 40, 50):  # the plugin's materializer, on a real Animation
        from matplotlib.animation import FuncAnimation

        fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
        (line,) = ax.plot([0, 1], [0, 1])
        movie = FuncAnimation(
            fig, lambda k: [line.set_ydata([0, k])], frames=3, interval=1000 / fps
        )
        gif = read_gif(materialize(movie, tmp_path, "a"))
        assert gif.durations.tolist() == [expected] * 3
        plt.close(fig)


def test_frame_durations_are_centiseconds_and_the_last_frame_holds():
    assert anim.frame_duration(20) == 50
    assert anim.frame_duration(30) == 30  # 33.3 ms is not a duration a GIF can store
    assert anim.frame_duration(7) == 140
    assert anim.frame_durations(4, fps=25, hold=0.5) == [40, 40, 40, 540]
    assert anim.frame_durations(2, fps=20, hold=0) == [50, 50]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: anim.frame_steps(5000, stride=1), "stride"),
        (lambda: anim.frame_steps(10, max_frames=1), "max_frames"),
        (lambda: anim.frame_steps(10, max_frames=5000), "max_frames"),
        (lambda: anim.frame_duration(0), "fps"),
        (lambda: anim.frame_duration(60), "fps"),
        (lambda: anim.frame_durations(3, 20, hold=-1), "hold"),
    ],
)
def test_bad_timeline_values_name_the_field(call, field):
    with pytest.raises(ParameterError) as err:
        call()
    assert err.value.field == field
    assert "\n" not in str(err.value)


# -- the GIF -----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_gif_frames_durations_and_loop(tmp_path, quad, runs):
    path = anim.write_scene_gif(
        scene_of("trajectories", quad, runs), tmp_path / "a.gif", fps=20, hold=1.0
    )
    gif = read_gif(path)
    assert path == tmp_path / "a.gif"
    assert gif.loop == 0
    # 31 frames (steps 0..30): every frame differs (the counter changes), so none is merged.
    assert len(gif.frames) == 31
    assert gif.durations.tolist() == [50] * 30 + [1050]
    assert gif.frames.shape[1:] == (240, 320, 4)


def test_stride_thins_long_runs(tmp_path, quad):
    t = ov.run(quad, ov.Momentum(lr=0.02), steps=200)
    path = anim.write_scene_gif(
        scene_of("trajectories", quad, t), tmp_path / "s.gif", stride=25, hold=0
    )
    gif = read_gif(path)
    assert len(gif.frames) == 9  # 0, 25, ..., 200
    assert gif.total_ms == 9 * 50


@pytest.mark.slow
def test_run_end_points_are_where_xy_says_in_first_and_last_frames(tmp_path, quad):
    runs = [
        ov.run(quad, ov.GD(lr=0.07), start=(-4, 1.5), steps=30),
        ov.run(quad, ov.Momentum(lr=0.02), start=(3, -2), steps=30),
    ]
    scene = scene_of("trajectories", quad, runs, dpi=100)  # 640 x 480: end markers 5 px wide
    frames, steps = anim.render_frames(scene)
    gif = read_gif(anim.write_scene_gif(scene, tmp_path / "e.gif"))
    ax = scene.fig.axes[0]  # laid out by the renders
    for t in runs:
        color = rgb(ov.style.RULE_COLORS[t.rule])
        for i, k in ((0, steps[0]), (-1, steps[-1])):
            assert pixel(frames[i], ax, t.xy[k]) == color
            assert pixel(gif.frames[i], ax, t.xy[k]) == color  # the palette keeps run colours exact
    # ... and the path is not yet where it will be: the last point is background in the first frame.
    last = runs[1].xy[-1]
    assert pixel(frames[0], ax, last) != rgb(ov.style.RULE_COLORS["momentum"])


@pytest.mark.slow
def test_blitted_frames_equal_full_redraws(quad, runs):
    # An inside legend and the run's start marker lie over the paths; the loss panel is a second axes.
    scene = scene_of("trajectories", quad, runs, loss=True, legend="inside")
    assert_blits_exactly(scene)


@pytest.mark.slow
def test_blitting_is_exact_for_profiles_and_diverged_runs():
    s = ov.surface("saddle")
    runs = [
        ov.run(s, ov.GD(lr=0.1), steps=40),
        ov.run(s, ov.Momentum(lr=0.1), steps=40, noise=ov.GaussianNoise(0.3), seed=0),
    ]
    assert runs[1].status == "diverged"
    scene = scene_of("contour_profile", s, runs, along="y", through=[0.0, 0.0])
    assert_blits_exactly(scene, stride=3)


@pytest.mark.slow
def test_panels_show_the_same_iteration(quad, runs):
    """Paths and loss curves of both panels end at iteration k in every frame (data and pixels)."""
    scene = scene_of(
        "trajectories", quad, runs, loss=True, loss_kind="loss", size=(12.8, 7.2), dpi=100
    )
    frames, steps = anim.render_frames(scene, stride=10)
    path_ax, loss_ax = scene.fig.axes[:2]
    assert steps == [0, 10, 20, 30]
    momentum = runs[1]
    color = rgb(ov.style.RULE_COLORS["momentum"])
    paths = [line for line in path_ax.get_lines() if line.get_label().startswith("Momentum")]
    curves = [line for line in loss_ax.get_lines() if line.get_label().startswith("Momentum")]
    for frame, k in zip(frames, steps, strict=True):
        scene.set_frame(k)
        assert len(paths[0].get_xdata()) == len(curves[0].get_xdata()) == k + 1
        if k > 0:  # (at k = 0 both runs' start markers share the pixel: either may be on top)
            assert pixel(frame, path_ax, momentum.xy[k]) == color
        if k > 0:  # the loss curve's last segment, from k - 1 to k, is drawn...
            assert near(frame, loss_ax, segment_middle(loss_ax, momentum, k - 1), color)
        if k < steps[-1]:  # ... and the next one is not, yet
            assert not near(frame, loss_ax, segment_middle(loss_ax, momentum, k), color)
    scene.finish()


def panels_scene(quad, pace):
    from optviz.figures import PanelData, build_scene, figure_kind

    q4 = ov.surface("quadratic", kappa=4)
    first = [ov.run(quad, ov.Momentum(lr=0.02), start=(-4, 1.5), steps=40)]
    second = [ov.run(q4, ov.GD(lr=0.05), start=(3, 2), steps=20)]  # a shorter run
    trajectories = figure_kind("trajectories")
    panels = [
        (trajectories, PanelData(surface=s, trajectories=r, options=trajectories.options()))
        for s, r in ((quad, first), (q4, second))
    ]
    kind = figure_kind("panels")
    scene = build_scene(
        kind, PanelData(options=kind.options(pace=pace), panels=panels), size=(12.8, 7.2), dpi=100,
        pyplot=False,
    )  # fmt: skip
    return scene, first[0], second[0]


@pytest.mark.slow
def test_subfigure_panels_show_the_same_iteration(quad):
    """pace = "iteration": both panels' runs end at iteration k in every frame (the shorter one frozen)."""
    scene, first, second = panels_scene(quad, "iteration")
    frames, steps = anim.render_frames(scene, stride=8)
    assert steps == [0, 8, 16, 24, 32, 40]
    axes = [sub.axes[0] for sub in scene.fig.subfigs]
    for frame, k in zip(frames, steps, strict=True):
        for ax, t in zip(axes, (first, second), strict=True):
            shown = min(k, int(t.stop_step))
            assert pixel(frame, ax, t.xy[shown]) == rgb(ov.style.RULE_COLORS[t.rule]), (k, t.rule)
    scene.set_frame(16)
    paths = [next(line for line in ax.get_lines() if line.get_label()[0] != "_") for ax in axes]
    assert [len(path.get_xdata()) for path in paths] == [17, 17]


@pytest.mark.slow
def test_subfigure_panels_end_together_each_naming_its_iteration(quad):
    """pace = "together" (the default): every panel's runs end on the last frame, no panel stands still while
    another moves, and each panel names the iteration it shows (no shared counter, which would be wrong)."""
    scene, first, second = panels_scene(quad, "together")
    assert scene.last_step == 40 and not scene.counter
    frames, steps = anim.render_frames(scene, stride=8)
    axes = [sub.axes[0] for sub in scene.fig.subfigs]
    labels = [next(t for t in ax.texts if t.get_text().startswith("k = ")) for ax in axes]
    for frame, k in zip(frames, steps, strict=True):
        scene.set_frame(k)
        for ax, t, label, scale in zip(axes, (first, second), labels, (1.0, 0.5), strict=True):
            shown = round(k * scale)
            assert pixel(frame, ax, t.xy[shown]) == rgb(ov.style.RULE_COLORS[t.rule]), (k, t.rule)
            path = next(line for line in ax.get_lines() if line.get_label()[0] != "_")
            assert len(path.get_xdata()) == shown + 1
            assert label.get_text() == f"k = {shown}" and label.get_visible() == (k < 40)
    # Between any two frames both panels move (the shorter run does not stop at frame 20).
    scene.set_frame(32)
    assert labels[1].get_text() == "k = 16"
    assert_blits_exactly(scene, stride=8)


def segment_middle(ax, t, k):
    """Display point halfway along the loss curve's segment from iteration k to k + 1."""
    a, b = ax.transData.transform([(k, t.loss[k]), (k + 1, t.loss[k + 1])])
    return (a + b) / 2


def near(frame, ax, xy, color, radius=1):
    """Whether a pixel within ``radius`` of display point ``xy`` has exactly ``color``."""
    row, col = int(frame.shape[0] - xy[1]), int(xy[0])
    patch = frame[row - radius : row + radius + 1, col - radius : col + radius + 1, :3]
    return bool((patch == color).all(axis=-1).any())


@pytest.mark.slow
def test_two_renders_give_identical_frames_and_bytes(tmp_path, quad, runs):
    a = anim.write_scene_gif(scene_of("trajectories", quad, runs), tmp_path / "a.gif")
    b = anim.write_scene_gif(scene_of("trajectories", quad, runs), tmp_path / "b.gif")
    result = compare_gif(a, b, tol=0, max_diff=0)
    assert result, str(result)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.slow
def test_a_scene_renders_the_same_every_time(tmp_path, quad, runs):
    scene = scene_of("trajectories", quad, runs)
    first = anim.write_scene_gif(scene, tmp_path / "1.gif").read_bytes()
    assert anim.write_scene_gif(scene, tmp_path / "2.gif").read_bytes() == first


@pytest.mark.slow
def test_the_scene_is_left_as_it_was(tmp_path, quad, runs):
    scene = scene_of("trajectories", quad, runs, legend="inside")
    fig = scene.fig
    canvas, engine = fig.canvas, fig.get_layout_engine()
    texts = len(fig.texts) + sum(len(ax.texts) for ax in fig.axes)
    anim.write_scene_gif(scene, tmp_path / "x.gif")
    assert fig.canvas is canvas and fig.get_layout_engine() is engine
    assert scene.counters == []
    assert len(fig.texts) + sum(len(ax.texts) for ax in fig.axes) == texts
    assert not any(a.get_animated() for a in fig.findobj())
    assert fig.axes[0].get_legend()._loc == 0  # "best" again
    path = next(line for line in fig.axes[0].get_lines() if line.get_label().startswith("GD"))
    assert len(path.get_xdata()) == 31  # the static figure: the whole run


def test_counter_sits_in_a_free_corner(quad, runs):
    scene = scene_of("trajectories", quad, runs)
    steps = anim.frame_steps(scene.last_step)
    with (
        anim.Counter(scene) as counter,
        FrameRenderer(scene, steps, prepare=counter.place) as frames,
    ):
        frames.render(7)
        ax, _loc = counter.where
        box = counter.text.get_window_extent(frames.renderer)
        assert counter.text.get_text() == "iteration 7"
        if ax is None:  # in the figure's margin: clear of every axes and of the legend
            assert not any(box.overlaps(a.get_window_extent()) for a in scene.fig.axes)
            assert not any(box.overlaps(leg.get_window_extent()) for leg in scene.fig.legends)
    assert counter.text is None


@pytest.mark.slow
def test_no_counter(tmp_path, quad, runs):
    frames, _ = anim.render_frames(scene_of("trajectories", quad, runs), stride=30, counter=False)
    with_counter, _ = anim.render_frames(scene_of("trajectories", quad, runs), stride=30)
    assert (frames != with_counter).any()


# -- caps, atomic writes, progress -------------------------------------------------------------------------
@pytest.mark.slow
def test_more_than_4k_pixels_is_refused(tmp_path, quad, runs):
    scene = scene_of("trajectories", quad, runs, size=(12.8, 7.2), dpi=400)
    with pytest.raises(ParameterError, match="larger than 4K") as err:
        anim.write_scene_gif(scene, tmp_path / "big.gif")
    assert err.value.field == "size"
    assert not (tmp_path / "big.gif").exists()


def test_more_than_2000_frames_is_refused(tmp_path, quad):
    t = ov.run(quad, ov.GD(lr=0.01), steps=3000)
    with pytest.raises(ParameterError, match="the limit is 2,000") as err:
        anim.write_scene_gif(scene_of("trajectories", quad, t), tmp_path / "long.gif", stride=1)
    assert err.value.field == "stride"


def test_render_frames_refuses_to_hold_too_much_memory(quad, runs, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FRAME_BYTES", 10 * 320 * 240 * 4)
    with pytest.raises(ParameterError, match="GiB") as err:
        anim.render_frames(scene_of("trajectories", quad, runs))
    assert err.value.field == "max_frames"


@pytest.mark.slow
def test_a_failing_render_leaves_no_file(tmp_path, quad, runs, monkeypatch):
    from optviz import _gif

    target = tmp_path / "out.gif"
    target.write_bytes(b"the previous file")
    calls = []

    def broken(self, rgba, duration):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("disk full")

    monkeypatch.setattr(_gif.GifWriter, "add", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        anim.write_scene_gif(scene_of("trajectories", quad, runs), target)
    assert target.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gif"]


@pytest.mark.slow
def test_progress_is_silent_when_not_a_terminal(tmp_path, quad, runs, capsys):
    anim.write_scene_gif(scene_of("trajectories", quad, runs), tmp_path / "p.gif", quiet=False)
    assert capsys.readouterr() == ("", "")


# -- one call, notebooks, MP4 ------------------------------------------------------------------------------
@pytest.mark.slow
def test_animate_writes_a_gif_of_the_trajectories_kind(tmp_path, quad, runs):
    path = ov.animate(quad, runs, tmp_path / "one.gif", dpi=40, hold=0, loss=True, condition=True)
    gif = read_gif(path)
    assert gif.frames.shape[1:3] == (288, 512)  # 12.8 x 7.2 in with side panels, at 40 dpi
    assert len(gif.frames) == 31 and gif.loop == 0


@pytest.mark.parametrize("size", [(0, 4), (6.4,), "big"])
def test_animate_refuses_bad_sizes(tmp_path, quad, runs, size):
    with pytest.raises(ParameterError) as err:
        ov.animate(quad, runs, tmp_path / "one.gif", size=size)
    assert err.value.field == "size"


def test_animate_refuses_other_suffixes(tmp_path, quad, runs):
    with pytest.raises(ParameterError, match=r"\.gif or \.mp4") as err:
        ov.animate(quad, runs, tmp_path / "one.png")
    assert err.value.field == "path"


def test_mp4_without_imageio_ffmpeg_says_how_to_install_it(tmp_path, quad, runs):
    pytest.importorskip("imageio")  # the base dependency; the ffmpeg plugin is the optional extra
    try:
        import imageio_ffmpeg  # noqa: F401

        pytest.skip("imageio-ffmpeg is installed")
    except ImportError:
        pass
    with pytest.raises(ModuleNotFoundError) as err:
        ov.animate(quad, runs, tmp_path / "one.mp4")
    message = str(err.value)
    assert 'pip install "optviz[mp4]"' in message and "imageio-ffmpeg" in message
    assert "\n" not in message
    assert not list(tmp_path.iterdir())


def test_animation_is_a_blitting_funcanimation(quad, runs):
    from matplotlib.animation import FuncAnimation

    a = ov.animation(quad, runs, dpi=40, fps=25, hold=1)
    assert isinstance(a, FuncAnimation)
    assert a._blit and a._interval == 40 and a._repeat_delay == 1000
    assert a.steps == list(range(31))
    artists = a._func(12)
    paths = [line for line in a.scene.fig.axes[0].get_lines() if line.get_label().startswith("GD")]
    assert len(paths[0].get_xdata()) == 13
    assert all(artist.axes is not None for artist in artists)  # FuncAnimation blits axes by axes
    counter = a.scene.counters[0]
    assert counter in artists and counter.get_text() == "iteration 12"
    z = [artist.get_zorder() for artist in artists if artist.axes is paths[0].axes]
    assert z == sorted(z)  # in drawing order


@pytest.mark.slow
def test_animation_blits_the_same_pixels_as_a_full_redraw(quad, runs):
    """Through FuncAnimation's own blitting (axes by axes), with an inside legend and the counter."""
    a = ov.animation(quad, runs, dpi=50, legend="inside")
    fig = a.scene.fig
    fig.canvas.draw()
    a._init_draw()
    for k in (3, 17, 30):
        a._draw_next_frame(k, blit=True)
        blitted = np.array(fig.canvas.buffer_rgba())
        for artist in a._drawn_artists:
            artist.set_animated(False)
        fig.canvas.draw()
        for artist in a._drawn_artists:
            artist.set_animated(True)
        np.testing.assert_array_equal(
            blitted, np.asarray(fig.canvas.buffer_rgba()), err_msg=f"frame {k}"
        )


def test_render_frames_returns_rgba_frames_and_steps(quad, runs):
    frames, steps = ov.render_frames(scene_of("trajectories", quad, runs), stride=7)
    assert steps == [0, 7, 14, 21, 28, 30]
    assert frames.shape == (6, 240, 320, 4) and frames.dtype == np.uint8
    assert (frames[..., 3] == 255).all()
    Image.fromarray(frames[-1])  # a plain image


def fake_ffmpeg(monkeypatch, sent, calls):
    """An imageio_ffmpeg stand-in whose write_frames generator records what it is sent."""
    import sys
    import types
    from pathlib import Path

    def write_frames(path, size, **options):
        calls.update(path=path, size=size, **options)
        try:
            while True:
                frame = yield
                if frame is not None:
                    sent.append(frame)
        finally:
            Path(path).write_bytes(b"mp4")

    monkeypatch.setitem(
        sys.modules, "imageio_ffmpeg", types.SimpleNamespace(write_frames=write_frames)
    )


def test_mp4_frames_are_padded_to_16_pixels_and_the_last_one_held(
    tmp_path, quad, runs, monkeypatch
):
    sent, calls = [], {}
    fake_ffmpeg(monkeypatch, sent, calls)
    path = ov.animate(quad, runs, tmp_path / "m.mp4", dpi=45, fps=10, hold=0.5)
    assert path.read_bytes() == b"mp4"
    assert calls["size"] == (288, 224)  # 288 x 216 pixels, padded below to a multiple of 16
    assert calls["fps"] == 10 and calls["pix_fmt_in"] == "rgb24"
    assert len(sent) == 31 + 5  # every frame, then the last one for another 0.5 s
    frames = [np.frombuffer(f, np.uint8).reshape(224, 288, 3) for f in sent]
    assert (frames[-1][216:] == 255).all()  # the padding is the figure's white
    assert all((f == frames[-1]).all() for f in frames[-6:])
    assert not (frames[0] == frames[-1]).all()
