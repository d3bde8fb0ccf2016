"""matplotlib figures: described as a PNG plus drawing primitives, and rebuilt for checks."""

from __future__ import annotations

import sys

from .common import suppress
from .transport import decode, encode, finite

MAX_FIGURES = 10
MAX_FIGURE_BYTES = 2 * 1024 * 1024


def describe_figures() -> list[dict]:
    """Return each open matplotlib figure as a PNG plus the primitives checks look at."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    import base64
    import io

    figures = []
    for number in pyplot.get_fignums()[:MAX_FIGURES]:
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        with suppress(Exception):
            figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        png = buffer.getvalue()
        suptitle = getattr(figure, "_suptitle", None)
        figures.append(
            {
                "png": base64.b64encode(png).decode() if 0 < len(png) <= MAX_FIGURE_BYTES else "",
                "png_size": len(png),
                "suptitle": suptitle.get_text() if suptitle is not None else "",
                "size": [float(value) for value in figure.get_size_inches()],
                "axes": [_describe_axes(axes) for axes in figure.get_axes()[:20]],
            }
        )
    return figures


def _describe_axes(axes) -> dict:
    from matplotlib.container import BarContainer
    from matplotlib.patches import Rectangle

    containers, in_containers = [], set()
    for container in axes.containers:
        if isinstance(container, BarContainer):
            bars = [[float(patch.get_x()), float(patch.get_y()), float(patch.get_width()), float(patch.get_height())] for patch in container.patches]
            in_containers.update(id(patch) for patch in container.patches)
            containers.append(
                {"orientation": getattr(container, "orientation", None) or "vertical", "bars": bars, "label": str(container.get_label())}
            )
    rectangles = [
        [float(patch.get_x()), float(patch.get_y()), float(patch.get_width()), float(patch.get_height())]
        for patch in axes.patches
        if isinstance(patch, Rectangle) and id(patch) not in in_containers
    ]
    lines = [
        {"x": encode(list(line.get_xdata())), "y": encode(list(line.get_ydata())), "label": str(line.get_label())} for line in axes.get_lines()[:50]
    ]
    scatter = [encode(collection.get_offsets().tolist()) for collection in axes.collections[:20] if hasattr(collection, "get_offsets")]
    legend = axes.get_legend()
    return {
        "title": axes.get_title(),
        "xlabel": axes.get_xlabel(),
        "ylabel": axes.get_ylabel(),
        "xlim": [finite(float(value)) for value in axes.get_xlim()],
        "ylim": [finite(float(value)) for value in axes.get_ylim()],
        "xscale": axes.get_xscale(),
        "yscale": axes.get_yscale(),
        "containers": containers,
        "rectangles": rectangles,
        "lines": lines,
        "scatter": scatter,
        "xticks": [[finite(float(tick)), label.get_text()] for tick, label in zip(axes.get_xticks(), axes.get_xticklabels(), strict=False)],
        "yticks": [[finite(float(tick)), label.get_text()] for tick, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=False)],
        "legend": [text.get_text() for text in legend.get_texts()] if legend is not None else [],
    }


def rebuild_figure(description: dict):
    """Draw a fresh matplotlib Figure from a description, for checks to inspect."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=description.get("size") or None)
    if description.get("suptitle"):
        figure.suptitle(description["suptitle"])
    for data in description.get("axes", []):
        axes = figure.add_subplot(len(description["axes"]), 1, len(figure.axes) + 1)
        for container in data["containers"]:
            bars = container["bars"]
            if not bars:
                continue
            x, y, width, height = zip(*bars, strict=True)
            if container["orientation"] == "horizontal":
                axes.barh(y, width, height=height, left=x, align="edge", label=container["label"])
            else:
                axes.bar(x, height, width=width, bottom=y, align="edge", label=container["label"])
        for x, y, width, height in data["rectangles"]:
            axes.add_patch(Rectangle((x, y), width, height))
        for line in data["lines"]:
            axes.plot(decode(line["x"]), decode(line["y"]), label=line["label"])
        for offsets in data["scatter"]:
            points = decode(offsets)
            if points:
                axes.scatter([point[0] for point in points], [point[1] for point in points])
        axes.set_title(data["title"])
        axes.set_xlabel(data["xlabel"])
        axes.set_ylabel(data["ylabel"])
        with suppress(ValueError):
            axes.set_xscale(data["xscale"])
            axes.set_yscale(data["yscale"])
        if data["xticks"]:
            axes.set_xticks([decode(tick) for tick, _ in data["xticks"]], [label for _, label in data["xticks"]])
        if data["yticks"]:
            axes.set_yticks([decode(tick) for tick, _ in data["yticks"]], [label for _, label in data["yticks"]])
        axes.set_xlim(*[decode(value) for value in data["xlim"]])
        axes.set_ylim(*[decode(value) for value in data["ylim"]])
        if data["legend"]:
            axes.legend(data["legend"])
    return figure
