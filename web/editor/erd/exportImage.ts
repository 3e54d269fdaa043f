// The diagram as a PNG or SVG file, as in xyflow's "download image" example: the nodes'
// bounds give a viewport that fits them all, and html-to-image draws the viewport element
// with that transform. The caller renders every node first (onlyRenderVisibleElements
// leaves the off-screen ones out of the page).
import { getNodesBounds, getViewportForBounds, type Node } from "@xyflow/react";

export type ImageFormat = "png" | "svg";

const PADDING = 40;
// The styles the diagram's boxes, labels and lines use. html-to-image copies every computed
// property of every element otherwise — Mantine's hundreds of variables included — which
// makes a 3-type SVG a megabyte and a 100-type one unusable.
const STYLES = [
  "display position top left right bottom width height min-width min-height box-sizing margin-top",
  "margin-right margin-bottom margin-left padding-top padding-right padding-bottom padding-left",
  "border-top-width border-right-width border-bottom-width border-left-width border-top-style",
  "border-right-style border-bottom-style border-left-style border-top-color border-right-color",
  "border-bottom-color border-left-color border-top-left-radius border-top-right-radius",
  "border-bottom-left-radius border-bottom-right-radius outline-style outline-width outline-color",
  "outline-offset box-shadow background-color color opacity visibility overflow overflow-x overflow-y",
  "z-index font-family font-size font-weight font-style line-height letter-spacing text-align",
  "text-decoration-line text-overflow white-space list-style-type vertical-align flex-direction",
  "flex-wrap flex-grow flex-shrink flex-basis align-items justify-content gap transform",
  "transform-origin fill fill-opacity stroke stroke-width stroke-dasharray stroke-opacity",
  "dominant-baseline text-anchor",
  // Inherited into the edges' SVG, which html-to-image copies without computed styles.
  "--erd-edge --erd-edge-width --erd-label --erd-label-bg",
]
  .join(" ")
  .split(" ");
// Browsers refuse canvases much above 16k pixels a side; a huge model is drawn smaller.
const MAX_SIDE = 8000;

/** A file name from a model name: characters file systems refuse become "-". */
export const imageFileName = (name: string, format: ImageFormat) => `${name.replace(/[\\/:*?"<>|]+/g, "-").trim() || "diagram"}.${format}`;

/** Draw the nodes (and the edges between them) of `flow` (the .react-flow element) and hand the file to the browser. */
export async function exportImage(flow: HTMLElement, nodes: Node[], format: ImageFormat, fileName: string): Promise<void> {
  // Loaded on the first export: most sessions never export, so the diagram's chunk does not carry it.
  const { toPng, toSvg } = await import("html-to-image");
  const viewportEl = flow.querySelector<HTMLElement>(".react-flow__viewport");
  if (!viewportEl || !nodes.length) throw new Error("nothing to draw");
  const bounds = getNodesBounds(nodes);
  const zoom = Math.min(1, MAX_SIDE / (bounds.width + 2 * PADDING), MAX_SIDE / (bounds.height + 2 * PADDING));
  const width = Math.ceil((bounds.width + 2 * PADDING) * zoom);
  const height = Math.ceil((bounds.height + 2 * PADDING) * zoom);
  const viewport = getViewportForBounds(bounds, width, height, zoom, zoom, 0);
  const options = {
    // The diagram's own background: white in the light theme, dark in the dark one.
    backgroundColor: getComputedStyle(flow).backgroundColor,
    width,
    height,
    pixelRatio: 1,
    // System fonts only: nothing to embed, and reading every style sheet for fonts is slow.
    skipFonts: true,
    includeStyleProperties: STYLES,
    // The connection dots are for editing, not part of the picture.
    filter: (el: HTMLElement) => !el.classList?.contains("react-flow__handle"),
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${viewport.x}px, ${viewport.y}px) scale(${viewport.zoom})` },
  };
  const url = format === "png" ? await toPng(viewportEl, options) : await toSvg(viewportEl, options);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
}
