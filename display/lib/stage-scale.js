// Fits the stage into its frame with one CSS transform, so the graphics are laid out once in
// stage pixels and every screen gets the same picture:
//  - 16:9 (1920x1080, 3840x2160): the 1920x1080 stage, scaled;
//  - 4:3 (1024x768) and anything narrower than 16:9: the same stage, letterboxed (bars above
//    and below), so a 4:3 projector shows exactly what the 16:9 screens show;
//  - a wide LED wall (3840x1080, 32:9; any frame of at least WIDE_RATIO): a 3840x1080 stage
//    (class `wide`), scaled to the frame's height, so the scenes use the width (more columns)
//    instead of a picture in the middle with black on both sides.
// The host console's miniatures are 16:9 frames: they always get the 1920x1080 stage.
export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;
export const WIDE_STAGE_WIDTH = 3840;
// Between 16:9 (1.78) and 32:9 (3.56): a 21:9 monitor (2.37) keeps the standard stage.
export const WIDE_RATIO = 2.5;

// While a poll is open another part of the display shows a join corner (QR code, short URL,
// code) at the stage's bottom right; scenes keep their text out of this box (stage pixels,
// measured from the stage's right and bottom edges) when the stage has `with-join-corner`.
export const JOIN_CORNER = { right: 48, bottom: 60, width: 260, height: 300, clearance: 24 };

// The stage's logical width for a frame.
export function stageWidthFor(width, height) {
  return width / height >= WIDE_RATIO ? WIDE_STAGE_WIDTH : STAGE_WIDTH;
}

// What a scene lays out against: the stage's size, and whether the join corner is shown
// (then `right` is the x beyond which no scene text may go, in the corner's rows). A scene
// mounted without a stage (the host's preview builds its own context) gets the standard one.
export function layoutOf(ctx) {
  const stage = ctx?.stageEl;
  const width = stage?.classList.contains('wide') ? WIDE_STAGE_WIDTH : STAGE_WIDTH;
  const joinCorner = Boolean(stage?.classList.contains('with-join-corner'));
  const cornerLeft = width - JOIN_CORNER.right - JOIN_CORNER.width - JOIN_CORNER.clearance;
  return { width, height: STAGE_HEIGHT, wide: width > STAGE_WIDTH, joinCorner, cornerLeft };
}

// `onResize(wide)`: called when the stage's logical width changes (a window dragged from a
// 16:9 screen to the LED wall), so that the scenes lay out again for the new width.
export function fitStage(stage, frame = document.documentElement, { onResize = null } = {}) {
  function fit() {
    const width = frame === document.documentElement ? window.innerWidth : frame.clientWidth;
    const height = frame === document.documentElement ? window.innerHeight : frame.clientHeight;
    if (!width || !height) return;
    // Only the venue display widens; a miniature keeps the stage the host console expects.
    const stageWidth = frame === document.documentElement ? stageWidthFor(width, height) : STAGE_WIDTH;
    const wide = stageWidth > STAGE_WIDTH;
    const changed = stage.classList.contains('wide') !== wide;
    stage.classList.toggle('wide', wide);
    const scale = Math.min(width / stageWidth, height / STAGE_HEIGHT);
    const x = (width - stageWidth * scale) / 2;
    const y = (height - STAGE_HEIGHT * scale) / 2;
    stage.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    if (changed) onResize?.(wide);
  }
  fit();
  if (frame === document.documentElement) {
    window.addEventListener('resize', fit);
  } else if ('ResizeObserver' in window) {
    new ResizeObserver(fit).observe(frame);
  }
  return fit;
}
