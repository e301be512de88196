// Fits the fixed 1920x1080 stage into its frame with one CSS transform, letterboxed, so the
// graphics are laid out once and every screen (16:9, 4:3, a host miniature) gets the same
// picture.
export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;

export function fitStage(stage, frame = document.documentElement) {
  function fit() {
    const width = frame === document.documentElement ? window.innerWidth : frame.clientWidth;
    const height = frame === document.documentElement ? window.innerHeight : frame.clientHeight;
    if (!width || !height) return;
    const scale = Math.min(width / STAGE_WIDTH, height / STAGE_HEIGHT);
    const x = (width - STAGE_WIDTH * scale) / 2;
    const y = (height - STAGE_HEIGHT * scale) / 2;
    stage.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  }
  fit();
  if (frame === document.documentElement) {
    window.addEventListener('resize', fit);
  } else if ('ResizeObserver' in window) {
    new ResizeObserver(fit).observe(frame);
  }
  return fit;
}
