"""The page list: section, URL slug (also the script name and translation namespace) and icon."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    section: str  # catalog key under "nav." for the section title ("" for none)
    slug: str  # URL path, script name under pages/, and translation namespace
    icon: str

    @property
    def path(self) -> str:
        return f"pages/{self.slug}.py"


HOME = PageSpec("", "home", ":material/home:")  # the default page, at "/": the map of all topics

PAGES: list[PageSpec] = [
    PageSpec("basics", "activation", ":material/show_chart:"),
    PageSpec("basics", "playground", ":material/scatter_plot:"),
    PageSpec("basics", "backprop", ":material/account_tree:"),
    PageSpec("basics", "perceptron", ":material/linear_scale:"),
    PageSpec("basics", "losses", ":material/functions:"),
    PageSpec("basics", "optimizers", ":material/trending_down:"),
    PageSpec("basics", "minibatch", ":material/shuffle:"),
    PageSpec("basics", "fitting", ":material/tune:"),
    PageSpec("basics", "depth", ":material/layers:"),
    PageSpec("vision", "convolution", ":material/filter:"),
    PageSpec("vision", "pooling", ":material/grid_view:"),
    PageSpec("vision", "cnn", ":material/image_search:"),
    PageSpec("vision", "conv3d", ":material/view_in_ar:"),
    PageSpec("sequences", "rnn", ":material/loop:"),
    PageSpec("sequences", "lstm", ":material/memory:"),
    PageSpec("sequences", "textgen", ":material/edit_note:"),
    PageSpec("generative", "autoencoder", ":material/compress:"),
    PageSpec("generative", "gan", ":material/auto_awesome:"),
    PageSpec("generative", "gan_variants", ":material/call_split:"),
    PageSpec("attention", "attention", ":material/visibility:"),
    PageSpec("attention", "seq2seq_bottleneck", ":material/hourglass_bottom:"),
    PageSpec("attention", "transformer", ":material/translate:"),
    PageSpec("rl", "gridworld", ":material/grid_on:"),
    PageSpec("rl", "cartpole", ":material/sports_esports:"),
]
