// The live panel (ui/live_feed.py): asks the server for the next frame of this run and swaps its pictures and
// numbers in place, without a Streamlit rerun. Every text is set with textContent, never as HTML.
function walk(blocks, visit) {
  for (const block of blocks) {
    if (block.k === "columns") block.cols.forEach((col) => walk(col, visit));
    else visit(block);
  }
}

function signature(blocks) {
  return JSON.stringify(blocks.map((b) => b.k === "columns" ? [b.weights, b.cols.map(signature)]
    : b.k === "metrics" ? [b.k, b.items.length]
    : b.k === "picture" ? [b.k, !!b.title, b.legend.length, b.caption.length > 0, !!b.stretch] : b.k));
}

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

function text(node, value) {
  if (node.textContent !== value) node.textContent = value;
}

// Lines of runs [text, colour, bold] (ui/live_feed.rich), drawn again only when they change.
function rich(node, lines) {
  const key = JSON.stringify(lines);
  if (node.__key === key) return;
  node.__key = key;
  node.replaceChildren();
  lines.forEach((runs, i) => {
    if (i) el("br", "", node);
    for (const [value, color, bold] of runs) {
      const span = el(bold ? "strong" : "span", "", node);
      span.textContent = value;
      if (/^#[0-9a-fA-F]{6}$/.test(color)) span.style.color = color;
    }
  });
}

function table(node, block) {
  const key = JSON.stringify([block.columns, block.rows]);
  if (node.__key === key) return;
  node.__key = key;
  node.replaceChildren();
  const head = el("tr", "", el("thead", "", node));
  block.columns.forEach((name) => { el("th", "", head).textContent = name; });
  const body = el("tbody", "", node);
  for (const row of block.rows) {
    const tr = el("tr", "", body);
    row.forEach((value) => { el("td", "", tr).textContent = value; });
  }
}

function build(blocks, parent, updaters) {
  for (const b of blocks) {
    if (b.k === "columns") {
      const row = el("div", "nnpg-cols", parent);
      b.cols.forEach((col, i) => {
        const cell = el("div", "nnpg-col", row);
        cell.style.flex = `${b.weights[i]} 1 0`;
        build(col, cell, updaters);
      });
    } else if (b.k === "progress") {
      const box = el("div", "nnpg-progress", parent);
      box.dataset.testid = "nnpgLiveProgress";
      const label = el("div", "nnpg-progress-text", box);
      const bar = el("div", "nnpg-bar", el("div", "nnpg-track", box));
      updaters.push((u) => { text(label, u.text); bar.style.width = `${(100 * u.value).toFixed(2)}%`; });
    } else if (b.k === "metrics") {
      const row = el("div", "nnpg-metrics", parent);
      const cells = b.items.map(() => {
        const cell = el("div", "nnpg-metric", row);
        return [el("div", "nnpg-metric-label", cell), el("div", "nnpg-metric-value", cell)];
      });
      updaters.push((u) => u.items.forEach(([l, v], i) => { text(cells[i][0], l); text(cells[i][1], v); }));
    } else if (b.k === "picture") {
      const box = el("div", "nnpg-picture", parent);
      const title = b.title ? el("div", "nnpg-title", box) : null;
      const img = el("img", b.stretch ? "nnpg-stretch" : "", box);
      img.alt = "";
      const legend = b.legend.length ? el("div", "nnpg-legend", box) : null;
      const entries = b.legend.map(() => {
        const item = el("span", "nnpg-legend-item", legend);
        return [el("span", "nnpg-mark", item), el("span", "", item)];
      });
      const caption = b.caption.length ? el("div", "nnpg-note", box) : null;
      updaters.push((u) => {
        if (img.getAttribute("src") !== u.src && u.src.startsWith("data:image/png;base64,")) img.src = u.src;
        if (title) text(title, u.title);
        u.legend.forEach(([mark, label, color], i) => {
          text(entries[i][0], mark); entries[i][0].style.color = /^#[0-9a-fA-F]{6}$/.test(color) ? color : "";
          text(entries[i][1], label);
        });
        if (caption) rich(caption, u.caption);
      });
    } else if (b.k === "literal") {
      const node = el("pre", "nnpg-literal", parent);
      updaters.push((u) => { node.textContent = u.text; });
    } else if (b.k === "table") {
      const node = el("table", "nnpg-table", parent);
      updaters.push((u) => table(node, u));
    } else {
      const node = el("div", b.k === "note" ? "nnpg-note" : "nnpg-text", parent);
      updaters.push((u) => rich(node, u.lines));
    }
  }
}

function draw(root, state, frame) {
  const blocks = frame.blocks || [];
  const sig = signature(blocks);
  if (sig !== state.sig) {
    root.replaceChildren();
    state.updaters = [];
    build(blocks, root, state.updaters);
    state.sig = sig;
  }
  let i = 0;
  walk(blocks, (b) => state.updaters[i++](b));
  state.frames += 1;
  root.dataset.frames = String(state.frames);
}

async function poll(root, state) {
  state.timer = null;
  if (!state.alive || state.ended) return;
  const token = state.token;
  const started = performance.now();
  let frame = null;
  try {
    const url = new URL(`_nnpg/live/${encodeURIComponent(token)}`, document.baseURI);
    const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    frame = await response.json();
  } catch (e) {
    frame = null;  // a dropped request: ask again a little later
  }
  if (!state.alive || token !== state.token) return;
  if (frame && (frame.state === "ended" || frame.state === "gone")) {
    state.ended = true;  // "gone": the page's own run closed this feed and draws the run itself
    if (frame.state === "ended") state.setTrigger("ended", Date.now());  // the page shows how the run stopped
    return;
  }
  let wait = 300;  // "wait" (the page holds the run), or no answer
  if (frame && frame.state === "live") draw(root, state, frame);
  if (frame && (frame.state === "live" || frame.state === "same")) {
    wait = Math.max(0, state.everyMs - (performance.now() - started));
  }
  state.timer = setTimeout(() => poll(root, state), wait);
}

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".nnpg-live");
  const state = root.__nnpgLive || (root.__nnpgLive = { sig: null, updaters: [], token: null, timer: null,
                                                         alive: false, ended: false, frames: 0 });
  state.setTrigger = setTriggerValue;
  state.everyMs = data.every_ms;
  if (state.token !== data.token) {
    state.token = data.token;
    state.ended = false;
  }
  draw(root, state, data.frame);
  state.alive = true;
  if (state.timer === null) state.timer = setTimeout(() => poll(root, state), state.everyMs);
  return () => {
    state.alive = false;
    clearTimeout(state.timer);
    state.timer = null;
  };
}
